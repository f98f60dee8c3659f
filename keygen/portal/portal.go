package portal

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/ioslic"
)

// CodeLifetime is how long an activation code of the Share License Process
// can be used.
const CodeLifetime = 30 * 24 * time.Hour

// PAK is a Product Activation Key: one order line.
type PAK struct {
	ID         string `json:"id"`
	SalesOrder string `json:"sales_order"`
	Line       int    `json:"line"`
	// SKU is the canonical part number.
	SKU      string `json:"sku"`
	Customer string `json:"customer"`
	// Users per unit of quantity (Plus/Apex lines).
	Users    int `json:"users,omitempty"`
	Quantity int `json:"quantity"`
	Months   int `json:"months,omitempty"`
	// Start and End of the license (End zero: perpetual). A term covers
	// [Start, End) in lab time.
	Start time.Time `json:"start"`
	End   time.Time `json:"end,omitzero"`
	// Days of the time-based key a time-based Premium line makes.
	Days        int       `json:"days,omitempty"`
	DeliveredAt time.Time `json:"delivered_at"`
	ActiveAt    time.Time `json:"active_at"`
	// RenewalOf is the PAK whose term this line renews.
	RenewalOf string `json:"renewal_of,omitempty"`
}

// SKUInfo resolves the PAK's part number.
func (p *PAK) SKUInfo() SKU {
	s, ok := lookupSKU(p.SKU)
	if !ok {
		// Stored PAKs always hold a canonical name; a catalog change
		// that drops a part would be a bug caught by the load.
		panic(fmt.Sprintf("portal: stored PAK %s has unknown SKU %q", p.ID, p.SKU))
	}
	return s
}

// AuthorizedUsers is the entitlement in users (Plus/Apex), 0 for others.
func (p *PAK) AuthorizedUsers() int { return p.Users * p.Quantity }

// Active reports whether the PAK can be used at now.
func (p *PAK) Active(now time.Time) bool { return !now.Before(p.ActiveAt) }

// How a license came to a serial.
type How string

// Registration kinds.
const (
	HowRegistered How = "registered" // RegisterPak
	HowShared     How = "shared"     // UseActivationCode
	HowRehosted   How = "rehosted"   // RehostForRma
	HowDemo       How = "demo"       // RequestDemoLicense
)

// Registration is one license on a serial.
type Registration struct {
	PAK string `json:"pak,omitempty"` // empty for a demo
	How How    `json:"how"`
	// From is the source serial of a share or an RMA.
	From string    `json:"from,omitempty"`
	At   time.Time `json:"at"`
	// Nonce tells apart identical time-based keys on the serial.
	Nonce int `json:"nonce,omitempty"`
	// MigratedAt and MigratedTo: a retired AnyConnect license replaced by
	// the Plus, Apex or VPN Only PAK MigratedTo at that lab time (see
	// RegisterOptions.Migrate); set on the serial's Migrated history only.
	MigratedAt time.Time `json:"migrated_at,omitzero"`
	MigratedTo string    `json:"migrated_to,omitempty"`
	// UDI and License: an IOS license (SerialRecord.IOS), the router it
	// is bound to and the license line of the file it made.
	UDI     string         `json:"udi,omitempty"`
	License ioslic.License `json:"ios_license,omitzero"`
}

// SerialRecord is what the portal knows about one ASA serial number.
type SerialRecord struct {
	Serial string         `json:"serial"`
	Regs   []Registration `json:"regs,omitempty"`
	// Demo is the evaluation license issued to the serial, if any.
	Demo *Registration `json:"demo,omitempty"`
	// RehostedTo is the replacement of a serial returned under RMA, and
	// Returned what was moved to it (kept for the compliance report: the
	// old unit's users were seen under the licenses).
	RehostedTo string         `json:"rehosted_to,omitempty"`
	RehostedAt time.Time      `json:"rehosted_at,omitzero"`
	Returned   []Registration `json:"returned,omitempty"`
	// Migrated is the serial's history of retired AnyConnect licenses
	// that a migration replaced, in the order they were registered; they
	// no longer make keys.
	Migrated []Registration `json:"migrated,omitempty"`
	// IOS are the IOS licenses registered to the router of this serial
	// number (its UDI's SN), in registration order; they make license
	// files, not keys, and an RMA re-host does not move them.
	IOS []Registration `json:"ios,omitempty"`
}

