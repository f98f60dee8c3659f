package sim

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/store"
)

// Failover pairs (Active/Standby) in the lab. Two units pair when both have
// failover enabled with opposite roles and the same key, their failover LAN
// links are addressed alike (`failover interface ip NAME A M standby S`:
// the primary holds A, the secondary S), both are up, and the lab network
// passes packets between them; the device decides from the two licenses
// whether they can (family.FailoverUnit.CombinedLicense). The lab re-checks
// the pairs whenever that may have changed: a change of a failover unit
// through the pipeline, a change of the lab network (netwatch.go), and the
// lab time a reloading unit comes up again.
//
// The rules it follows:
//   - A unit with failover enabled and no mate is active ("Not Detected"
//     mate) and admits against its own license; a real unit goes active
//     once its hold time passes without a mate, the lab at once. A unit
//     that lost its mate keeps the cluster license (the grace period
//     after which each unit reverts to its own license is not simulated).
//     A unit that is down (reloading, powered off) is negotiating, and
//     joins as the standby when it is up again next to an active mate.
//   - When a pair forms, the unit that is already active stays active;
//     when both or neither are, the primary becomes active ("The primary
//     unit always becomes the active unit if both units start up at the
//     same time", Cisco ASA 8.4 configuration guide, "Information About
//     Active/Standby Failover"). Which unit wins when a cut link heals
//     and both are active is not documented there: the primary does
//     (UNSURE).
//   - The active unit admits against the failover cluster license (its
//     family's FailoverAdmission); the standby refuses every connection
//     (headend.ReasonStandby) and gets the active unit's configuration
//     (replicated at pairing and after every change of the active unit;
//     when the active unit's configuration is saved, the standby's is
//     too). It holds no session, and answers in the lab network on its
//     standby addresses, the active unit on the pair's.
//   - Losing the mate (its power, its reload, its deletion, a cut link)
//     makes the standby active; a cut link leaves both active, each on
//     its side, until it is restored. With a stateful failover link up the sessions move
//     to the new active unit: the same users and kinds, counted against
//     the same cluster license, admitted anew there, so that they are its
//     sessions, released there by the ids its Sessions lists (which need
//     not be those the old active unit gave). Without one, they drop.
//   - A unit keeps its name in the lab while failover is enabled, and
//     after until its hostname next changes, though replication gives it
//     the pair's hostname (pin): the lab, the API and its SSH console
//     address it by that name.
//
// Shared licensing across a pair (the participant id moving with the
// active unit) is not simulated.

// Errors of the pair commands (Host.Failover), the family's, so that the
// console words them as the ASA does.
var (
	ErrFailoverOff = family.ErrFailoverOff
	ErrNoMate      = family.ErrNoMate
)

// failovers is the lab's failover service.
type failovers struct {
	// mu serialises the decisions about pairs. It is taken before any
	// headend's lock, never under one.
	mu sync.Mutex
	// next is the earliest lab time a failover unit that is reloading
	// comes up (zero: none), when the pairs are checked again.
	next time.Time
	// hmu guards handoff: the sessions an active unit with a stateful
	// link held when it went down, for its mate. A leaf lock, taken
	// under a headend's.
	hmu     sync.Mutex
	handoff map[*Headend][]heldSession
	// units counts the headends the last check found with failover
	// enabled or tracked: with none, a change of the lab network needs
	// no check (failover is only enabled through a change of the unit).
	units int
	// moved is the time the service's own change of a unit (a
	// replication, a reload of the standby) moved it on the lab network;
	// the network's watchers are told once mu is released (unlock).
	moved time.Time
}

// foUnlock releases l.fo.mu, then tells the lab network's watchers of a
// move the service's own changes made.
func (l *Lab) foUnlock() {
	at := l.fo.moved
	l.fo.moved = time.Time{}
	l.fo.mu.Unlock()
	if !at.IsZero() {
		l.netChanged(at)
	}
}

// foUnit is a headend's place in the failover service; guarded by
// Lab.fo.mu. Its status for readers is Headend.foView.
type foUnit struct {
	tracked     bool // failover was enabled at the last check
	active      bool
	mate        *Headend
	since, last time.Time
	stateful    bool
	cluster     *family.LicensedFeatures
	mismatch    string
	// activeFor is how long the unit was active before activeSince, when
	// it last became active (zero while it is not).
	activeFor   time.Duration
	activeSince time.Time
}

