package portal

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/asalab/asalab/keygen"
)

// SKUKind is how a part is sold and registered.
type SKUKind int

// SKU kinds.
const (
	// KindTerm: the banding Plus/Apex licenses (L-AC-PLS-LIC=,
	// L-AC-APX-LIC=): a user count, a term in months and a start date.
	KindTerm SKUKind = iota + 1
	// KindPerpetual: AnyConnect Plus perpetual (L-AC-PLS-P-G): a user count.
	KindPerpetual
	// KindVPNOnly: L-AC-VPNO-<n>=, n simultaneous connections on one headend.
	KindVPNOnly
	// KindClassic: a retired permanent per-ASA license (Premium,
	// Essentials, Mobile, Shared, Security Plus).
	KindClassic
	// KindTimeBased: the retired time-based AnyConnect Premium license.
	KindTimeBased
	// KindDemo: the 4-week Apex evaluation (RequestDemoLicense; not sold).
	KindDemo
	// KindIOS: an IOS router feature license (SL-29-SEC-K9,
	// FL-SSLVPN10-K9): registered with the router's UDI, it makes a
	// license file instead of a key (ios.go).
	KindIOS
)

// Tier is the license family a SKU belongs to.
type Tier int

// Tiers.
const (
	TierPlus Tier = iota + 1
	TierApex
	TierVPNOnly
	// TierClassic: the licenses of the retired model, bound to one ASA.
	TierClassic
	// TierIOS: the feature licenses of IOS routers.
	TierIOS
)

func (t Tier) String() string {
	switch t {
	case TierPlus:
		return "Plus"
	case TierApex:
		return "Apex"
	case TierVPNOnly:
		return "VPN Only"
	case TierClassic:
		return "Classic"
	case TierIOS:
		return "IOS"
	}
	return "unknown"
}

// SKU is one orderable part, with its size resolved.
type SKU struct {
	// Name is the canonical part number, the size filled in:
	// "L-AC-VPNO-100=".
	Name string
	Kind SKUKind
	Tier Tier
	// Size is the n of a sized part (sessions, pool size), else 0.
	Size        int
	Description string
	// Features is what a key made from this SKU grants.
	Features keygen.Features
}

// MultiUse reports whether one PAK of the SKU registers to any number of
// ASAs and can be shared: the Plus/Apex licenses are "not tied to a
// specific ASA / head-end" (Cisco's Secure Client (AnyConnect) Licensing
// FAQ); VPN Only and the retired licenses are.
func (s SKU) MultiUse() bool { return s.Tier == TierPlus || s.Tier == TierApex }

// TimeBased reports whether the SKU makes a time-based key.
func (s SKU) TimeBased() bool { return s.Kind == KindTimeBased || s.Kind == KindDemo }

// RetiredAnyConnect reports whether the SKU is an AnyConnect license of the
// retired model (Essentials, Premium, time-based Premium, Mobile, Shared
// server or participant), which a migration to Plus, Apex or VPN Only
// replaces; Security Plus is a platform license and stays.
func (s SKU) RetiredAnyConnect() bool {
	f := s.Features
	return s.Tier == TierClassic && (f.HasClassicAnyConnect() || f.Mobile || f.Phone || f.AEA)
}

// UserLicensed reports whether the SKU is counted in authorized users.
func (s SKU) UserLicensed() bool { return s.Kind == KindTerm || s.Kind == KindPerpetual }

// skuFamily is one row of the catalog. A sized family has "<n>" in its name.
type skuFamily struct {
	name  string
	kind  SKUKind
	tier  Tier
	desc  string
	sizes func(n int) bool
	// sizeHelp lists the sizes for error messages.
	sizeHelp string
	grant    func(n int) keygen.Features
}

var premiumSizes = []int{10, 25, 50, 100, 250, 500, 750, 1000, 2500, 5000, 10000}

func oneOf(list []int) func(int) bool { return func(n int) bool { return slices.Contains(list, n) } }

func plusApex(int) keygen.Features { return keygen.Features{PlusApex: true} }

