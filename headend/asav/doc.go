// Package asav is the Smart Agent of a simulated ASAv: the `license smart`
// configuration it is given, its registration, authorization, evaluation
// and reservation state on the lab clock, its talks with a Smart Software
// Manager (family.SmartManager), the ASAv entitlement tiers with the limits
// each gives, the syslog lines of its transitions, and the renderers of
// `show license ...` and of the license lines of `show version`.
//
// The agent is also the CSR 1000V's (headend/ios): an agent made by
// NewFor carries that product's UDI and logs the bare SMART_LIC messages
// of an IOS-XE agent, and its *Ask methods take what the product's own
// configuration asks for (Ask) instead of the ASAv's `license smart`
// block.
//
// The package is pure: every method takes the time, nothing sleeps or does
// I/O; the ASA device (headend/asa) holds an Agent in its trusted storage
// for Smart-licensed platforms and maps the Limits onto its license.
//
// Real texts come from public captures of ASAv 9.x (ntc-templates'
// cisco_asa_show_license_all samples, registered, failed renewal and
// evaluation; cisco_asa_show_version1, an unlicensed ASAv10; a 9.15(1)
// ASAv in evaluation and an ASAv10 with a Permanent License Reservation
// from public lab notes). Where no real text was found the package
// prints one documented form, marked UNSURE where it is defined.
package asav
