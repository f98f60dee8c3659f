package portal

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
)

func (f *fixture) migrate(pak, serial string) Registered {
	f.t.Helper()
	c, r, err := f.p.RegisterPakWith(f.now, pak, serial, RegisterOptions{Migrate: true})
	f.apply(c, err)
	return r
}

func TestMigrationRefusalNamesTheFlag(t *testing.T) {
	f := newFixture(t)
	shr := f.order(OrderLine{SKU: "L-ASA-SSL-SHR-PRT=", Customer: "Fleet"})
	plus := f.orderActive(plus873)
	f.register(shr.ID, asaA)
	f.refused(ErrMigrationRequired, "serial "+asaA+" holds L-ASA-SSL-SHR-PRT=", func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, plus.ID, asaA)
		return c, err
	})
	_, _, err := f.p.RegisterPak(f.now, plus.ID, asaA)
	if !errors.Is(err, ErrNewWithRetired) || !strings.Contains(err.Error(), "do not co-exist on the same hardware") ||
		!strings.Contains(err.Error(), "--migrate") {
		t.Errorf("refusal: %v", err)
	}
	// Migration goes one way: a retired license onto Plus is a plain
	// conflict, with no option to offer.
	old := f.orderActive(OrderLine{SKU: "L-ASA-SSL-100=", Customer: "Fleet"})
	f.register(plus.ID, asaB)
	_, _, err = f.p.RegisterPak(f.now, old.ID, asaB)
	if !errors.Is(err, ErrNewWithRetired) || errors.Is(err, ErrMigrationRequired) || strings.Contains(err.Error(), "migrate") {
		t.Errorf("retired onto Plus: %v", err)
	}
	f.refused(ErrMigrateToRetired, "PAK "+old.ID+" is L-ASA-SSL-100=", func() (Change, error) {
		c, _, err := f.p.RegisterPakWith(f.now, old.ID, asaC, RegisterOptions{Migrate: true})
		return c, err
	})
}

func TestMigrateReplacesRetiredLicenses(t *testing.T) {
	f := newFixture(t)
	var paks []PAK
	for _, l := range []OrderLine{
		{SKU: "L-ASA-SSL-25=", Customer: "Fleet"},
		{SKU: "L-ASA-SSL-SHR-PRT=", Customer: "Fleet"},
		{SKU: "L-ASA-SEC-PL=", Customer: "Fleet"},
		{SKU: "L-ASA-AC-M=", Customer: "Fleet"},
		{SKU: "L-ASA-SSL-TB-500=", Months: 2, Customer: "Fleet"},
	} {
		paks = append(paks, f.order(l))
	}
	f.advance(delay)
	for _, k := range paks {
		f.register(k.ID, asaA)
	}
	if keys := f.list(asaA).Keys; len(keys) != 2 || decode(t, f, keys[0]).Features !=
		(keygen.Features{PremiumPeers: 25, SharedParticipant: true, SecurityPlus: true, Mobile: true}) {
		t.Fatalf("before: %+v", keys)
	}
	f.advance(3 * 24 * time.Hour)
	migratedAt := f.now
	plus := f.orderActive(OrderLine{SKU: "L-AC-PLS-LIC=", Users: 600, Months: 12, Customer: "Fleet"})
	r := f.migrate(plus.ID, asaA)

	// The new key: the Plus entitlement and Security Plus, a platform
	// license; the time-based Premium key is gone with its license.
	if len(r.Keys) != 1 {
		t.Fatalf("keys after the migration: %+v", r.Keys)
	}
	if k := decode(t, f, r.Key); k.Features != (keygen.Features{PlusApex: true, SecurityPlus: true}) || k.TimeBased() {
		t.Errorf("migrated key grants %s", k.Features)
	}
	want := []string{paks[0].ID, paks[1].ID, paks[3].ID, paks[4].ID}
	if got := rowPAKs(r.Migrated); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("migrated %v, want %v", got, want)
	}
	for _, row := range r.Migrated {
		if !row.MigratedAt.Equal(f.now) || row.MigratedTo != plus.ID || row.How != HowRegistered || !row.At.Equal(portalStart.Add(delay)) {
			t.Errorf("migrated row %+v", row)
		}
	}
	// The history stays with the serial; the licenses in force are those
	// the key is made of.
	l := f.list(asaA)
	if got := rowPAKs(l.Rows); strings.Join(got, " ") != paks[2].ID+" "+plus.ID {
		t.Errorf("licenses in force: %v", got)
	}
	if got := rowPAKs(l.Migrated); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("history: %v", got)
	}
	if l.Keys[0].Words != r.Key.Words {
		t.Errorf("listed key %s, registered %s", l.Keys[0].Words, r.Key.Words)
	}
	if r.Again || !strings.Contains(r.Email, asaA+": "+r.Key.Words.String()) {
		t.Errorf("registration: again %v, e-mail:\n%s", r.Again, r.Email)
	}

	// A retired single-use PAK migrated away stays used up, and does not
	// come back to the migrated serial either.
	f.refused(ErrPAKExhausted, "registered to "+asaA+" (replaced there by a migration)", func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, paks[1].ID, asaB)
		return c, err
	})
	f.refused(ErrPAKExhausted, "", func() (Change, error) {
		c, _, err := f.p.RegisterPak(f.now, paks[0].ID, asaA)
		return c, err
	})
	// Registering the Plus PAK again, migrate or not, changes nothing.
	c, again, err := f.p.RegisterPakWith(f.now, plus.ID, asaA, RegisterOptions{Migrate: true})
	if err != nil || !again.Again || !c.IsEmpty() || len(again.Migrated) != 0 {
		t.Errorf("again: %+v, change %+v, %v", again, c, err)
	}

	// The compliance report says which serial the Plus entitlement took
	// over from retired licenses, and when.
	rep := f.p.Compliance(f.now, nil, "Fleet")
	if len(rep.Customers) != 1 || len(rep.Customers[0].Entitlements) != 1 {
		t.Fatalf("compliance: %+v", rep)
	}
	if m := rep.Customers[0].Entitlements[0].Migrations; len(m) != 1 || m[0].Serial != asaA || !m[0].At.Equal(migratedAt.Add(delay)) ||
		m[0].PAK != plus.ID || strings.Join(m[0].SKUs, " ") != "L-ASA-SSL-25= L-ASA-SSL-SHR-PRT= L-ASA-AC-M= L-ASA-SSL-TB-500=" {
		t.Errorf("compliance migrations: %+v", m)
	}

	// The history is part of the stored records.
	g := reload(t, f)
	if got := g.list(asaA); len(got.Migrated) != 4 || !got.Migrated[0].MigratedAt.Equal(migratedAt.Add(delay)) ||
		got.Keys[0].Words != r.Key.Words {
		t.Errorf("after a reload: %+v", got)
	}
}

