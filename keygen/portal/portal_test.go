package portal

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
)

var portalStart = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

const delay = 4 * time.Hour

// fixture is a portal with a clock; every action's change is applied as
// the lab does after persisting it.
type fixture struct {
	t   *testing.T
	p   *Portal
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	p, err := New(Config{Signer: testSigner(t).ForLab("default"), ActivationDelay: delay})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, p: p, now: portalStart}
}

func (f *fixture) advance(d time.Duration) { f.now = f.now.Add(d) }

func (f *fixture) apply(c Change, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.p.Apply(c); err != nil {
		f.t.Fatal(err)
	}
}

// order places one line and returns its PAK.
func (f *fixture) order(l OrderLine) PAK {
	f.t.Helper()
	c, o, err := f.p.PlaceOrder(f.now, []OrderLine{l})
	f.apply(c, err)
	return o.PAKs[0]
}

// orderActive orders and waits out the activation delay.
func (f *fixture) orderActive(l OrderLine) PAK {
	f.t.Helper()
	k := f.order(l)
	f.advance(delay)
	return k
}

func (f *fixture) register(pak, serial string) Registered {
	f.t.Helper()
	c, r, err := f.p.RegisterPak(f.now, pak, serial)
	f.apply(c, err)
	return r
}

// state is everything the portal holds, to show that a refused action
// recorded nothing.
func (f *fixture) state() string {
	b, err := json.Marshal([]any{f.p.meta, f.p.paks, f.p.serials, f.p.codes})
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

// refused runs a failing action and checks its error and that nothing
// changed.
func (f *fixture) refused(want error, wantText string, action func() (Change, error)) {
	f.t.Helper()
	before := f.state()
	c, err := action()
	if !errors.Is(err, want) {
		f.t.Fatalf("err = %v, want %v", err, want)
	}
	if wantText != "" && !strings.Contains(err.Error(), wantText) {
		f.t.Errorf("error %q does not say %q", err, wantText)
	}
	if !c.IsEmpty() {
		f.t.Errorf("a refused action returned a change: %+v", c)
	}
	if after := f.state(); after != before {
		f.t.Errorf("a refused action changed the portal")
	}
}

var (
	plus873 = OrderLine{SKU: "L-AC-PLS-LIC=", Users: 873, Months: 30, Customer: "Acme Corp"}
	apex102 = OrderLine{SKU: "L-AC-APX-LIC=", Users: 102, Months: 12, Customer: "Acme Corp"}
	vpno250 = OrderLine{SKU: "L-AC-VPNO-250=", Customer: "Acme Corp"}
)

const (
	asaA = "FCH1947V0GY"
	asaB = "JMX1628X0P9"
	asaC = "FCH2648BCDE"
)

func decode(t *testing.T, f *fixture, k IssuedKey) keygen.Key {
	t.Helper()
	got, err := f.p.signer.Decode(k.Serial, k.Words)
	if err != nil {
		t.Fatalf("the portal's key %s for %s does not decode: %v", k.Words, k.Serial, err)
	}
	return got
}

func TestParseSKU(t *testing.T) {
	good := []struct {
		in   string
		size int
		want string
		kind SKUKind
	}{
		{"L-AC-PLS-LIC=", 0, "L-AC-PLS-LIC=", KindTerm},
		{" l-ac-apx-lic= ", 0, "L-AC-APX-LIC=", KindTerm},
		{"L-AC-PLS-P-G", 0, "L-AC-PLS-P-G", KindPerpetual},
		{"L-AC-VPNO-100=", 0, "L-AC-VPNO-100=", KindVPNOnly},
		{"L-AC-VPNO-100=", 100, "L-AC-VPNO-100=", KindVPNOnly},
		{"L-AC-VPNO=", 2500, "L-AC-VPNO-2500=", KindVPNOnly},
		{"L-AC-VPNO-<n>=", 25, "L-AC-VPNO-25=", KindVPNOnly},
		{"L-ASA-SSL-250=", 0, "L-ASA-SSL-250=", KindClassic},
		{"L-ASA-SSL-SHR-SRV=", 1000, "L-ASA-SSL-SHR-SRV-1000=", KindClassic},
		{"L-ASA-SSL-SHR-PRT=", 0, "L-ASA-SSL-SHR-PRT=", KindClassic},
		{"L-ASA-SSL-TB-500=", 0, "L-ASA-SSL-TB-500=", KindTimeBased},
	}
	for _, g := range good {
		s, err := ParseSKU(g.in, g.size)
		if err != nil || s.Name != g.want || s.Kind != g.kind {
			t.Errorf("ParseSKU(%q, %d) = %s kind %d, %v; want %s kind %d", g.in, g.size, s.Name, s.Kind, err, g.want, g.kind)
		}
	}
	bad := []struct {
		in   string
		size int
		want error
	}{
		{"L-AC-PLS-LIC", 0, ErrUnknownSKU},
		{"L-AC-VPNO-300=", 0, ErrUnknownSKU},
		{"L-AC-VPNO-100=", 250, ErrInvalidOrder},
		{"L-AC-VPNO=", 0, ErrInvalidOrder},
		{"L-AC-PLS-LIC=", 10, ErrInvalidOrder},
		{"L-ASA-SSL-SHR-SRV-750=", 0, ErrUnknownSKU},
		{"L-AC-VPNO--100=", 0, ErrUnknownSKU},
		{DemoSKU, 0, ErrUnknownSKU},
		{"", 0, ErrUnknownSKU},
	}
	for _, b := range bad {
		if _, err := ParseSKU(b.in, b.size); !errors.Is(err, b.want) {
			t.Errorf("ParseSKU(%q, %d) err = %v, want %v", b.in, b.size, err, b.want)
		}
	}
}

func TestOrderRefusesBadLines(t *testing.T) {
	tests := []struct {
		name string
		line OrderLine
		want error
		text string
	}{
		{"unknown SKU", OrderLine{SKU: "L-AC-PLS-LIC", Users: 10, Months: 12, Customer: "A"}, ErrUnknownSKU, "the portal sells"},
		{"no users", OrderLine{SKU: "L-AC-PLS-LIC=", Months: 12, Customer: "A"}, ErrUsersOutOfRange, "not 0"},
		{"too many users", OrderLine{SKU: "L-AC-APX-LIC=", Users: MaxUsers + 1, Months: 12, Customer: "A"}, ErrUsersOutOfRange, "1 to 1000000"},
		{"perpetual without users", OrderLine{SKU: "L-AC-PLS-P-G", Customer: "A"}, ErrUsersOutOfRange, ""},
		{"term too short", OrderLine{SKU: "L-AC-PLS-LIC=", Users: 10, Months: 11, Customer: "A"}, ErrTermOutOfRange, "12 to 60 months"},
		{"term too long", OrderLine{SKU: "L-AC-PLS-LIC=", Users: 10, Months: 61, Customer: "A"}, ErrTermOutOfRange, "not 61"},
		{"start too far ahead", OrderLine{SKU: "L-AC-PLS-LIC=", Users: 10, Months: 12, Customer: "A", Start: "2027-01-27"}, ErrStartDate,
			"more than 60 days ahead (at most 01/26/2027)"},
		{"start in the past", OrderLine{SKU: "L-AC-PLS-LIC=", Users: 10, Months: 12, Customer: "A", Start: "11/26/2026"}, ErrStartDate, "in the past"},
		{"start not a date", OrderLine{SKU: "L-AC-PLS-LIC=", Users: 10, Months: 12, Customer: "A", Start: "tomorrow"}, ErrStartDate, "not a date"},
		{"no customer", OrderLine{SKU: "L-AC-PLS-LIC=", Users: 10, Months: 12, Customer: "  "}, ErrInvalidOrder, "customer name is required"},
		{"negative quantity", OrderLine{SKU: "L-AC-PLS-P-G", Users: 10, Customer: "A", Quantity: -1}, ErrInvalidOrder, "quantity"},
		{"users on VPN Only", OrderLine{SKU: "L-AC-VPNO-100=", Users: 100, Customer: "A"}, ErrInvalidOrder, "takes no user count"},
		{"term on perpetual", OrderLine{SKU: "L-AC-PLS-P-G", Users: 10, Months: 12, Customer: "A"}, ErrInvalidOrder, "takes no term"},
		{"start on VPN Only", OrderLine{SKU: "L-AC-VPNO-100=", Customer: "A", Start: "2026-12-01"}, ErrInvalidOrder, "takes no start date"},
		{"time-based too long", OrderLine{SKU: "L-ASA-SSL-TB-250=", Months: 13, Customer: "A"}, ErrTermOutOfRange, ""},
		{"size mismatch", OrderLine{SKU: "L-ASA-SSL-250=", Size: 500, Customer: "A"}, ErrInvalidOrder, "has size 250, not 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.refused(tt.want, tt.text, func() (Change, error) {
				c, _, err := f.p.PlaceOrder(f.now, []OrderLine{tt.line})
				return c, err
			})
		})
	}
	t.Run("a bad line refuses the whole order", func(t *testing.T) {
		f := newFixture(t)
		f.refused(ErrTermOutOfRange, "line 2: ", func() (Change, error) {
			c, _, err := f.p.PlaceOrder(f.now, []OrderLine{plus873, {SKU: "L-AC-APX-LIC=", Users: 5, Months: 70, Customer: "B"}})
			return c, err
		})
	})
	t.Run("no lines", func(t *testing.T) {
		f := newFixture(t)
		f.refused(ErrInvalidOrder, "1 to 100 lines", func() (Change, error) {
			c, _, err := f.p.PlaceOrder(f.now, nil)
			return c, err
		})
	})
}

