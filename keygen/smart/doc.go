// Package smart is the lab's simulated Cisco Smart Software Manager: Smart
// Accounts with Virtual Accounts, the entitlements bought into them, the ID
// tokens that register ASAv headends, the devices registered with their
// UDIs and the entitlements they consume, the usage and compliance of each
// entitlement tag, and Permanent License Reservation (a device's request
// code turned into an authorization code).
//
// The package is pure logic: every action takes the lab time and returns
// the records it changes (see Manager); the lab persists them.
package smart
