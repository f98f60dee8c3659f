// Package headend is one simulated VPN headend: the platform catalog (one
// table of every model and its limits), the license state of a device
// (running and flash permanent keys, time-based keys, reload-pending,
// configuration) with the rules of docs/licensing-rules.md, and the one
// renderer of the ASA
// text formats (`show version`, `show activation-key`, `show
// running-config`). It is pure logic: no network, no disk, and the time is
// always passed in from the lab's clock.
package headend
