// Package usagelog is the lab's usage log: the unique users each headend
// admitted, by lab day, kept for the honor-system compliance report of the
// Plus and Apex licenses. The admission path notes a use in memory only
// (headend/admission); this package's flusher writes the noted uses to the
// store in the background, synced, forgets the principals nobody uses any
// more, and answers the report from the store and what is not yet written.
// It reaches the lab core through Core.
package usagelog

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/sim/store"
)

// Sessions live in memory only: a daemon restart drops them, as a power cut
// would. What the lab keeps is the unique users seen (for the honor-system
// compliance report), written in the background (Flush) because the
// admission path does no I/O, and read back from the store by the report.
// Memory holds the current lab day's users (to record each once) and the
// principals that hold a session or were seen today; the rest are
// forgotten (Forget), so memory and start-up do not grow with the
// history.

// Persistence of usage: one record per headend, lab day and principal
//
//	l/<lab>/uses/<headend 8 bytes><day 8 bytes><user> NUL <device>   flags
//
// The record names the principal by its names, not its number: numbers are
// reused once a principal is forgotten, and the report reads the history
// long after. In key order, a headend's records over a period are one range.

// Core is what the log needs of the lab.
type Core interface {
	// EachAdmission calls fn with the id and admission state of every
	// running headend, until fn returns false.
	EachAdmission(fn func(id uint64, a *admission.Admission) bool)
	// Now is the lab time.
	Now() time.Time
	// AfterFlush is the lab's work done on each round of the flusher,
	// after the usage is written.
	AfterFlush()
	// Forgetting is called when a forgetting starts (a hook for tests).
	Forgetting()
	// CountUsage counts records written (metrics).
	CountUsage(records int)
}

// Unit is one headend whose usage the report reads.
type Unit struct {
	ID  uint64
	Adm *admission.Admission
}

// Log is a lab's usage log. The zero Log notes uses; Open makes it ready
// to flush.
type Log struct {
	core       Core
	st         *store.Store
	lab        string
	principals *admission.Principals
	log        *zap.Logger

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
	// forgetting runs on a goroutine of its own (Forget is asked for),
	// since on a lab of millions of principals it takes a good part of
	// the second within which a flush must make a use durable.
	forgetMu   sync.Mutex
	forget     chan struct{}
	forgotDone chan struct{}
}

// FlushAt is the number of pending records that wakes the flusher early.
const FlushAt = 8192

// ForgetAt is the number of principals interned in a day that makes the
// flusher forget the idle ones before the day ends: a flood of refused
// attempts from new names must not exhaust the numbers.
const ForgetAt = 1 << 20

// Open joins the log to its lab, the lab's part of the store and its
// principals.
func (u *Log) Open(core Core, st *store.Store, lab string, principals *admission.Principals, log *zap.Logger) {
	u.core, u.st, u.lab, u.principals, u.log = core, st, lab, principals, log
}

// NotePending counts a use noted by the admission path
// (admission.Admission.OnUse).
func (u *Log) NotePending() {
	if u.pending.Add(1) >= FlushAt {
		u.kickFlusher()
	}
}

// NotePrincipal counts a principal interned (admission.NewPrincipals).
func (u *Log) NotePrincipal() {
	if u.added.Add(1) == ForgetAt {
		u.kickFlusher()
	}
}

func (u *Log) kickFlusher() {
	if u.kick != nil {
		select {
		case u.kick <- struct{}{}:
		default: // a flush is already asked for
		}
	}
}

// Users is the portal's usage report (portal.Usage) over the headends
// hs: the distinct users they admitted in [from, to), counted by lab day,
// and those of them who used an Apex-only service. It reads the usage
// records from the store and those not yet written from memory: it writes
// nothing, since the portal calls it with its lock held, once or more per
// entitlement, and a sync each would hold the portal for that long.
func (u *Log) Users(hs []Unit, from, to time.Time) (all, apexOnly []string) {
	users := map[string]uint8{}
	first, last := from.Unix()/86400, (to.Unix()-1)/86400
	// A flush in flight holds uses it drained and has not committed:
	// wait for it. What is pending now is either still pending or
	// committed by the time the store is read below.
	u.draining.Lock()
	for _, h := range hs {
		h.Adm.PendingUses(func(uses []admission.Use) {
			for _, use := range uses {
				if use.Day >= first && use.Day <= last {
					users[use.Principal.User()] |= use.Flags
				}
			}
		})
	}
	u.draining.Unlock()
	for _, h := range hs {
		err := u.st.ScanUsage(u.lab, h.ID, first, last, func(user []byte, flags byte) {
			users[string(user)] |= flags
		})
		if err != nil {
			u.log.Error("reading usage records", zap.Error(err))
		}
	}
	for user, f := range users {
		all = append(all, user)
		if f&admission.UsedApexOnly != 0 {
			apexOnly = append(apexOnly, user)
		}
	}
	slices.Sort(all)
	slices.Sort(apexOnly)
	return all, apexOnly
}

