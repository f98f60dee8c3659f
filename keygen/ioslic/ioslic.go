package ioslic

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
	ErrInvalidUDI = errors.New("ioslic: UDI must be PID:SN, the SN 11 characters A-Z, 0-9")
	// ErrSKUNotForPlatform: the SKU is a license for another platform
	// (SL-29-SEC-K9 for a CISCO1941), or the UDI is not an ISR G2's.
	ErrSKUNotForPlatform = errors.New("ioslic: the license SKU is not for the UDI's platform")
	// ErrInvalidReference: the reference (the PAK a license was issued
	// for) is empty or not letters, digits and dashes.
	ErrInvalidReference = errors.New("ioslic: license reference must be 1 to 40 letters, digits or dashes")
)

// Version is the feature version of every license line ("1.0"), as the
// %LICENSE-6-INSTALL message prints it.
const Version = "1.0"

// MaxFileSize bounds what Parse reads: a real license file is a few
// kilobytes; anything much larger is not one.
const MaxFileSize = 64 << 10

// maxLines bounds the license lines of one file.
const maxLines = 64

// License is one feature license of a license file.
type License struct {
	// UDI is the router the license is bound to: "CISCO2911/K9:FTX1234A5BC".
	UDI string `json:"udi"`
	// SKU is the part number it was bought as: "FL-SSLVPN10-K9".
	SKU string `json:"sku"`
	// Feature is the IOS feature name: "SSL_VPN", "securityk9".
	Feature string `json:"feature"`
	// Version is the feature version IOS prints ("1.0").
	Version string `json:"version"`
	// Count is the seats of a counted feature, 0 for an uncounted one.
	Count int `json:"count,omitempty"`
	// Issued is when the portal made the license (lab time).
	Issued time.Time `json:"issued"`
	// Reference is what the license was issued for: the PAK.
	Reference string `json:"reference"`
	// ID tells licenses apart: derived from the other fields, so that
	// the same license installed twice is seen as one.
	ID string `json:"id"`
	// Signature is the lab's signature of the line; Encode writes it
	// back unchanged.
	Signature string `json:"signature"`
}

// Counted reports whether the feature is counted (SSL_VPN seats).
func (l License) Counted() bool { return l.Count > 0 }