func TestOrderOnePAKPerLine(t *testing.T) {
	f := newFixture(t)
	// Two customers on one order: two lines, two PAKs. A quantity of three
	// on a line is still one PAK, with three times the users.
	lines := []OrderLine{
		plus873,
		{SKU: "L-AC-PLS-P-G", Users: 50, Quantity: 3, Customer: "Beta GmbH"},
		{SKU: "L-AC-APX-LIC=", Users: 26, Months: 13, Customer: "Gamma", Start: "2027-01-26"},
	}
	c, o, err := f.p.PlaceOrder(f.now, lines)
	f.apply(c, err)
	if len(o.PAKs) != 3 || o.SalesOrder != "100000001" {
		t.Fatalf("order = %+v", o)
	}
	ids := map[string]bool{}
	for _, k := range o.PAKs {
		if len(k.ID) != 11 || strings.ContainsAny(k.ID, "IO") || ids[k.ID] {
			t.Errorf("PAK %q: want 11 distinct characters without I and O", k.ID)
		}
		ids[k.ID] = true
		if !k.ActiveAt.Equal(portalStart.Add(delay)) || !k.DeliveredAt.Equal(portalStart) {
			t.Errorf("PAK %s delivered %s active %s", k.ID, k.DeliveredAt, k.ActiveAt)
		}
	}
	plus, perp, apex := o.PAKs[0], o.PAKs[1], o.PAKs[2]
	// The service starts the day after the order ships: "The contract is
	// set to become active one day after ship" (Cisco's licensing FAQ).
	if got := FormatDate(plus.Start) + "-" + FormatDate(plus.End); got != "11/28/2026-05/28/2029" {
		t.Errorf("30-month term = %s", got)
	}
	if perp.AuthorizedUsers() != 150 || !perp.End.IsZero() {
		t.Errorf("perpetual: %d users, end %s", perp.AuthorizedUsers(), perp.End)
	}
	// 60 days ahead is the limit, and allowed.
	if got := FormatDate(apex.Start) + "-" + FormatDate(apex.End); got != "01/26/2027-02/26/2028" {
		t.Errorf("apex term = %s", got)
	}
	if paks, _, _ := f.p.Len(); paks != 3 {
		t.Errorf("portal holds %d PAKs", paks)
	}
	// Another portal with the same secret makes the same PAKs; another lab
	// does not.
	g := newFixture(t)
	_, o2, _ := g.p.PlaceOrder(g.now, lines)
	if o2.PAKs[0].ID != plus.ID {
		t.Errorf("PAKs are not deterministic: %s vs %s", o2.PAKs[0].ID, plus.ID)
	}
	other, _ := New(Config{Signer: testSigner(t).ForLab("training")})
	_, o3, _ := other.PlaceOrder(g.now, lines)
	if o3.PAKs[0].ID == plus.ID {
		t.Error("two labs deliver the same PAK")
	}
}

