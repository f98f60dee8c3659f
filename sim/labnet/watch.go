package labnet

import (
	"sync"
	"time"
)

// Services that run between headends over the lab network (shared
// licensing, failover pairs) learn here that paths may have changed: a lab
// fault cut or restored a link, a headend powered off or on, reloaded, or
// changed its addresses. They re-check what they depend on at that lab
// time rather than polling.

// Watchers are the functions told of a change of the lab network.
type Watchers struct {
	mu  sync.Mutex
	fns []func(now time.Time)
}

// Watch registers fn, called after each change of the lab network with
// the lab time it happened.
func (w *Watchers) Watch(fn func(now time.Time)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fns = append(w.fns, fn)
}

// Changed tells the watchers of a change at now, in the order they
// registered.
func (w *Watchers) Changed(now time.Time) {
	w.mu.Lock()
	fns := w.fns
	w.mu.Unlock()
	for _, fn := range fns {
		fn(now)
	}
}
