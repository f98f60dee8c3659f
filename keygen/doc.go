// Package keygen makes and reads the activation keys of the simulated ASA
// 5500 / 5500-X headends: the key codec and the lab's signer, the feature
// sets a key grants, and the lab signing secret's file. The licensing
// portal that sells and registers keys is its subpackage portal.
//
// A key is 160 bits shown as five 32-bit words, like Cisco's. Cisco's format is
// secret, so ours is our own but behaves the same way: a key carries a feature
// set and a duration, is valid only on the serial number it was made for, and
// cannot be forged without the lab's signing secret. See Signer for the layout.
package keygen