func TestPAKActivationDelay(t *testing.T) {
	f := newFixture(t)
	k := f.order(plus873)
	want := "portal: PAK/s or Token/s " + k.ID + " is / are either Invalid or Inactive"
	f.advance(delay - time.Second)
	f.refused(ErrPAKInactive, "", func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, k.ID, asaA)
		if err != nil && err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
		return c, err
	})
	f.refused(ErrPAKInvalid, "PAK/s or Token/s 3ZZZZZZZZZZ is / are either Invalid or Inactive", func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, "3zzzzzzzzzz", asaA)
		return c, err
	})
	f.advance(time.Second)
	r := f.register(" "+strings.ToLower(k.ID)+" ", asaA)
	if r.Key.Serial != asaA || r.Row.PAK != k.ID {
		t.Fatalf("registered %+v", r)
	}
}

func TestSerialNumberRules(t *testing.T) {
	f := newFixture(t)
	k := f.orderActive(plus873)
	for _, s := range []string{"", " ", asaA + " ", " " + asaA, asaA + "\t"} {
		f.refused(ErrSerialBlank, "Serial number cannot be blank", func() (Change, error) {
			c, _, err := f.p.RegisterPak(f.now, k.ID, s)
			return c, err
		})
	}
	for _, s := range []string{"fch1947v0gy", "FCH1947V0G", "FCH-1947V0G"} {
		f.refused(keygen.ErrInvalidSerial, "as show version prints it", func() (Change, error) {
			c, _, err := f.p.RegisterPak(f.now, k.ID, s)
			return c, err
		})
	}
	// An ASAv is licensed by Smart Licensing: its serial takes no PAK.
	f.refused(ErrASAvSerial, "PAK registration does not happen for the ASA v: 9A5BHB00D2D is an ASAv serial; "+
		"the ASAv does not require any Cisco Secure Client license to be physically applied", func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, k.ID, "9A5BHB00D2D")
		return c, err
	})
}

