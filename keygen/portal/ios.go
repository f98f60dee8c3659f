package portal

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/keygen/ioslic"
)

// IOS licenses. An ISR G2 router is licensed by license files bound to its
// UDI (PID:SN): the portal sells the feature licenses of keygen/ioslic
// (technology packages, SSL VPN seats), and registering such a PAK with
// the router's UDI (RegisterOptions.UDI) makes the license file the router
// installs with `license install`, instead of an activation key. The
// rules, where the facts are silent one documented choice each:
//   - An IOS PAK registers to one router per unit of its quantity, like the
//     single-use ASA licenses; registering it again to the same UDI returns
//     the same file (a lost file is found in the portal).
//   - The UDI's SN keys the portal's record, as an ASA's serial does; a
//     serial given with the UDI must be that SN. An RMA re-host of the SN
//     does not move IOS licenses (the lab does not simulate IOS rehosting).
//   - PAK registration of AnyConnect licenses does not apply to IOS
//     headends: AnyConnect Plus and Apex are needed for VPN to IOS
//     headends, on the honor system, with nothing installed on the router.
//     Such a PAK given with a UDI is refused with that reason
//     (ErrAnyConnectIOS); another ASA license with a UDI is refused too
//     (ErrUDIForASA), as is an IOS PAK without one (ErrUDIRequired).

// Domain errors of IOS registrations.
var (
	ErrUDIRequired   = errors.New("portal: an IOS license is registered to the router's UDI (PID:SN)")
	ErrUDIForASA     = errors.New("portal: a UDI registers IOS licenses; this PAK is an ASA license, registered to the ASA's serial number")
	ErrAnyConnectIOS = errors.New("portal: PAK registration of AnyConnect licenses does not apply to IOS headends: AnyConnect Plus and Apex are honor-system licenses there, with no license file on the router")
	ErrInvalidUDI    = errors.New("portal: invalid UDI")
	// ErrIOSPlatform: the IOS license is for another router series than
	// the UDI's (SL-29-SEC-K9 for a CISCO1941/K9), or the UDI is not an
	// ISR G2's.
	ErrIOSPlatform = errors.New("portal: the license is not for the router of the UDI")
)

// IOSLicense is the license file an IOS registration makes.
type IOSLicense struct {
	UDI string
	// FileName is the name Cisco gives license files, SN and time of
	// issue: "FTX1234A5BC_20260301093000000.lic".
	FileName string
	// File is the license file (ioslic's format), License its one line.
	File    []byte
	License ioslic.License
}

func iosLicense(g Registration) *IOSLicense {
	_, sn, _ := strings.Cut(g.UDI, ":")
	return &IOSLicense{UDI: g.UDI, FileName: sn + "_" + g.License.Issued.UTC().Format("20060102150405") + "000.lic",
		File: ioslic.Encode([]ioslic.License{g.License}), License: g.License}
}

// iosSKU resolves an IOS feature license part number (upper case). The
// IOS parts are kept out of the ASA catalog (skuCatalog): they make no
// keys, and the ASA's list of parts stays as it was.
func iosSKU(name string) (SKU, bool) {
	s, ok := ioslic.LookupSKU(name)
	if !ok {
		return SKU{}, false
	}
	return SKU{Name: s.PID, Kind: KindIOS, Tier: TierIOS, Description: s.Description}, true
}

// skuNames is the list of parts an unknown part number is answered with:
// the ASA's, or the IOS ones for a name in their style (FL-..., SL-...).
func skuNames(name string) []string {
	if !strings.HasPrefix(name, "FL-") && !strings.HasPrefix(name, "SL-") {
		return SKUNames()
	}
	var out []string
	for _, s := range ioslic.SKUs() {
		out = append(out, s.PID)
	}
	return out
}

