package portal

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Usage is what the headends saw, for the honor-system report.
type Usage interface {
	// Users returns the distinct user names admitted between from and to
	// (lab time) by the headends whose serial is in serials, and the subset
	// of them that used an Apex-only service (clientless). from is
	// inclusive, to exclusive.
	Users(serials []string, from, to time.Time) (all, apexOnly []string)
}

// Entitlement is one Plus/Apex purchase as the honor system sees it: an
// order line and the lines that renewed it (one term that the renewals
// extend), or a Plus perpetual line.
type Entitlement struct {
	Customer string
	Tier     Tier
	// SKU of the first line; PAKs of every line, in term order.
	SKU  string
	PAKs []string
	// AuthorizedUsers: the users bought on the line in force at the report
	// time (the last line once the term has ended, the first before it
	// starts).
	AuthorizedUsers int
	// Start and End of the whole term (End zero: perpetual).
	Start, End time.Time
	// Serials: the ASAs its PAKs are, or were before an RMA, registered or
	// shared to.
	Serials []string
	// UniqueUsers: distinct users those ASAs admitted during the term, up
	// to the report time.
	UniqueUsers int
	// Expired: the term ended before the report time; UsersAfterEnd are the
	// distinct users admitted since.
	Expired       bool
	UsersAfterEnd int
	// ApexOnlyUsers: on a Plus entitlement, distinct users of Apex-only
	// services (clientless) on its ASAs that hold no Apex license of the
	// same customer.
	ApexOnlyUsers int
	// Migrations: the serials whose retired AnyConnect licenses a PAK of
	// this entitlement replaced (RegisterOptions.Migrate), oldest first.
	Migrations []Migration
	// Findings say what is out of compliance, in words.
	Findings []string
}

// Migration is one serial moved from retired AnyConnect licenses to a
// Plus/Apex entitlement.
type Migration struct {
	Serial string
	At     time.Time
	PAK    string
	// SKUs of the retired licenses replaced, in registration order.
	SKUs []string
}

// OverUse reports more unique users than bought.
func (e *Entitlement) OverUse() bool { return e.UniqueUsers > e.AuthorizedUsers }

// CustomerCompliance groups a customer's entitlements.
type CustomerCompliance struct {
	Customer string
	// AuthorizedUsers: the users of the entitlements in force at the report
	// time, added up.
	AuthorizedUsers int
	// UniqueUsers: distinct users of all the customer's ASAs since the
	// first term started: Cisco's Secure Client (AnyConnect) Licensing FAQ
	// says the Plus or Apex user count "needs to service the total unique
	// users".
	UniqueUsers  int
	Entitlements []Entitlement
	Findings     []string
}

// ComplianceReport is the honor-system report: "Complying with the
// unique/authorized user counts and term limits are honor system and are
// not physically enforced by the ASA" (Cisco's Secure Client (AnyConnect)
// Licensing FAQ), so the portal reports what the headends never refuse.
type ComplianceReport struct {
	At time.Time
	// UsageAvailable is false when no admission records are connected:
	// every user count is then zero, not measured.
	UsageAvailable bool
	Customers      []CustomerCompliance
}

// Compliance reports, per customer (all, or the one named) and Plus/Apex
// entitlement, the users bought against the unique users the ASAs saw, use
// after the term, and Apex-only services used with only Plus bought. usage
// may be nil.
func (p *Portal) Compliance(now time.Time, usage Usage, customer string) ComplianceReport {
	rep := ComplianceReport{At: now, UsageAvailable: usage != nil}
	chains := map[string][]*PAK{}
	for _, k := range p.paks {
		s := k.SKUInfo()
		if !s.UserLicensed() || (customer != "" && customerKey(k.Customer) != customerKey(customer)) {
			continue
		}
		root := k
		for root.RenewalOf != "" && p.paks[root.RenewalOf] != nil {
			root = p.paks[root.RenewalOf]
		}
		chains[root.ID] = append(chains[root.ID], k)
	}
	byCustomer := map[string][]Entitlement{}
	for _, lines := range chains {
		e := p.entitlement(now, lines)
		key := customerKey(e.Customer)
		byCustomer[key] = append(byCustomer[key], e)
	}
	for _, key := range slices.Sorted(maps.Keys(byCustomer)) {
		ents := byCustomer[key]
		slices.SortFunc(ents, func(a, b Entitlement) int {
			return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.SKU, b.SKU), cmp.Compare(a.PAKs[0], b.PAKs[0]))
		})
		// The customer is named as on its earliest line, whatever the
		// spelling of later orders.
		rep.Customers = append(rep.Customers, p.customerCompliance(now, usage, ents[0].Customer, ents))
	}
	return rep
}

