package portal

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/keygen"
)

// Order is what PlaceOrder delivers: a sales order number and one PAK per
// line, in line order.
type Order struct {
	SalesOrder string
	PAKs       []PAK
}

// MaxOrderLines bounds one order.
const MaxOrderLines = 100

// PlaceOrder sells the lines. Every line is checked before anything is
// recorded; a bad line refuses the whole order.
func (p *Portal) PlaceOrder(now time.Time, lines []OrderLine) (Change, Order, error) {
	if len(lines) == 0 || len(lines) > MaxOrderLines {
		return Change{}, Order{}, fmt.Errorf("%w: an order has 1 to %d lines, not %d", ErrInvalidOrder, MaxOrderLines, len(lines))
	}
	lineErr := func(i int, err error) error {
		if len(lines) == 1 {
			return err
		}
		return fmt.Errorf("line %d: %w", i+1, err)
	}
	skus := make([]SKU, len(lines))
	for i, l := range lines {
		s, err := validateLine(l)
		if err != nil {
			return Change{}, Order{}, lineErr(i, err)
		}
		skus[i] = s
	}
	t := p.begin(now)
	today := Day(now)
	m := t.counters()
	m.NextOrder++
	order := Order{SalesOrder: fmt.Sprint(100_000_000 + m.NextOrder)}
	for i, l := range lines {
		sku := skus[i]
		k := PAK{
			SalesOrder: order.SalesOrder, Line: i + 1, SKU: sku.Name, Customer: strings.TrimSpace(l.Customer),
			Users: l.Users, Quantity: max(l.Quantity, 1), Months: l.Months,
			Start: today.AddDate(0, 0, 1), DeliveredAt: now, ActiveAt: now.Add(p.delay),
		}
		switch sku.Kind {
		case KindTerm:
			prev := t.renewable(k.Customer, sku.Tier, today)
			if l.Start != "" {
				start, err := ParseDate(l.Start)
				if err != nil {
					return Change{}, Order{}, lineErr(i, err)
				}
				if err := checkStart(start, today); err != nil {
					return Change{}, Order{}, lineErr(i, err)
				}
				k.Start = start
				if prev != nil && !start.Equal(prev.End) {
					prev = nil
				}
			} else if prev != nil {
				k.Start = prev.End
			}
			if prev != nil {
				k.RenewalOf = prev.ID
			}
			k.End = k.Start.AddDate(0, k.Months, 0)
		case KindTimeBased:
			k.Months = cmp.Or(k.Months, MaxTimeBasedMonths)
			k.Days = int(k.Start.AddDate(0, k.Months, 0).Sub(k.Start) / (24 * time.Hour))
		}
		k.ID = t.newPAKID()
		t.putPAK(k)
		order.PAKs = append(order.PAKs, k)
	}
	return t.change(), order, nil
}

// renewable finds the customer's term of that tier that a new line would
// renew: the latest-ending one, if it ends within the next 60 days.
func (t *tx) renewable(customer string, tier Tier, today time.Time) *PAK {
	key := customerKey(customer)
	var best *PAK
	consider := func(k *PAK) {
		s := k.SKUInfo()
		if s.Kind != KindTerm || s.Tier != tier || customerKey(k.Customer) != key {
			return
		}
		// Ties go to the first line bought: the original purchase, not a
		// true-up that happens to end the same day.
		if best == nil || cmp.Or(k.End.Compare(best.End), best.DeliveredAt.Compare(k.DeliveredAt), cmp.Compare(best.ID, k.ID)) > 0 {
			best = k
		}
	}
	for id, k := range t.p.paks {
		if _, over := t.paks[id]; !over {
			consider(k)
		}
	}
	for _, k := range t.paks {
		consider(k)
	}
	if best == nil || !best.End.After(today) || best.End.After(today.AddDate(0, 0, MaxStartAheadDays)) {
		return nil
	}
	return best
}

