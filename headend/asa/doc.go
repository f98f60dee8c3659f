// Package asa is the ASA family: one device licensed by activation keys
// (PAK) with its license state (running and flash permanent keys,
// time-based keys, reload-pending; the rules that combine them are in
// headend/asa/license), or, on an ASAv, by the Smart Agent it holds
// (headend/asav), and its running and saved configuration (the model
// and its `show running-config` sections are in headend/asa/config), the
// changes the console makes to them, the software trains it runs, its
// admission policy, and the renderer of the ASA's show commands (`show
// version`, `show activation-key`, `show running-config`, ...). Domains
// that need only the platform, the software version and the configuration
// are sub-packages the device calls: the SSH server (headend/asa/ssh), the
// interfaces (headend/asa/iface), the failover lines and `show failover`
// (headend/asa/failover), the box's outputs (headend/asa/hardware). It is
// pure logic: no network, no disk, and the time is always passed in from
// the lab's clock.
package asa