func TestMigrateWithNothingToMigrate(t *testing.T) {
	f := newFixture(t)
	sec := f.order(OrderLine{SKU: "L-ASA-SEC-PL=", Customer: "A"})
	plus := f.orderActive(plus873)
	f.register(sec.ID, asaA)
	r := f.migrate(plus.ID, asaA)
	if len(r.Migrated) != 0 || r.Again {
		t.Errorf("migrated %+v, again %v", r.Migrated, r.Again)
	}
	if k := decode(t, f, r.Key); k.Features != (keygen.Features{PlusApex: true, SecurityPlus: true}) {
		t.Errorf("key grants %s", k.Features)
	}
	if l := f.list(asaA); len(l.Migrated) != 0 || len(l.Rows) != 2 {
		t.Errorf("licenses %+v", l)
	}
	// An unknown serial too: a plain first registration.
	if r := f.migrate(plus.ID, asaB); len(r.Migrated) != 0 || len(r.Keys) != 1 {
		t.Errorf("new serial: %+v", r)
	}
}

func TestMigrateKeepsVPNOnlyRules(t *testing.T) {
	f := newFixture(t)
	ess := f.order(OrderLine{SKU: "L-ASA-AC-E=", Customer: "A"})
	plus := f.order(plus873)
	v := f.order(vpno250)
	v2 := f.order(OrderLine{SKU: "L-AC-VPNO-100=", Customer: "A"})
	f.advance(delay)
	f.register(ess.ID, asaA)
	// VPN Only replaces the retired licenses as Plus would...
	r := f.migrate(v.ID, asaA)
	if k := decode(t, f, r.Key); k.Features != (keygen.Features{VPNOnly: 250}) || len(r.Migrated) != 1 {
		t.Errorf("VPN Only migration: %s, migrated %+v", k.Features, r.Migrated)
	}
	// ...but a migration never replaces VPN Only, nor Plus/Apex.
	f.refused(ErrVPNOnlyWithPlusApex, "holds L-AC-VPNO-250=", func() (Change, error) {
		c, _, err := f.p.RegisterPakWith(f.now, plus.ID, asaA, RegisterOptions{Migrate: true})
		return c, err
	})
	f.refused(ErrVPNOnlyFixed, "", func() (Change, error) {
		c, _, err := f.p.RegisterPakWith(f.now, v2.ID, asaA, RegisterOptions{Migrate: true})
		return c, err
	})
	f.register(plus.ID, asaB)
	f.refused(ErrVPNOnlyWithPlusApex, "holds L-AC-PLS-LIC=", func() (Change, error) {
		c, _, err := f.p.RegisterPakWith(f.now, v2.ID, asaB, RegisterOptions{Migrate: true})
		return c, err
	})
}

func (f *fixture) list(serial string) Licenses {
	f.t.Helper()
	l, err := f.p.ListLicenses(f.now, serial)
	if err != nil {
		f.t.Fatal(err)
	}
	return l
}

func rowPAKs(rows []LicenseRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.PAK)
	}
	return out
}

// reload rebuilds f's portal from its records as JSON, as the lab stores
// them.
func reload(t *testing.T, f *fixture) *fixture {
	t.Helper()
	var all Change
	all.Meta = &f.p.meta
	for _, k := range f.p.paks {
		all.PAKs = append(all.PAKs, *k)
	}
	for _, r := range f.p.serials {
		all.Serials = append(all.Serials, *r)
	}
	for _, k := range f.p.codes {
		all.Codes = append(all.Codes, *k)
	}
	b, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	var back Change
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	g := newFixture(t)
	g.now = f.now
	g.apply(back, nil)
	return g
}