// IssuedKey is an activation key the portal made for a serial.
type IssuedKey struct {
	Serial string
	Words  keygen.Words
	Key    keygen.Key
	// Label says what the key is: "permanent", or the SKU (and PAK) of a
	// time-based key.
	Label string
	// PAK of a time-based key ("" for the permanent key and the demo).
	PAK string
}

// LicenseRow is one license on a serial: a row of the "Source SKU
// Selection" table of Cisco's Share License Process (the sample in Cisco's
// Secure Client (AnyConnect) Licensing FAQ).
type LicenseRow struct {
	PAK      string // empty for a demo
	SKU      string
	Tier     Tier
	Kind     SKUKind
	Customer string
	// Quantity: authorized users of a Plus/Apex license, else 1.
	Quantity int
	Start    time.Time
	// End: zero when perpetual; for a time-based key, Days counts from its
	// activation on the ASA instead.
	End  time.Time
	Days int
	How  How
	From string
	At   time.Time
	// Shareable: the Share License Process copies it.
	Shareable bool
	// MigratedAt and MigratedTo: a retired license that the Plus, Apex or
	// VPN Only PAK MigratedTo replaced at that lab time (history, not a
	// license in force).
	MigratedAt time.Time
	MigratedTo string
}

func rowFor(k *PAK, g Registration) LicenseRow {
	s := k.SKUInfo()
	q := 1
	if s.UserLicensed() {
		q = k.AuthorizedUsers()
	}
	return LicenseRow{PAK: k.ID, SKU: k.SKU, Tier: s.Tier, Kind: s.Kind, Customer: k.Customer, Quantity: q,
		Start: k.Start, End: k.End, Days: k.Days, How: g.How, From: g.From, At: g.At, Shareable: s.MultiUse(),
		MigratedAt: g.MigratedAt, MigratedTo: g.MigratedTo}
}

func demoRow(g Registration) LicenseRow {
	start := Day(g.At)
	return LicenseRow{SKU: DemoSKU, Tier: TierApex, Kind: KindDemo, Quantity: 1, Start: start,
		End: start.AddDate(0, 0, DemoDays), Days: DemoDays, How: HowDemo, At: g.At}
}

// rows lists the licenses on a serial, in registration order, the demo last.
func (t *tx) rows(r *SerialRecord) []LicenseRow {
	var out []LicenseRow
	for _, g := range r.Regs {
		k, _ := t.pak(g.PAK)
		out = append(out, rowFor(k, g))
	}
	if r.Demo != nil {
		out = append(out, demoRow(*r.Demo))
	}
	return out
}

// skus lists the SKUs a serial holds, with the PAK each comes from; the
// demo counts as Apex while it can still run.
func (t *tx) skus(r *SerialRecord) (out []heldSKU) {
	for _, g := range r.Regs {
		k, _ := t.pak(g.PAK)
		out = append(out, heldSKU{k.SKUInfo(), k.ID})
	}
	if r.Demo != nil && t.now.Before(r.Demo.At.Add(DemoDays*24*time.Hour)) {
		out = append(out, heldSKU{demoSKU(), ""})
	}
	return out
}

// attach registers PAK k to serial as g, once its SKU fits the licenses
// held there; a time-based license gets the next free nonce of the serial.
func (t *tx) attach(serial string, held []heldSKU, k *PAK, g Registration) (Registration, error) {
	sku := k.SKUInfo()
	if err := fits(serial, held, sku); err != nil {
		return Registration{}, err
	}
	r := t.editSerial(serial)
	if sku.TimeBased() {
		var err error
		if g.Nonce, err = t.nonce(r, sku.Features, k.Days); err != nil {
			return Registration{}, err
		}
	}
	r.Regs = append(r.Regs, g)
	return g, nil
}

type heldSKU struct {
	SKU
	pak string
}

func (h heldSKU) String() string {
	if h.pak == "" {
		return h.Name
	}
	return h.Name + " (PAK " + h.pak + ")"
}