// skuCatalog is the portal's price list: the one table of what can be
// ordered. The Plus/Apex/VPN Only part numbers are those of Cisco's Secure
// Client (AnyConnect) Licensing FAQ; the retired
// part numbers are recalled (Cisco sold Essentials, Mobile and Security Plus
// per platform model, e.g. L-ASA5510-SEC-PL=; the lab sells one generic part
// each, as the key it makes is the same on every model and the ASA caps it).
var skuCatalog = []skuFamily{
	{name: "L-AC-PLS-LIC=", kind: KindTerm, tier: TierPlus, grant: plusApex,
		desc: "AnyConnect Plus term license (users, term, start date)"},
	{name: "L-AC-APX-LIC=", kind: KindTerm, tier: TierApex, grant: plusApex,
		desc: "AnyConnect Apex term license (users, term, start date)"},
	{name: "L-AC-PLS-P-G", kind: KindPerpetual, tier: TierPlus, grant: plusApex,
		desc: "AnyConnect Plus perpetual license (users)"},
	{name: "L-AC-VPNO-<n>=", kind: KindVPNOnly, tier: TierVPNOnly, sizes: oneOf(keygen.VPNOnlyTiers),
		sizeHelp: fmt.Sprint(keygen.VPNOnlyTiers), grant: func(n int) keygen.Features { return keygen.Features{VPNOnly: n} },
		desc: "AnyConnect VPN Only, <n> simultaneous connections on one headend"},
	{name: "L-ASA-SSL-<n>=", kind: KindClassic, tier: TierClassic, sizes: oneOf(premiumSizes),
		sizeHelp: fmt.Sprint(premiumSizes), grant: func(n int) keygen.Features { return keygen.Features{PremiumPeers: n} },
		desc: "AnyConnect Premium, <n> peers (retired)"},
	{name: "L-ASA-AC-E=", kind: KindClassic, tier: TierClassic, grant: func(int) keygen.Features { return keygen.Features{Essentials: true} },
		desc: "AnyConnect Essentials (retired)"},
	{name: "L-ASA-AC-M=", kind: KindClassic, tier: TierClassic, grant: func(int) keygen.Features { return keygen.Features{Mobile: true} },
		desc: "AnyConnect for Mobile (retired)"},
	{name: "L-ASA-SSL-SHR-SRV-<n>=", kind: KindClassic, tier: TierClassic,
		sizes: func(n int) bool { return n >= 500 && n <= 30000 && n%500 == 0 }, sizeHelp: "500 to 30000 in steps of 500",
		grant: func(n int) keygen.Features { return keygen.Features{SharedServer: n} },
		desc:  "Shared AnyConnect Premium server, a pool of <n> sessions (retired)"},
	{name: "L-ASA-SSL-SHR-PRT=", kind: KindClassic, tier: TierClassic, grant: func(int) keygen.Features { return keygen.Features{SharedParticipant: true} },
		desc: "Shared AnyConnect Premium participant (retired)"},
	{name: "L-ASA-SEC-PL=", kind: KindClassic, tier: TierClassic, grant: func(int) keygen.Features { return keygen.Features{SecurityPlus: true} },
		desc: "Security Plus"},
	{name: "L-ASA-SSL-TB-<n>=", kind: KindTimeBased, tier: TierClassic, sizes: oneOf(premiumSizes),
		sizeHelp: fmt.Sprint(premiumSizes), grant: func(n int) keygen.Features { return keygen.Features{PremiumPeers: n} },
		desc: "time-based AnyConnect Premium, <n> peers, 1 to 12 months (retired)"},
}

// DemoSKU names the 4-week Apex evaluation in license lists; it is not sold
// but asked for (RequestDemoLicense).
const DemoSKU = "L-AC-APX-DEMO"

// DemoDays is the length of the Apex evaluation: "Cisco offers 4-week Apex
// evaluation licenses" (Cisco's Secure Client (AnyConnect) Licensing FAQ).
const DemoDays = 28

func demoSKU() SKU {
	return SKU{Name: DemoSKU, Kind: KindDemo, Tier: TierApex, Description: "AnyConnect Plus/Apex (ASA) Demo License, 4 weeks",
		Features: keygen.Features{PlusApex: true}}
}

// SKUNames lists the catalog's part numbers, "<n>" marking a size.
func SKUNames() []string {
	out := make([]string, len(skuCatalog))
	for i, f := range skuCatalog {
		out[i] = f.name
	}
	return out
}

