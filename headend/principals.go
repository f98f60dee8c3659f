package headend

import (
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"unicode"
	"unsafe"
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
	arenaBlock      = 1 << 20 // bytes of names per arena block
)

// Principal is a user on a client device, interned once per lab so that the
// admission path works on a small index instead of strings, and costs no
// hashing and no allocation. Principals live in chunks that never move, so
// a *Principal stays valid; in-process load tools keep them.
type Principal struct {
	// name points at "user" followed by "device" in the lab's name
	// arena: a pointer and two lengths take half a string header less.
	name      *byte
	userLen   uint8
	deviceLen uint8
	idx       uint32
	// hint: the headend and slot of this principal's last session, where
	// a reconnect finds its released slot (headend id << 32 | slot + 1).
	hint atomic.Uint64
	// seen: the headend, lab day and flags last recorded as a unique-user
	// observation (headend id << 32 | day << 8 | flags), so that a user
	// seen again the same day costs one load.
	seen atomic.Uint64
}

// User is the user name.
func (p *Principal) User() string { return unsafe.String(p.name, int(p.userLen)) }

// Device is the client device id.
func (p *Principal) Device() string {
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(p.name), p.userLen)), int(p.deviceLen))
}

// Index is the principal's number in its lab.
func (p *Principal) Index() uint32 { return p.idx }

// Principals interns the (user, client device) pairs of a lab. Memory per
// principal is what a million-user lab can afford: the names are packed in
// an arena, the principal record is an element of a chunk, and the index is
// an open-addressing table of 8-byte entries (32 bits of the name's hash and
// the number), whose candidates are confirmed against the names. Lookups of
// a known principal take no lock: the index is read with atomic loads (a
// lock, even a shard's read lock, is two atomic read-modify-writes on a
// line other cores write too); adding one locks one of 64 shards; no lock
// is global. Numbers are stable: the
// lab persists them and restores them after a restart.
type Principals struct {
	seed   maphash.Seed
	shards [principalShards]principalShard
	mu     sync.Mutex // allocation of numbers, chunks and arena space
	next   uint32
	arena  []byte
	chunks [maxPrincipals / chunkSize]atomic.Pointer[[chunkSize]Principal]
	// onNew, if set, is told that a new principal is pending
	// persistence; they are drained with DrainNew.
	onNew func()
}

type principalShard struct {
	mu sync.Mutex // writers
	// table is open addressing over the high 32 bits of the name hash:
	// each entry is those bits << 32 | (number + 1), 0 when empty. Eight
	// bytes an entry instead of a Go map's forty. Writers store entries
	// atomically after the principal's record is written, and publish a
	// grown table whole; a reader that misses an entry being added (or
	// reads a table just replaced) takes the lock and looks again.
	table   atomic.Pointer[[]atomic.Uint64]
	used    int
	pending []uint32 // numbers added and not yet drained
}