func TestRegisterMergesIntoOneKey(t *testing.T) {
	f := newFixture(t)
	plus := f.order(plus873)
	apex := f.order(apex102)
	f.advance(delay)
	r1 := f.register(plus.ID, asaA)
	r2 := f.register(apex.ID, asaA)
	// Plus and Apex give the same key: the ASA cannot tell them apart.
	if r1.Key.Words != r2.Key.Words || len(r2.Keys) != 1 {
		t.Fatalf("Plus key %s, Plus+Apex key %s (%d keys)", r1.Key.Words, r2.Key.Words, len(r2.Keys))
	}
	if k := decode(t, f, r2.Key); k.Features != (keygen.Features{PlusApex: true}) || k.TimeBased() {
		t.Errorf("Plus/Apex key grants %s", k.Features)
	}
	if !strings.Contains(r1.Email, asaA+": "+r1.Key.Words.String()+"\n") ||
		!strings.Contains(r1.Email, "Product Authorization Key : "+plus.ID) ||
		!strings.Contains(r1.Email, "License Start Date : 11/28/2026") ||
		!strings.Contains(r1.Email, "License End Date : 05/28/2029") ||
		!strings.Contains(r1.Email, "Platform = asa") {
		t.Errorf("license e-mail:\n%s", r1.Email)
	}
	// The retired licenses merge too: counts take the higher value, on/off
	// features add up.
	p250 := f.order(OrderLine{SKU: "L-ASA-SSL-250=", Customer: "Old Co"})
	p500 := f.order(OrderLine{SKU: "L-ASA-SSL=", Size: 500, Customer: "Old Co"})
	mob := f.order(OrderLine{SKU: "L-ASA-AC-M=", Customer: "Old Co"})
	f.advance(delay)
	f.register(p500.ID, asaB)
	f.register(p250.ID, asaB)
	r := f.register(mob.ID, asaB)
	if k := decode(t, f, r.Key); k.Features != (keygen.Features{PremiumPeers: 500, Mobile: true}) {
		t.Errorf("merged key grants %s, want premium=500 mobile", k.Features)
	}
	// Registering a PAK again changes nothing and gives the key again.
	c, again, err := f.p.RegisterPak(f.now, plus.ID, asaA)
	if err != nil || !again.Again || !c.IsEmpty() || again.Key.Words != r2.Key.Words {
		t.Errorf("register again: %+v, change %+v, %v", again, c, err)
	}
}

func TestLicenseConflicts(t *testing.T) {
	tests := []struct {
		name  string
		first OrderLine
		then  OrderLine
		want  error
	}{
		{"VPN Only after Plus", plus873, vpno250, ErrVPNOnlyWithPlusApex},
		{"Apex after VPN Only", vpno250, apex102, ErrVPNOnlyWithPlusApex},
		{"Plus perpetual after VPN Only", vpno250, OrderLine{SKU: "L-AC-PLS-P-G", Users: 5, Customer: "A"}, ErrVPNOnlyWithPlusApex},
		{"Plus after Premium", OrderLine{SKU: "L-ASA-SSL-250=", Customer: "A"}, plus873, ErrNewWithRetired},
		{"Plus after Essentials", OrderLine{SKU: "L-ASA-AC-E=", Customer: "A"}, plus873, ErrNewWithRetired},
		{"VPN Only after shared participant", OrderLine{SKU: "L-ASA-SSL-SHR-PRT=", Customer: "A"}, vpno250, ErrNewWithRetired},
		{"Premium after Apex", apex102, OrderLine{SKU: "L-ASA-SSL-100=", Customer: "A"}, ErrNewWithRetired},
		{"another VPN Only size", OrderLine{SKU: "L-AC-VPNO-100=", Customer: "A"}, vpno250, ErrVPNOnlyFixed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			a := f.order(tt.first)
			b := f.orderActive(tt.then)
			f.register(a.ID, asaA)
			f.refused(tt.want, "serial "+asaA+" holds "+a.SKU, func() (Change, error) {
				c, _, err := f.p.RegisterPak(f.now, b.ID, asaA)
				return c, err
			})
		})
	}
	t.Run("Mobile and Security Plus live with Plus", func(t *testing.T) {
		f := newFixture(t)
		a := f.order(plus873)
		b := f.order(OrderLine{SKU: "L-ASA-SEC-PL=", Customer: "A"})
		f.advance(delay)
		f.register(a.ID, asaA)
		if k := decode(t, f, f.register(b.ID, asaA).Key); k.Features != (keygen.Features{PlusApex: true, SecurityPlus: true}) {
			t.Errorf("key grants %s", k.Features)
		}
	})
}

func TestSingleUsePAKs(t *testing.T) {
	f := newFixture(t)
	v := f.orderActive(vpno250)
	r := f.register(v.ID, asaA)
	if k := decode(t, f, r.Key); k.Features != (keygen.Features{VPNOnly: 250}) {
		t.Fatalf("VPN Only key grants %s", k.Features)
	}
	if strings.Contains(r.Email, "Share License Process") {
		t.Error("the VPN Only e-mail offers sharing")
	}
	f.refused(ErrPAKExhausted, "is registered to "+asaA, func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, v.ID, asaB)
		return c, err
	})
	// Quantity 2 on the line: one PAK, two registrations.
	two := f.orderActive(OrderLine{SKU: "L-ASA-SSL-250=", Quantity: 2, Customer: "A"})
	f.register(two.ID, asaB)
	f.register(two.ID, asaC)
	f.refused(ErrPAKExhausted, "quantity 2", func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, two.ID, "JAD19440BQH")
		return c, err
	})
	// Plus/Apex PAKs are multi-use.
	plus := f.orderActive(plus873)
	for _, s := range []string{"JAD19440BQH", "JAD19440BQJ", "JAD19440BQK"} {
		f.register(plus.ID, s)
	}
}

