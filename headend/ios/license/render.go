package license

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/keygen/ioslic"
)

// The renderers follow real outputs kept in testdata/ (see its README):
// `show license` of a 1941 on 15.x (features not padded, tab-indented
// fields, "Period Used: 0  minute  0  second  "), the counted
// "License Count: 4/4/0  (Active/In-use/Violation)" of a permanent
// counted license and the `show license feature` and `show license
// detail` layouts of an ASR 903, `show license udi` of a 2911, and the
// `show version` technology-package table of a 1941 on 15.x. Every output
// is whole lines, each ending in a newline.

// period is a duration as IOS licensing prints it: the two largest units,
// "8  weeks 4  days", "0  minute  0  second " (a unit word takes an "s"
// above 1 and a space otherwise, which the real outputs show).
func period(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	const day, week = 24 * time.Hour, 7 * 24 * time.Hour
	var a, b int
	var ua, ub string
	switch {
	case d >= week:
		a, b, ua, ub = int(d/week), int(d%week/day), "week", "day"
	case d >= day:
		a, b, ua, ub = int(d/day), int(d%day/time.Hour), "day", "hour"
	case d >= time.Hour:
		a, b, ua, ub = int(d/time.Hour), int(d%time.Hour/time.Minute), "hour", "minute"
	default:
		a, b, ua, ub = int(d/time.Minute), int(d%time.Minute/time.Second), "minute", "second"
	}
	return fmt.Sprintf("%d  %s%s %d  %s%s", a, ua, plural(a), b, ub, plural(b))
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return " "
}

// Period is a duration as IOS licensing prints it ("8  weeks 4  days"),
// without the trailing space some layouts keep.
func Period(d time.Duration) string { return strings.TrimRight(period(d), " ") }

// anyEULA: the router has accepted some evaluation EULA, from which on
// real IOS every evaluation feature shows its period instead of "Not
// Activated".
func (s *Store) anyEULA() bool {
	for _, e := range s.Eval {
		if e.EULAAccepted {
			return true
		}
	}
	return false
}

func (s *Store) permanentState(f string) string {
	if s.isPackage(f) && !s.boot(f).Current {
		return "Active, Not in Use"
	}
	return "Active, In Use"
}

// inUseOf is the in-use count of a counted feature.
func inUseOf(f string, inUse map[string]int) int { return max(inUse[f], 0) }

// violation is the seats of a counted feature in use beyond those
// licensed: sessions admitted before the licenses were cleared, which stay
// until they end.
func (s *Store) violation(f string, inUse map[string]int) int {
	if f != ioslic.FeatureSSLVPN {
		return 0
	}
	return max(inUseOf(f, inUse)-s.seats(), 0)
}

// lineCount is the License Count of an installed line: the in-use seats
// of the feature are drawn from its lines in install order.
func (s *Store) lineCount(l ioslic.License, inUse map[string]int) string {
	if !l.Counted() {
		return "Non-Counted"
	}
	left := inUseOf(l.Feature, inUse)
	for _, x := range s.Licenses {
		n := min(left, x.Count)
		if x.ID == l.ID {
			return fmt.Sprintf("%d/%d/0  (Active/In-use/Violation)", x.Count, n)
		}
		if x.Feature == l.Feature {
			left -= n
		}
	}
	return fmt.Sprintf("%d/0/0  (Active/In-use/Violation)", l.Count)
}

// evalState is the License State of an evaluation license of feature f.
// `show license detail` prints "Active, " for an evaluation not activated
// yet too (as the real detail output does), `show license` does not.
func (s *Store) evalState(f string, e *Eval, now time.Time, detail bool) string {
	switch {
	case s.evalInUse(f):
		return "Active, In Use"
	case s.permanent(f) || e.Expired:
		return "Inactive"
	}
	prefix := "Active, "
	if !detail && !s.activated(e, now) {
		prefix = ""
	}
	if e.EULAAccepted {
		return prefix + "Not in Use, EULA accepted"
	}
	return prefix + "Not in Use, EULA not accepted"
}

