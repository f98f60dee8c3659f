package scenario

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/keygen/smart"
	"github.com/asalab/asalab/sim"
)

// Result is a goal graded.
type Result struct {
	Goal   Goal
	Passed bool
	// Line is what the grade prints: PASS or FAIL first, then the goal
	// and, failed, the trainer's reason.
	Line string
}

// gradeDevice is the client device of the grade's connections, so that
// their refusals are told from the traffic's in the event log.
const gradeDevice = "grade-check"

// grade checks every goal; connect: the grade's connections are made
// (connect_all), else that goal waits for the grade. Called with e.mu held.
func (e *Engine) grade(r *run, connect bool) []Result {
	var connected map[string][2]int // headend: admitted, tried
	if connect {
		connected = e.connectAll(r)
	}
	h := e.history(r)
	out := make([]Result, 0, len(r.sc.Goals))
	for _, g := range r.sc.Goals {
		units := g.Headends
		if len(units) == 0 {
			for _, u := range r.sc.Headends {
				if g.Check != "shared_kept" || u.Role == "participant" {
					units = append(units, u.Hostname)
				}
			}
		}
		var bad []string // units that fail
		var detail []string
		fail := func(unit, why string) {
			if !slices.Contains(bad, unit) {
				bad = append(bad, unit)
			}
			detail = append(detail, why)
		}
		wait := false
		switch g.Check {
		case "key_plus_apex":
			for _, u := range units {
				k := e.key(u)
				switch {
				case k.err != "":
					fail(u, u+": "+k.err)
				case !k.feat.PlusApex:
					fail(u, u+" runs a key without AnyConnect Plus or Apex")
				case k.pending:
					fail(u, u+"'s new key waits for a reload")
				case !k.registered:
					fail(u, u+" runs a key the portal did not issue for its serial "+k.serial)
				}
			}
		case "essentials_off_saved":
			for _, u := range units {
				s, err := e.lab.Get(u)
				if err != nil {
					fail(u, u+": "+err.Error())
					continue
				}
				kl, _ := s.KeyLicense()
				switch {
				case kl.RunningEssentials:
					fail(u, u+" still runs anyconnect-essentials")
				case kl.SavedEssentials:
					fail(u, u+" has no anyconnect-essentials running but not saved (write memory)")
				}
			}
		case "no_license_server_saved":
			for _, u := range units {
				for _, which := range []string{"running", "startup"} {
					res, err := e.lab.Exec(u, []string{"show " + which + "-config"})
					if err != nil {
						fail(u, u+": "+err.Error())
						break
					}
					for _, l := range strings.Split(res.Transcript, "\n") {
						if t := strings.TrimSpace(l); strings.HasPrefix(t, "license-server ") {
							fail(u, fmt.Sprintf("%s keeps `%s` in its %s configuration", u, t, which))
							break
						}
					}
				}
			}
		case "order_covers":
			n := e.usersBought(r, g.Tier)
			if n < g.Users {
				what := "Plus or Apex"
				if g.Tier == "apex" {
					what = "Apex"
				} else if g.Tier == "plus" {
					what = "Plus or Apex"
				}
				fail("portal", fmt.Sprintf("the %s orders of %s since the start cover %d users, not %d", what, r.sc.Customer, n, g.Users))
			}
		case "connect_all":
			if !connect {
				wait = true
				break
			}
			for _, u := range units {
				c, ok := connected[u]
				if ok && c[0] < c[1] {
					fail(u, fmt.Sprintf("%s admitted %d of its %d users at grade time (%d refused)", u, c[0], c[1], c[1]-c[0]))
				}
			}
		case "no_refusals":
			for _, run := range h.runs {
				if slices.Contains(units, run.unit) {
					fail(run.unit, run.String(r.start))
				}
			}
		case "shared_kept":
			for _, l := range h.lost {
				if slices.Contains(units, l.unit) {
					fail(l.unit, fmt.Sprintf("%s lost its shared sessions at %s lab time (%s) before its own key was in", l.unit, clock(l.at, r.start), l.line))
				}
			}
		case "permanent_premium":
			for _, u := range units {
				k := e.key(u)
				n := k.feat.PremiumPeers
				if k.feat.PlusApex {
					n = k.vpnMax
				}
				switch {
				case k.err != "":
					fail(u, u+": "+k.err)
				case k.pending:
					fail(u, u+"'s new key waits for a reload")
				case n < g.Users:
					fail(u, fmt.Sprintf("%s's permanent key covers %d AnyConnect users, not %d", u, n, g.Users))
				}
			}
		case "shared_registered":
			for _, u := range units {
				s, err := e.lab.Get(u)
				if err != nil {
					fail(u, u+": "+err.Error())
					continue
				}
				if s.Shared.Role != sim.SharedParticipant || !s.Shared.Active {
					fail(u, u+" is not registered with its shared licensing server")
				}
			}
		case "rehosted_within":
			for _, u := range units {
				old := r.serials[u]
				s, err := e.lab.Get(u)
				if err != nil {
					fail(u, u+": "+err.Error())
					continue
				}
				cur := s.Device.SerialNumber()
				at, ok := h.rehosted[old+">"+cur]
				switch {
				case old == cur:
					fail(u, u+" was not replaced")
				case !ok:
					fail(u, fmt.Sprintf("%s's licenses were not re-hosted from %s to %s at the portal", u, old, cur))
				case at.Sub(r.start) > g.Within:
					fail(u, fmt.Sprintf("%s's licenses were re-hosted at %s lab time, %s after the failure (more than %s)", u, clock(at, r.start), at.Sub(r.start).Round(time.Minute), g.Within))
				}
			}
		case "compliance_clean":
			rep := e.lab.ComplianceReport(r.sc.Customer)
			for _, c := range rep.Customers {
				for _, f := range c.Findings {
					fail("portal", f)
				}
				for _, en := range c.Entitlements {
					if en.Start.Before(portal.Day(r.start)) {
						continue
					}
					for _, f := range en.Findings {
						fail("portal", en.SKU+": "+f)
					}
				}
			}
		case "smart_authorized":
			for _, u := range units {
				if why := e.smartAuthorized(u, g.Tier, func(t time.Time) string { return clock(t, r.start) + " lab time" }); why != "" {
					fail(u, why)
				}
			}
		case "smart_balanced":
			now := e.lab.Clock().Now()
			us, err := e.lab.Smart().Usage(r.smart)
			if err != nil {
				fail("smart", err.Error())
				break
			}
			for _, t := range us.Tags {
				if t.Balance < 0 {
					fail(r.smart+"/"+t.VirtualAccount, fmt.Sprintf("%s/%s uses %d %s and holds %d (balance %d) at %s lab time",
						r.smart, t.VirtualAccount, t.InUse, t.Tag, t.Purchased, t.Balance, clock(now, r.start)))
				}
			}
		}
		res := Result{Goal: g, Passed: len(detail) == 0 && !wait}
		switch {
		case wait:
			res.Line = "WAIT " + g.Description + ": checked at grade time"
		case res.Passed:
			res.Line = "PASS " + g.Description
		default:
			res.Line = "FAIL " + g.Description + ": " + expand(g.Fail, bad, detail)
		}
		out = append(out, res)
	}
	return out
}