// setActive makes the unit active or not at now, counting its active time.
func (f *foUnit) setActive(on bool, now time.Time) {
	switch {
	case on && !f.active:
		f.activeSince = now
	case !on && f.active:
		f.activeFor += now.Sub(f.activeSince)
		f.activeSince = time.Time{}
	}
	f.active = on
}

// foPublished is what the service last decided about a unit.
type foPublished struct {
	st       family.FailoverStatus
	mismatch string
	// activeFor and activeSince count its active time (foUnit).
	activeFor   time.Duration
	activeSince time.Time
}

// activeTime is how long the unit has been active in all at now.
func (p *foPublished) activeTime(now time.Time) time.Duration {
	if p == nil {
		return 0
	}
	if p.activeSince.IsZero() {
		return p.activeFor
	}
	return p.activeFor + now.Sub(p.activeSince)
}

// foLine is a failover line a unit logs.
type foLine struct {
	h   *Headend
	msg string
}

// heldSession is a session as the stateful link replicates it.
type heldSession struct {
	p *admission.Principal
	k headend.Kind
}

// foCand is a headend as one check sees it.
type foCand struct {
	h       *Headend
	dev     family.Device // a copy at the check's time
	on, up  bool
	off     bool // powered off
	primary bool
	links   family.FailoverLinkConfig
}

// FailoverStatus is h's failover pair as the lab sees it (family.Host).
func (h *Headend) FailoverStatus() family.FailoverStatus {
	v := h.foView.Load()
	if v == nil {
		return family.FailoverStatus{}
	}
	st := v.st
	now := h.lab.clock.Now()
	st.ActiveTime = v.activeTime(now)
	if m := h.foMate.Load(); m != nil && st.MateSeen {
		st.MateActiveTime = m.foView.Load().activeTime(now)
	}
	return st
}

// Mate is the other unit of h's pair (family.Host).
func (h *Headend) Mate() (family.Host, bool) {
	if m := h.foMate.Load(); m != nil {
		return m, true
	}
	return nil, false
}

// Failover runs a pair command on h (family.Host): `failover active` on
// the standby and `no failover active` on the active switch the pair over;
// the same commands on a unit already in that state change nothing, as on
// the ASA; `failover reload-standby` on the active unit reloads its mate.
// It must not be called with h's lock held (inside View or Update).
func (h *Headend) Failover(cmd family.FailoverCommand) error {
	l := h.lab
	l.fo.mu.Lock()
	defer l.foUnlock()
	now := l.clock.Now()
	if !h.fo.tracked {
		return fmt.Errorf("%w: %s", ErrFailoverOff, h.labName())
	}
	mate := h.fo.mate
	switch cmd {
	case family.FailoverMakeActive, family.FailoverMakeStandby:
		if (cmd == family.FailoverMakeActive) == h.fo.active {
			return nil
		}
		if mate == nil {
			return fmt.Errorf("%w: %s", ErrNoMate, h.labName())
		}
		to := h
		if cmd == family.FailoverMakeStandby {
			to = mate
		}
		return l.foCommitSwitch(to, now, "Set by the config command")
	case family.FailoverReloadStandby:
		if mate == nil || !h.fo.active {
			return fmt.Errorf("%w: %s has no standby unit", ErrNoMate, h.labName())
		}
		var c family.Device
		if err := mate.replicaUpdate(func(d family.Device) error {
			c = d
			d.Reload(now, l.bootTime)
			return nil
		}); err != nil {
			return err
		}
		return l.foRebooted(mate, c, now)
	}
	return fmt.Errorf("%w: failover command %d", ErrInvalidArgument, cmd)
}

// foCommitSwitch makes to the active unit of its pair at now, for cause.
// Called with l.fo.mu held.
func (l *Lab) foCommitSwitch(to *Headend, now time.Time, cause string) error {
	from := to.fo.mate
	var evs []Event
	l.foSwitch(to, from, activeSessions(l, from), true, now, cause, &evs)
	if err := l.foPersist(now, []*Headend{to, from}, evs); err != nil {
		return err
	}
	return l.foReplicate(to, from, now)
}

