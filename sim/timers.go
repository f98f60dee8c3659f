package sim

import (
	"slices"
	"sync"
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/devlog"
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
	w   *unitwrite.Write[*Headend, family.Device]
	evs []Event // their new lines, in lab-time order
	n   int     // headends written
}

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

// catchUp brings every headend with a timed line due at or before now to
// now, on copies, makes the Smart Licensing attempts due by then
// (smartpath.go), and writes them to b; their lines are cu.evs. The caller
// commits b with cu.evs and cu.apply (when cu.changed), then calls
// cu.done, also when the commit failed (the headends are then due again).
func (l *Lab) catchUp(b *store.Batch, now time.Time) (*catchUp, error) {
	cu := &catchUp{l: l, now: now, w: unitwrite.New(&l.timers.run, unitwrite.Units[*Headend, family.Device](headendWrites{b, now}))}
	cu.w.Hold()
	for _, h := range dueOnce(l.timers.heap.TakeDue(now), l.timers.smart.TakeDue(now)) {
		cu.w.Lock(h)
		if h.deleted || h.off {
			continue
		}
		c := h.dev.Copy()
		c.Advance(now)
		lines := devlog.Events(c, h.logged)
		evs := append(lines, devlog.TimedSmartEvents(h.dev, c, lines, now)...)
		renewal, renewed := h.renewIn(c, now)
		if len(evs) == 0 && !renewed { // a change brought it to the lab time first
			continue
		}
		cu.w.Add(h, c)
		cu.n++
		cu.evs = append(cu.evs, h.labEvents(append(evs, renewal...))...)
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

// dueOnce is the headends of both lists, each once, timed first.
func dueOnce(timed, renew []*Headend) []*Headend {
	if len(renew) == 0 {
		return timed
	}
	if len(timed) == 0 {
		return renew
	}
	seen := make(map[*Headend]bool, len(timed))
	for _, h := range timed {
		seen[h] = true
	}
	for _, h := range renew {
		if !seen[h] {
			timed = append(timed, h)
		}
	}
	return timed
}

// changed reports whether the catch-up has anything to store.
func (cu *catchUp) changed() bool { return cu.n > 0 || len(cu.evs) > 0 }

// apply makes the copies the headends' devices, once stored.
func (cu *catchUp) apply() { cu.w.Apply() }

// done schedules the headends again and releases them.
func (cu *catchUp) done() {
	cu.w.Done(func(h *Headend) {
		cu.l.schedule(h)
		cu.l.smartAhead(h, cu.now)
	})
}

// moveClock stores the simulated clock at t with its event and the lines
// due by then, in one synced batch, then sets the clock. When Smart
// Licensing attempts fall due before t, the clock steps through their due
// times in order (smartpath.go): at each, one batch stores it with the
// lines due by then and the attempts made at that lab time; the clock
// event goes with the first step. Called with clockMu held.
func (l *Lab) moveClock(t time.Time, text string) error {
	first := []Event{{At: t.UTC(), Kind: EventClock, Text: text}}
	for {
		at, ok := l.timers.smart.Next()
		if !ok || at.After(t) {
			break
		}
		at = maxTime(at, l.clock.Now())
		if err := l.stepClock(at, first); err != nil {
			return err
		}
		first = nil
	}
	if err := l.stepClock(t, first); err != nil {
		return err
	}
	// The steps of shared licensing the move passed follow it.
	l.shared.settle(t)
	return nil
}

// stepClock stores the simulated clock at t with the events evs and the
// lines due by then, in one synced batch, then sets the clock.
func (l *Lab) stepClock(t time.Time, evs []Event) error {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.PutClock(t); err != nil {
		return err
	}
	cu, err := l.catchUp(b, t)
	if err != nil {
		return err
	}
	evs = append(evs, cu.evs...)
	err = l.commit(b, evs, func() {
		l.setClock(t)
		cu.apply()
	})
	cu.done() // before the service's steps, which write headends of their own
	return err
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