func TestTimeBasedPremium(t *testing.T) {
	f := newFixture(t)
	perm := f.order(OrderLine{SKU: "L-ASA-SSL-250=", Customer: "A"})
	tb1 := f.order(OrderLine{SKU: "L-ASA-SSL-TB-500=", Customer: "A"})
	tb2 := f.order(OrderLine{SKU: "L-ASA-SSL-TB-500=", Months: 12, Customer: "A"})
	f.advance(delay)
	f.register(perm.ID, asaA)
	r1 := f.register(tb1.ID, asaA)
	r2 := f.register(tb2.ID, asaA)
	k1, k2 := decode(t, f, r1.Key), decode(t, f, r2.Key)
	if k1.Days != 365 || k1.Features != (keygen.Features{PremiumPeers: 500}) || k2.Days != 365 {
		t.Errorf("time-based keys: %+v %+v", k1, k2)
	}
	if r1.Key.Words == r2.Key.Words {
		t.Error("two time-based licenses gave one key")
	}
	if len(r2.Keys) != 3 || r2.Keys[0].Label != "permanent" {
		t.Errorf("keys of the serial: %+v", r2.Keys)
	}
	if !strings.Contains(r1.Email, "License End Date : 365 days after activation on the ASA") {
		t.Errorf("e-mail:\n%s", r1.Email)
	}
}

func TestShareLicenseProcess(t *testing.T) {
	f := newFixture(t)
	plus := f.order(plus873)
	apex := f.order(apex102)
	mob := f.order(OrderLine{SKU: "L-ASA-AC-M=", Customer: "A"})
	f.advance(delay)
	f.register(plus.ID, asaA)
	f.register(apex.ID, asaA)
	f.register(mob.ID, asaA)

	f.refused(ErrSameSerial, "", func() (Change, error) {
		c, _, err := f.p.GetActivationCode(f.now, asaA, asaA)
		return c, err
	})
	f.refused(ErrSerialBlank, "target: portal: Serial number cannot be blank", func() (Change, error) {
		c, _, err := f.p.GetActivationCode(f.now, asaA, asaB+" ")
		return c, err
	})
	f.refused(ErrNoLicenses, asaC+" has no licenses to share", func() (Change, error) {
		c, _, err := f.p.GetActivationCode(f.now, asaC, asaB)
		return c, err
	})

	c, issued, err := f.p.GetActivationCode(f.now, asaA, asaB)
	f.apply(c, err)
	code := issued.Code.Code
	if len(code) != 12 || len(issued.Shareable) != 2 || !strings.Contains(issued.Email, "Activation Code : "+code) {
		t.Fatalf("code %q, shareable %+v\n%s", code, issued.Shareable, issued.Email)
	}
	// A chosen row must be on the source and shareable; a refusal keeps
	// the code.
	f.refused(ErrNotOnSource, `"L-AC-VPNO-100=" is not among the licenses of `+asaA, func() (Change, error) {
		c, _, err := f.p.UseActivationCode(f.now, code, []string{"L-AC-VPNO-100="})
		return c, err
	})
	f.refused(ErrNotShareable, "locked to a single ASA", func() (Change, error) {
		c, _, err := f.p.UseActivationCode(f.now, code, []string{"L-ASA-AC-M="})
		return c, err
	})
	c, shared, err := f.p.UseActivationCode(f.now, strings.ToLower(code), []string{"l-ac-pls-lic=", apex.ID})
	f.apply(c, err)
	if len(shared.Rows) != 2 || len(shared.Keys) != 1 || shared.Keys[0].Serial != asaB {
		t.Fatalf("shared %+v", shared)
	}
	if k := decode(t, f, shared.Keys[0]); k.Features != (keygen.Features{PlusApex: true}) {
		t.Errorf("target key grants %s", k.Features)
	}
	if !strings.Contains(shared.Email, asaB+": "+shared.Keys[0].Words.String()) {
		t.Errorf("keys e-mail:\n%s", shared.Email)
	}
	// Single use.
	f.refused(ErrCodeUsed, "was used on 11/27/2026", func() (Change, error) {
		c, _, err := f.p.UseActivationCode(f.now, code, nil)
		return c, err
	})
	f.refused(ErrCodeInvalid, "", func() (Change, error) {
		c, _, err := f.p.UseActivationCode(f.now, "NOSUCHCODE12", nil)
		return c, err
	})
	// Codes expire.
	c, issued, err = f.p.GetActivationCode(f.now, asaA, asaC)
	f.apply(c, err)
	f.advance(CodeLifetime)
	f.refused(ErrCodeExpired, "request another code", func() (Change, error) {
		c, _, err := f.p.UseActivationCode(f.now, issued.Code.Code, nil)
		return c, err
	})
	// The target keeps the rules: VPN Only there refuses Plus/Apex at use.
	v := f.orderActive(vpno250)
	f.register(v.ID, asaC)
	c, issued, err = f.p.GetActivationCode(f.now, asaA, asaC)
	f.apply(c, err)
	f.refused(ErrVPNOnlyWithPlusApex, "", func() (Change, error) {
		c, _, err := f.p.UseActivationCode(f.now, issued.Code.Code, nil)
		return c, err
	})
	// VPN Only cannot be shared, in the words of Cisco's licensing FAQ.
	f.refused(ErrNotShareable, "The VPN Only licenses cannot be transferred, rehosted, shared", func() (Change, error) {
		c, _, err := f.p.GetActivationCode(f.now, asaC, "JAD19440BQH")
		if !errors.Is(err, ErrVPNOnlyFixed) {
			t.Errorf("err %v does not match ErrVPNOnlyFixed", err)
		}
		return c, err
	})
}

