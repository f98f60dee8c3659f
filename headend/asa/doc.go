// Package asa is the ASA family licensed by activation keys (PAK): one
// device's license state (running and flash permanent keys, time-based
// keys, reload-pending; the rules that combine them are in
// headend/asa/license), its
// configuration (users, interfaces, logging, SSH, webvpn and group
// policies, and the lines the configuration grammar of headend/asa/grammar
// parses), the software
// trains it runs, its admission policy, and the one renderer of the ASA
// text formats (`show version`, `show activation-key`, `show
// running-config`, ...). It is pure logic: no network, no disk, and the
// time is always passed in from the lab's clock.
package asa
