package fopair

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/eventlog"
)

// Plan is what a check decided, for the core to carry out in order: store
// the records of Touched with Events in one synced batch and publish them,
// log Lines on their units, then replicate the configuration of each
// Replicate[i][0], an active unit, onto its standby Replicate[i][1].
type Plan[H comparable] struct {
	// Units counts the candidates: with none, a change of the lab
	// network needs no check.
	Units int
	// Next is the earliest lab time a unit that is reloading comes up
	// (zero: none), when the pairs are checked again.
	Next      time.Time
	Touched   []H
	Events    []eventlog.Event
	Lines     []Line[H]
	Replicate [][2]H
}

// meet reports whether a primary p and a secondary s meet on their failover
// LAN link.
func meet[H comparable](lab Lab[H], p, s *Cand[H]) bool {
	a, b := p.Links, s.Links
	return a.Key != "" && a.Key == b.Key && a.LAN.Addressed() && a.LAN == b.LAN &&
		lab.PathUp(p.H, s.H)
}

// statefulLink reports whether the pair's stateful link passes state: the
// same link on both, addressed, and the path between them up.
func statefulLink[H comparable](lab Lab[H], p, s *Cand[H]) bool {
	return p.Links.State.Addressed() && p.Links.State == s.Links.State && lab.PathUp(p.H, s.H)
}