func (s *Store) activated(e *Eval, now time.Time) bool {
	return s.anyEULA() || e.used(now) > 0 || e.Expired
}

func evalPriority(e *Eval) string {
	if e.EULAAccepted {
		return "Low"
	}
	return "None"
}

// ShowLicense is `show license`; inUse counts the seats in use of counted
// features by name ("SSL_VPN").
func (s *Store) ShowLicense(now time.Time, inUse map[string]int) string {
	var b strings.Builder
	for i, f := range s.module().Features() {
		fmt.Fprintf(&b, "Index %d Feature: %s\n", i+1, f)
		if s.permanent(f) {
			state, count := s.permanentState(f), "Non-Counted"
			if f == ioslic.FeatureSSLVPN {
				n := inUseOf(f, inUse)
				state = "Active, Not in Use"
				if n > 0 {
					state = "Active, In Use"
				}
				count = fmt.Sprintf("%d/%d/%d  (Active/In-use/Violation)", s.seats(), min(n, s.seats()), s.violation(f, inUse))
			}
			fmt.Fprintf(&b, "\tPeriod left: Life time\n\tLicense Type: Permanent\n\tLicense State: %s\n\tLicense Count: %s\n\tLicense Priority: Medium\n", state, count)
			continue
		}
		e := s.eval(f)
		if s.activated(e, now) {
			fmt.Fprintf(&b, "\tPeriod left: %s\n", period(EvalPeriod-e.used(now)))
		} else {
			fmt.Fprintf(&b, "\tPeriod left: Not Activated\n\tPeriod Used: %s \n", period(e.used(now)))
		}
		count := "Non-Counted"
		if f == ioslic.FeatureSSLVPN {
			count = fmt.Sprintf("0/%d  (In-use/Violation)", s.violation(f, inUse))
		}
		fmt.Fprintf(&b, "\tLicense Type: EvalRightToUse\n\tLicense State: %s\n\tLicense Count: %s\n\tLicense Priority: %s\n",
			s.evalState(f, e, now, false), count, evalPriority(e))
	}
	return b.String()
}

// featureFlags are the Enforcement, Evaluation and Subscription columns
// of `show license feature`.
func featureFlags(f string) (enforce, eval, sub bool) {
	switch f {
	case ioslic.FeatureIPBase:
		return false, false, false
	case featureIPS:
		return true, true, true
	}
	return true, true, false
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// ShowLicenseFeature is `show license feature`.
func (s *Store) ShowLicenseFeature(now time.Time) string {
	var b strings.Builder
	row := func(cols ...string) {
		fmt.Fprintf(&b, "%-25s%-13s%-12s%-15s%-9s%-11s\n", cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])
	}
	row("Feature name", "Enforcement", "Evaluation", "Subscription", "Enabled", "RightToUse")
	r := s.Running(now)
	for _, f := range s.module().Features() {
		enforce, eval, sub := featureFlags(f)
		enabled := r.Active(f) || (f == ioslic.FeatureSSLVPN && r.SSLVPNSeats > 0)
		row(f, yesNo(enforce), yesNo(eval), yesNo(sub), yesNo(enabled), yesNo(f != ioslic.FeatureIPBase))
	}
	return b.String()
}

// detailEntry is one license of `show license detail`.
type detailEntry struct {
	feature string
	lic     *ioslic.License // nil: built in
	index   int             // store index
}

