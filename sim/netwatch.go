package sim

import (
	"sync"
	"time"
)

// Services that run between headends over the lab network (shared
// licensing, failover pairs) learn here that paths may have changed: a lab
// fault cut or restored a link, a headend powered off or on, reloaded, or
// changed its addresses. They re-check what they depend on at that lab
// time rather than polling.

// netWatchers are the functions told of a change of the lab network.
type netWatchers struct {
	mu  sync.Mutex
	fns []func(now time.Time)
}

// onNetChange registers fn, called after each change of the lab network
// with the lab time it happened, with no headend's or the lab's lock held.
func (l *Lab) onNetChange(fn func(now time.Time)) {
	l.netw.mu.Lock()
	defer l.netw.mu.Unlock()
	l.netw.fns = append(l.netw.fns, fn)
}

// netChanged tells the watchers of a change at now. Call it with no
// headend's lock held.
func (l *Lab) netChanged(now time.Time) {
	l.netw.mu.Lock()
	fns := l.netw.fns
	l.netw.mu.Unlock()
	for _, fn := range fns {
		fn(now)
	}
}
