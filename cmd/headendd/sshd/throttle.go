package sshd

import (
	"sync"
	"time"
)

// throttle slows down password guessing: each failed login from a client
// address is answered after a delay that doubles with the failures in a row
// from that address (first 200 ms, at most 5 s). A success resets it, and an
// address quiet for forgetAfter starts over. Only the failing connection
// waits; others, from the same address too, are not held up.
type throttle struct {
	mu    sync.Mutex
	fails map[string]failures
	now   func() time.Time
}

type failures struct {
	n    int
	last time.Time
}

const (
	firstDelay  = 200 * time.Millisecond
	maxDelay    = 5 * time.Second
	forgetAfter = 10 * time.Minute
	maxTracked  = 10000 // addresses remembered at most
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{fails: map[string]failures{}, now: now}
}

// failure records a failed login from addr and returns the failures in a row
// and how long to wait before answering.
func (t *throttle) failure(addr string) (int, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f := t.fails[addr]
	if now.Sub(f.last) > forgetAfter {
		f.n = 0
	}
	if len(t.fails) >= maxTracked {
		t.sweep(now)
	}
	f.n++
	f.last = now
	t.fails[addr] = f
	d := maxDelay
	if f.n <= 6 {
		d = min(firstDelay<<(f.n-1), maxDelay)
	}
	return f.n, d
}

// success forgets the failures from addr.
func (t *throttle) success(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, addr)
}

// sweep drops the addresses quiet for forgetAfter; if that is not enough
// the table starts over (a flood of addresses gets the first delay).
func (t *throttle) sweep(now time.Time) {
	for a, f := range t.fails {
		if now.Sub(f.last) > forgetAfter {
			delete(t.fails, a)
		}
	}
	if len(t.fails) >= maxTracked {
		clear(t.fails)
	}
}