// foSwitch makes to the active unit at now, for cause, with held, the
// sessions of from, the unit that was active (nil: none), as the stateful
// link replicated them; demote: from stays up and becomes the standby unit
// (its sessions end there). Without a stateful link the sessions drop. The
// events say which. Called with l.fo.mu held; to's view and policy are
// published here, before the sessions arrive, those of from by the caller.
func (l *Lab) foSwitch(to, from *Headend, held []heldSession, demote bool, now time.Time, cause string, evs *[]Event) {
	stateful := to.fo.stateful
	to.fo.setActive(true, now)
	to.fo.last = now
	if from != nil {
		from.fo.last = now
		if demote {
			from.fo.setActive(false, now)
		}
	}
	l.foPublish(to, now)
	moved := 0
	if stateful {
		t := now.Unix()
		for _, s := range held {
			if d := to.adm.Admit(s.p, s.k, t); d.Admitted {
				moved++
			}
		}
	}
	if from != nil && demote {
		l.foPublish(from, now) // refuses from now on, then its sessions end
	}
	fate := fmt.Sprintf("%d session(s) dropped (no stateful failover link)", len(held))
	if stateful {
		fate = fmt.Sprintf("%d session(s) kept over the stateful failover link", moved)
		if n := len(held) - moved; n > 0 {
			fate += fmt.Sprintf(", %d refused by the new active unit", n)
		}
	}
	text := fmt.Sprintf("switchover (%s): %s is the active unit; %s", cause, to.labName(), fate)
	if from != nil {
		text += fmt.Sprintf("; %s (%s) was active", from.labName(), from.foRole)
	}
	*evs = append(*evs, Event{At: now, Headend: to.labName(), Kind: EventFailoverSwitchover,
		Syslog: fmt.Sprintf("%%ASA-1-104001: (%s) Switching to ACTIVE - %s.", to.foRole, cause), Text: text})
	if from != nil && demote {
		*evs = append(*evs, Event{At: now, Headend: from.labName(), Kind: EventFailoverSwitchover,
			Syslog: fmt.Sprintf("%%ASA-1-104002: (%s) Switching to STANDBY - Other unit wants me Standby.", from.foRole),
			Text:   fmt.Sprintf("switchover (%s): %s is the standby unit; %s", cause, from.labName(), fate)})
	}
}

// activeSessions lists the sessions of h's admission table, as the
// stateful link would have replicated them.
func activeSessions(l *Lab, h *Headend) []heldSession {
	var out []heldSession
	if h == nil {
		return nil
	}
	h.adm.Sessions(0, func(s admission.SessionInfo) bool {
		if p := l.principals.ByIndex(s.Principal); p != nil {
			out = append(out, heldSession{p: p, k: s.Kind})
		}
		return true
	})
	return out
}

// foCapture keeps the sessions of h, which is about to drop them (a
// reload), for its mate when h is the active unit of a pair: they move
// over a stateful link, and the switchover's event counts them either
// way.
// Called with h.mu held.
func (h *Headend) foCapture() {
	if v := h.FailoverStatus(); v.State != family.FailoverActive || !v.MateSeen {
		return
	}
	held := activeSessions(h.lab, h)
	l := h.lab
	l.fo.hmu.Lock()
	if l.fo.handoff == nil {
		l.fo.handoff = map[*Headend][]heldSession{}
	}
	l.fo.handoff[h] = held
	l.fo.hmu.Unlock()
}

// labEvents names h's events by its name in the lab when it is pinned:
// its device's hostname is then the pair's. Called with h.mu held.
func (h *Headend) labEvents(evs []Event) []Event {
	if h.pinned {
		for i := range evs {
			evs[i].Headend = h.name
		}
	}
	return evs
}

// labName is h's name in the lab.
func (h *Headend) labName() string {
	h.lab.mu.Lock()
	defer h.lab.mu.Unlock()
	return h.name
}

// foChanged re-checks the pairs after a change of h from old to c through
// the pipeline, and replicates the configuration of an active unit onto
// its standby.
func (l *Lab) foChanged(h *Headend, old, c family.Device) {
	onOld, _ := foEnabled(old)
	onNew, _ := foEnabled(c)
	if !onOld && !onNew && h.foView.Load() == nil { // not a failover unit: no lock
		return
	}
	l.fo.mu.Lock()
	defer l.foUnlock()
	now := l.clock.Now()
	if rebooted(old, c) {
		if err := l.foRebooted(h, c, now); err != nil {
			l.log.Error("failover check", zap.String("lab", l.name), zap.Error(err))
		}
		return
	}
	if err := l.foCheckLocked(now, nil, h); err != nil {
		l.log.Error("failover check", zap.String("lab", l.name), zap.Error(err))
	}
}

