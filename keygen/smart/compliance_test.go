package smart

import (
	"slices"
	"testing"
	"time"
)

// The AnyConnect report: per virtual account, the distinct users of its
// ASAv against its Plus/Apex/VPN Only entitlements in force, counted since
// the earliest of them; an account with none reports its users all over.
func TestAnyConnectCompliance(t *testing.T) {
	f := newFixture(t)
	m := f.m
	apply := func(c Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	c, _, err := m.CreateAccount(f.now, "Acme")
	apply(c, err)
	c, _, err = m.CreateVirtualAccount(f.now, "Acme", "Lab")
	apply(c, err)
	c, _, err = m.AddEntitlement(f.now, "Acme", "", TagASAv1G, 5, time.Time{})
	apply(c, err)
	c, _, err = m.AddEntitlement(f.now, "Acme", "", TagPlus, 2, time.Time{})
	apply(c, err)
	c, _, err = m.AddEntitlement(f.now, "Acme", "Lab", TagApex, 10, time.Time{})
	apply(c, err)
	c, tok, err := m.CreateToken(f.now, "Acme", "", 0, 0)
	apply(c, err)
	for _, s := range []string{"9AAAAAAAAA2", "9AAAAAAAAA1"} {
		c, _, err = m.Register(f.now, UDI(s), tok.Token, []string{TagASAv1G})
		apply(c, err)
	}
	var asked [][]string
	users := func(serials []string, from, to time.Time) ([]string, []string) {
		asked = append(asked, serials)
		if !from.Equal(f.now) || !to.Equal(f.now.Add(day)) {
			t.Errorf("users asked for [%s, %s)", from, to)
		}
		return []string{"alice", "bob", "carol"}, []string{"carol"}
	}
	got := m.AnyConnectCompliance(f.now.Add(day), " acme ", users)
	if len(got) != 2 || len(asked) != 1 || !slices.Equal(asked[0], []string{"9AAAAAAAAA1", "9AAAAAAAAA2"}) {
		t.Fatalf("report %+v, users asked for %v", got, asked)
	}
	d := got[0]
	if d.VirtualAccount != "DEFAULT" || d.Plus != 2 || d.UniqueUsers != 3 || d.ApexOnlyUsers != 1 || !slices.Equal(d.Findings, []string{
		"3 unique AnyConnect users on its ASAv, 2 licensed (Plus 2, Apex 0, VPN Only 0)",
		"1 users of Apex-only services (clientless) with no Apex entitlement",
	}) {
		t.Errorf("DEFAULT: %+v", d)
	}
	if l := got[1]; l.VirtualAccount != "Lab" || l.Apex != 10 || len(l.Serials) != 0 || !slices.Equal(l.Findings, []string{"no ASAv registered: no usage can be seen"}) {
		t.Errorf("Lab: %+v", l)
	}
	if r := m.AnyConnectCompliance(f.now, "Other", users); len(r) != 0 {
		t.Errorf("another account: %+v", r)
	}
}