// NewPrincipals makes an empty table; onNew (may be nil) hears that a
// principal was added by Get and waits for DrainNew.
func NewPrincipals(onNew func()) *Principals {
	ps := &Principals{seed: maphash.MakeSeed(), onNew: onNew}
	for i := range ps.shards {
		t := make([]atomic.Uint64, 64)
		ps.shards[i].table.Store(&t)
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

func (ps *Principals) hash(user, device string) uint64 {
	var h maphash.Hash
	h.SetSeed(ps.seed)
	h.WriteString(user)
	h.WriteByte(0)
	h.WriteString(device)
	return h.Sum64()
}

func (p *Principal) is(user, device string) bool {
	return int(p.userLen) == len(user) && int(p.deviceLen) == len(device) && p.User() == user && p.Device() == device
}

// find looks up a principal in a shard.
func (ps *Principals) find(sh *principalShard, h uint64, user, device string) *Principal {
	t := *sh.table.Load()
	mask := uint64(len(t) - 1)
	for i := h >> 32 & mask; ; i = (i + 1) & mask {
		e := t[i].Load()
		if e == 0 {
			return nil
		}
		if e>>32 == h>>32 {
			if p := ps.ByIndex(uint32(e) - 1); p != nil && p.is(user, device) {
				return p
			}
		}
	}
}

// Get returns the principal for (user, device), adding it if new.
func (ps *Principals) Get(user, device string) (*Principal, error) {
	h := ps.hash(user, device)
	sh := &ps.shards[h%principalShards]
	if p := ps.find(sh, h, user, device); p != nil {
		return p, nil
	}
	if err := ValidatePrincipal(user, device); err != nil {
		return nil, err
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if p := ps.find(sh, h, user, device); p != nil {
		return p, nil
	}
	p, err := ps.add(user, device, 0, false)
	if err != nil {
		return nil, err
	}
	ps.index(sh, h, p)
	sh.pending = append(sh.pending, p.idx)
	if ps.onNew != nil {
		ps.onNew()
	}
	return p, nil
}

// index records p under hash h. Called with the shard locked.
func (ps *Principals) index(sh *principalShard, h uint64, p *Principal) {
	t := *sh.table.Load()
	if (sh.used+1)*4 > len(t)*3 {
		grown := make([]atomic.Uint64, 2*len(t))
		for i := range t {
			if e := t[i].Load(); e != 0 {
				put(grown, e)
			}
		}
		sh.table.Store(&grown)
		t = grown
	}
	put(t, h>>32<<32|uint64(p.idx+1))
	sh.used++
}

// put stores e in the first empty entry of its probe sequence: the store
// publishes it, after the principal's record was written.
func put(t []atomic.Uint64, e uint64) {
	mask := uint64(len(t) - 1)
	i := e >> 32 & mask
	for t[i].Load() != 0 {
		i = (i + 1) & mask
	}
	t[i].Store(e)
}

// add places a principal: at the next number, or at idx when restoring.
func (ps *Principals) add(user, device string, idx uint32, restore bool) (*Principal, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if !restore {
		idx = ps.next
	}
	if idx >= maxPrincipals {
		return nil, ErrTooManyPrincipals
	}
	ps.next = max(ps.next, idx+1)
	n := len(user) + len(device)
	if cap(ps.arena)-len(ps.arena) < n {
		ps.arena = make([]byte, 0, max(arenaBlock, n))
	}
	start := len(ps.arena)
	ps.arena = append(ps.arena, user...)
	ps.arena = append(ps.arena, device...)
	// The arena bytes are never written again, so the names may alias
	// them: no allocation per principal.
	c := &ps.chunks[idx>>chunkBits]
	ch := c.Load()
	if ch == nil {
		ch = new([chunkSize]Principal)
		c.Store(ch)
	}
	p := &ch[idx&(chunkSize-1)]
	p.name, p.userLen, p.deviceLen, p.idx = &ps.arena[start], uint8(len(user)), uint8(len(device)), idx
	return p, nil
}

// Restore puts back a principal with its stored number (lab start-up).
func (ps *Principals) Restore(idx uint32, user, device string) error {
	if err := ValidatePrincipal(user, device); err != nil {
		return err
	}
	p, err := ps.add(user, device, idx, true)
	if err != nil {
		return fmt.Errorf("%w: number %d", err, idx)
	}
	h := ps.hash(user, device)
	sh := &ps.shards[h%principalShards]
	sh.mu.Lock()
	ps.index(sh, h, p)
	sh.mu.Unlock()
	return nil
}

// ByIndex returns the principal with number i, or nil.
func (ps *Principals) ByIndex(i uint32) *Principal {
	if i >= maxPrincipals {
		return nil
	}
	ch := ps.chunks[i>>chunkBits].Load()
	if ch == nil {
		return nil
	}
	p := &ch[i&(chunkSize-1)]
	// The record was written under ps.mu before its number was handed
	// out (to a shard index, a session record or a caller), and those
	// hand-overs are synchronised; a number never handed out reads as
	// no name.
	if p.name == nil {
		return nil
	}
	return p
}

// DrainNew hands the principals added since the last drain to fn.
func (ps *Principals) DrainNew(fn func(*Principal)) {
	for i := range ps.shards {
		sh := &ps.shards[i]
		sh.mu.Lock()
		pending := sh.pending
		sh.pending = nil
		sh.mu.Unlock()
		for _, idx := range pending {
			fn(ps.ByIndex(idx))
		}
	}
}

// Len is the number of principals.
func (ps *Principals) Len() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return int(ps.next)
}