// Flush writes what was noted since the last flush, synced once at the
// end (store.UsageWriter): a user admitted before a flush survives a
// crash of the machine, not only of the process.
func (u *Log) Flush() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.draining.Lock()
	defer u.draining.Unlock()
	u.pending.Store(0)
	w := u.st.NewUsageWriter(u.lab)
	defer w.Close()
	var err error
	u.core.EachAdmission(func(id uint64, a *admission.Admission) bool {
		a.DrainUses(func(uses []admission.Use) {
			for _, use := range uses {
				if err != nil {
					return
				}
				err = w.Put(id, use.Day, use.Principal.User(), use.Principal.Device(), use.Flags, use.Merge)
			}
		})
		return err == nil
	})
	if err == nil {
		err = w.Finish()
	}
	if err == nil {
		u.core.CountUsage(w.Total())
	}
	return err
}

// Forget forgets the principals that hold no session and were not seen on
// the current lab day, once a lab day and whenever many were interned
// since the last time (or, with force, now).
func (u *Log) Forget(force bool) int {
	u.forgetMu.Lock()
	defer u.forgetMu.Unlock()
	today := u.core.Now().Unix() / 86400
	if !force && today == u.forgotDay && u.added.Load() < ForgetAt {
		return 0
	}
	u.core.Forgetting()
	u.forgotDay = today
	u.added.Store(0)
	u.eachAdmission(func(a *admission.Admission) { a.EndDaysBefore(today) })
	return u.principals.Forget(today, func(mark func(uint32)) {
		u.eachAdmission(func(a *admission.Admission) { a.ActivePrincipals(mark) })
	})
}

func (u *Log) eachAdmission(fn func(*admission.Admission)) {
	u.core.EachAdmission(func(_ uint64, a *admission.Admission) bool {
		fn(a)
		return true
	})
}

// Load restores the current lab day's usage records of the headends hs
// (the day's users are recorded once), interning their principals.
// Earlier days stay in the store. Called before any admission.
func (u *Log) Load(hs []Unit) error {
	if from := u.st.Schema(); from < store.SchemaVersion {
		n, err := u.st.MigrateUsage(u.lab)
		if err != nil {
			return err
		}
		u.log.Info("store migrated to the current layout", zap.String("lab", u.lab),
			zap.Uint64("from_version", from), zap.Uint64("to_version", store.SchemaVersion), zap.Int("principals", n))
	}
	// Records of a number above every stored headend's are a deleted
	// headend's, and the next headend created takes that number (they
	// continue from the highest stored): it must not inherit them. No
	// sync: the new headend's synced creation comes after in the log.
	var last uint64
	for _, h := range hs {
		last = max(last, h.ID)
	}
	if err := u.st.DropUsageAfter(u.lab, last); err != nil {
		return err
	}
	today := u.core.Now().Unix() / 86400
	u.forgotDay = today
	// No history is read: today's records stored before the restart are
	// merged into when written again (admission.Admission.StoredUsesUntil).
	for _, h := range hs {
		h.Adm.StoredUsesUntil(today)
	}
	return nil
}

// Run writes usage every interval, or sooner when a backlog builds up,
// and samples the peak of active sessions every peakEvery (negative:
// never), until Stop. After a flush it runs the core's AfterFlush and asks
// for a forgetting, which runs on its own goroutine: flushes go on
// meanwhile.
func (u *Log) Run(interval, peakEvery time.Duration) {
	u.stop, u.done, u.kick = make(chan struct{}), make(chan struct{}), make(chan struct{}, 1)
	u.forget, u.forgotDone = make(chan struct{}, 1), make(chan struct{})
	go func() {
		defer close(u.forgotDone)
		for {
			select {
			case <-u.stop:
				return
			case <-u.forget:
			}
			if n := u.Forget(false); n > 0 {
				u.log.Debug("principals forgotten", zap.String("lab", u.lab), zap.Int("count", n))
			}
		}
	}()
	go func() {
		defer close(u.done)
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
			case <-u.stop:
				return
			case <-peaks:
				u.eachAdmission((*admission.Admission).SamplePeak)
				continue
			case <-flush.C:
			case <-u.kick:
			}
			if err := u.Flush(); err != nil {
				u.log.Error("writing usage records", zap.Error(err))
			}
			u.core.AfterFlush()
			select {
			case u.forget <- struct{}{}:
			default: // one is asked for already
			}
		}
	}()
}

// Stop stops the flusher and waits for it; the caller flushes last.
func (u *Log) Stop() {
	if u.stop != nil {
		close(u.stop)
		<-u.done
		<-u.forgotDone
		u.stop = nil
	}
}
