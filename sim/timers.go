package sim

import (
	"slices"
	"sync"
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/labsmart"
	"github.com/asalab/asalab/sim/labtimers"
	"github.com/asalab/asalab/sim/store"
	"github.com/asalab/asalab/sim/unitwrite"
)

// Lines a headend logs as time passes (a time-based key's %ASA-4-444005
// warnings and its %ASA-2-444007 expiry) reach the event log and the
// syslog collectors when the lab clock passes them, as an ASA logs them
// when they happen, not when someone next looks at the headend. The lab
// keeps its headends in a heap by the time their next such line is due
// (family.Device.NextTimedEvent), so that a clock move touches only the
// headends with a line due, however many the lab holds.
//
// A move of a simulated clock advances those headends in the batch that
// stores the clock: the lines follow its clock event, in lab-time order
// across headends, and are as durable as the move. With a real clock the
// usage flush (every 500 ms by default) does it, in the batch of the
// refusal samples: a line appears at most one flush interval after its
// time. Each headend so advanced is stored with its lines, and its count of
// lines with an event (Headend.logged) moves past them, so that neither a
// later change nor a restart tells them again. A crash before the flush
// loses none: the stored device predates the lines, and the restarted lab
// logs them again from it at its first flush; only a syslog collector may
// then get a line twice, if a console had shown the headend meanwhile.

// labTimers is the heap of headends by the time their next timed line is
// due (package labtimers).
type labTimers struct {
	heap labtimers.Heap[*Headend]
	// smart holds the Smart-licensed headends by their next attempt to
	// reach the Smart Software Manager (smartpath.go).
	smart labtimers.Heap[*Headend]
	// run lets one catch-up at a time hold the locks of the headends it
	// advances: no other path holds more than one headend's lock, so
	// several at once cannot deadlock.
	run sync.Mutex
}

// schedule puts h in the heap at the time its device's next timed line is
// due, or takes it out when it has none or is deleted. Called with h.mu
// held (or before h is published).
func (l *Lab) schedule(h *Headend) {
	at, ok := h.dev.NextTimedEvent()
	ok = ok && !h.deleted && !h.off // an off headend logs its lines at power on
	l.timers.heap.Schedule(h, &h.timer, at, ok)
	l.scheduleSmart(h)
}

// catchUp is the advance of the headends with a line or a Smart
// Licensing attempt due, prepared in a batch: it holds their locks until
// done.
type catchUp struct {
	l   *Lab
	now time.Time
	// reached is the lab time the headends were brought to: now, or the
	// last attempt made when the batch filled up first (catchUpChunk).
	reached time.Time
	w       *unitwrite.Write[*Headend, family.Device]
	evs     []Event // their new lines, in lab-time order
	n       int     // headends written
}

// catchUpChunk bounds the events of one catch-up: a long move of the clock
// over headends whose attempts keep failing is stored in several batches.
const catchUpChunk = 20000

// headendWrites reaches the lab's headends for a unitwrite.Write: b is its
// batch, now the lab time its devices are swapped in at.
type headendWrites struct {
	b   *store.Batch
	now time.Time
}

func (headendWrites) Lock(h *Headend)                         { h.mu.Lock() }
func (headendWrites) Unlock(h *Headend)                       { h.mu.Unlock() }
func (w headendWrites) Put(h *Headend, d family.Device) error { return w.b.PutHeadend(h.id, d, 0) }
func (w headendWrites) Swap(h *Headend, d family.Device)      { h.swap(d, w.now) }

// catchUpWrites are the headend writes of a catch-up, swapped in at the
// time it reached, known once it is done.
type catchUpWrites struct {
	headendWrites
	cu *catchUp
}

func (w catchUpWrites) Swap(h *Headend, d family.Device) { h.swap(d, w.cu.reached) }