// ParseSKU resolves a part number. A sized part takes its size in the name
// ("L-AC-VPNO-100=") or, written without it ("L-AC-VPNO=" or the catalog's
// "L-AC-VPNO-<n>="), from size; both may be given if they agree. Case and
// surrounding spaces are ignored.
func ParseSKU(name string, size int) (SKU, error) {
	n := strings.ToUpper(strings.TrimSpace(name))
	if n == DemoSKU {
		return SKU{}, fmt.Errorf("%w %s: the demo license is not sold; request it for a serial number", ErrUnknownSKU, DemoSKU)
	}
	for _, f := range skuCatalog {
		prefix, suffix, sized := strings.Cut(f.name, "-<n>")
		if !sized {
			if n != f.name {
				continue
			}
			if size != 0 {
				return SKU{}, fmt.Errorf("%w: %s has no size (size %d given)", ErrInvalidOrder, f.name, size)
			}
			return f.resolve(0), nil
		}
		var got int
		switch {
		case n == strings.ToUpper(f.name) || n == prefix+suffix:
			got = size
			if got == 0 {
				return SKU{}, fmt.Errorf("%w: %s needs a size, one of %s", ErrInvalidOrder, f.name, f.sizeHelp)
			}
		case strings.HasPrefix(n, prefix+"-") && strings.HasSuffix(n, suffix):
			digits := strings.TrimSuffix(strings.TrimPrefix(n, prefix+"-"), suffix)
			v, err := strconv.Atoi(digits)
			if err != nil || digits == "" || digits[0] == '+' || digits[0] == '-' {
				continue
			}
			if size != 0 && size != v {
				return SKU{}, fmt.Errorf("%w: %s has size %d, not %d", ErrInvalidOrder, n, v, size)
			}
			got = v
		default:
			continue
		}
		if !f.sizes(got) {
			return SKU{}, fmt.Errorf("%w: %s comes in sizes %s, not %d", ErrUnknownSKU, f.name, f.sizeHelp, got)
		}
		return f.resolve(got), nil
	}
	if s, ok := iosSKU(n); ok {
		if size != 0 {
			return SKU{}, fmt.Errorf("%w: %s has no size (size %d given)", ErrInvalidOrder, s.Name, size)
		}
		return s, nil
	}
	return SKU{}, fmt.Errorf("%w %q (the portal sells %s)", ErrUnknownSKU, strings.TrimSpace(name), strings.Join(skuNames(n), ", "))
}

func (f skuFamily) resolve(n int) SKU {
	name := f.name
	if n > 0 {
		name = strings.Replace(name, "<n>", strconv.Itoa(n), 1)
	}
	return SKU{Name: name, Kind: f.kind, Tier: f.tier, Size: n, Description: strings.ReplaceAll(f.desc, "<n>", strconv.Itoa(n)),
		Features: f.grant(n)}
}

// lookupSKU resolves a stored canonical name.
func lookupSKU(name string) (SKU, bool) {
	if name == DemoSKU {
		return demoSKU(), true
	}
	s, err := ParseSKU(name, 0)
	return s, err == nil
}

// Order limits. The examples of Cisco's Secure Client (AnyConnect)
// Licensing FAQ range from 2 to 10000 users and terms of 12 to 37 months
// ("a specific term length (for example, 30 months)"); the bounds are ours.
const (
	MinUsers          = 1
	MaxUsers          = 1_000_000
	MinTermMonths     = 12
	MaxTermMonths     = 60
	MaxStartAheadDays = 60 // "term starts on date X, up to 60 days in the future"
	MaxQuantity       = 1000
	MaxCustomerLen    = 80
	// MaxTimeBasedMonths bounds the retired time-based Premium license.
	MaxTimeBasedMonths = 12
)

