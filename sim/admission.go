package sim

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/store"
)

// Errors of the admission path.
var (
	ErrSessionNotFound = errors.New("sim: no such session")
	ErrInvalidKind     = errors.New("sim: unknown connection kind")
)

// Sessions live in memory only: a daemon restart drops them, as a power cut
// would. What the lab keeps is the unique users seen (for the honor-system
// compliance report), written in the background (flushUsage) because the
// admission path does no I/O, and read back from the store by the report.
// Memory holds the current lab day's users (to record each once) and the
// principals that hold a session or were seen today; the rest are
// forgotten (forgetPrincipals), so memory and start-up do not grow with the
// history.

// newAdmission makes the admission state of h from its device. Called with
// h.dev set and before h is visible.
func (l *Lab) newAdmission(h *Headend, now time.Time) {
	d := h.dev
	h.adm = admission.NewAdmission(uint32(h.id), d.Platform().VPNMax, d.AdmissionPolicy(now), d.UpSince().Unix(), h.refreshPolicy)
	h.adm.UsePrincipals(l.principals)
	h.adm.OnUse(l.notePending)
}

// refreshPolicy rebuilds the policy when a time-based key expires.
func (h *Headend) refreshPolicy(now int64) *admission.Policy {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.off {
		return h.adm.Policy()
	}
	p := h.policyOf(h.dev, time.Unix(now, 0).UTC())
	h.adm.SetPolicy(p)
	return p
}

// afterChange brings the admission state in line with a changed device:
// a reload or RMA drops every session; any change may change the policy.
// Called with h.mu held, after the new device is in place.
func (h *Headend) afterChange(old, c family.Device, now time.Time) {
	if rebooted(old, c) {
		h.foCapture()
		h.lab.retire(h.adm.Reset(c.UpSince().Unix()))
	}
	h.adm.SetPolicy(h.policyOf(c, now))
}

// Principal interns a user and client device.
func (l *Lab) Principal(user, device string) (*admission.Principal, error) {
	return l.principals.Get(user, device)
}

// Admit decides one connection to the headend with that hostname.
func (l *Lab) Admit(hostname, user, device string, k headend.Kind) (admission.Decision, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return admission.Decision{}, err
	}
	if !k.Valid() {
		return admission.Decision{}, fmt.Errorf("%w %d", ErrInvalidKind, k)
	}
	p, err := l.principals.Get(user, device)
	if err != nil {
		return admission.Decision{}, err
	}
	return h.Admit(p, k), nil
}

// Admit decides one connection of an interned principal: the in-process
// path of load tools, no lookup by hostname. A principal the lab forgot
// since the caller interned it is interned again by its names.
func (h *Headend) Admit(p *admission.Principal, k headend.Kind) admission.Decision {
	t := h.lab.clock.Now()
	now := t.Unix()
	d := h.adm.Admit(p, k, now)
	if !d.Admitted && p.Forgotten() {
		if q, err := h.lab.principals.Get(p.User(), p.Device()); err == nil {
			p = q
			d = h.adm.Admit(q, k, now)
		}
	}
	// A unit that became a failover standby while this admission ran may
	// have decided it under its active policy: the standby's policy is
	// published before its sessions are ended (failover.go), so either
	// that ending saw this session or this check sees the standby's
	// policy.
	if d.Admitted && h.adm.Policy().IsStandby() {
		h.adm.Release(d.Session)
		d = admission.Decision{Reason: headend.ReasonStandby}
	}
	if !d.Admitted {
		h.noteRefusal(p, k, d, t)
	}
	return d
}

// Release ends a session on the headend.
func (h *Headend) Release(id uint64) bool { return h.adm.Release(id) }

// Admission is the headend's admission state (family.Host).
func (h *Headend) Admission() *admission.Admission { return h.adm }

// PrincipalByIndex resolves a principal of the lab (family.Host).
func (h *Headend) PrincipalByIndex(i uint32) *admission.Principal { return h.lab.principals.ByIndex(i) }