func TestListLicenses(t *testing.T) {
	f := newFixture(t)
	plus := f.order(plus873)
	apex := f.order(apex102)
	f.advance(delay)
	f.register(plus.ID, asaA)
	f.register(apex.ID, asaA)
	l, err := f.p.ListLicenses(f.now, asaA)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range l.Rows {
		got = append(got, strings.Join([]string{r.SKU, r.PAK, FormatDate(r.Start), FormatDate(r.End), string(r.How),
			strconv.Itoa(r.Quantity)}, " "))
	}
	want := []string{
		"L-AC-PLS-LIC= " + plus.ID + " 11/28/2026 05/28/2029 registered 873",
		"L-AC-APX-LIC= " + apex.ID + " 11/28/2026 11/28/2027 registered 102",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(l.Keys) != 1 {
		t.Errorf("keys %+v", l.Keys)
	}
	if _, err := f.p.ListLicenses(f.now, ""); !errors.Is(err, ErrSerialBlank) {
		t.Errorf("blank serial: %v", err)
	}
	if l, err := f.p.ListLicenses(f.now, asaB); err != nil || len(l.Rows) != 0 {
		t.Errorf("unknown serial: %+v, %v", l, err)
	}
}

func TestDemoLicense(t *testing.T) {
	f := newFixture(t)
	c, r, err := f.p.RequestDemoLicense(f.now, asaA)
	f.apply(c, err)
	k := decode(t, f, r.Key)
	if k.Days != DemoDays || k.Features != (keygen.Features{PlusApex: true}) {
		t.Fatalf("demo key %+v", k)
	}
	if !strings.Contains(r.Email, "License End Date : 12/25/2026") || !strings.Contains(r.Email, asaA+": "+r.Key.Words.String()) {
		t.Errorf("demo e-mail:\n%s", r.Email)
	}
	f.refused(ErrDemoIssued, "received its demo license on 11/27/2026", func() (Change, error) {
		c, _, err := f.p.RequestDemoLicense(f.now, asaA)
		return c, err
	})
	// A Plus/Apex registration keeps the demo key and adds the permanent one.
	plus := f.orderActive(plus873)
	if rr := f.register(plus.ID, asaA); len(rr.Keys) != 2 || rr.Keys[0].Label != "permanent" {
		t.Errorf("keys %+v", rr.Keys)
	}
	// No Apex demo next to VPN Only.
	v := f.orderActive(vpno250)
	f.register(v.ID, asaB)
	f.refused(ErrVPNOnlyWithPlusApex, "", func() (Change, error) {
		c, _, err := f.p.RequestDemoLicense(f.now, asaB)
		return c, err
	})
	f.refused(ErrSerialBlank, "", func() (Change, error) {
		c, _, err := f.p.RequestDemoLicense(f.now, "")
		return c, err
	})
}

func TestRehostForRma(t *testing.T) {
	f := newFixture(t)
	v := f.order(vpno250)
	sp := f.order(OrderLine{SKU: "L-ASA-SEC-PL=", Customer: "A"})
	f.advance(delay)
	f.register(v.ID, asaA)
	old := f.register(sp.ID, asaA)

	f.refused(ErrSameSerial, "", func() (Change, error) {
		c, _, err := f.p.RehostForRma(f.now, asaA, asaA)
		return c, err
	})
	f.refused(ErrNoLicenses, asaB+" has nothing to re-host", func() (Change, error) {
		c, _, err := f.p.RehostForRma(f.now, asaB, asaC)
		return c, err
	})
	f.refused(ErrSerialBlank, "new serial: portal: Serial number cannot be blank", func() (Change, error) {
		c, _, err := f.p.RehostForRma(f.now, asaA, "")
		return c, err
	})
	// VPN Only does not follow a plain registration to the new unit...
	f.refused(ErrPAKExhausted, "RMA re-host", func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, v.ID, asaB)
		return c, err
	})
	// ...it needs the RMA re-host.
	c, moved, err := f.p.RehostForRma(f.now, asaA, asaB)
	f.apply(c, err)
	if len(moved.Rows) != 2 || len(moved.Keys) != 1 || moved.Keys[0].Serial != asaB {
		t.Fatalf("rehosted %+v", moved)
	}
	if k := decode(t, f, moved.Keys[0]); k.Features != (keygen.Features{VPNOnly: 250, SecurityPlus: true}) {
		t.Errorf("new key grants %s", k.Features)
	}
	if moved.Keys[0].Words == old.Key.Words {
		t.Error("the replacement got the old unit's key")
	}
	// The old serial is returned: no more registrations, nothing listed.
	plus := f.orderActive(OrderLine{SKU: "L-AC-PLS-P-G", Users: 10, Customer: "A"})
	f.refused(ErrSerialReturned, "was replaced by "+asaB, func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, plus.ID, asaA)
		return c, err
	})
	if l, _ := f.p.ListLicenses(f.now, asaA); len(l.Rows) != 0 || l.RehostedTo != asaB {
		t.Errorf("old serial lists %+v", l)
	}
	// The VPN Only PAK now belongs to the new unit; registering it there
	// again is the same registration.
	if again := f.register(v.ID, asaB); !again.Again {
		t.Errorf("register to the new unit: %+v", again)
	}
	// A multi-use PAK simply registers again to a replacement, no RMA
	// re-host needed.
	f.register(plus.ID, asaC)
	if got := f.register(plus.ID, "JAD19440BQH"); got.Key.Serial != "JAD19440BQH" {
		t.Errorf("%+v", got)
	}
}