func (r *SerialRecord) clone() *SerialRecord {
	c := *r
	c.Regs = slices.Clone(r.Regs)
	c.Returned = slices.Clone(r.Returned)
	c.Migrated = slices.Clone(r.Migrated)
	c.IOS = slices.Clone(r.IOS)
	if r.Demo != nil {
		d := *r.Demo
		c.Demo = &d
	}
	return &c
}

func (r *SerialRecord) holds(pak string) bool {
	return slices.ContainsFunc(r.Regs, func(g Registration) bool { return g.PAK == pak })
}

// usedUp reports whether the serial holds the PAK or had it replaced by a
// migration.
func (r *SerialRecord) usedUp(pak string) bool {
	has := func(g Registration) bool { return g.PAK == pak }
	return r.holds(pak) || slices.ContainsFunc(r.Migrated, has) || slices.ContainsFunc(r.IOS, has)
}

// ActivationCode is a code of the Share License Process.
type ActivationCode struct {
	Code      string    `json:"code"`
	Source    string    `json:"source"`
	Target    string    `json:"target"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedAt    time.Time `json:"used_at,omitzero"`
}

// Meta holds the portal's counters.
type Meta struct {
	NextPAK   uint64 `json:"next_pak"`
	NextCode  uint64 `json:"next_code"`
	NextOrder uint64 `json:"next_order"`
}

// Change is what one action writes: the records to store (each
// replaces the stored record with its key) and the counters.
type Change struct {
	Meta    *Meta
	PAKs    []PAK
	Serials []SerialRecord
	Codes   []ActivationCode
}

// IsEmpty reports whether the change writes nothing.
func (c *Change) IsEmpty() bool {
	return c.Meta == nil && len(c.PAKs) == 0 && len(c.Serials) == 0 && len(c.Codes) == 0
}

// Config configures a Portal.
type Config struct {
	// Signer makes the keys, and derives PAKs and activation codes so that
	// they cannot be guessed from one another.
	Signer *keygen.Signer
	// ActivationDelay is the lab time between a PAK's delivery and its
	// first use (0: usable at once).
	ActivationDelay time.Duration
}

// Portal is the licensing portal: it sells PAKs, registers them to ASA
// serial numbers and returns the activation keys, shares Plus/Apex licenses
// to more ASAs with activation codes, issues demo licenses, re-hosts
// licenses after an RMA, and reports honor-system compliance.
//
// The Portal is pure: every action takes the lab time and returns a
// Change (the records it adds or rewrites) without changing the
// Portal. The caller persists the change in one synced batch and then
// applies it with Apply, so that a refused action, or one that could not be
// persisted, leaves no trace. A Portal is not safe for concurrent use: the
// lab serialises its actions.
//
// The rules follow Cisco's Secure Client (AnyConnect) Licensing FAQ. Where
// it is unsure or silent, one documented behaviour each:
//   - The portal does not know the lab's headends (real portals do not know
//     your boxes): it accepts any well-formed serial, and the e-mail prints
//     "Platform = asa" as the FAQ's sample does. The key it makes carries
//     only what the PAKs registered to the serial grant; the ASA caps it
//     to its platform.
//   - Several PAKs registered to one serial merge their permanent
//     features into one key: on/off features are OR-ed and counts take the
//     higher value (Premium 250 and Premium 500 give 500: the retired
//     licenses were tiers, not increments). Plus and Apex grant the same
//     on/off entitlement, so registering more Plus/Apex PAKs, or a renewal,
//     gives the same key.
//   - A PAK becomes usable ActivationDelay after delivery (headendd default
//     4 h of lab time, the FAQ's "allow up to 4 hours"); an unknown PAK and
//     one used too early get the same message.
//   - Plus/Apex PAKs are multi-use: they register to any number of ASAs
//     directly, and share with activation codes. VPN Only and the retired
//     licenses are single-use: a PAK registers to as many ASAs as its line's
//     quantity (one unless more were bought), then it is exhausted.
//   - Registering a PAK again to a serial that already holds it changes
//     nothing and returns the key again (a lost key is found in the portal).
//     A PAK whose term has ended still registers: the term is the honor
//     system's business (the compliance report), not the key's.
//   - A demo license counts as Apex, for the co-existence rules, during
//     the 28 days after it was issued.
//   - Activation codes are single-use and expire CodeLifetime after they
//     are requested (the FAQ only says they expire).
//   - Renewal: a banding line for a customer whose term of the same tier
//     ends within the next 60 days (and no other start date asked for)
//     renews it: the new term starts the day the old one ends. A term that
//     ends later gets a separate line starting tomorrow (more users, not a
//     renewal).
//   - RMA: RehostForRma moves every registration (VPN Only included: a
//     hardware failure is the one transfer allowed) to the replacement and
//     marks the old serial returned; a returned serial takes no more
//     registrations. Demo licenses stay behind: the replacement may ask for
//     its own.
//   - Migration: a Plus, Apex or VPN Only PAK registered with
//     RegisterOptions.Migrate replaces the serial's retired AnyConnect
//     licenses, which stay in its history; without it the refusal names
//     the option (see RegisterOptions).
type Portal struct {
	signer  *keygen.Signer
	delay   time.Duration
	meta    Meta
	paks    map[string]*PAK
	serials map[string]*SerialRecord
	codes   map[string]*ActivationCode
	// byPAK indexes the serials holding (or, returned, having held) a
	// PAK; derived, not stored.
	byPAK map[string]map[string]bool
}

// New returns an empty portal.
func New(cfg Config) (*Portal, error) {
	if cfg.Signer == nil {
		return nil, fmt.Errorf("%w: the portal needs the lab's signer", keygen.ErrInvalidSecret)
	}
	if cfg.ActivationDelay < 0 {
		return nil, fmt.Errorf("%w: the PAK activation delay must not be negative", ErrInvalidOrder)
	}
	return &Portal{
		signer: cfg.Signer, delay: cfg.ActivationDelay,
		paks: map[string]*PAK{}, serials: map[string]*SerialRecord{}, codes: map[string]*ActivationCode{},
		byPAK: map[string]map[string]bool{},
	}, nil
}

// Apply makes a persisted change part of the portal (and loads stored
// records at startup). It checks that stored PAKs name known SKUs.
func (p *Portal) Apply(c Change) error {
	for i := range c.PAKs {
		if _, ok := lookupSKU(c.PAKs[i].SKU); !ok {
			return fmt.Errorf("%w %q in stored PAK %s", ErrUnknownSKU, c.PAKs[i].SKU, c.PAKs[i].ID)
		}
	}
	if c.Meta != nil {
		p.meta = *c.Meta
	}
	for i := range c.PAKs {
		k := c.PAKs[i]
		p.paks[k.ID] = &k
	}
	for i := range c.Serials {
		r := c.Serials[i].clone()
		if old := p.serials[r.Serial]; old != nil {
			p.unindex(old)
		}
		p.serials[r.Serial] = r
		p.index(r)
	}
	for i := range c.Codes {
		k := c.Codes[i]
		p.codes[k.Code] = &k
	}
	return nil
}

func (p *Portal) index(r *SerialRecord) {
	for _, g := range slices.Concat(r.Regs, r.Returned, r.Migrated, r.IOS) {
		if g.PAK == "" {
			continue
		}
		if p.byPAK[g.PAK] == nil {
			p.byPAK[g.PAK] = map[string]bool{}
		}
		p.byPAK[g.PAK][r.Serial] = true
	}
}

func (p *Portal) unindex(r *SerialRecord) {
	for _, g := range slices.Concat(r.Regs, r.Returned, r.Migrated, r.IOS) {
		delete(p.byPAK[g.PAK], r.Serial)
	}
}

// Len reports the number of PAKs, serials and activation codes held.
func (p *Portal) Len() (paks, serials, codes int) { return len(p.paks), len(p.serials), len(p.codes) }

// tx is one action under way: reads see the portal plus the action's own
// writes; writes go to the overlay only, and become the Change.
type tx struct {
	p       *Portal
	now     time.Time
	meta    *Meta
	paks    map[string]*PAK
	serials map[string]*SerialRecord
	codes   map[string]*ActivationCode
}

func (p *Portal) begin(now time.Time) *tx {
	return &tx{p: p, now: now, paks: map[string]*PAK{}, serials: map[string]*SerialRecord{}, codes: map[string]*ActivationCode{}}
}

func (t *tx) pak(id string) (*PAK, bool) {
	if k, ok := t.paks[id]; ok {
		return k, true
	}
	k, ok := t.p.paks[id]
	return k, ok
}

func (t *tx) putPAK(k PAK) { t.paks[k.ID] = &k }

// serial returns the record of a serial for reading (an empty one if the
// portal has none).
func (t *tx) serial(s string) *SerialRecord {
	if r, ok := t.serials[s]; ok {
		return r
	}
	if r, ok := t.p.serials[s]; ok {
		return r
	}
	return &SerialRecord{Serial: s}
}

// editSerial returns a copy of the record that the action may change.
func (t *tx) editSerial(s string) *SerialRecord {
	if r, ok := t.serials[s]; ok {
		return r
	}
	r := t.serial(s).clone()
	t.serials[s] = r
	return r
}

func (t *tx) code(c string) (*ActivationCode, bool) {
	if k, ok := t.codes[c]; ok {
		return k, true
	}
	k, ok := t.p.codes[c]
	return k, ok
}

func (t *tx) counters() *Meta {
	if t.meta == nil {
		m := t.p.meta
		t.meta = &m
	}
	return t.meta
}

// holders lists the serials that hold a PAK, or held it until a migration
// replaced it (a single-use license used up stays used up), sorted.
func (t *tx) holders(pak string) []string {
	set := map[string]bool{}
	for s := range t.p.byPAK[pak] {
		if _, over := t.serials[s]; !over && t.p.serials[s].usedUp(pak) {
			set[s] = true
		}
	}
	for s, r := range t.serials {
		if r.usedUp(pak) {
			set[s] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func (t *tx) change() Change {
	var c Change
	c.Meta = t.meta
	for _, id := range slices.Sorted(maps.Keys(t.paks)) {
		c.PAKs = append(c.PAKs, *t.paks[id])
	}
	for _, s := range slices.Sorted(maps.Keys(t.serials)) {
		c.Serials = append(c.Serials, *t.serials[s].clone())
	}
	for _, k := range slices.Sorted(maps.Keys(t.codes)) {
		c.Codes = append(c.Codes, *t.codes[k])
	}
	return c
}

// Token lengths: Cisco PAKs are 11 characters; the activation code in the
// FAQ's "Device Registration" sample has 12.
const (
	pakLen  = 11
	codeLen = 12
)

func (t *tx) newPAKID() string {
	m := t.counters()
	for {
		m.NextPAK++
		id := t.p.signer.Token("pak", m.NextPAK, pakLen)
		if _, taken := t.pak(id); !taken {
			return id
		}
	}
}

func (t *tx) newCode() string {
	m := t.counters()
	for {
		m.NextCode++
		c := t.p.signer.Token("code", m.NextCode, codeLen)
		if _, taken := t.code(c); !taken {
			return c
		}
	}
}

// isASAvSerial reports whether s is an ASAv's serial: 11 characters
// starting "9A", as the ASAv's show version prints it; no ASA appliance's
// plant code starts so.
func isASAvSerial(s string) bool { return keygen.ValidSerial(s) && strings.HasPrefix(s, "9A") }

// normalizeToken: PAKs and codes are read without surrounding spaces and
// in any case (unlike serials, which must be typed exactly).
func normalizeToken(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// checkSerial applies the portal's serial rules: blank or padded is the
// real portal's "Serial number cannot be blank" (the FAQ); otherwise it must be an ASA
// serial as show version prints it.
func checkSerial(s string) error {
	if strings.TrimSpace(s) == "" || strings.TrimSpace(s) != s {
		return ErrSerialBlank
	}
	if !keygen.ValidSerial(s) {
		return fmt.Errorf("%w: %q (as show version prints it)", keygen.ErrInvalidSerial, s)
	}
	return nil
}