// Release ends a session on the headend with that hostname.
func (l *Lab) Release(hostname string, id uint64) error {
	h, err := l.headend(hostname)
	if err != nil {
		return err
	}
	if !h.adm.Release(id) {
		return fmt.Errorf("%w: %d on %s", ErrSessionNotFound, id, hostname)
	}
	return nil
}

// Sessions lists the active sessions of a headend after the session id
// after, at most limit of them, and whether more follow.
func (l *Lab) Sessions(hostname string, after uint64, limit int) ([]SessionView, bool, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return nil, false, err
	}
	var out []SessionView
	more := false
	h.adm.Sessions(after, func(s admission.SessionInfo) bool {
		if len(out) == limit {
			more = true
			return false
		}
		out = append(out, h.fam.ViewSession(s, l.principals.ByIndex(s.Principal)))
		return true
	})
	return out, more, nil
}

// Counts returns the admission counters of a headend.
func (l *Lab) Counts(hostname string) (admission.Counts, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return admission.Counts{}, err
	}
	return h.adm.Counts(), nil
}

// Users implements portal.Usage for the portal's compliance report: the
// distinct users the headends with these serials admitted in [from, to),
// counted by lab day, and those of them who used an Apex-only service. It
// reads the usage records from the store and those not yet written from
// memory: it writes nothing, since the portal calls it with its lock held,
// once or more per entitlement, and a sync each would hold the portal for
// that long.
func (l *Lab) Users(serials []string, from, to time.Time) (all, apexOnly []string) {
	l.mu.Lock()
	var hs []*Headend
	for _, s := range serials {
		if h := l.bySerial[s]; h != nil {
			hs = append(hs, h)
		}
	}
	l.mu.Unlock()
	users := map[string]uint8{}
	first, last := from.Unix()/86400, (to.Unix()-1)/86400
	// A flush in flight holds uses it drained and has not committed:
	// wait for it. What is pending now is either still pending or
	// committed by the time the store is read below.
	l.usage.draining.Lock()
	for _, h := range hs {
		h.adm.PendingUses(func(uses []admission.Use) {
			for _, u := range uses {
				if u.Day >= first && u.Day <= last {
					users[u.Principal.User()] |= u.Flags
				}
			}
		})
	}
	l.usage.draining.Unlock()
	for _, h := range hs {
		err := l.store.ScanUsage(l.name, h.id, first, last, func(user []byte, flags byte) {
			users[string(user)] |= flags
		})
		if err != nil {
			l.log.Error("reading usage records", zap.Error(err))
		}
	}
	for u, f := range users {
		all = append(all, u)
		if f&admission.UsedApexOnly != 0 {
			apexOnly = append(apexOnly, u)
		}
	}
	slices.Sort(all)
	slices.Sort(apexOnly)
	return all, apexOnly
}

// admissionTotals keeps the counts of dropped session tables (reloads,
// deleted headends), so that the lab's metrics never go backwards.
type admissionTotals struct {
	admitted [headend.NumKinds]atomic.Uint64
	refused  [headend.NumReasons]atomic.Uint64
}

func (l *Lab) retire(c admission.Counts) {
	for k, n := range c.Cumulative {
		l.retired.admitted[k].Add(uint64(n))
	}
	for r, n := range c.Refused {
		l.retired.refused[r].Add(n)
	}
}

// AdmissionTotals sums the admission counters of every headend, past and
// present: admitted per kind, refused per reason, and active sessions.
func (l *Lab) AdmissionTotals() (admitted [headend.NumKinds]uint64, refused [headend.NumReasons]uint64, active int) {
	for k := range admitted {
		admitted[k] = l.retired.admitted[k].Load()
	}
	for r := range refused {
		refused[r] = l.retired.refused[r].Load()
	}
	l.eachAdmission(func(a *admission.Admission) {
		c := a.Counts()
		for k, n := range c.Cumulative {
			admitted[k] += uint64(n)
		}
		for r, n := range c.Refused {
			refused[r] += n
		}
		active += c.Total()
	})
	return admitted, refused, active
}