// smartAuthorized is why host is not licensed by Smart Licensing with
// tag (any ASAv tier when ""), configured and saved, at the lab time as
// when prints it; "" when it is.
func (e *Engine) smartAuthorized(host, tag string, when func(time.Time) string) string {
	now := " at " + when(e.lab.Clock().Now())
	why := e.smartWhy(host, tag, when)
	if why == "" || strings.Contains(why, " lab time") {
		return why
	}
	return why + now
}

func (e *Engine) smartWhy(host, tag string, when func(time.Time) string) string {
	s, err := e.lab.Get(host)
	if err != nil {
		return host + ": " + err.Error()
	}
	sl, ok := s.SmartLicense()
	switch {
	case !ok:
		return host + " has no Smart Licensing"
	case sl.Entitlement == "":
		return host + " has no feature tier and throughput level configured"
	case tag != "" && sl.Entitlement != tag:
		return fmt.Sprintf("%s asks for %s, not %s", host, sl.Entitlement, tag)
	case sl.Authorization != "AUTHORIZED":
		why := fmt.Sprintf("%s is %s, %s", host, sl.Registration, sl.Authorization)
		if sl.LastFailure != "" {
			why += " (" + sl.LastFailure + ")"
		}
		return why
	case sl.Registration == "REGISTERED":
		// A unit learns of its account's compliance only when it next
		// talks to the manager; the grade asks the manager.
		if st := e.lab.Smart().Status(sl.UDI); st != smart.StatusAuthorized {
			return fmt.Sprintf("%s shows AUTHORIZED but the Smart Software Manager has it %s", host, st)
		}
		// Authorized but failing to renew, it loses its licenses at its
		// communication deadline.
		if sl.LastFailure != "" {
			return fmt.Sprintf("%s cannot reach the Smart Software Manager (%s): its authorization expires at %s",
				host, sl.LastFailure, when(sl.CommDeadline))
		}
	}
	// The license smart block as the unit runs it must be the one it
	// boots with.
	var blocks [2]string
	for i, which := range []string{"running", "startup"} {
		res, err := e.lab.Exec(host, []string{"show " + which + "-config"})
		if err != nil {
			return host + ": " + err.Error()
		}
		blocks[i] = smartBlock(res.Transcript)
	}
	if blocks[0] != blocks[1] {
		return host + "'s license smart configuration is not saved (write memory)"
	}
	return ""
}

