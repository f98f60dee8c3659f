package ioslic

// SKU is one IOS feature license part number.
type SKU struct {
	PID string
	// Feature is the IOS feature the license turns on.
	Feature string
	// Count is the seats of a counted feature (SSL_VPN), 0 otherwise.
	Count int
	// Module is the technology-package module the license is for
	// ("c2900"); empty when it fits every ISR G2.
	Module string
	// Description is the portal's line.
	Description string
}

// LookupSKU resolves a part number (case-insensitive).
func LookupSKU(pid string) (SKU, bool) { return SKU{}, false }

// SKUs is the table, in order.
func SKUs() []SKU { return nil }

// ModuleOfPID is the technology-package module of a router PID
// ("CISCO2911/K9" → "c2900"); ok is false for a PID that is not an ISR G2.
func ModuleOfPID(pid string) (module string, ok bool) { return "", false }
