// Package keygen makes and reads the activation keys of the simulated ASA
// 5500 / 5500-X headends, and runs the licensing portal that sells and
// registers them (Portal: PAKs, registration, license sharing, demo
// licenses, RMA re-hosting and the honor-system compliance report).
//
// A key is 160 bits shown as five 32-bit words, like Cisco's. Cisco's format is
// secret, so ours is our own but behaves the same way: a key carries a feature
// set and a duration, is valid only on the serial number it was made for, and
// cannot be forged without the lab's signing secret. See Signer for the layout.
package keygen