// foRebooted re-checks the pairs after h booted to c at now: its
// mate lost it, and a unit back at once (no boot time) comes back as the
// standby. Called with l.fo.mu held.
func (l *Lab) foRebooted(h *Headend, c family.Device, now time.Time) error {
	if err := l.foCheckLocked(now, map[*Headend]bool{h: true}, nil); err != nil {
		return err
	}
	if c.Reloading(now) {
		return nil
	}
	return l.foCheckLocked(now, nil, nil)
}

// foNetChanged re-checks the pairs after a change of the lab network.
func (l *Lab) foNetChanged(now time.Time) {
	l.fo.mu.Lock()
	defer l.foUnlock()
	if l.fo.units == 0 {
		return
	}
	if err := l.foCheckLocked(now, nil, nil); err != nil {
		l.log.Error("failover check", zap.String("lab", l.name), zap.Error(err))
	}
}

// foClock re-checks the pairs at each lab time up to now a reloading
// failover unit came up.
func (l *Lab) foClock(now time.Time) {
	l.fo.mu.Lock()
	defer l.foUnlock()
	for !l.fo.next.IsZero() && !l.fo.next.After(now) {
		at := l.fo.next
		if err := l.foCheckLocked(at, nil, nil); err != nil {
			l.log.Error("failover check", zap.String("lab", l.name), zap.Error(err))
			return
		}
		if !l.fo.next.After(at) {
			return // nothing came up: do not spin
		}
	}
}

// foEnabled is `failover` on d, and whether d is the primary unit.
func foEnabled(d family.Device) (on, primary bool) {
	u, ok := d.(family.FailoverUnit)
	if !ok {
		return false, false
	}
	on, role := u.FailoverEnabled()
	return on, role == "primary"
}

// foCandidates are the headends with failover enabled or tracked, as of
// now, in id order; down ones are taken as down.
func (l *Lab) foCandidates(now time.Time, down map[*Headend]bool) []foCand {
	var hs []*Headend
	l.byName.Range(func(_, v any) bool {
		if h := v.(*Headend); !h.pending.Load() {
			hs = append(hs, h)
		}
		return true
	})
	slices.SortFunc(hs, func(a, b *Headend) int { return cmp.Compare(a.id, b.id) })
	hs = slices.Compact(hs)
	var cs []foCand
	for _, h := range hs {
		h.mu.Lock()
		on, primary := foEnabled(h.dev)
		if h.deleted || !on && !h.fo.tracked {
			h.mu.Unlock()
			continue
		}
		c := foCand{h: h, on: on, primary: primary, off: h.off, up: !h.off && !h.dev.Reloading(now) && !down[h]}
		if on {
			c.dev = h.dev.Copy()
			if fl, ok := c.dev.(family.FailoverLinks); ok {
				c.links = fl.FailoverLinks()
			}
		}
		h.mu.Unlock()
		cs = append(cs, c)
	}
	return cs
}

// meet reports whether a primary p and a secondary s meet on their failover
// LAN link.
func meet(p, s *foCand) bool {
	a, b := p.links, s.links
	return a.Key != "" && a.Key == b.Key && a.LAN.Addressed() && a.LAN == b.LAN &&
		pathUp(p.h, s.h)
}

// statefulLink reports whether the pair's stateful link passes state: the
// same link on both, addressed, and the path between them up.
func statefulLink(p, s *foCand) bool {
	return p.links.State.Addressed() && p.links.State == s.links.State && pathUp(p.h, s.h)
}

