// Package ios is the IOS router as a family of headends: an ISR G2
// (CISCO1941, CISCO2911, CISCO3945) on IOS 15.x, and the IOS XE routers,
// a CSR 1000V licensed by Smart Licensing and an ASR 1001-X licensed by
// right-to-use feature licenses (xe.go), as the lab drives them
// (family.Device; a CSR also family.SmartLicensing), with their
// configuration (headend/ios/config), the ISR's technology-package
// licensing (headend/ios/license), the CSR's Smart Agent (headend/asav's,
// for the CSR's entitlements), the files on flash (family.Flash), the
// admission policy their licenses and configuration make, and the outputs
// of their `show` commands. It is pure logic: the time is passed in,
// nothing does I/O. The console is headend/ios/console.
package ios
