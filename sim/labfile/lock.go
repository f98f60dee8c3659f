package labfile

import "sync"

// applying holds a lock per lab name while files are applied to it: an
// apply reads the lab and its lab-file record, then changes both, so two
// at once would place an order twice or buy licenses twice. The lock is
// by name, not by *sim.Lab, to cover the making of a lab that does not
// exist yet.
var applying = struct {
	mu   sync.Mutex
	labs map[string]*labLock
}{labs: map[string]*labLock{}}

type labLock struct {
	mu    sync.Mutex
	users int
}

// LockLab waits until no other apply to the lab of that name runs, and
// returns the function that lets the next one in. An apply (Apply, and
// the making of its lab) holds it throughout; Apply does not take it
// itself, so that a caller can hold it across the lab's creation.
func LockLab(name string) (unlock func()) {
	applying.mu.Lock()
	l := applying.labs[name]
	if l == nil {
		l = &labLock{}
		applying.labs[name] = l
	}
	l.users++
	applying.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		applying.mu.Lock()
		if l.users--; l.users == 0 {
			delete(applying.labs, name)
		}
		applying.mu.Unlock()
	}
}