// OrderLine is one line of an order. Each line gets its own PAK; a
// quantity above one adds entitlement (users, registrations) to that one
// PAK but never makes more PAKs: ordering more quantity "does not generate
// additional Product Activation Keys" (the FAQ's answer on ordering for
// independent customers).
type OrderLine struct {
	SKU string
	// Size of a sized part when the SKU is written without it.
	Size     int
	Customer string
	// Users: authorized users of a Plus/Apex line.
	Users int
	// Months: the term of a banding line (12..60), or the duration of a
	// time-based Premium line (1..12, default 12).
	Months int
	// Start: the term's start date of a banding line, YYYY-MM-DD or
	// MM/DD/YYYY, at most 60 days ahead; empty: the day after the order
	// ships ("if an order ships on October 25, 2014, the service start date
	// is October 26, 2014"), or the end of the term it renews.
	Start string
	// Quantity: 0 means 1.
	Quantity int
}

// Day is the unit of license dates: midnight UTC.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDate reads YYYY-MM-DD or MM/DD/YYYY (as the portal prints dates).
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "01/02/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q is not a date (YYYY-MM-DD or MM/DD/YYYY)", ErrStartDate, s)
}

// FormatDate prints a license date as the portal does: 04/27/2016.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("01/02/2006")
}

// customerKey compares customer names: case and spacing do not matter.
func customerKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// validateLine checks a line against its SKU and returns the SKU. It does
// not look at the portal's state (renewals are found by PlaceOrder).
func validateLine(l OrderLine) (SKU, error) {
	sku, err := ParseSKU(l.SKU, l.Size)
	if err != nil {
		return SKU{}, err
	}
	c := strings.TrimSpace(l.Customer)
	switch {
	case c == "":
		return SKU{}, fmt.Errorf("%w: a customer name is required on every line (one line per independent customer)", ErrInvalidOrder)
	case len(c) > MaxCustomerLen:
		return SKU{}, fmt.Errorf("%w: the customer name is longer than %d characters", ErrInvalidOrder, MaxCustomerLen)
	case strings.ContainsFunc(c, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return SKU{}, fmt.Errorf("%w: the customer name contains control characters", ErrInvalidOrder)
	}
	if l.Quantity < 0 || l.Quantity > MaxQuantity {
		return SKU{}, fmt.Errorf("%w: quantity must be 1 to %d, not %d", ErrInvalidOrder, MaxQuantity, l.Quantity)
	}
	no := func(what string, given bool) error {
		if given {
			return fmt.Errorf("%w: %s takes no %s", ErrInvalidOrder, sku.Name, what)
		}
		return nil
	}
	switch sku.Kind {
	case KindTerm, KindPerpetual:
		if l.Users < MinUsers || l.Users > MaxUsers {
			return SKU{}, fmt.Errorf("%w: %s needs %d to %d authorized users, not %d", ErrUsersOutOfRange, sku.Name, MinUsers, MaxUsers, l.Users)
		}
	default:
		if err := no("user count (it is not licensed by authorized users)", l.Users != 0); err != nil {
			return SKU{}, err
		}
	}
	switch sku.Kind {
	case KindTerm:
		if l.Months < MinTermMonths || l.Months > MaxTermMonths {
			return SKU{}, fmt.Errorf("%w: %s terms are %d to %d months, not %d", ErrTermOutOfRange, sku.Name, MinTermMonths, MaxTermMonths, l.Months)
		}
		return sku, nil
	case KindTimeBased:
		if l.Months < 0 || l.Months > MaxTimeBasedMonths {
			return SKU{}, fmt.Errorf("%w: %s lasts 1 to %d months, not %d", ErrTermOutOfRange, sku.Name, MaxTimeBasedMonths, l.Months)
		}
	default:
		if err := no("term (it is perpetual)", l.Months != 0); err != nil {
			return SKU{}, err
		}
	}
	if err := no("start date (only the L-AC-PLS-LIC= and L-AC-APX-LIC= terms have one)", strings.TrimSpace(l.Start) != ""); err != nil {
		return SKU{}, err
	}
	return sku, nil
}

// checkStart validates a requested start date against the order day.
func checkStart(start, today time.Time) error {
	last := today.AddDate(0, 0, MaxStartAheadDays)
	switch {
	case start.Before(today):
		return fmt.Errorf("%w: %s is in the past (the order is placed on %s)", ErrStartDate, FormatDate(start), FormatDate(today))
	case start.After(last):
		return fmt.Errorf("%w: %s is more than %d days ahead (at most %s)", ErrStartDate, FormatDate(start), MaxStartAheadDays, FormatDate(last))
	}
	return nil
}