// foCheckLocked decides the pairs at now. Headends in down are taken as
// down (one that reloaded instantly); changed, if not nil, is a headend
// whose configuration just changed. Called with l.fo.mu held.
func (l *Lab) foCheckLocked(now time.Time, down map[*Headend]bool, changed *Headend) error {
	cs := l.foCandidates(now, down)
	l.fo.units = len(cs)
	byH := map[*Headend]*foCand{}
	for i := range cs {
		byH[cs[i].h] = &cs[i]
		if cs[i].on {
			cs[i].h.foRole = roleOf(&cs[i])
		}
	}
	// The pairs that can form: each primary with the first secondary it
	// meets, a pair already formed kept first.
	want := map[*Headend]*Headend{}
	mismatch := map[*Headend]string{}
	pairUp := func(p, s *foCand) {
		active, other := p, s
		if s.h.fo.active && !p.h.fo.active {
			active, other = s, p
		}
		u, ok := active.dev.(family.FailoverUnit)
		if !ok {
			return
		}
		if _, m := u.CombinedLicense(other.dev, now); m != "" {
			// Each unit logs the mismatch as it sees it.
			mismatch[active.h], mismatch[other.h] = m, m
			if v, ok := other.dev.(family.FailoverUnit); ok {
				if _, mo := v.CombinedLicense(active.dev, now); mo != "" {
					mismatch[other.h] = mo
				}
			}
			return
		}
		want[p.h], want[s.h] = s.h, p.h
	}
	usable := func(c *foCand) bool { return c != nil && c.on && c.up && want[c.h] == nil }
	for i := range cs {
		c := &cs[i]
		if m := byH[c.h.fo.mate]; usable(c) && usable(m) && c.primary != m.primary {
			p, s := c, m
			if !p.primary {
				p, s = m, c
			}
			if meet(p, s) {
				pairUp(p, s)
			}
		}
	}
	for i := range cs {
		p := &cs[i]
		if !usable(p) || !p.primary {
			continue
		}
		for j := range cs {
			if s := &cs[j]; usable(s) && !s.primary && meet(p, s) {
				pairUp(p, s)
				if want[p.h] != nil || mismatch[p.h] != "" {
					break
				}
			}
		}
	}

	var evs []Event
	var logs []foLine
	var touched []*Headend
	touch := func(h *Headend) {
		if !slices.Contains(touched, h) {
			touched = append(touched, h)
		}
	}
	l.fo.next = time.Time{}
	// Pairs that broke: the units that are still up go on alone.
	for i := range cs {
		c := &cs[i]
		m := c.h.fo.mate
		if m == nil || want[c.h] == m {
			continue
		}
		touch(c.h)
		// The unit keeps the cluster license: the failover cluster
		// license outlives the mate (the grace period after which each
		// unit reverts to its own license is not simulated).
		c.h.fo.mate, c.h.fo.since = nil, time.Time{}
		if !c.on || !c.up {
			c.h.fo.setActive(false, now)
			continue
		}
		mc := byH[m]
		why := "its mate is not seen"
		switch {
		case mc == nil:
			why = "its mate was deleted"
		case !mc.on:
			why = "failover was disabled on its mate"
		case mc.off:
			why = "its mate is powered off"
		case !mc.up:
			why = "its mate is down (reloading)"
		case !pathUp(c.h, m):
			why = "the lab network path to its mate is cut"
		}
		lan := c.links.LAN.Name
		evs = append(evs, Event{At: now, Headend: c.h.labName(), Kind: EventFailoverMateLost,
			Syslog: fmt.Sprintf("%%ASA-1-105005: (%s) Lost Failover communications with mate on interface %s.", c.h.foRole, lan),
			Text:   fmt.Sprintf("failover mate %s lost: %s", m.labName(), why)})
		if !c.h.fo.active {
			// From a unit that went down, the sessions it held when it
			// did; from one cut off, those it holds (it stays active on
			// its side of the cut).
			var held []heldSession
			if mc != nil && mc.up {
				held = activeSessions(l, m)
			} else {
				l.fo.hmu.Lock()
				held = l.fo.handoff[m]
				delete(l.fo.handoff, m)
				l.fo.hmu.Unlock()
			}
			l.foSwitch(c.h, m, held, false, now, "HELLO not heard from mate", &evs)
		}
	}

	// Pairs that formed.
	for i := range cs {
		p := &cs[i]
		s := want[p.h]
		if !p.primary || s == nil || p.h.fo.mate == s {
			continue
		}
		sc := byH[s]
		active, standby := p, sc
		if sc.h.fo.active && !p.h.fo.active {
			active, standby = sc, p
		}
		touch(p.h)
		touch(s)
		st := statefulLink(p, sc)
		p.h.fo.mate, sc.h.fo.mate = sc.h, p.h
		for _, u := range []*foCand{p, sc} {
			u.h.fo.since, u.h.fo.stateful, u.h.fo.mismatch = now, st, ""
		}
		wasActive := standby.h.fo.active
		active.h.fo.setActive(true, now)
		standby.h.fo.setActive(false, now)
		counts := standby.h.adm.Counts()
		n := counts.Total()
		cl, _ := active.dev.(family.FailoverUnit).CombinedLicense(standby.dev, now)
		active.h.fo.cluster, standby.h.fo.cluster = &cl, &cl
		text := fmt.Sprintf("failover pair formed: %s (%s) active, %s (%s) standby; cluster license: %d AnyConnect Premium peers, %d total VPN peers",
			active.h.labName(), roleOf(active), standby.h.labName(), roleOf(standby), cl.Premium, cl.Total)
		if st {
			text += "; stateful failover link up"
		}
		evs = append(evs, Event{At: now, Headend: active.h.labName(), Kind: EventFailoverPairFormed, Text: text},
			Event{At: now, Headend: standby.h.labName(), Kind: EventFailoverPairFormed, Text: text})
		if wasActive {
			evs = append(evs, Event{At: now, Headend: standby.h.labName(), Kind: EventFailoverSwitchover,
				Syslog: fmt.Sprintf("%%ASA-1-104002: (%s) Switching to STANDBY - Other unit wants me Standby.", standby.h.foRole),
				Text:   fmt.Sprintf("switchover: %s is the standby unit of %s; its %d session(s) dropped", standby.h.labName(), active.h.labName(), n)})
		}
	}
	// Everyone else: a lone unit up is active; a pair still formed gets
	// its cluster license again (keys may have changed).
	for i := range cs {
		c := &cs[i]
		switch {
		case !c.on:
			if c.h.fo.tracked {
				touch(c.h)
				c.h.fo = foUnit{}
			}
			continue
		case !c.up:
			if at := c.h.upAt(); l.fo.next.IsZero() || at.Before(l.fo.next) {
				if at.After(now) {
					l.fo.next = at
				}
			}
			if c.h.fo.active || !c.h.fo.tracked {
				touch(c.h)
			}
			c.h.fo.tracked = true
			c.h.fo.setActive(false, now)
			continue
		}
		if !c.h.fo.tracked {
			touch(c.h)
			c.h.fo.tracked = true
		}
		if m := mismatch[c.h]; m != c.h.fo.mismatch {
			touch(c.h)
			c.h.fo.mismatch = m
			// A unit that logs the pair's lines logs it to its buffer
			// (below, once stored); the event tells it for one that
			// does not.
			if _, ok := c.dev.(family.FailoverLogger); m != "" && !ok {
				evs = append(evs, Event{At: now, Headend: c.h.labName(), Kind: EventSyslog, Syslog: m,
					Text: "failover pair not formed: the licenses do not combine"})
			} else if m != "" {
				logs = append(logs, foLine{c.h, m})
			}
		}
		if c.h.fo.mate == nil && !c.h.fo.active {
			touch(c.h)
			c.h.fo.setActive(true, now)
			evs = append(evs, Event{At: now, Headend: c.h.labName(), Kind: EventSyslog,
				Syslog: fmt.Sprintf("%%ASA-1-104001: (%s) Switching to ACTIVE - No Active unit found.", c.h.foRole)})
		}
		if m := c.h.fo.mate; m != nil && c.h.fo.active {
			if mc := byH[m]; mc != nil {
				cl, _ := c.dev.(family.FailoverUnit).CombinedLicense(mc.dev, now)
				if c.h.fo.cluster == nil || !sameFeatures(*c.h.fo.cluster, cl) {
					touch(c.h)
					touch(m)
					c.h.fo.cluster, m.fo.cluster = &cl, &cl
				}
				if st := statefulLink(c, mc); st != c.h.fo.stateful {
					touch(c.h)
					touch(m)
					c.h.fo.stateful, m.fo.stateful = st, st
				}
			}
		}
	}
	// The views of the units whose mate changed name their mate.
	for _, h := range touched {
		if m := h.fo.mate; m != nil {
			touch(m)
		}
	}
	if err := l.foPersist(now, touched, evs); err != nil {
		return err
	}
	for _, ln := range logs {
		err := ln.h.replicaUpdate(func(d family.Device) error {
			if lg, ok := d.(family.FailoverLogger); ok {
				lg.LogFailover(ln.msg, now)
			}
			return nil
		})
		if err != nil {
			l.log.Warn("failover line", zap.String("lab", l.name), zap.String("hostname", ln.h.labName()), zap.Error(err))
		}
	}
	// Replicate onto the standby of each pair that formed or whose active
	// unit changed.
	for i := range cs {
		c := &cs[i]
		m := c.h.fo.mate
		if m == nil || !c.h.fo.active || (!slices.Contains(touched, c.h) && c.h != changed) {
			continue
		}
		if err := l.foReplicate(c.h, m, now); err != nil {
			l.log.Warn("failover replication", zap.String("lab", l.name), zap.String("active", c.h.labName()), zap.Error(err))
		}
	}
	return nil
}