// fits refuses a license the serial's licenses do not co-exist with. Cisco's
// Secure Client (AnyConnect) Licensing FAQ: "Discontinued Essentials or
// Premium licenses do not co-exist on the same hardware as newer Plus, Apex
// or VPN Only licenses. Additionally, VPN Only licenses do not co-exist on
// the same hardware with Plus or Apex licenses", and VPN Only licenses
// cannot be "combined" or "upgraded to another VPN Only license size".
func fits(serial string, held []heldSKU, add SKU) error {
	f := add.Features
	for _, h := range held {
		e := h.Features
		switch {
		case f.VPNOnly > 0 && e.VPNOnly > 0:
			return fmt.Errorf("%w: serial %s holds %s", ErrVPNOnlyFixed, serial, h)
		case f.VPNOnly > 0 && e.PlusApex, f.PlusApex && e.VPNOnly > 0:
			return fmt.Errorf("%w: serial %s holds %s", ErrVPNOnlyWithPlusApex, serial, h)
		case f.HasNewAnyConnect() && e.HasClassicAnyConnect(), f.HasClassicAnyConnect() && e.HasNewAnyConnect():
			return fmt.Errorf("%w: serial %s holds %s", ErrNewWithRetired, serial, h)
		}
	}
	return nil
}

// keys makes a serial's keys: one permanent key holding every permanent
// license, then one key per time-based license, the demo last.
func (t *tx) keys(r *SerialRecord) ([]IssuedKey, error) {
	var perm keygen.Features
	var permanent bool
	var out []IssuedKey
	add := func(k keygen.Key, label, pak string) error {
		w, err := t.p.signer.Encode(k)
		if err != nil {
			return fmt.Errorf("portal: key for %s: %w", r.Serial, err)
		}
		out = append(out, IssuedKey{Serial: r.Serial, Words: w, Key: k, Label: label, PAK: pak})
		return nil
	}
	for _, g := range r.Regs {
		k, _ := t.pak(g.PAK)
		if s := k.SKUInfo(); !s.TimeBased() {
			perm, permanent = perm.Merge(s.Features), true
		}
	}
	if permanent {
		if err := add(keygen.Key{Serial: r.Serial, Features: perm}, "permanent", ""); err != nil {
			return nil, err
		}
	}
	for _, g := range r.Regs {
		k, _ := t.pak(g.PAK)
		if s := k.SKUInfo(); s.TimeBased() {
			if err := add(keygen.Key{Serial: r.Serial, Features: s.Features, Days: k.Days, Nonce: g.Nonce},
				fmt.Sprintf("time-based, %d days: %s (PAK %s)", k.Days, k.SKU, k.ID), k.ID); err != nil {
				return nil, err
			}
		}
	}
	if r.Demo != nil {
		if err := add(keygen.Key{Serial: r.Serial, Features: demoSKU().Features, Days: DemoDays, Nonce: r.Demo.Nonce},
			fmt.Sprintf("time-based, %d days: %s", DemoDays, DemoSKU), ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// nonce picks a nonce that no identical time-based key on the serial uses,
// so that two equal licenses make two keys (which the ASA stacks).
func (t *tx) nonce(r *SerialRecord, f keygen.Features, days int) (int, error) {
	used := map[int]bool{}
	for _, g := range r.Regs {
		k, _ := t.pak(g.PAK)
		if s := k.SKUInfo(); s.TimeBased() && s.Features == f && k.Days == days {
			used[g.Nonce] = true
		}
	}
	if r.Demo != nil && f == demoSKU().Features && days == DemoDays {
		used[r.Demo.Nonce] = true
	}
	for n := 0; n <= keygen.MaxNonce; n++ {
		if !used[n] {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%w: serial %s holds %d identical time-based licenses already", keygen.ErrInvalidFeatures, r.Serial, keygen.MaxNonce+1)
}

// usableSerial checks a serial for an action that registers to it.
func (t *tx) usableSerial(serial string) (*SerialRecord, error) {
	if err := checkSerial(serial); err != nil {
		return nil, err
	}
	r := t.serial(serial)
	if r.RehostedTo != "" {
		return nil, fmt.Errorf("%w: %s was replaced by %s on %s; its licenses are registered to %s", ErrSerialReturned,
			serial, r.RehostedTo, FormatDate(r.RehostedAt), r.RehostedTo)
	}
	return r, nil
}

// usablePAK finds an active PAK.
func (t *tx) usablePAK(pak string) (*PAK, error) {
	id := normalizeToken(pak)
	k, ok := t.pak(id)
	if !ok {
		return nil, &PAKError{PAK: id}
	}
	if !k.Active(t.now) {
		return nil, &PAKError{PAK: id, Inactive: true}
	}
	return k, nil
}

// Registration result of RegisterPak and RequestDemoLicense.
type Registered struct {
	Serial string
	// Row is the license registered.
	Row LicenseRow
	// Key is the key this registration gives: the serial's permanent key
	// (all its permanent licenses merged), or the time-based key.
	Key IssuedKey
	// Keys are all the serial's keys.
	Keys  []IssuedKey
	Email string
	// Again: the PAK was already registered to the serial; nothing changed.
	Again bool
	// IOS is the license file of an IOS license (RegisterOptions.UDI);
	// nil for ASA licenses.
	IOS *IOSLicense
	// Migrated: the retired AnyConnect licenses this registration replaced
	// (RegisterOptions.Migrate), now in the serial's history.
	Migrated []LicenseRow
}

// RegisterPak registers a PAK to an ASA serial number and returns the key
// and the license e-mail.
func (p *Portal) RegisterPak(now time.Time, pak, serial string) (Change, Registered, error) {
	return p.RegisterPakWith(now, pak, serial, RegisterOptions{})
}

// RegisterPakWith is RegisterPak with options (a migration).
func (p *Portal) RegisterPakWith(now time.Time, pak, serial string, opts RegisterOptions) (Change, Registered, error) {
	t := p.begin(now)
	k, err := t.usablePAK(pak)
	if err != nil {
		return Change{}, Registered{}, err
	}
	if opts.UDI != "" || k.SKUInfo().Kind == KindIOS {
		return t.registerIOS(k, serial, opts)
	}
	if isASAvSerial(serial) {
		return Change{}, Registered{}, fmt.Errorf("%w: %s is an ASAv serial; the ASAv does not require any Cisco Secure Client "+
			"license to be physically applied (register it to a Smart Account)", ErrASAvSerial, serial)
	}
	r, err := t.usableSerial(serial)
	if err != nil {
		return Change{}, Registered{}, err
	}
	sku := k.SKUInfo()
	var migrated []LicenseRow
	if opts.Migrate {
		if !sku.Features.HasNewAnyConnect() {
			return Change{}, Registered{}, fmt.Errorf("%w; PAK %s is %s", ErrMigrateToRetired, k.ID, k.SKU)
		}
		migrated = t.migrate(serial, k.ID)
		r = t.serial(serial)
	}
	again := r.holds(k.ID)
	if !again {
		if holders := t.holders(k.ID); !sku.MultiUse() && len(holders) >= k.Quantity {
			for i, s := range holders {
				if h := t.serial(s); !h.holds(k.ID) {
					holders[i] = s + " (replaced there by a migration)"
				}
			}
			return Change{}, Registered{}, fmt.Errorf("%w: PAK %s (%s, quantity %d) is registered to %s; "+
				"it registers to one ASA per unit bought, and moves only with an RMA re-host", ErrPAKExhausted,
				k.ID, k.SKU, k.Quantity, strings.Join(holders, ", "))
		}
		if _, err := t.attach(serial, t.skus(r), k, Registration{PAK: k.ID, How: HowRegistered, At: now}); err != nil {
			if errors.Is(err, ErrNewWithRetired) && sku.Features.HasNewAnyConnect() {
				err = fmt.Errorf("%w; %w", err, ErrMigrationRequired)
			}
			return Change{}, Registered{}, err
		}
		r = t.editSerial(serial)
	}
	i := slices.IndexFunc(r.Regs, func(g Registration) bool { return g.PAK == k.ID })
	res := Registered{Serial: serial, Row: rowFor(k, r.Regs[i]), Again: again && len(migrated) == 0, Migrated: migrated}
	if res.Keys, err = t.keys(r); err != nil {
		return Change{}, Registered{}, err
	}
	res.Key = keyFor(res.Keys, k.ID, sku)
	res.Email = licenseEmail(serial, []LicenseRow{res.Row}, []IssuedKey{res.Key})
	return t.change(), res, nil
}

// keyFor picks the key a PAK's license is in: the permanent key, or its
// own time-based key.
func keyFor(keys []IssuedKey, pak string, s SKU) IssuedKey {
	if !s.TimeBased() {
		return keys[0]
	}
	i := slices.IndexFunc(keys, func(k IssuedKey) bool { return k.PAK == pak })
	return keys[i]
}

// RequestDemoLicense issues the 4-week Apex evaluation (a time-based key)
// to a serial, once per serial.
func (p *Portal) RequestDemoLicense(now time.Time, serial string) (Change, Registered, error) {
	t := p.begin(now)
	r, err := t.usableSerial(serial)
	if err != nil {
		return Change{}, Registered{}, err
	}
	if r.Demo != nil {
		return Change{}, Registered{}, fmt.Errorf("%w: serial %s received its demo license on %s", ErrDemoIssued,
			serial, FormatDate(r.Demo.At))
	}
	demo := demoSKU()
	if err := fits(serial, t.skus(r), demo); err != nil {
		return Change{}, Registered{}, err
	}
	n, err := t.nonce(r, demo.Features, DemoDays)
	if err != nil {
		return Change{}, Registered{}, err
	}
	r = t.editSerial(serial)
	r.Demo = &Registration{How: HowDemo, At: now, Nonce: n}
	res := Registered{Serial: serial, Row: demoRow(*r.Demo)}
	if res.Keys, err = t.keys(r); err != nil {
		return Change{}, Registered{}, err
	}
	res.Key = res.Keys[len(res.Keys)-1]
	res.Email = licenseEmail(serial, []LicenseRow{res.Row}, []IssuedKey{res.Key})
	return t.change(), res, nil
}

// Licenses is what the portal holds for one serial.
type Licenses struct {
	Serial string
	Rows   []LicenseRow
	Keys   []IssuedKey
	// RehostedTo: the serial was returned under RMA and replaced.
	RehostedTo string
	// Migrated: the retired AnyConnect licenses a migration replaced, the
	// serial's history.
	Migrated []LicenseRow
}

// ListLicenses lists a serial's licenses and keys. An unknown serial has
// none (not an error: the portal cannot know every ASA).
func (p *Portal) ListLicenses(now time.Time, serial string) (Licenses, error) {
	if err := checkSerial(serial); err != nil {
		return Licenses{}, err
	}
	t := p.begin(now)
	r := t.serial(serial)
	keys, err := t.keys(r)
	if err != nil {
		return Licenses{}, err
	}
	return Licenses{Serial: serial, Rows: t.rows(r), Keys: keys, RehostedTo: r.RehostedTo, Migrated: t.migratedRows(r)}, nil
}

// CodeIssued is the answer to GetActivationCode.
type CodeIssued struct {
	Code ActivationCode
	// Shareable lists the source's licenses the code can share.
	Shareable []LicenseRow
	Email     string
}

// GetActivationCode starts the Share License Process: a single-use code
// to copy the source serial's Plus/Apex licenses to the target serial.
func (p *Portal) GetActivationCode(now time.Time, source, target string) (Change, CodeIssued, error) {
	t := p.begin(now)
	src, err := t.usableSerial(source)
	if err != nil {
		return Change{}, CodeIssued{}, fmt.Errorf("source: %w", err)
	}
	if _, err := t.usableSerial(target); err != nil {
		return Change{}, CodeIssued{}, fmt.Errorf("target: %w", err)
	}
	if source == target {
		return Change{}, CodeIssued{}, fmt.Errorf("%w: both are %s", ErrSameSerial, source)
	}
	var share []LicenseRow
	var unshareable []LicenseRow
	for _, row := range t.rows(src) {
		if row.Shareable {
			share = append(share, row)
		} else {
			unshareable = append(unshareable, row)
		}
	}
	if len(share) == 0 {
		if len(unshareable) > 0 {
			return Change{}, CodeIssued{}, notShareable(source, unshareable[0])
		}
		return Change{}, CodeIssued{}, fmt.Errorf("%w: %s has no licenses to share", ErrNoLicenses, source)
	}
	c := ActivationCode{Code: t.newCode(), Source: source, Target: target, CreatedAt: now, ExpiresAt: now.Add(CodeLifetime)}
	t.codes[c.Code] = &c
	return t.change(), CodeIssued{Code: c, Shareable: share, Email: codeEmail(c)}, nil
}

func notShareable(serial string, row LicenseRow) error {
	switch row.Kind {
	case KindVPNOnly:
		return fmt.Errorf("%w: %s (PAK %s) on %s: %w", ErrNotShareable, row.SKU, row.PAK, serial, ErrVPNOnlyFixed)
	case KindDemo:
		return fmt.Errorf("%w: the demo license on %s is for that ASA only; request a demo license for the other ASA", ErrNotShareable, serial)
	}
	return fmt.Errorf("%w: %s (PAK %s) on %s is a license of the retired model, locked to a single ASA", ErrNotShareable,
		row.SKU, row.PAK, serial)
}

// Shared is the answer to UseActivationCode.
type Shared struct {
	Code   ActivationCode
	Source string
	Target string
	// Rows: the licenses shared to the target now.
	Rows []LicenseRow
	// Keys: all the target's keys.
	Keys  []IssuedKey
	Email string
}

// UseActivationCode completes the Share License Process: the target gets
// the chosen licenses of the source and its keys. skus chooses rows by SKU
// (every row of that SKU) or by PAK; none chooses every shareable row (the
// FAQ's sample of Cisco's "Source SKU Selection" table has every box
// ticked). The code is then used up.
func (p *Portal) UseActivationCode(now time.Time, code string, skus []string) (Change, Shared, error) {
	t := p.begin(now)
	id := normalizeToken(code)
	c, ok := t.code(id)
	switch {
	case !ok:
		return Change{}, Shared{}, fmt.Errorf("%w %q: check the code in the Device Registration e-mail", ErrCodeInvalid, id)
	case !c.UsedAt.IsZero():
		return Change{}, Shared{}, fmt.Errorf("%w: %s was used on %s to share %s to %s", ErrCodeUsed, id,
			FormatDate(c.UsedAt), c.Source, c.Target)
	case !now.Before(c.ExpiresAt):
		return Change{}, Shared{}, fmt.Errorf("%w: %s expired on %s", ErrCodeExpired, id, FormatDate(c.ExpiresAt))
	}
	src, err := t.usableSerial(c.Source)
	if err != nil {
		return Change{}, Shared{}, fmt.Errorf("source: %w", err)
	}
	tgt, err := t.usableSerial(c.Target)
	if err != nil {
		return Change{}, Shared{}, fmt.Errorf("target: %w", err)
	}
	rows := t.rows(src)
	chosen := map[int]bool{}
	if len(skus) == 0 {
		for i, row := range rows {
			if row.Shareable {
				chosen[i] = true
			}
		}
		if len(chosen) == 0 {
			return Change{}, Shared{}, fmt.Errorf("%w: %s has no licenses to share any more", ErrNoLicenses, c.Source)
		}
	}
	for _, want := range skus {
		w := normalizeToken(want)
		if s, err := ParseSKU(w, 0); err == nil {
			w = s.Name
		}
		found := false
		for i, row := range rows {
			if row.SKU != w && row.PAK != w {
				continue
			}
			if !row.Shareable {
				return Change{}, Shared{}, notShareable(c.Source, row)
			}
			chosen[i], found = true, true
		}
		if !found {
			return Change{}, Shared{}, fmt.Errorf("%w: %q is not among the licenses of %s", ErrNotOnSource, strings.TrimSpace(want), c.Source)
		}
	}
	held := t.skus(tgt)
	res := Shared{Source: c.Source, Target: c.Target}
	for i, row := range rows {
		if !chosen[i] || tgt.holds(row.PAK) {
			continue
		}
		k, _ := t.pak(row.PAK)
		g, err := t.attach(c.Target, held, k, Registration{PAK: k.ID, How: HowShared, From: c.Source, At: now})
		if err != nil {
			return Change{}, Shared{}, err
		}
		held = append(held, heldSKU{k.SKUInfo(), k.ID})
		tgt = t.editSerial(c.Target)
		res.Rows = append(res.Rows, rowFor(k, g))
	}
	used := *c
	used.UsedAt = now
	t.codes[used.Code] = &used
	res.Code = used
	if res.Keys, err = t.keys(tgt); err != nil {
		return Change{}, Shared{}, err
	}
	res.Email = keysEmail(used, tgt.Serial, res.Rows, res.Keys)
	return t.change(), res, nil
}

// Rehosted is the answer to RehostForRma.
type Rehosted struct {
	Old, New string
	Rows     []LicenseRow
	Keys     []IssuedKey
	Email    string
}

// RehostForRma moves every license of a unit returned under RMA to its
// replacement (VPN Only included) and marks the old serial returned.
func (p *Portal) RehostForRma(now time.Time, oldSerial, newSerial string) (Change, Rehosted, error) {
	t := p.begin(now)
	old, err := t.usableSerial(oldSerial)
	if err != nil {
		return Change{}, Rehosted{}, fmt.Errorf("old serial: %w", err)
	}
	nu, err := t.usableSerial(newSerial)
	if err != nil {
		return Change{}, Rehosted{}, fmt.Errorf("new serial: %w", err)
	}
	if oldSerial == newSerial {
		return Change{}, Rehosted{}, fmt.Errorf("%w: the replacement has its own serial number; both are %s", ErrSameSerial, oldSerial)
	}
	if len(old.Regs) == 0 {
		return Change{}, Rehosted{}, fmt.Errorf("%w: %s has nothing to re-host", ErrNoLicenses, oldSerial)
	}
	held := t.skus(nu)
	res := Rehosted{Old: oldSerial, New: newSerial}
	for _, g := range old.Regs {
		k, _ := t.pak(g.PAK)
		if nu.holds(k.ID) {
			continue // a multi-use PAK registered again to the replacement
		}
		moved, err := t.attach(newSerial, held, k, Registration{PAK: k.ID, How: HowRehosted, From: oldSerial, At: now})
		if err != nil {
			return Change{}, Rehosted{}, err
		}
		held = append(held, heldSKU{k.SKUInfo(), k.ID})
		nu = t.editSerial(newSerial)
		res.Rows = append(res.Rows, rowFor(k, moved))
	}
	o := t.editSerial(oldSerial)
	o.Returned = append(o.Returned, o.Regs...)
	o.Regs = nil
	o.RehostedTo, o.RehostedAt = newSerial, now
	if res.Keys, err = t.keys(nu); err != nil {
		return Change{}, Rehosted{}, err
	}
	res.Email = licenseEmail(newSerial, res.Rows, res.Keys)
	return t.change(), res, nil
}
