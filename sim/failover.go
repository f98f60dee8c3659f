package sim

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/fopair"
	"github.com/asalab/asalab/sim/store"
)

// Failover pairs in the lab: the core's side of package fopair, which
// holds the pairing rules and each unit's state. Here the candidates are
// gathered under their headends' locks, what a check decided is stored,
// published (views, admission policies, lab network addresses) and
// replicated, and the pair commands run.

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
	handoff map[*Headend][]fopair.Held
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

// FailoverStatus is h's failover pair as the lab sees it (family.Host).
func (h *Headend) FailoverStatus() family.FailoverStatus {
	v := h.foView.Load()
	if v == nil {
		return family.FailoverStatus{}
	}
	st := v.St
	now := h.lab.clock.Now()
	st.ActiveTime = v.ActiveTime(now)
	if m := h.foMate.Load(); m != nil && st.MateSeen {
		st.MateActiveTime = m.foView.Load().ActiveTime(now)
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
	if !h.fo.Tracked {
		return fmt.Errorf("%w: %s", ErrFailoverOff, h.labName())
	}
	mate := h.fo.Mate
	switch cmd {
	case family.FailoverMakeActive, family.FailoverMakeStandby:
		if (cmd == family.FailoverMakeActive) == h.fo.Active {
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
		if mate == nil || !h.fo.Active {
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
	from := to.fo.Mate
	var evs []Event
	fopair.Switch(foLab{l}, to, from, activeSessions(l, from), true, now, cause, &evs)
	if err := l.foPersist(now, []*Headend{to, from}, evs); err != nil {
		return err
	}
	return l.foReplicate(to, from, now)
}

// activeSessions lists the sessions of h's admission table, as the
// stateful link would have replicated them.
func activeSessions(l *Lab, h *Headend) []fopair.Held {
	var out []fopair.Held
	if h == nil {
		return nil
	}
	h.adm.Sessions(0, func(s admission.SessionInfo) bool {
		if p := l.principals.ByIndex(s.Principal); p != nil {
			out = append(out, fopair.Held{P: p, K: s.Kind})
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
		l.fo.handoff = map[*Headend][]fopair.Held{}
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
	onOld, _ := fopair.Enabled(old)
	onNew, _ := fopair.Enabled(c)
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

// foCandidates are the headends with failover enabled or tracked, as of
// now, in id order; down ones are taken as down.
func (l *Lab) foCandidates(now time.Time, down map[*Headend]bool) []fopair.Cand[*Headend] {
	var hs []*Headend
	l.byName.Range(func(_, v any) bool {
		if h := v.(*Headend); !h.pending.Load() {
			hs = append(hs, h)
		}
		return true
	})
	slices.SortFunc(hs, func(a, b *Headend) int { return cmp.Compare(a.id, b.id) })
	hs = slices.Compact(hs)
	var cs []fopair.Cand[*Headend]
	for _, h := range hs {
		h.mu.Lock()
		on, primary := fopair.Enabled(h.dev)
		if h.deleted || !on && !h.fo.Tracked {
			h.mu.Unlock()
			continue
		}
		c := fopair.Cand[*Headend]{H: h, On: on, Primary: primary, Off: h.off, Up: !h.off && !h.dev.Reloading(now) && !down[h]}
		if on {
			c.Dev = h.dev.Copy()
			if fl, ok := c.Dev.(family.FailoverLinks); ok {
				c.Links = fl.FailoverLinks()
			}
		}
		h.mu.Unlock()
		cs = append(cs, c)
	}
	return cs
}

// foCheckLocked decides the pairs at now (fopair.Check) and carries the
// decision out. Headends in down are taken as down (one that reloaded
// instantly); changed, if not nil, is a headend whose configuration just
// changed. Called with l.fo.mu held.
func (l *Lab) foCheckLocked(now time.Time, down map[*Headend]bool, changed *Headend) error {
	plan := fopair.Check(foLab{l}, l.foCandidates(now, down), now, changed)
	l.fo.units, l.fo.next = plan.Units, plan.Next
	if err := l.foPersist(now, plan.Touched, plan.Events); err != nil {
		return err
	}
	for _, ln := range plan.Lines {
		err := ln.H.replicaUpdate(func(d family.Device) error {
			if lg, ok := d.(family.FailoverLogger); ok {
				lg.LogFailover(ln.Msg, now)
			}
			return nil
		})
		if err != nil {
			l.log.Warn("failover line", zap.String("lab", l.name), zap.String("hostname", ln.H.labName()), zap.Error(err))
		}
	}
	for _, r := range plan.Replicate {
		if err := l.foReplicate(r[0], r[1], now); err != nil {
			l.log.Warn("failover replication", zap.String("lab", l.name), zap.String("active", r[0].labName()), zap.Error(err))
		}
	}
	return nil
}

// foLab is the lab core as the failover service reaches it
// (fopair.Lab); its methods run with l.fo.mu held.
type foLab struct{ l *Lab }

func (f foLab) Name(h *Headend) string                 { return h.labName() }
func (f foLab) Unit(h *Headend) *fopair.Unit[*Headend] { return &h.fo }
func (f foLab) PathUp(a, b *Headend) bool              { return pathUp(a, b) }
func (f foLab) Sessions(h *Headend) []fopair.Held      { return activeSessions(f.l, h) }
func (f foLab) UpAt(h *Headend) time.Time              { return h.upAt() }
func (f foLab) Publish(h *Headend, now time.Time)      { f.l.foPublish(h, now) }

func (f foLab) Handoff(h *Headend) []fopair.Held {
	f.l.fo.hmu.Lock()
	defer f.l.fo.hmu.Unlock()
	held := f.l.fo.handoff[h]
	delete(f.l.fo.handoff, h)
	return held
}

func (f foLab) Admit(h *Headend, s fopair.Held, now time.Time) bool {
	return h.adm.Admit(s.P, s.K, now.Unix()).Admitted
}

func (f foLab) SessionCount(h *Headend) int {
	c := h.adm.Counts()
	return c.Total()
}

// upAt is when h's current boot finishes.
func (h *Headend) upAt() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.dev.UpSince()
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
	var mate uint64
	if m := h.fo.Mate; m != nil {
		mate = m.id
	}
	var name string
	h.lab.mu.Lock()
	if h.pinned {
		name = h.name
	}
	h.lab.mu.Unlock()
	return h.fo.Record(mate, name)
}

// foPublish makes h's view of its pair what the service decided and sets
// its admission policy accordingly. Called with l.fo.mu held.
func (l *Lab) foPublish(h *Headend, now time.Time) {
	f := &h.fo
	var mate fopair.Mate
	if m := f.Mate; f.Tracked && m != nil {
		m.lab.mu.Lock()
		mate.Hostname = m.name
		m.lab.mu.Unlock()
		m.mu.Lock()
		mate.Serial, mate.Version = m.dev.SerialNumber(), m.dev.SoftwareVersion()
		m.mu.Unlock()
	}
	pub := fopair.Publish(f, mate)
	var v *family.FailoverStatus
	if pub != nil {
		v = &pub.St
	}
	h.foMate.Store(f.Mate)
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
	return fopair.AnswersOn(h.FailoverStatus().State, d)
}

// policyOf is the admission policy of h with device d at now
// (fopair.Policy).
func (h *Headend) policyOf(d family.Device, now time.Time) *admission.Policy {
	return fopair.Policy(h.FailoverStatus(), d, now)
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
		_, primary := fopair.Enabled(h.dev)
		h.fo = fopair.FromRecord(r, byID[r.Mate], primary)
	}
	l.onNetChange(l.foNetChanged)
	l.fo.mu.Lock()
	defer l.foUnlock()
	now := l.clock.Now()
	for _, h := range hs {
		if h.fo.Tracked {
			l.foPublish(h, now)
		}
	}
	if err := l.foCheckLocked(now, nil, nil); err != nil {
		l.log.Error("failover check", zap.String("lab", l.name), zap.Error(err))
	}
	l.fo.moved = time.Time{} // the lab network is being loaded: nothing moved
}