// Check decides the pairs at now among the candidates cs (the headends
// with failover enabled or tracked, in id order); changed holds the
// headends whose configuration just changed (nil: none). It updates the
// units and makes the switchovers (Switch) it decides; the rest is the
// plan's.
func Check[H comparable](lab Lab[H], cs []Cand[H], now time.Time, changed map[H]bool) Plan[H] {
	var none H
	plan := Plan[H]{Units: len(cs)}
	byH := map[H]*Cand[H]{}
	for i := range cs {
		byH[cs[i].H] = &cs[i]
		if cs[i].On {
			lab.Unit(cs[i].H).Role = roleName(cs[i].Primary)
		}
	}
	// The pairs that can form: each primary with the first secondary it
	// meets, a pair already formed kept first.
	want := map[H]H{}
	mismatch := map[H]string{}
	pairUp := func(p, s *Cand[H]) {
		active, other := p, s
		if lab.Unit(s.H).Active && !lab.Unit(p.H).Active {
			active, other = s, p
		}
		u, ok := active.Dev.(family.FailoverUnit)
		if !ok {
			return
		}
		if _, m := u.CombinedLicense(other.Dev, now); m != "" {
			// Each unit logs the mismatch as it sees it.
			mismatch[active.H], mismatch[other.H] = m, m
			if v, ok := other.Dev.(family.FailoverUnit); ok {
				if _, mo := v.CombinedLicense(active.Dev, now); mo != "" {
					mismatch[other.H] = mo
				}
			}
			return
		}
		want[p.H], want[s.H] = s.H, p.H
	}
	usable := func(c *Cand[H]) bool { return c != nil && c.On && c.Up && want[c.H] == none }
	for i := range cs {
		c := &cs[i]
		if m := byH[lab.Unit(c.H).Mate]; usable(c) && usable(m) && c.Primary != m.Primary {
			p, s := c, m
			if !p.Primary {
				p, s = m, c
			}
			if meet(lab, p, s) {
				pairUp(p, s)
			}
		}
	}
	for i := range cs {
		p := &cs[i]
		if !usable(p) || !p.Primary {
			continue
		}
		for j := range cs {
			if s := &cs[j]; usable(s) && !s.Primary && meet(lab, p, s) {
				pairUp(p, s)
				if want[p.H] != none || mismatch[p.H] != "" {
					break
				}
			}
		}
	}

	var evs []eventlog.Event
	// Units whose LAN links meet but whose key or roles differ do not
	// pair: say so once for the two (the event), and in each unit's
	// mismatch.
	linkWhy := map[H]bool{}
	for i := range cs {
		a := &cs[i]
		if !usable(a) || mismatch[a.H] != "" {
			continue
		}
		for j := i + 1; j < len(cs); j++ {
			b := &cs[j]
			if !usable(b) || mismatch[b.H] != "" || !a.Links.LAN.Addressed() || a.Links.LAN != b.Links.LAN || !lab.PathUp(a.H, b.H) {
				continue
			}
			var m string
			var why family.FailoverMismatch
			switch {
			case a.Primary == b.Primary:
				why = family.FailoverRoleClash
				m = fmt.Sprintf("failover role mismatch: %s and %s are both the %s unit", lab.Name(a.H), lab.Name(b.H), strings.ToLower(roleName(a.Primary)))
			case a.Links.Key != b.Links.Key:
				why = family.FailoverKeyMismatch
				m = fmt.Sprintf("failover key mismatch: %s and %s have different failover keys", lab.Name(a.H), lab.Name(b.H))
			default:
				continue
			}
			mismatch[a.H], mismatch[b.H] = m, m
			linkWhy[a.H], linkWhy[b.H] = true, true
			// Found now: each unit logs its line(s) for it, once.
			for _, c := range []*Cand[H]{a, b} {
				if lab.Unit(c.H).Mismatch != m {
					plan.Lines = append(plan.Lines, Line[H]{H: c.H, Why: why})
				}
			}
			if lab.Unit(a.H).Mismatch != m || lab.Unit(b.H).Mismatch != m {
				evs = append(evs, eventlog.Event{At: now, Headend: lab.Name(a.H), Kind: eventlog.Syslog,
					Text: "failover pair not formed: " + m})
			}
			break
		}
	}
	// A failover line goes to the unit's own log (its buffer, its syslog
	// forward), as the real unit logs it, and to the event log: a line
	// the unit logs is an event of its own, so a bare syslog event is
	// only for a unit that does not log it.
	logged := func(h H, ev eventlog.Event) {
		plan.Lines = append(plan.Lines, Line[H]{H: h, Msg: ev.Syslog})
		if c := byH[h]; ev.Kind == eventlog.Syslog && c != nil {
			if _, ok := c.Dev.(family.FailoverLogger); ok {
				return
			}
		}
		evs = append(evs, ev)
	}
	touch := func(h H) {
		if !slices.Contains(plan.Touched, h) {
			plan.Touched = append(plan.Touched, h)
		}
	}
	// Pairs that broke: the units that are still up go on alone.
	for i := range cs {
		c := &cs[i]
		cu := lab.Unit(c.H)
		m := cu.Mate
		if m == none || want[c.H] == m {
			continue
		}
		touch(c.H)
		// The unit keeps the cluster license: the failover cluster
		// license outlives the mate (the grace period after which each
		// unit reverts to its own license is not simulated).
		// The cluster's start stays with a unit that stays up through
		// the break (Unit.Since).
		cu.Mate = none
		if !c.On || !c.Up {
			cu.SetActive(false, now)
			cu.Since = time.Time{}
			continue
		}
		mc := byH[m]
		why := "its mate is not seen"
		switch {
		case mc == nil:
			why = "its mate was deleted"
		case !mc.On:
			why = "failover was disabled on its mate"
		case mc.Off:
			why = "its mate is powered off"
		case !mc.Up:
			why = "its mate is down (reloading)"
		case !lab.PathUp(c.H, m):
			why = "the lab network path to its mate is cut"
		}
		lan := c.Links.LAN.Name
		logged(c.H, eventlog.Event{At: now, Headend: lab.Name(c.H), Kind: eventlog.FailoverMateLost,
			Syslog: fmt.Sprintf("%%ASA-1-105005: (%s) Lost Failover communications with mate on interface %s.", cu.Role, lan),
			Text:   fmt.Sprintf("failover mate %s lost: %s", lab.Name(m), why)})
		if !cu.Active {
			// From a unit that went down, the sessions it held when it
			// did; from one cut off, those it holds (it stays active on
			// its side of the cut).
			var held []Held
			if mc != nil && mc.Up {
				held = lab.Sessions(m)
			} else {
				held = lab.Handoff(m)
			}
			Switch(lab, c.H, m, held, false, now, Cause{Text: "HELLO not heard from mate"}, &evs, &plan.Lines)
		}
	}

	// Pairs that formed.
	for i := range cs {
		p := &cs[i]
		s := want[p.H]
		if !p.Primary || s == none || lab.Unit(p.H).Mate == s {
			continue
		}
		sc := byH[s]
		active, standby := p, sc
		if lab.Unit(sc.H).Active && !lab.Unit(p.H).Active {
			active, standby = sc, p
		}
		touch(p.H)
		touch(s)
		st := statefulLink(lab, p, sc)
		lab.Unit(p.H).Mate, lab.Unit(sc.H).Mate = sc.H, p.H
		// The cluster goes on from the earlier start of the two, kept by
		// a unit that stayed up; new when neither did.
		since := now
		for _, u := range []*Cand[H]{p, sc} {
			if t := lab.Unit(u.H).Since; !t.IsZero() && t.Before(since) {
				since = t
			}
		}
		for _, u := range []*Cand[H]{p, sc} {
			uu := lab.Unit(u.H)
			uu.Since, uu.Stateful, uu.Mismatch = since, st, ""
		}
		au, su := lab.Unit(active.H), lab.Unit(standby.H)
		wasActive := su.Active
		au.SetActive(true, now)
		su.SetActive(false, now)
		n := lab.SessionCount(standby.H)
		cl, _ := active.Dev.(family.FailoverUnit).CombinedLicense(standby.Dev, now)
		au.Cluster, su.Cluster = &cl, &cl
		text := fmt.Sprintf("failover pair formed: %s (%s) active, %s (%s) standby; cluster license: %d AnyConnect Premium peers, %d total VPN peers",
			lab.Name(active.H), roleName(active.Primary), lab.Name(standby.H), roleName(standby.Primary), cl.Premium, cl.Total)
		if st {
			text += "; stateful failover link up"
		}
		evs = append(evs, eventlog.Event{At: now, Headend: lab.Name(active.H), Kind: eventlog.FailoverPairFormed, Text: text},
			eventlog.Event{At: now, Headend: lab.Name(standby.H), Kind: eventlog.FailoverPairFormed, Text: text})
		if wasActive {
			logged(standby.H, eventlog.Event{At: now, Headend: lab.Name(standby.H), Kind: eventlog.FailoverSwitchover,
				Syslog: fmt.Sprintf("%%ASA-1-104002: (%s) Switching to STANDBY - Other unit wants me Standby.", su.Role),
				Text:   fmt.Sprintf("switchover: %s is the standby unit of %s; its %d session(s) dropped", lab.Name(standby.H), lab.Name(active.H), n)})
		}
	}
	// Everyone else: a lone unit up is active; a pair still formed gets
	// its cluster license again (keys may have changed).
	for i := range cs {
		c := &cs[i]
		cu := lab.Unit(c.H)
		switch {
		case !c.On:
			if cu.Tracked {
				touch(c.H)
				*cu = Unit[H]{Role: cu.Role}
			}
			continue
		case !c.Up:
			if at := lab.UpAt(c.H); plan.Next.IsZero() || at.Before(plan.Next) {
				if at.After(now) {
					plan.Next = at
				}
			}
			if cu.Active || !cu.Tracked || !cu.Since.IsZero() {
				touch(c.H)
			}
			cu.Tracked = true
			cu.SetActive(false, now)
			cu.Since = time.Time{} // down: the cluster does not go on here
			continue
		}
		if !cu.Tracked {
			touch(c.H)
			cu.Tracked = true
		}
		if m := mismatch[c.H]; m != cu.Mismatch {
			touch(c.H)
			cu.Mismatch = m
			// A unit that logs the pair's lines logs it to its buffer
			// (once stored); the event tells it for one that does not.
			if _, ok := c.Dev.(family.FailoverLogger); linkWhy[c.H] {
				// Told by the event above.
			} else if m != "" && !ok {
				evs = append(evs, eventlog.Event{At: now, Headend: lab.Name(c.H), Kind: eventlog.Syslog, Syslog: m,
					Text: "failover pair not formed: the licenses do not combine"})
			} else if m != "" {
				plan.Lines = append(plan.Lines, Line[H]{H: c.H, Msg: m})
			}
		}
		if cu.Mate == none && !cu.Active {
			touch(c.H)
			cu.SetActive(true, now)
			if cu.Since.IsZero() {
				cu.Since = now
			}
			logged(c.H, eventlog.Event{At: now, Headend: lab.Name(c.H), Kind: eventlog.Syslog,
				Syslog: fmt.Sprintf("%%ASA-1-104001: (%s) Switching to ACTIVE - No Active unit found.", cu.Role)})
		}
		if m := cu.Mate; m != none && cu.Active {
			if mc := byH[m]; mc != nil {
				mu := lab.Unit(m)
				cl, _ := c.Dev.(family.FailoverUnit).CombinedLicense(mc.Dev, now)
				if cu.Cluster == nil || !sameFeatures(*cu.Cluster, cl) {
					touch(c.H)
					touch(m)
					cu.Cluster, mu.Cluster = &cl, &cl
				}
				if st := statefulLink(lab, c, mc); st != cu.Stateful {
					touch(c.H)
					touch(m)
					cu.Stateful, mu.Stateful = st, st
				}
			}
		}
	}
	// The views of the units whose mate changed name their mate.
	for _, h := range plan.Touched {
		if m := lab.Unit(h).Mate; m != none {
			touch(m)
		}
	}
	plan.Events = evs
	// Replicate onto the standby of each pair that formed or whose active
	// unit changed.
	for i := range cs {
		c := &cs[i]
		cu := lab.Unit(c.H)
		m := cu.Mate
		if m == none || !cu.Active || (!slices.Contains(plan.Touched, c.H) && !changed[c.H]) {
			continue
		}
		plan.Replicate = append(plan.Replicate, [2]H{c.H, m})
	}
	return plan
}

