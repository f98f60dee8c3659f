// Package ioslic makes and checks the license files of IOS routers (ISR
// G2): the SKU table of the feature licenses the lab's portal sells for
// them, and the text file, in the spirit of a Cisco .lic file, that binds
// one or more feature licenses to a router's UDI (PID:SN) and carries a
// signature made with the lab's secret, so that a file made by another
// lab, or edited by hand, is refused.
package ioslic