// ShowLicenseDetail is `show license detail`: every license the router
// holds, installed and built in, by feature name.
func (s *Store) ShowLicenseDetail(now time.Time, inUse map[string]int) string {
	var entries []detailEntry
	for i := range s.Licenses {
		entries = append(entries, detailEntry{s.Licenses[i].Feature, &s.Licenses[i], i})
	}
	for i, f := range s.module().Features() {
		entries = append(entries, detailEntry{f, nil, i})
	}
	slices.SortStableFunc(entries, func(a, b detailEntry) int {
		return cmp.Compare(strings.ToLower(a.feature), strings.ToLower(b.feature))
	})
	var b strings.Builder
	for i, en := range entries {
		fmt.Fprintf(&b, "Index: %d \tFeature: %-34sVersion: %s\n", i+1, en.feature, ioslic.Version)
		switch {
		case en.lic != nil:
			l := *en.lic
			pid, sn, _ := strings.Cut(l.UDI, ":")
			addition := "Exclusive"
			if l.Counted() {
				addition = "Additive"
			}
			fmt.Fprintf(&b, "\tLicense Type: Permanent\n\tLicense State: %s\n\tLock type: Node locked\n\tVendor info: <UDI><PID>%s</PID><SN>%s</SN></UDI>\n"+
				"\tLicense Addition: %s\n\tLicense Generation version: 0x8100000\n\tLicense Count: %s\n\tLicense Priority: Medium\n\tStore Index: %d\n\tStore Name: Primary License Storage\n",
				s.permanentState(l.Feature), pid, sn, addition, s.lineCount(l, inUse), en.index)
		case en.feature == ioslic.FeatureIPBase:
			fmt.Fprintf(&b, "\tLicense Type: Permanent\n\tLicense State: Active, In Use\n\tLock type: Non Node locked\n\tVendor info: <UDI><PID>NOTLOCKED</PID><SN>NOTLOCKED</SN></UDI>\n"+
				"\tLicense Addition: Exclusive\n\tLicense Generation version: 0x8100000\n\tLicense Count: Non-Counted\n\tLicense Priority: Medium\n\tStore Index: %d\n\tStore Name: Built-In License Storage\n", en.index)
		default:
			e := s.eval(en.feature)
			count := "Non-Counted"
			if en.feature == ioslic.FeatureSSLVPN {
				count = fmt.Sprintf("0/%d  (In-use/Violation)", s.violation(en.feature, inUse))
			}
			fmt.Fprintf(&b, "\tLicense Type: EvalRightToUse\n\tLicense State: %s\n\t    Evaluation total period: %s \n\t    Evaluation period left: %s \n\t    Period used: %s \n"+
				"\tLock type: Non Node locked\n\tVendor info: <UDI><PID>NOTLOCKED</PID><SN>NOTLOCKED</SN></UDI><T>RTU</T>\n\tLicense Addition: Additive\n"+
				"\tLicense Generation version: 0x8200000\n\tLicense Count: %s\n\tLicense Priority: %s\n\tStore Index: %d\n\tStore Name: Built-In License Storage\n",
				s.evalState(en.feature, e, now, true), period(EvalPeriod), period(EvalPeriod-e.used(now)), period(e.used(now)), count, evalPriority(e), en.index)
		}
	}
	return b.String()
}

// ShowLicenseUDI is `show license udi` of the router pid, sn.
func ShowLicenseUDI(pid, sn string) string {
	return fmt.Sprintf("Device#   %-22s%-16sUDI\n%s\n*0        %-22s%-16s%s:%s\n",
		"PID", "SN", strings.Repeat("-", 77), pid, sn, pid, sn)
}

// TechnologyTable is the technology-package block of `show version`, from
// "Technology Package License Information for Module:'c2900'" to the
// table's last row.
func (s *Store) TechnologyTable(now time.Time) string {
	var b strings.Builder
	dashes := strings.Repeat("-", 72)
	fmt.Fprintf(&b, "Technology Package License Information for Module:'%s'\n\n%s\n", s.Module, dashes)
	fmt.Fprintf(&b, "%-14s%-36s%s\n%-14s%-21s%-15s%s\n%s\n", "Technology", "Technology-package", "Technology-package",
		"", "Current", "Type", "Next reboot  ", dashes)
	r := s.Running(now)
	for _, t := range s.module().Technologies {
		cur, typ, next := "None", "None", "None"
		if r.Active(t.Package) {
			cur, typ = t.Package, string(r.Packages[t.Package])
		}
		if s.boot(t.Package).Next {
			next = t.Package
		}
		fmt.Fprintf(&b, "%-14s%-21s%-15s%s\n", t.Name, cur, typ, next)
	}
	return b.String()
}
