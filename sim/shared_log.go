package sim

import (
	"cmp"
	"slices"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/sharedlic"
	"github.com/asalab/asalab/sim/store"
	"github.com/asalab/asalab/sim/unitwrite"
)

// The lines of shared licensing are the units' own: each is logged on its
// unit (family.SharedLicensing.LogShared), so it reaches `show logging`,
// the syslog collectors and the event log as the unit's other lines do,
// in the batch of the service's step, with the unit stored.

// sharedLog is a write of the service's steps, prepared in a batch: it
// holds the locks of the units it logs on until done.
type sharedLog struct {
	w   *unitwrite.Write[*Headend, family.Device]
	evs []Event
}

// logShared logs the lines of notes (in lab-time order) on their units
// (headendOf: a unit by its id; nil once deleted), on copies written to
// b, and makes their events: a step's event carries the line its unit
// logged, or, when the unit's logging buffer does not take it, the line
// the unit would log.
func (l *Lab) logShared(b *store.Batch, notes []sharedlic.Note, headendOf func(id uint64) *Headend) (*sharedLog, error) {
	now := l.clock.Now()
	lg := &sharedLog{w: unitwrite.New(&l.timers.run, unitwrite.Units[*Headend, family.Device](headendWrites{b, now}))}
	var hs []*Headend
	for _, n := range notes {
		if h := headendOf(n.ID); n.Ev.Kind != 0 && h != nil && !slices.Contains(hs, h) {
			hs = append(hs, h)
		}
	}
	// Several units' locks at once: the timers' run lock orders this
	// with the catch-up of timed lines, the one other path that holds
	// more than one.
	if len(hs) > 0 {
		lg.w.Hold()
	}
	slices.SortFunc(hs, func(a, b *Headend) int { return cmp.Compare(a.id, b.id) })
	devs := map[*Headend]family.Device{}
	for _, h := range hs {
		lg.w.Lock(h)
		if h.deleted || h.off || h.checkUp(now) != nil {
			continue // a unit down logs nothing
		}
		if _, ok := h.dev.(family.SharedLicensing); !ok {
			continue
		}
		h.advance(now)
		c := h.dev.Copy()
		lg.evs = append(lg.evs, h.markLog(c).Evs...)
		devs[h] = c
		lg.w.Add(h, c)
	}
	for _, n := range notes {
		var c family.Device
		if n.Ev.Kind != 0 {
			c = devs[headendOf(n.ID)]
		}
		lg.evs = append(lg.evs, n.Event(c))
	}
	if err := lg.w.Put(); err != nil {
		lg.done()
		return nil, err
	}
	return lg, nil
}

// apply makes the copies the units' devices, once stored; their lines
// reach the syslog collectors from there.
func (lg *sharedLog) apply() { lg.w.Apply() }

// done releases the units.
func (lg *sharedLog) done() { lg.w.Done(nil) }
