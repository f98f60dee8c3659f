package sim

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/fopair"
	"github.com/asalab/asalab/sim/store"
)

// Failover pairs in the lab: the core's side of package fopair, which
// holds the service, the pairing rules and each unit's state. Here the
// candidates are gathered under their headends' locks, and what a check
// decided is stored, published (views, admission policies, lab network
// addresses) and replicated (foLab, the service's fopair.Core).

// Errors of the pair commands (Host.Failover), the family's, so that the
// console words them as the ASA does.
var (
	ErrFailoverOff = family.ErrFailoverOff
	ErrNoMate      = family.ErrNoMate
)

// failovers is the lab's failover service (fopair.Service), driving the
// lab core through foLab.
type failovers = fopair.Service[*Headend]

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

// foState is h's view of its pair as last published, without the active
// times FailoverStatus counts at the lab clock: what its admission policy,
// its addresses and its hand-off follow.
func (h *Headend) foState() family.FailoverStatus {
	if v := h.foView.Load(); v != nil {
		return v.St
	}
	return family.FailoverStatus{}
}

// Mate is the other unit of h's pair (family.Host).
func (h *Headend) Mate() (family.Host, bool) {
	if m := h.foMate.Load(); m != nil {
		return m, true
	}
	return nil, false
}

// Failover runs a pair command on h (family.Host; fopair.Service.Command).
// It must not be called with h's lock held (inside View or Update).
func (h *Headend) Failover(cmd family.FailoverCommand) error {
	err := h.lab.fo.Command(h, cmd)
	if errors.Is(err, fopair.ErrUnknownCommand) {
		return fmt.Errorf("%w: failover command %d", ErrInvalidArgument, cmd)
	}
	return err
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
			out = append(out, fopair.Held{P: p, Info: s})
		}
		return true
	})
	return out
}

// foCapture keeps the sessions of h, which is about to drop them (a
// reload), for its mate when h is the active unit of a pair
// (fopair.Service.Capture). Called with h.mu held.
func (h *Headend) foCapture() {
	if v := h.foState(); v.State != family.FailoverActive || !v.MateSeen {
		return
	}
	h.lab.fo.Capture(h, activeSessions(h.lab, h))
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
// the pipeline (fopair.Service.Changed).
func (l *Lab) foChanged(h *Headend, old, c family.Device) {
	l.fo.Changed(h, old, c, h.foView.Load() != nil, rebooted(old, c))
}

// foClock re-checks the pairs at each lab time up to now a reloading
// failover unit came up.
func (l *Lab) foClock(now time.Time) { l.fo.Clock(now) }

// foCandidates are the headends with failover enabled or tracked, as of
// now, in id order; down ones are taken as down.
func (l *Lab) foCandidates(now time.Time, down map[*Headend]bool) []fopair.Cand[*Headend] {
	var hs []*Headend
	l.names.Range(func(_ string, h *Headend) bool {
		if !h.pending.Load() {
			hs = append(hs, h)
		}
		return true
	})
	return foCands(hs, now, down)
}

// foCands are the candidates among hs (foCandidates).
func foCands(hs []*Headend, now time.Time, down map[*Headend]bool) []fopair.Cand[*Headend] {
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

// foLab is the lab core as the failover service drives it (fopair.Core);
// its methods run with the service's lock held, but NetChanged.
type foLab struct{ l *Lab }

func (f foLab) Now() time.Time { return f.l.clock.Now() }
func (f foLab) Candidates(now time.Time, down map[*Headend]bool) []fopair.Cand[*Headend] {
	return f.l.foCandidates(now, down)
}
func (f foLab) CandidatesOf(now time.Time, hs []*Headend) []fopair.Cand[*Headend] {
	return foCands(slices.DeleteFunc(hs, func(h *Headend) bool { return h.pending.Load() }), now, nil)
}
func (f foLab) PathsGen() uint64 { return f.l.net.PathsGen() }
func (f foLab) Persist(now time.Time, hs []*Headend, evs []Event) error {
	return f.l.foPersist(now, hs, evs)
}
func (f foLab) NetChanged(now time.Time) { f.l.netChanged(now) }

func (f foLab) Update(h *Headend, fn func(d family.Device) error) error {
	return h.replicaUpdate(fn)
}

func (f foLab) Copy(h *Headend) family.Device {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted {
		return nil
	}
	return h.dev.Copy()
}

func (f foLab) BootTime() time.Duration { return f.l.bootTime }

func (f foLab) Failed(what string, h *Headend, err error) {
	l := f.l
	switch what {
	case "failover line":
		l.log.Warn(what, zap.String("lab", l.name), zap.String("hostname", h.labName()), zap.Error(err))
	case "failover replication":
		l.log.Warn(what, zap.String("lab", l.name), zap.String("active", h.labName()), zap.Error(err))
	default:
		l.log.Error(what, zap.String("lab", l.name), zap.Error(err))
	}
}

func (f foLab) Name(h *Headend) string                 { return h.labName() }
func (f foLab) Unit(h *Headend) *fopair.Unit[*Headend] { return &h.fo }
func (f foLab) PathUp(a, b *Headend) bool              { return pathUp(a, b) }
func (f foLab) Sessions(h *Headend) []fopair.Held      { return activeSessions(f.l, h) }
func (f foLab) UpAt(h *Headend) time.Time              { return h.upAt() }
func (f foLab) Publish(h *Headend, now time.Time)      { f.l.foPublish(h, now) }

func (f foLab) TakeOver(h *Headend, s fopair.Held, now time.Time) bool {
	_, ok := h.adm.TakeOver(s.P, s.Info, now.Unix())
	return ok
}

func (f foLab) TookOver(h *Headend) { h.adm.TookOver() }

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
// then publishes their views and admission policies. Called with the
// failover service's lock held.
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

// foRecord is h's failover record. Called with the failover service's lock held.
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
// its admission policy accordingly. Called with the failover service's lock held.
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
	if pub != nil && pub.St.State != family.FailoverActive {
		h.adm.LogoffAll()
	}
	if !slices.Equal(was, h.answersOn(h.dev)) {
		h.lab.net.set(h, h.dev)
		l.fo.Moved(now)
	}
}

// answersOn are the addresses h answers on in the lab network with device
// d: a standby unit answers on its standby addresses, the active unit of
// the pair on the addresses both units' configuration names.
func (h *Headend) answersOn(d family.Device) []netip.Addr {
	return fopair.AnswersOn(h.foState().State, d)
}

// policyOf is the admission policy of h with device d at now
// (fopair.Policy).
func (h *Headend) policyOf(d family.Device, now time.Time) *admission.Policy {
	return fopair.Policy(h.foState(), d, now)
}

// replicaUpdate is Update without the failover service's re-check: the
// service's own changes of a unit. Called with the failover service's lock held.
func (h *Headend) replicaUpdate(fn func(d family.Device) error) error {
	at, err := h.update(fn)
	if !at.IsZero() {
		h.lab.fo.Moved(at)
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
	l.onNetChange(l.fo.NetChanged)
	var tracked []*Headend
	for _, h := range hs {
		if h.fo.Tracked {
			tracked = append(tracked, h)
		}
	}
	l.fo.Load(tracked, l.clock.Now())
}
