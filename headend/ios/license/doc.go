// Package license is the licensing of an IOS router of the ISR G2 line
// (CISCO1941, CISCO2911, CISCO3945...): its technology packages (ipbasek9
// permanent; securityk9, uck9, datak9 by evaluation right to use or a
// permanent license file), the boot package that takes effect at the next
// reload, the counted SSL_VPN seats of installed license files, the
// `license install|clear|save|boot|accept` commands and the `show license`
// and `show version` outputs. It is pure: every method takes the lab time,
// nothing does I/O; the device (headend/ios) owns a Store and persists it
// as JSON.
package license
