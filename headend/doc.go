// Package headend is what every family of simulated VPN headend shares:
// the platform catalog (one table of every model and its limits), the
// families and how each is licensed, the kinds of VPN connection, the
// reasons a connection is refused, and the errors every family returns.
// A family (the ASA with activation keys in headend/asa; ASAv with Smart
// Licensing and IOS routers later) lives in its own package beside it. It
// is pure logic: no network, no disk, and the time is always passed in
// from the lab's clock.
package headend