// roleOf is the role of a candidate as failover messages name it.
func roleOf(c *foCand) string {
	if c.primary {
		return "Primary"
	}
	return "Secondary"
}

// upAt is when h's current boot finishes.
func (h *Headend) upAt() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.dev.UpSince()
}

// sameFeatures compares two licenses as far as admission goes.
func sameFeatures(a, b family.LicensedFeatures) bool {
	return a.Premium == b.Premium && a.Total == b.Total && a.Other == b.Other && a.Essentials == b.Essentials &&
		a.Mobile == b.Mobile && a.Phone == b.Phone && a.PlusApex == b.PlusApex && a.VPNOnly == b.VPNOnly
}

// foPersist stores the failover records of hs with evs in one synced batch,
// then publishes their views and admission policies. Called with l.fo.mu
// held.
func (l *Lab) foPersist(now time.Time, hs []*Headend, evs []Event) error {
	if len(hs) == 0 && len(evs) == 0 {
		return nil
	}
	b := l.store.NewBatch(l.name)
	defer b.Close()
	for _, h := range hs {
		if err := b.PutFailover(h.id, h.foRecord()); err != nil {
			return err
		}
	}
	err := l.commit(b, evs, nil)
	for _, h := range hs {
		l.foPublish(h, now)
	}
	for _, e := range evs {
		if e.Kind != EventSyslog {
			l.log.Info("failover", zap.String("lab", l.name), zap.String("hostname", e.Headend),
				zap.Stringer("kind", e.Kind), zap.String("text", e.Text))
		}
	}
	return err
}

