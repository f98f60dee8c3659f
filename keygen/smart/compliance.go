package smart

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// AnyConnect on an ASAv is licensed on the honor system, as on the
// 5500-X: the ASAv "does not require any Cisco Secure Client license to be
// physically applied" (Cisco's Secure Client licensing FAQ), so nothing
// refuses a user; the manager reports, per virtual account, the users its
// ASAv admitted against the AnyConnect entitlements it holds.
//
// UNSURE how the real manager counts VPN Only (per device, concurrent):
// the lab counts Plus, Apex and VPN Only alike as users, and compares the
// distinct users of the virtual account's ASAv with their sum.

// Users is what the lab's headends saw: the distinct users admitted in
// [from, to) by the ASAv with these serials, and those who used an
// Apex-only service (clientless).
type Users func(serials []string, from, to time.Time) (all, apexOnly []string)

// VACompliance is one virtual account's AnyConnect use on its ASAv.
type VACompliance struct {
	Account, VirtualAccount string
	// Serials are its ASAv registered or reserved now, sorted.
	Serials []string
	// Plus, Apex and VPNOnly are the AnyConnect licenses in force.
	Plus, Apex, VPNOnly int
	// Since is where the count starts: the earliest AnyConnect
	// entitlement in force, else the earliest registration of its ASAv.
	Since time.Time
	// UniqueUsers and ApexOnlyUsers are the distinct users its ASAv
	// admitted since then, and of them those of Apex-only services.
	UniqueUsers, ApexOnlyUsers int
	// Findings say what is out of compliance, in words.
	Findings []string
}

// Bought is the AnyConnect users the virtual account holds.
func (c *VACompliance) Bought() int { return c.Plus + c.Apex + c.VPNOnly }

// AnyConnectCompliance reports each virtual account of the Smart Account
// named (all when account is "", the name's case and outer spaces
// ignored) that holds an ASAv or an AnyConnect entitlement, at now. users
// may be nil: the counts are then zero.
func (m *Manager) AnyConnectCompliance(now time.Time, account string, users Users) []VACompliance {
	type key struct{ a, va string }
	rows := map[key]*VACompliance{}
	row := func(a, va string) *VACompliance {
		k := key{a, va}
		if rows[k] == nil {
			rows[k] = &VACompliance{Account: a, VirtualAccount: va}
		}
		return rows[k]
	}
	want := func(a string) bool {
		return account == "" || strings.EqualFold(strings.TrimSpace(account), a)
	}
	for _, e := range m.ents {
		if !want(e.Account) || !e.ActiveAt(now) {
			continue
		}
		var n *int
		r := row(e.Account, e.VirtualAccount)
		switch e.Tag {
		case TagPlus:
			n = &r.Plus
		case TagApex:
			n = &r.Apex
		case TagVPNOnly:
			n = &r.VPNOnly
		default:
			continue
		}
		*n += e.Count
		if r.Since.IsZero() || e.AddedAt.Before(r.Since) {
			r.Since = e.AddedAt
		}
	}
	firstReg := map[key]time.Time{}
	for _, d := range m.devices {
		if !want(d.Account) || !d.Active() {
			continue
		}
		sn, err := ParseUDI(d.UDI)
		if err != nil {
			continue
		}
		k := key{d.Account, d.VirtualAccount}
		r := row(d.Account, d.VirtualAccount)
		r.Serials = append(r.Serials, sn)
		if t, ok := firstReg[k]; !ok || d.RegisteredAt.Before(t) {
			firstReg[k] = d.RegisteredAt
		}
	}
	out := make([]VACompliance, 0, len(rows))
	for _, k := range slices.SortedFunc(maps.Keys(rows), func(x, y key) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.va, y.va)) }) {
		r := rows[k]
		slices.Sort(r.Serials)
		if r.Since.IsZero() {
			r.Since = firstReg[k]
		}
		if users != nil && len(r.Serials) > 0 && r.Since.Before(now) {
			all, apexOnly := users(r.Serials, r.Since, now)
			r.UniqueUsers, r.ApexOnlyUsers = len(all), len(apexOnly)
		}
		if r.UniqueUsers > r.Bought() {
			r.Findings = append(r.Findings, fmt.Sprintf("%d unique AnyConnect users on its ASAv, %d licensed (Plus %d, Apex %d, VPN Only %d)",
				r.UniqueUsers, r.Bought(), r.Plus, r.Apex, r.VPNOnly))
		}
		if r.ApexOnlyUsers > 0 && r.Apex == 0 {
			r.Findings = append(r.Findings, fmt.Sprintf("%d users of Apex-only services (clientless) with no Apex entitlement", r.ApexOnlyUsers))
		}
		if len(r.Serials) == 0 {
			r.Findings = append(r.Findings, "no ASAv registered: no usage can be seen")
		}
		out = append(out, *r)
	}
	return out
}
