// Package hostnames is a lab's index of hostnames: which headend runs
// under a name, looked up without a lock (every request finds its headend
// by name), and which headend holds a name, running or saved, so that the
// saved hostname a reload or an RMA brings back never collides with a
// headend created or renamed meanwhile.
package hostnames

import (
	"errors"
	"fmt"
	"iter"
	"sync"
)

// ErrTaken: another headend of the lab holds the hostname.
var ErrTaken = errors.New("sim: hostname is already used by another headend in the lab")

// Index maps hostnames to headends of type H. Lookup and Range take no
// lock; every other method is called with the lab's lock held, which
// guards the held names and orders the changes to the running ones.
type Index[H comparable] struct {
	running sync.Map // running hostname -> H
	// held holds every hostname a headend holds: its running one (the
	// one running finds it by) and its saved one, which a reload or an
	// RMA brings back. Holding both means those can never collide with a
	// headend created or renamed meanwhile, so they are never refused.
	held map[string]H
	// nameOf is a headend's name as indexed, for the errors that name
	// the holder of a saved hostname.
	nameOf func(H) string
}

// New returns an empty index; nameOf gives a headend's indexed name.
func New[H comparable](nameOf func(H) string) *Index[H] {
	return &Index[H]{held: map[string]H{}, nameOf: nameOf}
}

// Lookup finds the headend running under name, lock-free.
func (x *Index[H]) Lookup(name string) (H, bool) {
	v, ok := x.running.Load(name)
	if !ok {
		var zero H
		return zero, false
	}
	return v.(H), true
}

// Range calls fn with every running hostname and its headend, lock-free,
// until fn returns false.
func (x *Index[H]) Range(fn func(name string, h H) bool) {
	x.running.Range(func(k, v any) bool { return fn(k.(string), v.(H)) })
}

// Holder is the headend holding name, running or saved.
func (x *Index[H]) Holder(name string) (H, bool) {
	h, ok := x.held[name]
	return h, ok
}

// Held lists the held names and their holders.
func (x *Index[H]) Held() iter.Seq2[string, H] {
	return func(yield func(string, H) bool) {
		for n, h := range x.held {
			if !yield(n, h) {
				return
			}
		}
	}
}

// Check fails if a headend other than h (the zero H: a new one) holds one
// of the names.
func (x *Index[H]) Check(h H, names ...string) error {
	for _, n := range names {
		o, ok := x.held[n]
		switch {
		case !ok || o == h:
		case x.nameOf(o) == n:
			return fmt.Errorf("%w: %q", ErrTaken, n)
		default:
			return fmt.Errorf("%w: %q is the saved hostname of %s, which its next reload brings back",
				ErrTaken, n, x.nameOf(o))
		}
	}
	return nil
}

// Run makes h hold name and be found by it.
func (x *Index[H]) Run(name string, h H) {
	x.held[name] = h
	x.running.Store(name, h)
}

// Hold makes h hold name, a saved hostname.
func (x *Index[H]) Hold(name string, h H) { x.held[name] = h }

// Release drops name from h's names, if h holds it; with running, h is
// no longer found by it either.
func (x *Index[H]) Release(name string, h H, running bool) {
	if x.held[name] == h {
		delete(x.held, name)
	}
	if running {
		x.running.CompareAndDelete(name, h)
	}
}

// Move moves h from the names old (running, saved; had: h held them) to
// run and saved. The new running name is stored before the old one goes,
// so a lookup never misses the headend.
func (x *Index[H]) Move(h H, had bool, old [2]string, run, saved string) {
	x.held[run] = h
	x.held[saved] = h
	x.running.Store(run, h)
	if !had {
		return
	}
	for _, n := range old {
		if n != run && n != saved && x.held[n] == h {
			delete(x.held, n)
		}
	}
	if old[0] != run {
		x.running.CompareAndDelete(old[0], h)
	}
}