// Cause is why a switchover happens: Text for its events, and the reasons
// each unit's 104001/104002 line gives (To for the unit becoming active,
// From for the one becoming the standby; "": Text).
type Cause struct {
	Text, To, From string
}

// Switch makes to the active unit at now, for cause, with held, the
// sessions of from, the unit that was active (the zero H: none), as the
// stateful link replicated them; demote: from stays up and becomes the
// standby unit (its sessions end there). Without a stateful link the
// sessions drop. The events, added to evs, say which. to's view and
// policy are published here, before the sessions arrive, those of from by
// the caller; the units' lines are added to lines.
func Switch[H comparable](lab Lab[H], to, from H, held []Held, demote bool, now time.Time, cause Cause, evs *[]eventlog.Event, lines *[]Line[H]) {
	var none H
	tu := lab.Unit(to)
	stateful := tu.Stateful
	tu.SetActive(true, now)
	tu.Last = now
	if from != none {
		fu := lab.Unit(from)
		fu.Last = now
		if demote {
			fu.SetActive(false, now)
		}
	}
	lab.Publish(to, now)
	moved := 0
	if stateful {
		for _, s := range held {
			if lab.TakeOver(to, s, now) {
				moved++
			}
		}
		lab.TookOver(to)
	}
	if from != none && demote {
		lab.Publish(from, now) // refuses from now on, then its sessions end
	}
	fate := fmt.Sprintf("%d session(s) dropped (no stateful failover link)", len(held))
	if stateful {
		fate = fmt.Sprintf("%d session(s) kept over the stateful failover link", moved)
		if n := len(held) - moved; n > 0 {
			fate += fmt.Sprintf(", %d refused by the new active unit", n)
		}
	}
	text := fmt.Sprintf("switchover (%s): %s is the active unit; %s", cause.Text, lab.Name(to), fate)
	if from != none {
		text += fmt.Sprintf("; %s (%s) was active", lab.Name(from), lab.Unit(from).Role)
	}
	toWhy, fromWhy := cmp.Or(cause.To, cause.Text), cmp.Or(cause.From, cause.Text)
	line := fmt.Sprintf("%%ASA-1-104001: (%s) Switching to ACTIVE - %s.", tu.Role, toWhy)
	*evs = append(*evs, eventlog.Event{At: now, Headend: lab.Name(to), Kind: eventlog.FailoverSwitchover, Syslog: line, Text: text})
	*lines = append(*lines, Line[H]{H: to, Msg: line})
	if from != none && demote {
		line := fmt.Sprintf("%%ASA-1-104002: (%s) Switching to STANDBY - %s.", lab.Unit(from).Role, fromWhy)
		*evs = append(*evs, eventlog.Event{At: now, Headend: lab.Name(from), Kind: eventlog.FailoverSwitchover, Syslog: line,
			Text: fmt.Sprintf("switchover (%s): %s is the standby unit; %s", cause.Text, lab.Name(from), fate)})
		*lines = append(*lines, Line[H]{H: from, Msg: line})
	}
}