// entitlement builds one chain's row, without usage.
func (p *Portal) entitlement(now time.Time, lines []*PAK) Entitlement {
	slices.SortFunc(lines, func(a, b *PAK) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
	first, last := lines[0], lines[len(lines)-1]
	s := first.SKUInfo()
	e := Entitlement{Customer: first.Customer, Tier: s.Tier, SKU: first.SKU, Start: first.Start, End: last.End,
		AuthorizedUsers: first.AuthorizedUsers()}
	serials := map[string]bool{}
	for _, k := range lines {
		e.PAKs = append(e.PAKs, k.ID)
		if k.End.After(e.End) {
			e.End = k.End
		}
		if !now.Before(k.Start) { // the last line started (an ended one has)
			e.AuthorizedUsers = k.AuthorizedUsers()
		}
		for serial := range p.byPAK[k.ID] {
			serials[serial] = true
		}
	}
	e.Serials = slices.Sorted(maps.Keys(serials))
	e.Expired = !e.End.IsZero() && !now.Before(e.End)
	e.Migrations = p.migrations(e.Serials, e.PAKs)
	return e
}

// migrations lists what PAKs of an entitlement replaced on serials.
func (p *Portal) migrations(serials, paks []string) []Migration {
	var out []Migration
	for _, s := range serials {
		r := p.serials[s]
		if r == nil {
			continue
		}
		for _, g := range r.Migrated {
			if !slices.Contains(paks, g.MigratedTo) {
				continue
			}
			k := p.paks[g.PAK]
			if n := len(out); n > 0 && out[n-1].Serial == s && out[n-1].At.Equal(g.MigratedAt) && out[n-1].PAK == g.MigratedTo {
				out[n-1].SKUs = append(out[n-1].SKUs, k.SKU)
				continue
			}
			out = append(out, Migration{Serial: s, At: g.MigratedAt, PAK: g.MigratedTo, SKUs: []string{k.SKU}})
		}
	}
	slices.SortStableFunc(out, func(a, b Migration) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Serial, b.Serial)) })
	return out
}

// inForce reports whether the entitlement covers now.
func (e *Entitlement) inForce(now time.Time) bool {
	return !now.Before(e.Start) && (e.End.IsZero() || now.Before(e.End))
}

func (p *Portal) customerCompliance(now time.Time, usage Usage, name string, ents []Entitlement) CustomerCompliance {
	cc := CustomerCompliance{Customer: name}
	apexSerials := map[string]bool{}
	all := map[string]bool{}
	first := now
	for i := range ents {
		if ents[i].Tier == TierApex {
			for _, s := range ents[i].Serials {
				apexSerials[s] = true
			}
		}
		for _, s := range ents[i].Serials {
			all[s] = true
		}
		if ents[i].inForce(now) {
			cc.AuthorizedUsers += ents[i].AuthorizedUsers
		}
		first = minTime(first, ents[i].Start)
	}
	for i := range ents {
		e := &ents[i]
		switch {
		case now.Before(e.Start):
			e.Findings = append(e.Findings, fmt.Sprintf("the term starts on %s", FormatDate(e.Start)))
			continue
		case len(e.Serials) == 0:
			e.Findings = append(e.Findings, "not registered to any ASA: no usage can be seen")
			continue
		case usage == nil:
			continue
		}
		to := now
		if e.Expired {
			to = e.End
		}
		seen, apexOnly := usage.Users(e.Serials, e.Start, to)
		e.UniqueUsers = len(distinct(seen))
		if e.OverUse() {
			e.Findings = append(e.Findings, fmt.Sprintf("%d unique users seen, %d authorized: %d over the purchased count",
				e.UniqueUsers, e.AuthorizedUsers, e.UniqueUsers-e.AuthorizedUsers))
		}
		if e.Expired {
			after, _ := usage.Users(e.Serials, e.End, now)
			if e.UsersAfterEnd = len(distinct(after)); e.UsersAfterEnd > 0 {
				e.Findings = append(e.Findings, fmt.Sprintf("%d users after the term ended on %s", e.UsersAfterEnd, FormatDate(e.End)))
			}
		}
		if e.Tier == TierPlus {
			var uncovered []string
			for _, s := range e.Serials {
				if !apexSerials[s] {
					uncovered = append(uncovered, s)
				}
			}
			if len(uncovered) < len(e.Serials) {
				apexOnly = nil
				if len(uncovered) > 0 {
					_, apexOnly = usage.Users(uncovered, e.Start, to)
				}
			}
			if e.ApexOnlyUsers = len(distinct(apexOnly)); e.ApexOnlyUsers > 0 {
				e.Findings = append(e.Findings, fmt.Sprintf("%d users of Apex-only services (clientless) with only Plus bought",
					e.ApexOnlyUsers))
			}
		}
	}
	cc.Entitlements = ents
	if usage != nil && len(all) > 0 && !now.Before(first) {
		seen, _ := usage.Users(slices.Sorted(maps.Keys(all)), first, now)
		cc.UniqueUsers = len(distinct(seen))
		if cc.UniqueUsers > cc.AuthorizedUsers {
			cc.Findings = append(cc.Findings, fmt.Sprintf("%d unique users on the customer's ASAs, %d authorized by the licenses in force",
				cc.UniqueUsers, cc.AuthorizedUsers))
		}
	}
	return cc
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// distinct drops repeated names (a Usage should not return any, but the
// report must not count them twice if it does).
func distinct(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := names[:0:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