// foRecord is h's failover record. Called with l.fo.mu held.
func (h *Headend) foRecord() store.FailoverRecord {
	r := store.FailoverRecord{Active: h.fo.active, Since: h.fo.since, LastFailover: h.fo.last,
		ActiveFor: h.fo.activeFor, ActiveSince: h.fo.activeSince}
	if m := h.fo.mate; m != nil {
		r.Mate = m.id
	}
	h.lab.mu.Lock()
	if h.pinned {
		r.Name = h.name
	}
	h.lab.mu.Unlock()
	return r
}

// foPublish makes h's view of its pair what the service decided and sets
// its admission policy accordingly. Called with l.fo.mu held.
func (l *Lab) foPublish(h *Headend, now time.Time) {
	f := &h.fo
	var v *family.FailoverStatus
	var pub *foPublished
	if f.tracked {
		pub = &foPublished{mismatch: f.mismatch, activeFor: f.activeFor, activeSince: f.activeSince}
		v = &pub.st
		*v = family.FailoverStatus{Enabled: true, Role: h.foRole, State: family.FailoverNegotiation,
			MateState: family.FailoverDisabled, LastFailover: f.last, Cluster: f.cluster}
		if f.active {
			v.State = family.FailoverActive
		}
		if m := f.mate; m != nil {
			v.MateSeen, v.LANUp, v.StateUp, v.Since = true, true, f.stateful, f.since
			v.MateState = family.FailoverStandbyReady
			if !f.active {
				v.State, v.MateState = family.FailoverStandbyReady, family.FailoverActive
			}
			m.lab.mu.Lock()
			v.MateHostname = m.name
			m.lab.mu.Unlock()
			m.mu.Lock()
			v.MateSerial, v.MateVersion = m.dev.SerialNumber(), m.dev.SoftwareVersion()
			m.mu.Unlock()
		}
	}
	h.foMate.Store(f.mate)
	h.mu.Lock()
	defer h.mu.Unlock()
	was := h.answersOn(h.dev)
	h.foView.Store(pub)
	if h.deleted {
		return
	}
	if !h.off { // powered off, it admits nothing whatever its pair
		h.adm.SetPolicy(h.policyOf(h.dev, now))
	}
	// A standby unit holds no sessions: those it held as an active unit
	// end once it refuses new ones (the policy above), so that none is
	// admitted after.
	if v != nil && v.State != family.FailoverActive {
		h.adm.LogoffAll()
	}
	if !slices.Equal(was, h.answersOn(h.dev)) {
		h.lab.net.set(h, h.dev)
		l.fo.moved = now
	}
}