var (
	refRE     = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)
	featureRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
	versionRE = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$`)
)

// maxCount bounds a line's count as read: well above any SKU's seats.
const maxCount = 1 << 20

// Issue makes a license file for the SKU bound to udi, signed with the
// lab's signer. ref is what it is issued for (the PAK): two licenses of
// the same SKU for the same router at the same time differ by it.
func Issue(s *keygen.Signer, udi, sku string, issued time.Time, ref string) ([]byte, License, error) {
	k, ok := LookupSKU(sku)
	if !ok {
		return nil, License{}, fmt.Errorf("%w: %q", ErrUnknownSKU, sku)
	}
	pid, _, err := SplitUDI(udi)
	if err != nil {
		return nil, License{}, err
	}
	module, ok := ModuleOfPID(pid)
	if !ok || (k.Module != "" && k.Module != module) {
		return nil, License{}, fmt.Errorf("%w: %s is not a license for %s", ErrSKUNotForPlatform, k.PID, pid)
	}
	if !refRE.MatchString(ref) {
		return nil, License{}, ErrInvalidReference
	}
	l := License{
		UDI: udi, SKU: k.PID, Feature: k.Feature, Version: Version, Count: k.Count,
		Issued: issued.UTC().Truncate(time.Second), Reference: ref,
	}
	l.ID, l.Signature = l.sign(s)
	return Encode([]License{l}), l, nil
}

// canonical is what the ID and the signature cover.
func (l License) canonical() string {
	return strings.Join([]string{"v1", l.UDI, l.SKU, l.Feature, l.Version, strconv.Itoa(l.Count),
		l.Issued.UTC().Format(time.RFC3339), l.Reference}, "|")
}

// sign is the ID and the signature the lab's signer gives l.
func (l License) sign(s *keygen.Signer) (id, sig string) {
	c := l.canonical()
	id = s.Token("ioslic-id|"+c, 0, 16)
	return id, s.Token("ioslic-sig|"+c+"|"+id, 0, 32)
}

// CheckSignature checks one license line against the lab's signer.
func (l License) CheckSignature(s *keygen.Signer) error {
	if id, sig := l.sign(s); l.ID != id || l.Signature != sig {
		return fmt.Errorf("%w: feature %s", ErrBadSignature, l.Feature)
	}
	return nil
}

// The file is XML in the spirit of a Cisco .lic file (a
// CISCO_WT_ARTIFACTS document of CISCO_WT_LICENSE elements, each one
// feature bound to a PID and SN), with the lab's own fields.
type xmlFile struct {
	XMLName  xml.Name     `xml:"CISCO_WT_ARTIFACTS"`
	Version  string       `xml:"version,attr"`
	Licenses []xmlLicense `xml:"CISCO_WT_LICENSE"`
}

type xmlLicense struct {
	Version        string `xml:"version,attr"`
	FeatureName    string `xml:"FEATURE_NAME"`
	FeatureVersion string `xml:"FEATURE_VERSION"`
	SKU            string `xml:"SKU"`
	Count          int    `xml:"COUNT"`
	UDI            xmlUDI `xml:"UDI"`
	Source         string `xml:"SOURCE"`
	CreateDate     string `xml:"CREATE_DATE"`
	Reference      string `xml:"PAK"`
	ID             string `xml:"LICENSE_ID"`
	Signature      string `xml:"SIGNATURE"`
}

type xmlUDI struct {
	PID string `xml:"PID"`
	SN  string `xml:"SN"`
}

// Encode writes licenses already issued (each keeping its signature) as
// one license file: what `license save` writes.
func Encode(lics []License) []byte {
	f := xmlFile{Version: "1.0"}
	for _, l := range lics {
		pid, sn, _ := strings.Cut(l.UDI, ":")
		f.Licenses = append(f.Licenses, xmlLicense{
			Version: "1.0", FeatureName: l.Feature, FeatureVersion: l.Version, SKU: l.SKU, Count: l.Count,
			UDI: xmlUDI{PID: pid, SN: sn}, Source: "asalab licensing portal",
			CreateDate: l.Issued.UTC().Format(time.RFC3339), Reference: l.Reference, ID: l.ID, Signature: l.Signature,
		})
	}
	b, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		// Only strings and ints: marshalling cannot fail.
		panic(err)
	}
	return append([]byte(xml.Header), append(b, '\n')...)
}

// Parse reads a license file without checking signatures: the installer
// names each line's feature even when it refuses it. A file that is not
// one of this format, or a line of an unknown SKU or with fields out of
// range, is ErrMalformed.
func Parse(data []byte) ([]License, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: over %d bytes", ErrMalformed, MaxFileSize)
	}
	var f xmlFile
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	if err := d.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(f.Licenses) == 0 || len(f.Licenses) > maxLines {
		return nil, fmt.Errorf("%w: %d license lines", ErrMalformed, len(f.Licenses))
	}
	out := make([]License, 0, len(f.Licenses))
	for i, x := range f.Licenses {
		l, err := x.license()
		if err != nil {
			return nil, fmt.Errorf("%w: license line %d: %v", ErrMalformed, i+1, err)
		}
		out = append(out, l)
	}
	return out, nil
}

func (x xmlLicense) license() (License, error) {
	k, ok := LookupSKU(x.SKU)
	if !ok || k.PID != x.SKU {
		return License{}, fmt.Errorf("unknown SKU %q", x.SKU)
	}
	// The feature, version and count are kept as written, even when they
	// no longer agree with the SKU: an edited line is then refused by its
	// signature, as a tampered Cisco license file is ("Signature
	// verification failed"), not taken for no license at all.
	if !featureRE.MatchString(x.FeatureName) || !versionRE.MatchString(x.FeatureVersion) || x.Count < 0 || x.Count > maxCount {
		return License{}, fmt.Errorf("feature %q %q count %d", x.FeatureName, x.FeatureVersion, x.Count)
	}
	udi := x.UDI.PID + ":" + x.UDI.SN
	if _, _, err := SplitUDI(udi); err != nil {
		return License{}, err
	}
	at, err := time.Parse(time.RFC3339, x.CreateDate)
	if err != nil {
		return License{}, fmt.Errorf("create date %q", x.CreateDate)
	}
	if !refRE.MatchString(x.Reference) || x.ID == "" || x.Signature == "" {
		return License{}, errors.New("missing reference, ID or signature")
	}
	return License{UDI: udi, SKU: k.PID, Feature: x.FeatureName, Version: x.FeatureVersion, Count: x.Count,
		Issued: at.UTC(), Reference: x.Reference, ID: x.ID, Signature: x.Signature}, nil
}

// Verify reads a license file and checks every license line's signature
// with the lab's signer. Any malformed or badly signed line refuses the
// whole file.
func Verify(s *keygen.Signer, data []byte) ([]License, error) {
	lics, err := Parse(data)
	if err != nil {
		return nil, err
	}
	for _, l := range lics {
		if err := l.CheckSignature(s); err != nil {
			return nil, err
		}
	}
	return lics, nil
}

var pidRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9/-]{0,39}$`)

// SplitUDI splits "PID:SN"; the SN is a serial of 11 characters A-Z, 0-9.
func SplitUDI(udi string) (pid, sn string, err error) {
	pid, sn, ok := strings.Cut(udi, ":")
	if !ok || !pidRE.MatchString(pid) || !keygen.ValidSerial(sn) {
		return "", "", fmt.Errorf("%w: %q", ErrInvalidUDI, udi)
	}
	return pid, sn, nil
}
