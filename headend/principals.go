package headend

import (
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"unicode"
)

// Errors of principals.
var (
	ErrInvalidPrincipal  = errors.New("headend: invalid user or client device")
	ErrTooManyPrincipals = errors.New("headend: the lab has as many distinct users and devices as it can count")
)

// Limits on names, like the ASA's 64-character usernames.
const (
	MaxUserLen   = 64
	MaxDeviceLen = 128
)

const (
	principalShards = 64
	chunkBits       = 12
	chunkSize       = 1 << chunkBits
)

// Principals interns the (user, client device) pairs of a lab, so that the
// admission path works on small indexes instead of strings. Lookups take a
// read lock on one of 64 shards; no lock is global. Indexes are stable:
// the lab persists them and restores them after a restart.
type Principals struct {
	seed   maphash.Seed
	shards [principalShards]principalShard
	mu     sync.Mutex // index allocation
	next   uint32
	chunks [maxPrincipals / chunkSize]atomic.Pointer[[chunkSize]*Principal]
	// onNew, if set, is told of every new principal (persistence).
	onNew func(*Principal)
}

type principalShard struct {
	mu sync.RWMutex
	m  map[principalKey]*Principal
	_  [40]byte
}

type principalKey struct{ user, device string }

// NewPrincipals makes an empty table; onNew (may be nil) hears of every
// principal added by Get.
func NewPrincipals(onNew func(*Principal)) *Principals {
	ps := &Principals{seed: maphash.MakeSeed(), onNew: onNew}
	for i := range ps.shards {
		ps.shards[i].m = map[principalKey]*Principal{}
	}
	return ps
}

// ValidatePrincipal checks a user name and client device id.
func ValidatePrincipal(user, device string) error {
	check := func(what, s string, maxLen int) error {
		if s == "" || len(s) > maxLen {
			return fmt.Errorf("%w: %s must be 1 to %d characters", ErrInvalidPrincipal, what, maxLen)
		}
		for i := 0; i < len(s); i++ {
			if c := s[i]; c > ' ' && c < 0x7f {
				continue // printable ASCII, the usual case
			}
			for _, r := range s[i:] {
				if unicode.IsSpace(r) || !unicode.IsPrint(r) {
					return fmt.Errorf("%w: %s %q has a space or control character", ErrInvalidPrincipal, what, s)
				}
			}
			break
		}
		return nil
	}
	if err := check("user", user, MaxUserLen); err != nil {
		return err
	}
	return check("client device", device, MaxDeviceLen)
}

func (ps *Principals) shard(user, device string) *principalShard {
	h := maphash.String(ps.seed, user) ^ maphash.String(ps.seed, device)*31
	return &ps.shards[h%principalShards]
}

// Get returns the principal for (user, device), adding it if new.
func (ps *Principals) Get(user, device string) (*Principal, error) {
	sh := ps.shard(user, device)
	key := principalKey{user, device}
	sh.mu.RLock()
	p := sh.m[key]
	sh.mu.RUnlock()
	if p != nil {
		return p, nil
	}
	if err := ValidatePrincipal(user, device); err != nil {
		return nil, err
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if p := sh.m[key]; p != nil {
		return p, nil
	}
	ps.mu.Lock()
	if ps.next >= maxPrincipals {
		ps.mu.Unlock()
		return nil, ErrTooManyPrincipals
	}
	p = &Principal{User: user, Device: device, idx: ps.next}
	ps.next++
	ps.place(p)
	ps.mu.Unlock()
	sh.m[key] = p
	if ps.onNew != nil {
		ps.onNew(p)
	}
	return p, nil
}

// place stores p at its index. Called with ps.mu held.
func (ps *Principals) place(p *Principal) {
	c := &ps.chunks[p.idx>>chunkBits]
	ch := c.Load()
	if ch == nil {
		ch = new([chunkSize]*Principal)
		c.Store(ch)
	}
	// The chunk slot is written once, before the principal is handed out
	// or found by index: published by the shard map (under its lock) and
	// by the session records (through the slot CAS).
	ch[p.idx&(chunkSize-1)] = p
}

// Restore puts back a principal with its stored index (lab start-up).
func (ps *Principals) Restore(idx uint32, user, device string) error {
	if idx >= maxPrincipals {
		return fmt.Errorf("%w: index %d", ErrTooManyPrincipals, idx)
	}
	p := &Principal{User: user, Device: device, idx: idx}
	sh := ps.shard(user, device)
	sh.mu.Lock()
	sh.m[principalKey{user, device}] = p
	sh.mu.Unlock()
	ps.mu.Lock()
	ps.place(p)
	ps.next = max(ps.next, idx+1)
	ps.mu.Unlock()
	return nil
}

// ByIndex returns the principal with index i, or nil.
func (ps *Principals) ByIndex(i uint32) *Principal {
	if i >= maxPrincipals {
		return nil
	}
	ch := ps.chunks[i>>chunkBits].Load()
	if ch == nil {
		return nil
	}
	ps.mu.Lock() // pairs with place: the slot may have been written just now
	p := ch[i&(chunkSize-1)]
	ps.mu.Unlock()
	return p
}

// Len is the number of principals.
func (ps *Principals) Len() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return int(ps.next)
}
