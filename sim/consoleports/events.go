package consoleports

import (
	"cmp"
	"slices"
	"sync/atomic"
)

// EventKind is what happened to a headend's console.
type EventKind int

// Console events.
const (
	// Added: a headend with a port exists (created, or there at start):
	// listen on the port.
	Added EventKind = iota + 1
	// Removed: the headend was deleted: stop listening, drop its
	// sessions.
	Removed
	// Reloaded: the headend reloads (or was replaced by RMA): drop its
	// sessions.
	Reloaded
)

// Event is a change the SSH server follows.
type Event[H any] struct {
	Kind    EventKind
	Headend H
	// Port is the headend's console port (0: none).
	Port int
}

// Watch holds the SSH server's watcher of a lab's consoles. The zero
// Watch has none.
type Watch[H any] struct {
	fn atomic.Pointer[func(Event[H])]
}

// Set makes fn the watcher.
func (w *Watch[H]) Set(fn func(Event[H])) { w.fn.Store(&fn) }

// Notify calls the watcher. It runs under the lab's or the headend's lock,
// so a watcher must not call back into the lab; it only starts or stops
// listeners and signals sessions.
func (w *Watch[H]) Notify(ev Event[H]) {
	if fn := w.fn.Load(); fn != nil {
		(*fn)(ev)
	}
}

// Added is an Added event for every port given to a headend that
// announced says is announced, in port order.
func (t *Table[H]) Added(announced func(H) bool) []Event[H] {
	var evs []Event[H]
	t.Each(func(p int, h H) {
		if announced(h) {
			evs = append(evs, Event[H]{Kind: Added, Headend: h, Port: p})
		}
	})
	slices.SortFunc(evs, func(a, b Event[H]) int { return cmp.Compare(a.Port, b.Port) })
	return evs
}