func TestRenewalExtendsTheTerm(t *testing.T) {
	f := newFixture(t)
	first := f.orderActive(OrderLine{SKU: "L-AC-PLS-LIC=", Users: 100, Months: 12, Customer: "Acme Corp"})
	key := f.register(first.ID, asaA).Key
	// Far from the end: a second line is more users, starting tomorrow.
	more := f.order(OrderLine{SKU: "L-AC-PLS-LIC=", Users: 20, Months: 12, Customer: "ACME  corp"})
	if more.RenewalOf != "" || !more.Start.Equal(Day(f.now).AddDate(0, 0, 1)) {
		t.Errorf("mid-term line: %+v", more)
	}
	// 30 days before the end: the banding SKU again renews it.
	f.now = first.End.AddDate(0, 0, -30)
	renewal := f.orderActive(OrderLine{SKU: "L-AC-PLS-LIC=", Users: 120, Months: 24, Customer: "acme corp"})
	if renewal.RenewalOf != first.ID || !renewal.Start.Equal(first.End) || FormatDate(renewal.End) != "11/28/2029" {
		t.Fatalf("renewal: %+v", renewal)
	}
	// An Apex line does not renew Plus.
	if apex := f.order(OrderLine{SKU: "L-AC-APX-LIC=", Users: 5, Months: 12, Customer: "Acme Corp"}); apex.RenewalOf != "" {
		t.Errorf("Apex renews Plus: %+v", apex)
	}
	// The key on the ASA does not change.
	if got := f.register(renewal.ID, asaA).Key; got.Words != key.Words {
		t.Errorf("renewal changed the key: %s -> %s", key.Words, got.Words)
	}
	l, _ := f.p.ListLicenses(f.now, asaA)
	if len(l.Rows) != 2 || FormatDate(l.Rows[1].End) != "11/28/2029" {
		t.Errorf("rows %+v", l.Rows)
	}
}

// fakeUsage holds admissions: who used which serial when, and whether the
// service was Apex-only.
type fakeUsage []struct {
	serial, user string
	at           time.Time
	apexOnly     bool
}

func (u fakeUsage) Users(serials []string, from, to time.Time) (all, apex []string) {
	seen, seenApex := map[string]bool{}, map[string]bool{}
	for _, a := range u {
		if !slices.Contains(serials, a.serial) || a.at.Before(from) || !a.at.Before(to) {
			continue
		}
		if !seen[a.user] {
			seen[a.user] = true
			all = append(all, a.user)
		}
		if a.apexOnly && !seenApex[a.user] {
			seenApex[a.user] = true
			apex = append(apex, a.user)
		}
	}
	return all, apex
}

func (u *fakeUsage) admit(serial string, at time.Time, apexOnly bool, users ...string) {
	for _, n := range users {
		*u = append(*u, struct {
			serial, user string
			at           time.Time
			apexOnly     bool
		}{serial, n, at, apexOnly})
	}
}

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

