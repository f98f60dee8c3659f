package ioslic

import (
	"regexp"
	"strings"
)

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

// Feature names as IOS prints them.
const (
	FeatureIPBase   = "ipbasek9"
	FeatureSecurity = "securityk9"
	FeatureUC       = "uck9"
	FeatureData     = "datak9"
	FeatureSSLVPN   = "SSL_VPN"
)

// skus is the table. The part numbers are those of Cisco's ISR G2
// ordering guides (recalled, not verified against a price list): the
// technology package licenses SL-<series>-<PKG>-K9 of each series (the
// 1900 has no UC package: its `show version` table lists ipbase, security
// and data only) and the SSL VPN feature licenses FL-SSLVPN<n>-K9 of 10,
// 25 and 100 simultaneous users, which fit every ISR G2.
var skus = []SKU{
	{PID: "FL-SSLVPN10-K9", Feature: FeatureSSLVPN, Count: 10, Description: "SSL VPN license, 10 users, ISR G2"},
	{PID: "FL-SSLVPN25-K9", Feature: FeatureSSLVPN, Count: 25, Description: "SSL VPN license, 25 users, ISR G2"},
	{PID: "FL-SSLVPN100-K9", Feature: FeatureSSLVPN, Count: 100, Description: "SSL VPN license, 100 users, ISR G2"},
	{PID: "SL-19-SEC-K9", Feature: FeatureSecurity, Module: "c1900", Description: "Security technology package license, Cisco 1900"},
	{PID: "SL-29-SEC-K9", Feature: FeatureSecurity, Module: "c2900", Description: "Security technology package license, Cisco 2900"},
	{PID: "SL-39-SEC-K9", Feature: FeatureSecurity, Module: "c3900", Description: "Security technology package license, Cisco 3900"},
	{PID: "SL-29-UC-K9", Feature: FeatureUC, Module: "c2900", Description: "Unified Communications technology package license, Cisco 2900"},
	{PID: "SL-39-UC-K9", Feature: FeatureUC, Module: "c3900", Description: "Unified Communications technology package license, Cisco 3900"},
	{PID: "SL-19-DATA-K9", Feature: FeatureData, Module: "c1900", Description: "Data technology package license, Cisco 1900"},
	{PID: "SL-29-DATA-K9", Feature: FeatureData, Module: "c2900", Description: "Data technology package license, Cisco 2900"},
	{PID: "SL-39-DATA-K9", Feature: FeatureData, Module: "c3900", Description: "Data technology package license, Cisco 3900"},
}

// LookupSKU resolves a part number (case-insensitive).
func LookupSKU(pid string) (SKU, bool) {
	for _, s := range skus {
		if strings.EqualFold(s.PID, pid) {
			return s, true
		}
	}
	return SKU{}, false
}

// SKUs is the table, in order.
func SKUs() []SKU { return append([]SKU(nil), skus...) }

// isrPID: the router PIDs of the ISR G2 series, CISCO1941/K9,
// CISCO2911/K9, CISCO3945/K9 (and the 3900 chassis PIDs).
var isrPID = regexp.MustCompile(`^CISCO(19|29|39)[0-9]{2}(/K9|-CHASSIS|/K9-CHASSIS)?$`)

// ModuleOfPID is the technology-package module of a router PID
// ("CISCO2911/K9" → "c2900"); ok is false for a PID that is not an ISR G2.
func ModuleOfPID(pid string) (module string, ok bool) {
	m := isrPID.FindStringSubmatch(pid)
	if m == nil {
		return "", false
	}
	return "c" + m[1] + "00", true
}
