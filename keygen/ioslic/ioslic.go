package ioslic

import (
	"errors"
	"time"

	"github.com/asalab/asalab/keygen"
)

// Domain errors. Whether a file is for this router (its UDI) is the
// installer's check, not Verify's.
var (
	// ErrMalformed: the data is not a license file of this lab's format.
	ErrMalformed = errors.New("ioslic: malformed license file")
	// ErrBadSignature: a license line's signature does not match: made by
	// another lab, or edited by hand.
	ErrBadSignature = errors.New("ioslic: license signature is not valid")
	// ErrUnknownSKU: the part number is not an IOS feature license.
	ErrUnknownSKU = errors.New("ioslic: unknown IOS license SKU")
	// ErrInvalidUDI: not a UDI of the form PID:SN.
	ErrInvalidUDI = errors.New("ioslic: UDI must be PID:SN")
	// ErrSKUNotForPlatform: the SKU is a license for another platform
	// (SL-29-SEC-K9 for a CISCO1941).
	ErrSKUNotForPlatform = errors.New("ioslic: the license SKU is not for the UDI's platform")
)

// License is one feature license of a license file.
type License struct {
	// UDI is the router the license is bound to: "CISCO2911/K9:FTX1234A5BC".
	UDI string
	// SKU is the part number it was bought as: "FL-SSLVPN10-K9".
	SKU string
	// Feature is the IOS feature name: "SSL_VPN", "securityk9".
	Feature string
	// Version is the feature version IOS prints ("1.0").
	Version string
	// Count is the seats of a counted feature, 0 for an uncounted one.
	Count int
	// Issued is when the portal made the license (lab time).
	Issued time.Time
	// ID tells licenses apart: derived from the UDI, SKU and time of
	// issue, so that the same purchase installed twice is seen as one.
	ID string
	// Signature is the lab's signature of the line; Encode writes it
	// back unchanged.
	Signature string
}

// Counted reports whether the feature is counted (SSL_VPN seats).
func (l License) Counted() bool { return l.Count > 0 }

// Issue makes a license file for the SKU bound to udi, signed with the
// lab's signer.
func Issue(s *keygen.Signer, udi, sku string, issued time.Time) ([]byte, License, error) {
	return nil, License{}, ErrUnknownSKU
}

// Encode writes licenses already issued (each keeping its signature) as
// one license file: what `license save` writes.
func Encode(lics []License) []byte { return nil }

// Verify reads a license file and checks every license line's signature
// with the lab's signer. Any malformed or badly signed line refuses the
// whole file.
func Verify(s *keygen.Signer, data []byte) ([]License, error) {
	return nil, ErrMalformed
}

// SplitUDI splits "PID:SN".
func SplitUDI(udi string) (pid, sn string, err error) { return "", "", ErrInvalidUDI }