func TestComplianceReport(t *testing.T) {
	f := newFixture(t)
	plus := f.order(OrderLine{SKU: "L-AC-PLS-LIC=", Users: 10, Months: 12, Customer: "Acme Corp"})
	apex := f.order(OrderLine{SKU: "L-AC-APX-LIC=", Users: 3, Months: 12, Customer: "Acme Corp"})
	other := f.order(OrderLine{SKU: "L-AC-PLS-P-G", Users: 5, Customer: "Beta"})
	f.advance(delay)
	f.register(plus.ID, asaA)
	f.register(plus.ID, asaB)
	f.register(apex.ID, asaB)
	f.register(other.ID, asaC)

	// Before the term starts and without usage: nothing measured.
	rep := f.p.Compliance(f.now, nil, "")
	if rep.UsageAvailable || len(rep.Customers) != 2 || rep.Customers[0].Customer != "Acme Corp" {
		t.Fatalf("report %+v", rep)
	}
	if fs := rep.Customers[0].Entitlements[0].Findings; len(fs) != 1 || fs[0] != "the term starts on 11/28/2026" {
		t.Errorf("findings %q", fs)
	}

	var u fakeUsage
	day := Day(f.now).AddDate(0, 0, 2)
	u.admit(asaA, day, false, names("a", 8)...)    // 8 on the Plus-only ASA
	u.admit(asaB, day, false, names("b", 4)...)    // 4 on the ASA with Plus and Apex
	u.admit(asaA, day, true, "a1", "a2")           // clientless on the Plus-only ASA
	u.admit(asaB, day, true, "b1")                 // clientless where Apex is registered
	u.admit(asaC, day, true, names("c", 7)...)     // Beta: 7 users for 5 bought
	u.admit("JAD19440BQH", day, false, "stranger") // an ASA with no license
	f.now = day.AddDate(0, 1, 0)
	rep = f.p.Compliance(f.now, u, "")
	acme := rep.Customers[0]
	if !rep.UsageAvailable || acme.AuthorizedUsers != 13 || acme.UniqueUsers != 12 || len(acme.Findings) != 0 {
		t.Errorf("Acme: %+v", acme)
	}
	p, a := acme.Entitlements[1], acme.Entitlements[0] // same start: sorted by SKU, APX first
	if p.SKU != "L-AC-PLS-LIC=" || p.UniqueUsers != 12 || !p.OverUse() || p.ApexOnlyUsers != 2 ||
		!slices.Equal(p.Serials, []string{asaA, asaB}) {
		t.Errorf("Plus entitlement: %+v", p)
	}
	if want := []string{"12 unique users seen, 10 authorized: 2 over the purchased count",
		"2 users of Apex-only services (clientless) with only Plus bought"}; !slices.Equal(p.Findings, want) {
		t.Errorf("Plus findings %q", p.Findings)
	}
	if a.UniqueUsers != 4 || !a.OverUse() || a.ApexOnlyUsers != 0 {
		t.Errorf("Apex entitlement: %+v", a)
	}
	beta := rep.Customers[1]
	if e := beta.Entitlements[0]; e.UniqueUsers != 7 || e.AuthorizedUsers != 5 || e.ApexOnlyUsers != 7 || !e.End.IsZero() {
		t.Errorf("Beta: %+v", e)
	}
	// After the term: use past the end is reported.
	f.now = plus.End.AddDate(0, 0, 3)
	u.admit(asaA, plus.End.AddDate(0, 0, 1), false, "late1", "late2", "a0")
	rep = f.p.Compliance(f.now, u, "acme corp")
	if len(rep.Customers) != 1 {
		t.Fatalf("filter: %+v", rep)
	}
	p = rep.Customers[0].Entitlements[1]
	if !p.Expired || p.UsersAfterEnd != 3 || p.UniqueUsers != 12 || rep.Customers[0].AuthorizedUsers != 0 {
		t.Errorf("expired Plus: %+v", p)
	}
	if !slices.Contains(p.Findings, "3 users after the term ended on 11/28/2027") {
		t.Errorf("findings %q", p.Findings)
	}
}

func TestPortalRecordsRoundTrip(t *testing.T) {
	// What the lab stores (JSON records) rebuilds the same portal.
	f := newFixture(t)
	plus := f.orderActive(plus873)
	v := f.orderActive(vpno250)
	f.register(plus.ID, asaA)
	f.register(v.ID, asaC)
	c, _, err := f.p.GetActivationCode(f.now, asaA, asaB)
	f.apply(c, err)
	c, _, err = f.p.RehostForRma(f.now, asaC, "JAD19440BQH")
	f.apply(c, err)

	g := reload(t, f)
	if g.state() != f.state() {
		t.Errorf("reloaded portal differs:\n%s\n%s", g.state(), f.state())
	}
	// The derived index is rebuilt: the VPN Only PAK is used up.
	g.refused(ErrPAKExhausted, "JAD19440BQH", func() (Change, error) {
		c, _, err := g.p.RegisterPak(g.now, v.ID, asaB)
		return c, err
	})
	var bad Change
	bad.PAKs = []PAK{{ID: "X", SKU: "L-AC-NOPE="}}
	if err := g.p.Apply(bad); !errors.Is(err, ErrUnknownSKU) {
		t.Errorf("a stored PAK with an unknown SKU: %v", err)
	}
}

func TestEndedTermStillRegisters(t *testing.T) {
	f := newFixture(t)
	k := f.order(OrderLine{SKU: "L-AC-APX-LIC=", Users: 5, Months: 12, Customer: "A"})
	f.now = k.End.AddDate(0, 1, 0)
	r := f.register(k.ID, asaA)
	if got := decode(t, f, r.Key); got.Features != (keygen.Features{PlusApex: true}) || !strings.Contains(r.Email, "License End Date : 11/28/2027") {
		t.Errorf("after the term: %+v\n%s", got, r.Email)
	}
	// A demo counts as Apex while it runs, not after.
	c, _, err := f.p.RequestDemoLicense(f.now, asaB)
	f.apply(c, err)
	v1 := f.orderActive(OrderLine{SKU: "L-AC-VPNO-25=", Customer: "A"})
	f.refused(ErrVPNOnlyWithPlusApex, "holds "+DemoSKU, func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, v1.ID, asaB)
		return c, err
	})
	f.advance(DemoDays * 24 * time.Hour)
	f.register(v1.ID, asaB)
}

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func testSigner(t testing.TB) *keygen.Signer {
	t.Helper()
	s, err := keygen.NewSigner(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
