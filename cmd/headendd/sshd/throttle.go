package sshd

import (
	"sync"
	"time"
)

// throttle slows down password guessing against a headend from a client
// address, however many connections the guesses come over. After a failed
// login, the next password from that address to that headend is not checked
// before a delay that doubles with the failures in a row (first 200 ms, at
// most 5 s), and each password waiting for its turn takes the next turn, so
// that parallel connections together get no more guesses than one
// connection retrying. (Only delaying the failure's answer would not do: a
// client learns a wrong guess by the missing success and need not wait for
// the answer.) A clean address is never held up, nor are logins to other
// headends; a success resets the count, and an address quiet for
// forgetAfter starts over.
type throttle struct {
	mu    sync.Mutex
	fails map[throttleKey]failures
	now   func() time.Time
}

// throttleKey is a client address and a headend's console port.
type throttleKey struct {
	addr string
	port int
}

type failures struct {
	n       int       // failed logins in a row
	waiting int       // passwords given a turn, not yet checked
	last    time.Time // of the last failure
	next    time.Time // the next turn begins then
}

const (
	firstDelay  = 200 * time.Millisecond
	maxDelay    = 5 * time.Second
	forgetAfter = 10 * time.Minute
	maxTracked  = 10000 // address and headend pairs remembered at most
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{fails: map[throttleKey]failures{}, now: now}
}

// backoff is the delay after n failures in a row.
func backoff(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	if n > 6 {
		return maxDelay
	}
	return min(firstDelay<<(n-1), maxDelay)
}

// turn takes the next turn of addr to check a password for the headend on
// port, and returns how long to wait for it: 0 from an address without
// failures. A turn further than limit away is not taken: ok is false and
// the password must be refused unchecked.
func (t *throttle) turn(addr string, port int, limit time.Duration) (wait time.Duration, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := throttleKey{addr, port}
	now := t.now()
	f, found := t.fails[k]
	if !found || now.Sub(f.last) > forgetAfter {
		return 0, true
	}
	at := f.next
	if at.Before(now) {
		at = now
	}
	if wait = at.Sub(now); wait > limit {
		return wait, false
	}
	// The turn after this one comes as if this password failed too.
	f.waiting++
	f.next = at.Add(backoff(f.n + f.waiting))
	t.fails[k] = f
	return wait, true
}

// failure records a failed login and returns the failures in a row and how
// long to wait before answering.
func (t *throttle) failure(addr string, port int) (int, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := throttleKey{addr, port}
	now := t.now()
	f := t.fails[k]
	if now.Sub(f.last) > forgetAfter {
		f = failures{}
	}
	if len(t.fails) >= maxTracked {
		t.sweep(now)
	}
	f.n++
	f.waiting = max(f.waiting-1, 0)
	f.last = now
	d := backoff(f.n)
	if next := now.Add(d); next.After(f.next) {
		f.next = next
	}
	t.fails[k] = f
	return f.n, d
}

// success forgets the failures.
func (t *throttle) success(addr string, port int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, throttleKey{addr, port})
}

// sweep drops the entries quiet for forgetAfter; if that is not enough the
// table starts over (a flood of addresses gets the first delay).
func (t *throttle) sweep(now time.Time) {
	for k, f := range t.fails {
		if now.Sub(f.last) > forgetAfter {
			delete(t.fails, k)
		}
	}
	if len(t.fails) >= maxTracked {
		clear(t.fails)
	}
}