// smartBlock is the license smart lines of a configuration listing.
func smartBlock(cfg string) string {
	var b strings.Builder
	in := false
	for _, l := range strings.Split(cfg, "\n") {
		l = strings.TrimRight(l, "\r ")
		switch {
		case strings.HasPrefix(l, "license smart"):
			in = true
		case in && strings.HasPrefix(l, " "):
		default:
			in = false
			continue
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// expand fills a goal's failure template.
func expand(tmpl string, units, detail []string) string {
	d := strings.Join(detail, "; ")
	if tmpl == "" {
		return d
	}
	if !strings.Contains(tmpl, "{detail}") {
		tmpl += ": {detail}"
	}
	return strings.NewReplacer("{units}", strings.Join(units, ", "), "{unit}", strings.Join(units, ", "), "{detail}", d).Replace(tmpl)
}

// clock is a lab time as the grade prints it: the time of day, with the
// weekday when it is not the start's day.
func clock(t, start time.Time) string {
	t, start = t.UTC(), start.UTC()
	if y, m, d := t.Date(); y != start.Year() || m != start.Month() || d != start.Day() {
		return t.Format("Mon 15:04")
	}
	return t.Format("15:04")
}

// keyState is what a unit's running permanent key carries.
type keyState struct {
	feat                keygen.Features
	pending, registered bool
	serial, err         string
	vpnMax              int
}

func (e *Engine) key(host string) keyState {
	s, err := e.lab.Get(host)
	if err != nil {
		return keyState{err: err.Error()}
	}
	kl, ok := s.KeyLicense()
	ks := keyState{serial: s.Device.SerialNumber(), pending: ok && kl.ReloadPending, vpnMax: s.Device.Platform().VPNMax}
	if !ok || kl.RunningKey == "" {
		ks.err = "it runs no activation key"
		return ks
	}
	w, err := keygen.ParseWords(kl.RunningKey)
	if err != nil {
		ks.err = "its running key is unreadable"
		return ks
	}
	if w == (keygen.Words{}) {
		ks.err = "it runs no activation key (the Base license)"
		return ks
	}
	h, err := e.lab.Headend(host)
	if err != nil {
		ks.err = err.Error()
		return ks
	}
	k, err := h.Signer().Decode(ks.serial, w)
	if err != nil {
		ks.err = "its running key is not valid for its serial " + ks.serial
		return ks
	}
	ks.feat = k.Features
	if lic, err := e.lab.ListLicenses(ks.serial); err == nil {
		ks.registered = slices.ContainsFunc(lic.Keys, func(k portal.IssuedKey) bool { return k.Words == w })
	}
	return ks
}

// usersBought adds up the users of the customer's Plus/Apex entitlements
// (Apex only for tier apex) whose term started since the scenario's.
func (e *Engine) usersBought(r *run, tier string) int {
	n := 0
	for _, c := range e.lab.ComplianceReport(r.sc.Customer).Customers {
		for _, en := range c.Entitlements {
			if en.Expired || en.Start.Before(portal.Day(r.start)) {
				continue
			}
			if en.Tier == portal.TierApex || (tier != "apex" && en.Tier == portal.TierPlus) {
				n += en.AuthorizedUsers
			}
		}
	}
	return n
}

// connectAll connects, at the grade, every user of the traffic groups
// not connected, through admission, and keeps them up as the traffic's:
// admitted and tried per headend. The refusals it meets are committed as
// events of their own, told by gradeDevice. Called with e.mu held.
func (e *Engine) connectAll(r *run) map[string][2]int {
	_ = e.lab.FlushRefusals()
	out := map[string][2]int{}
	liveOn := e.liveSessions()
	for i, g := range r.sc.Groups {
		live := liveOn(g.Headend)
		c := out[g.Headend]
		for j, id := range r.sess[i] {
			c[1]++
			if id != 0 && live[id] {
				c[0]++
				continue
			}
			r.sess[i][j] = 0
			d, err := e.lab.Admit(g.Headend, userName(g.Headend, g.Kind.String(), j), gradeDevice, g.Kind)
			if err == nil && d.Admitted {
				r.sess[i][j] = d.Session
				c[0]++
			}
		}
		out[g.Headend] = c
	}
	_ = e.lab.FlushRefusals()
	return out
}

// history is what the grade reads back from the lab's event log since the
// scenario's setup.
type history struct {
	runs     []*refusalRun
	lost     []loss
	rehosted map[string]time.Time // "old>new" serials: when
	// reloads are the grade's notes on the units reloaded since the
	// start with the scenario's users on them.
	reloads []string
}

// refusalRun is a unit's refusals for one cause.
type refusalRun struct {
	unit, cause string
	from, to    time.Time
	users       int // the most refused at one step
	// last is the count at the step of to: the lab's usage flusher may
	// commit a step's refusals in two events of the same lab time.
	last int
}

func (r *refusalRun) String(start time.Time) string {
	when := "at " + clock(r.from, start)
	if !r.to.Equal(r.from) {
		when = "between " + clock(r.from, start) + " and " + clock(r.to, start)
	}
	users := "users"
	if r.users == 1 {
		users = "user"
	}
	return fmt.Sprintf("%s refused %d %s %s lab time: %s", r.unit, r.users, users, when, r.cause)
}

// loss is a participant that lost its server before its own key ran.
type loss struct {
	unit, line string
	at         time.Time
}

var (
	refusedRE = regexp.MustCompile(`from (\S+) refused: (\S+)(?: \((\d+) similar refusals suppressed\))?`)
	runningRE = regexp.MustCompile(`running ((?:0x[0-9a-f]+ ?){5})`)
)

// unitState is a unit as the event log tells it.
type unitState struct {
	plus, essentials bool
	lostAt           time.Time
	lostLine         string
	// smartExpired: when its Smart Licensing authorization expired
	// (zero: it has not, or it was authorized again since).
	smartExpired time.Time
}

func (e *Engine) history(r *run) history {
	h := history{rehosted: map[string]time.Time{}}
	st := map[string]*unitState{}
	for _, u := range r.sc.Headends {
		st[u.Hostname] = &unitState{essentials: r.essentials[u.Hostname]}
	}
	runs := map[string]*refusalRun{}
	// The kinds note reads: the traffic's clock steps, a sixtieth of an
	// hour each, are most of the log. A filtered page may be short, even
	// empty, with more to come.
	f := sim.EventFilter{Kinds: []sim.EventKind{sim.EventKeyInstalled, sim.EventRMA, sim.EventEssentials,
		sim.EventShared, sim.EventRefusal, sim.EventPortalRehost, sim.EventSmart, sim.EventReloaded}}
	after := r.first - 1
	for {
		evs, next, more, err := e.lab.ListEvents(after, 1000, f)
		if err != nil {
			break
		}
		for _, ev := range evs {
			e.note(r, &h, st, runs, ev)
		}
		if !more || next <= after {
			break
		}
		after = next
	}
	for _, run := range runs {
		h.runs = append(h.runs, run)
	}
	slices.SortFunc(h.runs, func(a, b *refusalRun) int {
		if c := a.from.Compare(b.from); c != 0 {
			return c
		}
		return strings.Compare(a.unit, b.unit)
	})
	return h
}

// note reads one event into the history.
func (e *Engine) note(r *run, h *history, st map[string]*unitState, runs map[string]*refusalRun, ev sim.Event) {
	if ev.Kind == sim.EventPortalRehost {
		f := strings.Fields(ev.Text) // "N licenses re-hosted from OLD to NEW (RMA)"
		if i := slices.Index(f, "from"); i >= 0 && i+3 < len(f) {
			h.rehosted[f[i+1]+">"+f[i+3]] = ev.At
		}
		return
	}
	u := st[ev.Headend]
	if u == nil {
		return
	}
	switch ev.Kind {
	case sim.EventReloaded:
		// A reload drops every session on the unit. The users on it are
		// those the day's curve had connected: the traffic connects them
		// at each step (a refused one is the refusal goal's business).
		if ev.At.Before(r.start) {
			return
		}
		n := 0
		for _, g := range r.sc.Groups {
			if g.Headend == ev.Headend {
				n += r.sc.target(g, ev.At)
			}
		}
		if n > 0 {
			users := "users"
			if n == 1 {
				users = "user"
			}
			h.reloads = append(h.reloads, fmt.Sprintf("note %s reloaded at %s lab time with %d %s connected: they were dropped and had to connect again",
				ev.Headend, clock(ev.At, r.start), n, users))
		}
	case sim.EventKeyInstalled:
		if m := runningRE.FindStringSubmatch(ev.Text); m != nil {
			u.plus = e.carriesPlus(r, ev.Headend, strings.TrimSpace(m[1]))
		}
	case sim.EventRMA:
		u.plus = false
	case sim.EventEssentials:
		u.essentials = strings.HasSuffix(ev.Text, "enabled")
	case sim.EventShared:
		line := ev.Syslog
		if line == "" {
			line = ev.Text
		}
		switch {
		case strings.Contains(line, "444102") || strings.Contains(line, "444105"):
			if u.lostAt.IsZero() && !u.plus && ev.At.After(r.start.Add(-time.Second)) {
				u.lostAt, u.lostLine = ev.At, line
				h.lost = append(h.lost, loss{unit: ev.Headend, line: line, at: ev.At})
			}
		case strings.Contains(line, "444101"):
			u.lostAt, u.lostLine = time.Time{}, ""
		}
	case sim.EventSmart:
		switch {
		case strings.Contains(ev.Syslog, "%SMART_LIC-5-AUTHORIZATION_EXPIRED"):
			u.smartExpired = ev.At
		case strings.Contains(ev.Syslog, "AUTH_RENEW_SUCCESS"), strings.Contains(ev.Syslog, "AGENT_REG_SUCCESS"),
			strings.Contains(ev.Syslog, "RESERVED_INSTALLED"):
			u.smartExpired = time.Time{}
		}
	case sim.EventRefusal:
		m := refusedRE.FindStringSubmatch(ev.Text)
		if m == nil || m[1] == gradeDevice || ev.At.Before(r.start) {
			return
		}
		reason := m[2]
		if reason == headend.ReasonUnavailable.String() || reason == headend.ReasonStandby.String() {
			return // a reload or a failover: a planned outage
		}
		n := 1
		if m[3] != "" {
			k, _ := strconv.Atoi(m[3])
			n += k
		}
		cause := "over its license (" + strings.ReplaceAll(reason, "_", " ") + ")"
		switch {
		case u.plus && u.essentials:
			cause = "Plus key installed while anyconnect-essentials was still on"
		case !u.smartExpired.IsZero():
			cause = "its Smart Licensing authorization expired at " + clock(u.smartExpired, r.start) + " lab time, 90 days without reaching the Smart Software Manager"
		case !u.lostAt.IsZero():
			cause = "its license server stopped answering at " + clock(u.lostAt, r.start) + " lab time, before its own key was in"
		}
		key := ev.Headend + "\x00" + cause
		run := runs[key]
		if run == nil {
			run = &refusalRun{unit: ev.Headend, cause: cause, from: ev.At}
			runs[key] = run
		}
		if run.to.Equal(ev.At) {
			run.last += n
		} else {
			run.to, run.last = ev.At, n
		}
		run.users = max(run.users, run.last)
	}
}

// carriesPlus reports whether the key words, as the unit runs them,
// carry AnyConnect Plus or Apex.
func (e *Engine) carriesPlus(r *run, host, words string) bool {
	w, err := keygen.ParseWords(words)
	if err != nil {
		return false
	}
	hd, err := e.lab.Headend(host)
	if err != nil {
		return false
	}
	serials := []string{r.serials[host]}
	if s, err := e.lab.Get(host); err == nil {
		serials = append(serials, s.Device.SerialNumber())
	}
	for _, s := range serials {
		if k, err := hd.Signer().Decode(s, w); err == nil {
			return k.Features.PlusApex
		}
	}
	return false
}