// eachAdmission calls fn with the admission state of every running headend.
func (l *Lab) eachAdmission(fn func(*admission.Admission)) {
	l.byName.Range(func(_, v any) bool {
		fn(v.(*Headend).adm)
		return true
	})
}

// Persistence of usage: one record per headend, lab day and principal
//
//	l/<lab>/uses/<headend 8 bytes><day 8 bytes><user> NUL <device>   flags
//
// The record names the principal by its names, not its number: numbers are
// reused once a principal is forgotten, and the report reads the history
// long after. In key order, a headend's records over a period are one range.

type usageLog struct {
	mu sync.Mutex // one flush at a time
	// draining is held by a flush from draining the uses until they are
	// committed: a reader of pending uses and the store (Users) waits
	// for that, not for a forgetting.
	draining sync.Mutex
	// pending counts the records noted since the last flush (an
	// estimate: the flusher resets it), to wake the flusher early. The
	// records wait with their headend, so that noting one takes no
	// lab-wide lock.
	pending atomic.Int64
	// added counts the principals interned since the last forgetting;
	// forgotDay is the lab day it last ran for.
	added     atomic.Int64
	forgotDay int64
	stop      chan struct{}
	done      chan struct{}
	// kick asks the flusher to write now: a burst of new users must not
	// pile up in memory until the next tick.
	kick chan struct{}
	// forgetMu: one forgetting at a time; it guards forgotDay. A
	// forgetting runs on a goroutine of its own (forget asks it to),
	// since on a lab of millions of principals it takes a good part of
	// the second within which a flush must make a use durable.
	forgetMu   sync.Mutex
	forget     chan struct{}
	forgotDone chan struct{}
	// forgetting, if set, is called when a forgetting starts (tests).
	forgetting atomic.Pointer[func()]
}

// flushAt is the number of pending records that wakes the flusher early.
const flushAt = 8192

// forgetAt is the number of principals interned in a day that makes the
// flusher forget the idle ones before the day ends: a flood of refused
// attempts from new names must not exhaust the numbers.
const forgetAt = 1 << 20

func (l *Lab) notePending() {
	if l.usage.pending.Add(1) >= flushAt {
		l.kickFlusher()
	}
}

func (l *Lab) notePrincipal() {
	if l.usage.added.Add(1) == forgetAt {
		l.kickFlusher()
	}
}

func (l *Lab) kickFlusher() {
	if l.usage.kick != nil {
		select {
		case l.usage.kick <- struct{}{}:
		default: // a flush is already asked for
		}
	}
}

// flushUsage writes what was noted since the last flush, synced once at
// the end (store.UsageWriter): a user admitted before a flush survives a
// crash of the machine, not only of the process.
func (l *Lab) flushUsage() error {
	l.usage.mu.Lock()
	defer l.usage.mu.Unlock()
	l.usage.draining.Lock()
	defer l.usage.draining.Unlock()
	l.usage.pending.Store(0)
	w := l.store.NewUsageWriter(l.name)
	defer w.Close()
	var err error
	l.byName.Range(func(_, v any) bool {
		h := v.(*Headend)
		h.adm.DrainUses(func(uses []admission.Use) {
			for _, u := range uses {
				if err != nil {
					return
				}
				err = w.Put(h.id, u.Day, u.Principal.User(), u.Principal.Device(), u.Flags, u.Merge)
			}
		})
		return err == nil
	})
	if err == nil {
		err = w.Finish()
	}
	if err == nil {
		l.metrics.CountUsage(w.Total())
	}
	return err
}

// forgetPrincipals forgets the principals that hold no session and were
// not seen on the current lab day, once a lab day and whenever many were
// interned since the last time.
func (l *Lab) forgetPrincipals(force bool) int {
	l.usage.forgetMu.Lock()
	defer l.usage.forgetMu.Unlock()
	today := l.clock.Now().Unix() / 86400
	if !force && today == l.usage.forgotDay && l.usage.added.Load() < forgetAt {
		return 0
	}
	if f := l.usage.forgetting.Load(); f != nil {
		(*f)()
	}
	l.usage.forgotDay = today
	l.usage.added.Store(0)
	l.eachAdmission(func(a *admission.Admission) { a.EndDaysBefore(today) })
	return l.principals.Forget(today, func(mark func(uint32)) {
		l.eachAdmission(func(a *admission.Admission) { a.ActivePrincipals(mark) })
	})
}

