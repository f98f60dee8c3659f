// Package unitwrite is a write over several units of the lab at once,
// prepared in a store batch: the units' locks held, copies of the devices
// of those up made and written, then made the units' devices once the
// batch is stored, then the units released. Two paths of the lab need it:
// the lines of shared licensing, logged on each unit they concern, and
// the catch-up of timed lines, which advances every unit with a line due.
//
// Several units' locks at once: a Run lock orders the writes, so that two
// of them cannot take the same units in opposite orders; no other path
// holds more than one unit's lock, so several at once cannot deadlock.
package unitwrite

import "sync"

// Units is how a write reaches the lab's units: their locks, and the batch
// and the swap of a unit's device.
type Units[U any, D any] interface {
	Lock(u U)
	Unlock(u U)
	// Put writes d as u's device in the batch.
	Put(u U, d D) error
	// Swap makes d u's device, once the batch is stored.
	Swap(u U, d D)
}

// Write is a write over several units, holding the locks of those it
// locked until Done.
type Write[U any, D any] struct {
	run     *sync.Mutex
	us      Units[U, D]
	running bool // holds run
	locked  []U
	units   []U
	devs    []D // devs[i] is units[i]'s new device
}

// New starts a write over us, ordered by run.
func New[U any, D any](run *sync.Mutex, us Units[U, D]) *Write[U, D] {
	return &Write[U, D]{run: run, us: us}
}

// Hold takes the run lock, before the first unit is locked.
func (w *Write[U, D]) Hold() {
	w.run.Lock()
	w.running = true
}

// Lock locks u until Done.
func (w *Write[U, D]) Lock(u U) {
	w.us.Lock(u)
	w.locked = append(w.locked, u)
}

// Add makes d u's device in the write; u is locked.
func (w *Write[U, D]) Add(u U, d D) {
	w.units, w.devs = append(w.units, u), append(w.devs, d)
}

// Put writes the added devices in the batch, in the order added.
func (w *Write[U, D]) Put() error {
	for i, u := range w.units {
		if err := w.us.Put(u, w.devs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Apply makes the added devices the units', once the batch is stored.
func (w *Write[U, D]) Apply() {
	for i, u := range w.units {
		w.us.Swap(u, w.devs[i])
	}
}

// Done runs then (when not nil) on each locked unit, releases it, and
// releases the run lock.
func (w *Write[U, D]) Done(then func(u U)) {
	for _, u := range w.locked {
		if then != nil {
			then(u)
		}
		w.us.Unlock(u)
	}
	w.locked, w.units, w.devs = nil, nil, nil
	if w.running {
		w.running = false
		w.run.Unlock()
	}
}