// registerIOS is RegisterPakWith for an IOS PAK, or a PAK given with a UDI.
func (t *tx) registerIOS(k *PAK, serial string, opts RegisterOptions) (Change, Registered, error) {
	sku := k.SKUInfo()
	switch {
	case sku.Kind != KindIOS && (sku.Tier == TierPlus || sku.Tier == TierApex):
		return Change{}, Registered{}, fmt.Errorf("%w (PAK %s is %s)", ErrAnyConnectIOS, k.ID, k.SKU)
	case sku.Kind != KindIOS:
		return Change{}, Registered{}, fmt.Errorf("%w (PAK %s is %s)", ErrUDIForASA, k.ID, k.SKU)
	case opts.UDI == "":
		return Change{}, Registered{}, fmt.Errorf("%w: PAK %s is %s", ErrUDIRequired, k.ID, k.SKU)
	case opts.Migrate:
		return Change{}, Registered{}, fmt.Errorf("%w: a migration replaces ASA AnyConnect licenses, not IOS ones", ErrMigrateToRetired)
	}
	_, sn, err := ioslic.SplitUDI(opts.UDI)
	if err != nil {
		return Change{}, Registered{}, fmt.Errorf("%w: %w", ErrInvalidUDI, err)
	}
	if serial != "" && serial != sn {
		return Change{}, Registered{}, fmt.Errorf("%w: serial %q is not the SN of UDI %s", ErrInvalidUDI, serial, opts.UDI)
	}
	r, err := t.usableSerial(sn)
	if err != nil {
		return Change{}, Registered{}, err
	}
	if i := slices.IndexFunc(r.IOS, func(g Registration) bool { return g.PAK == k.ID }); i >= 0 {
		g := r.IOS[i]
		if g.UDI != opts.UDI {
			return Change{}, Registered{}, fmt.Errorf("%w: PAK %s is registered to %s", ErrPAKExhausted, k.ID, g.UDI)
		}
		return Change{}, t.iosRegistered(r, k, g, true), nil
	}
	if holders := t.holders(k.ID); len(holders) >= k.Quantity {
		return Change{}, Registered{}, fmt.Errorf("%w: PAK %s (%s, quantity %d) is registered to %s; it registers to one router per unit bought",
			ErrPAKExhausted, k.ID, k.SKU, k.Quantity, strings.Join(holders, ", "))
	}
	_, lic, err := ioslic.Issue(t.p.signer, opts.UDI, k.SKU, t.now, k.ID)
	if err != nil {
		if errors.Is(err, ioslic.ErrSKUNotForPlatform) {
			err = fmt.Errorf("%w: %w", ErrIOSPlatform, err)
		}
		return Change{}, Registered{}, err
	}
	g := Registration{PAK: k.ID, How: HowRegistered, At: t.now, UDI: opts.UDI, License: lic}
	r = t.editSerial(sn)
	r.IOS = append(r.IOS, g)
	return t.change(), t.iosRegistered(r, k, g, false), nil
}

func (t *tx) iosRegistered(r *SerialRecord, k *PAK, g Registration, again bool) Registered {
	row := rowFor(k, g)
	lic := iosLicense(g)
	return Registered{Serial: r.Serial, Row: row, Again: again, IOS: lic, Email: iosEmail(lic, row)}
}

// iosEmail is the license e-mail of an IOS license, in the layout of the
// ASA's (email.go), naming the file instead of printing a key.
func iosEmail(l *IOSLicense, row LicenseRow) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(emailFrom)
	line("Subject: Your Cisco Product license file")
	line("")
	line(emailKeep)
	line("")
	line("Attached is the license file for your Cisco router. Copy it to the router's flash and install it with "+
		"\"license install flash:%s\".", l.FileName)
	line("")
	line("UDI: %s", l.UDI)
	line("")
	line("Product Authorization Key : %s", row.PAK)
	line("")
	line("Product : %s", row.SKU)
	line("")
	line("Feature : %s", l.License.Feature)
	if l.License.Counted() {
		line("Count : %d", l.License.Count)
	}
	line("")
	line("License file : %s", l.FileName)
	return b.String()
}

// IOSLicenses lists the IOS licenses registered to the router of a
// serial number (its UDI's SN), in registration order.
func (p *Portal) IOSLicenses(now time.Time, serial string) ([]IOSLicense, error) {
	if err := checkSerial(serial); err != nil {
		return nil, err
	}
	var out []IOSLicense
	for _, g := range p.begin(now).serial(serial).IOS {
		out = append(out, *iosLicense(g))
	}
	return out, nil
}
