// Package ios is the IOS router as a family of headends: an ISR G2
// (CISCO1941, CISCO2911, CISCO3945) on IOS 15.x, as the lab drives it
// (family.Device), with its configuration (headend/ios/config), its
// technology-package licensing (headend/ios/license), the files on its
// flash (family.Flash), the admission policy its licenses and webvpn
// configuration make, and the outputs of its `show` commands. It is pure
// logic: the time is passed in, nothing does I/O. The console is
// headend/ios/console.
package ios