// answersOn are the addresses h answers on in the lab network with device
// d: a standby unit answers on its standby addresses, the active unit of
// the pair on the addresses both units' configuration names.
func (h *Headend) answersOn(d family.Device) []netip.Addr {
	switch h.FailoverStatus().State {
	case family.FailoverStandbyReady, family.FailoverColdStandby:
		if fl, ok := d.(family.FailoverLinks); ok {
			return fl.StandbyAddresses()
		}
	}
	return d.Addresses()
}

// policyOf is the admission policy of h with device d at now: the device's
// own, the cluster license's on the active unit of a pair, refusing all on
// a standby unit.
func (h *Headend) policyOf(d family.Device, now time.Time) *admission.Policy {
	v := h.FailoverStatus()
	if !v.Enabled {
		return d.AdmissionPolicy(now)
	}
	if on, _ := foEnabled(d); !on {
		return d.AdmissionPolicy(now)
	}
	switch v.State {
	case family.FailoverActive:
		if fa, ok := d.(family.FailoverAdmission); ok && v.Cluster != nil {
			return fa.ClusterAdmissionPolicy(*v.Cluster, now)
		}
		return d.AdmissionPolicy(now)
	default:
		return d.AdmissionPolicy(now).Standby()
	}
}

// foReplicate copies the configuration of the active unit a onto its
// standby s, through the device's replication; the active unit's saved
// configuration is the standby's too. Called with l.fo.mu held.
func (l *Lab) foReplicate(a, s *Headend, now time.Time) error {
	var src family.Device
	a.mu.Lock()
	if !a.deleted {
		src = a.dev.Copy()
	}
	a.mu.Unlock()
	if src == nil {
		return nil
	}
	return s.replicaUpdate(func(d family.Device) error {
		r, ok := d.(family.FailoverUnit)
		if !ok {
			return fmt.Errorf("%w: %s cannot replicate a configuration", ErrNotSupported, d.Platform().Model)
		}
		if err := r.ReplicateFrom(src, now); err != nil {
			return err
		}
		if !src.ConfigUnsaved() {
			d.WriteMemory()
		}
		return nil
	})
}

// replicaUpdate is Update without the failover service's re-check: the
// service's own changes of a unit. Called with l.fo.mu held.
func (h *Headend) replicaUpdate(fn func(d family.Device) error) error {
	at, err := h.update(fn)
	if !at.IsZero() {
		h.lab.fo.moved = at
	}
	return err
}

// loadFailovers restores the failover records of the loaded headends.
// Called by OpenLab before any other use, with the records read before
// the headends were indexed.
func (l *Lab) loadFailovers(recs map[uint64]store.FailoverRecord, hs []*Headend) {
	byID := map[uint64]*Headend{}
	for _, h := range hs {
		byID[h.id] = h
	}
	for _, h := range hs {
		r, ok := recs[h.id]
		if !ok {
			continue
		}
		h.fo = foUnit{tracked: true, active: r.Active, mate: byID[r.Mate], since: r.Since, last: r.LastFailover,
			activeFor: r.ActiveFor, activeSince: r.ActiveSince}
		if h.fo.mate == nil {
			h.fo.since = time.Time{}
		}
		if _, primary := foEnabled(h.dev); primary {
			h.foRole = "Primary"
		} else {
			h.foRole = "Secondary"
		}
	}
	l.onNetChange(l.foNetChanged)
	l.fo.mu.Lock()
	defer l.foUnlock()
	now := l.clock.Now()
	for _, h := range hs {
		if h.fo.tracked {
			l.foPublish(h, now)
		}
	}
	if err := l.foCheckLocked(now, nil, nil); err != nil {
		l.log.Error("failover check", zap.String("lab", l.name), zap.Error(err))
	}
	l.fo.moved = time.Time{} // the lab network is being loaded: nothing moved
}
