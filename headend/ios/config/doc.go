// Package config is the configuration of a simulated IOS router (an ISR
// G2 on IOS 15.x): what `show running-config` prints and the global,
// interface, line and webvpn commands change, the checks each command
// makes, and the secrets IOS keeps of its passwords. It is pure data; the
// device (headend/ios) holds a running and a saved Config.
package config