// catchUp brings every headend with a timed line due at or before now to
// now, on copies, making on the way the Smart Licensing attempts due by
// then (labsmart.Renew) at their lab times, earliest first across the
// headends (labtimers.Step; an attempt may make the next one due before
// now: a retry); it writes the copies to b, and their lines are cu.evs. The caller
// commits b with cu.evs and cu.apply (when cu.changed), then calls
// cu.done, also when the commit failed (the headends are then due again).
// When the attempts' events pass catchUpChunk, it stops at the last
// attempt made (cu.reached) and the caller goes on from there.
func (l *Lab) catchUp(b *store.Batch, now time.Time) (*catchUp, error) {
	cu := &catchUp{l: l, now: now, reached: now}
	cu.w = unitwrite.New(&l.timers.run, unitwrite.Units[*Headend, family.Device](catchUpWrites{headendWrites{b, now}, cu}))
	cu.w.Hold()
	var units []*labtimers.Catching[*Headend]
	for _, h := range labtimers.DueOnce(l.timers.heap.TakeDue(now), l.timers.smart.TakeDue(now)) {
		cu.w.Lock(h)
		if h.deleted || h.off {
			continue
		}
		units = append(units, &labtimers.Catching[*Headend]{H: h, C: h.dev.Copy(), Logged: h.logged})
	}
	// An attempt due before the catch-up began (a real clock's flush comes
	// after it, a restarted lab finds it late) is made at its start.
	start := l.clock.Now()
	if now.Before(start) {
		start = now
	}
	cu.reached = labtimers.Step(units, now, start, catchUpChunk, renewer{})
	for _, u := range units {
		if len(u.Evs) == 0 && !u.Changed { // a change brought it to the lab time first
			continue
		}
		cu.w.Add(u.H, u.C)
		cu.n++
		cu.evs = append(cu.evs, u.H.labEvents(u.Evs)...)
	}
	if err := cu.w.Put(); err != nil {
		cu.done()
		return nil, err
	}
	// Each headend's lines are in order already; a stable sort by time
	// interleaves the headends'.
	slices.SortStableFunc(cu.evs, func(a, b Event) int { return a.At.Compare(b.At) })
	return cu, nil
}

// renewer makes a catch-up's Smart Licensing attempts (labtimers.Renewer).
type renewer struct{}

func (renewer) Renew(h *Headend, c family.Device, now time.Time) []Event {
	evs, _ := labsmart.Renew(c, now, h.smartAt(now))
	return evs
}
func (renewer) Less(a, b *Headend) bool { return a.id < b.id }

// changed reports whether the catch-up has anything to store.
func (cu *catchUp) changed() bool { return cu.n > 0 || len(cu.evs) > 0 }

// apply makes the copies the headends' devices, once stored.
func (cu *catchUp) apply() { cu.w.Apply() }

// done schedules the headends again and releases them.
func (cu *catchUp) done() {
	cu.w.Done(func(h *Headend) {
		cu.l.schedule(h)
		cu.l.smartAhead(h, cu.reached)
	})
}

// moveClock stores the simulated clock at t with its event and the lines
// due by then, in one synced batch, then sets the clock. The Smart
// Licensing attempts due before t are made at their lab times in the same
// catch-up (smartpath.go); when they are many, the move is stored in
// several batches, the clock at the last attempt of each, the clock event
// with the first. Called with clockMu held.
func (l *Lab) moveClock(t time.Time, text string) error {
	first := []Event{{At: t.UTC(), Kind: EventClock, Text: text}}
	for {
		reached, err := l.stepClock(t, first)
		if err != nil {
			return err
		}
		if !reached.Before(t) {
			break
		}
		first = nil
	}
	// The steps of shared licensing the move passed follow it.
	l.shared.settle(t)
	return nil
}

// stepClock brings the headends with something due to t (or as far as one
// batch takes them) and stores the simulated clock there with the events
// evs and their lines, in one synced batch, then sets the clock; it
// returns the time reached.
func (l *Lab) stepClock(t time.Time, evs []Event) (time.Time, error) {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	cu, err := l.catchUp(b, t)
	if err != nil {
		return time.Time{}, err
	}
	defer cu.done() // before the service's steps, which write headends of their own
	if err := b.PutClock(cu.reached); err != nil {
		return time.Time{}, err
	}
	evs = append(evs, cu.evs...)
	err = l.commit(b, evs, func() {
		l.setClock(cu.reached)
		cu.apply()
	})
	return cu.reached, err
}
