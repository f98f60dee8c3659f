// Package portal is the lab's simulated Cisco licensing portal: it takes
// orders for AnyConnect licenses and delivers PAKs, registers PAKs to ASA
// serial numbers and returns the activation keys with the license e-mail,
// shares Plus/Apex licenses to more ASAs with activation codes, issues demo
// licenses, re-hosts licenses after an RMA, and reports honor-system
// compliance. The keys themselves come from package keygen.
//
// The package is pure logic: every action takes the lab time and returns
// the records it changes (see Portal); the lab persists them.
package portal