// loadUsage restores the current lab day's usage records of the headends
// hs (the day's users are recorded once), interning their principals.
// Earlier days stay in the store. Called before any admission.
func (l *Lab) loadUsage(hs []*Headend) error {
	if from := l.store.Schema(); from < store.SchemaVersion {
		n, err := l.store.MigrateUsage(l.name)
		if err != nil {
			return err
		}
		l.log.Info("store migrated to the current layout", zap.String("lab", l.name),
			zap.Uint64("from_version", from), zap.Uint64("to_version", store.SchemaVersion), zap.Int("principals", n))
	}
	// Records of a number above every stored headend's are a deleted
	// headend's, and the next headend created takes that number (they
	// continue from the highest stored): it must not inherit them. No
	// sync: the new headend's synced creation comes after in the log.
	var last uint64
	for _, h := range hs {
		last = max(last, h.id)
	}
	if err := l.store.DropUsageAfter(l.name, last); err != nil {
		return err
	}
	today := l.clock.Now().Unix() / 86400
	l.usage.forgotDay = today
	// No history is read: today's records stored before the restart are
	// merged into when written again (admission.Admission.StoredUsesUntil).
	for _, h := range hs {
		h.adm.StoredUsesUntil(today)
	}
	return nil
}

// runUsageFlusher writes usage every interval, or sooner when a backlog
// builds up, and samples the peak of active sessions every peakEvery
// (negative: never), until Close. After a flush it asks for a forgetting,
// which runs on its own goroutine: flushes go on meanwhile.
func (l *Lab) runUsageFlusher(interval, peakEvery time.Duration) {
	l.usage.stop, l.usage.done, l.usage.kick = make(chan struct{}), make(chan struct{}), make(chan struct{}, 1)
	l.usage.forget, l.usage.forgotDone = make(chan struct{}, 1), make(chan struct{})
	go func() {
		defer close(l.usage.forgotDone)
		for {
			select {
			case <-l.usage.stop:
				return
			case <-l.usage.forget:
			}
			if n := l.forgetPrincipals(false); n > 0 {
				l.log.Debug("principals forgotten", zap.String("lab", l.name), zap.Int("count", n))
			}
		}
	}()
	go func() {
		defer close(l.usage.done)
		flush := time.NewTicker(interval)
		defer flush.Stop()
		var peaks <-chan time.Time
		if peakEvery > 0 {
			t := time.NewTicker(peakEvery)
			defer t.Stop()
			peaks = t.C
		}
		for {
			select {
			case <-l.usage.stop:
				return
			case <-peaks:
				l.eachAdmission((*admission.Admission).SamplePeak)
				continue
			case <-flush.C:
			case <-l.usage.kick:
			}
			if err := l.flushUsage(); err != nil {
				l.log.Error("writing usage records", zap.Error(err))
			}
			if l.clock.mode != ClockSimulated {
				l.foClock(l.clock.Now()) // units back from a reload pair again
			}
			if err := l.flushRefusals(); err != nil {
				l.log.Error("writing refusal events", zap.Error(err))
			}
			l.settleShared()
			select {
			case l.usage.forget <- struct{}{}:
			default: // one is asked for already
			}
		}
	}()
}

// Close stops the lab's background work and makes the usage records
// durable. The store stays open (its owner closes it).
func (l *Lab) Close() error {
	if l.usage.stop != nil {
		close(l.usage.stop)
		<-l.usage.done
		<-l.usage.forgotDone
		l.usage.stop = nil
	}
	defer l.closeEvents()
	if err := l.flushRefusals(); err != nil {
		return err
	}
	// The blocks lent since the last flush, which the admission path
	// does not wait to write.
	if err := l.shared.flush(); err != nil {
		return err
	}
	return l.flushUsage()
}
