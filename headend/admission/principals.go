package admission

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
	// Bytes of names per arena block, and records per slab: small, so
	// that a principal kept for long pins little that forgotten ones
	// left behind.
	arenaBlock = 64 << 10
	slabSize   = 256
)

// Principal is a user on a client device, interned per lab so that the
// admission path works on a small index instead of strings, and costs no
// hashing and no allocation. A *Principal stays valid for as long as
// anyone holds it (in-process load tools keep them), also once the lab has
// forgotten it: see Principals for how.
type Principal struct {
	// name points at "user" followed by "device" in the lab's name
	// arena: a pointer and two lengths take half a string header less.
	// The bytes are never written again.
	name      *byte
	userLen   uint8
	deviceLen uint8
	// userHash is a hash of the user name, the same for every device of
	// the user: a session table's logins bucket of the user (see
	// admission_logins.go), computed once here so that admission hashes
	// no strings. Sixteen bits fill the padding before idx.
	userHash uint16
	idx      uint32
	// hint: the headend and slot of this principal's last session, where
	// a reconnect finds its released slot (headend id << 32 | slot + 1).
	hint atomic.Uint64
	// seen: the headend, lab day and flags last recorded as a unique-user
	// observation (headend id << 32 | day << 8 | flags), so that a user
	// seen again the same day costs one load; or seenRetired or
	// seenForgotten (headend id 0, which no headend has).
	seen atomic.Uint64
}

// Marks in Principal.seen of a principal being forgotten, and forgotten.
const (
	seenRetired   = 1 << 8
	seenForgotten = 2 << 8
)

// User is the user name.
func (p *Principal) User() string { return unsafe.String(p.name, int(p.userLen)) }

// Device is the client device id.
func (p *Principal) Device() string {
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(p.name), p.userLen)), int(p.deviceLen))
}

// Index is the principal's number in its lab. Numbers are not stable: a
// forgotten principal's number is given to a new one, and a restart numbers
// the principals afresh.
func (p *Principal) Index() uint32 { return p.idx }

// Forgotten reports whether the lab forgot p: admissions of p are refused
// (ReasonUnavailable), and the caller interns the user and device again.
func (p *Principal) Forgotten() bool { return p.seen.Load() == seenForgotten }

// revive takes p out of retirement (see Principals); false if it is
// forgotten.
func (p *Principal) revive() bool {
	for {
		switch s := p.seen.Load(); s {
		case seenForgotten:
			return false
		case seenRetired:
			if p.seen.CompareAndSwap(s, 0) {
				return true
			}
		default:
			return true
		}
	}
}

// Principals interns the (user, client device) pairs of a lab. Memory per
// principal is what a million-user lab can afford: the names are packed in
// an arena, the principal records are allocated in slabs, and the index is
// an open-addressing table of 8-byte entries (32 bits of the name's hash and
// the number), whose candidates are confirmed against the names. Lookups of
// a known principal take no lock: the index is read with atomic loads (a
// lock, even a shard's read lock, is two atomic read-modify-writes on a
// line other cores write too); adding one locks one of 64 shards; no lock
// is global.
//
// # Forgetting
//
// A lab sees new users every day, and refused attempts name principals
// that never hold a session; kept forever, they fill memory and the 2^24
// numbers. Forget drops the principals that hold no session and were not
// seen (admitted) on the current lab day; their numbers are given to new
// principals. The usage history does not name principals by number (the
// lab stores names), so nothing outside memory refers to a number.
//
// What must hold: a number held by an active session, or by the current
// day's seen-set of a headend, names the principal that was admitted; and
// a *Principal held by a caller is never changed into another one. So:
//
//   - A record is never reused. A forgotten principal keeps its record and
//     names (a caller may hold it); only its number is reused, by a new
//     record. Records come from slabs and names from arena blocks that the
//     Go collector frees once nothing points into them.
//   - Forgetting is a handshake on the seen word, which every admission
//     reads after it wrote the principal's number into its slot. Forget
//     (1) CASes seen from the value it judged idle to seenRetired, (2)
//     removes the principal from the index, (3) scans every session table
//     for active sessions of it, and (4) CASes seenRetired to
//     seenForgotten, and only then frees the number. An admission that
//     loaded seen before (1) wrote its slot before (1) too, so the scan
//     (3) finds it and the principal stays; an admission that loads
//     seenRetired takes the slow path (recordUse), which CASes it back to
//     a live word before recording, so (4) fails and the principal stays
//     (indexed again, unless a new principal of the same names was made
//     meanwhile); an admission that finds seenForgotten undoes its slot
//     and refuses, and the caller interns the names again.
//   - A principal seen today is never retired (its seen word carries
//     today, and an admission that read the clock the day before does not
//     move it back), so today's seen-sets never hold a number given to
//     another principal today. Earlier days' sets may: the caller ends
//     them first (Admission.EndDaysBefore).
//   - Get revives a retired principal it finds (seenRetired -> 0), and
//     skips a forgotten one.
type Principals struct {
	seed   maphash.Seed
	shards [principalShards]principalShard
	mu     sync.Mutex // allocation of numbers, records and arena space
	next   uint32     // numbers below next were handed out once
	free   []uint32   // numbers of forgotten principals, to reuse
	slab   []Principal
	arena  []byte
	// chunks maps numbers to records; a nil entry is a free number.
	chunks [maxPrincipals / chunkSize]atomic.Pointer[[chunkSize]atomic.Pointer[Principal]]
	// onNew, if set, is told that a principal was added.
	onNew func()
}

type principalShard struct {
	mu sync.Mutex // writers
	// table is open addressing over the high 32 bits of the name hash:
	// each entry is those bits << 32 | (number + 1), 0 when empty,
	// tombstone when removed. Eight bytes an entry instead of a Go map's
	// forty. Writers store entries atomically after the principal's
	// record is written, and publish a rebuilt table whole; a reader that
	// misses an entry being added (or reads a table just replaced) takes
	// the lock and looks again.
	table atomic.Pointer[[]atomic.Uint64]
	used  int // entries not empty, tombstones included
	live  int
}

// tombstone marks a removed index entry: probes go on past it, and its
// number (2^32 - 2) is no principal's.
const tombstone = 1<<32 - 1

// NewPrincipals makes an empty table; onNew (may be nil) hears that a
// principal was added by Get.
func NewPrincipals(onNew func()) *Principals {
	ps := &Principals{seed: maphash.MakeSeed(), onNew: onNew}
	for i := range ps.shards {
		t := make([]atomic.Uint64, 64)
		ps.shards[i].table.Store(&t)
	}
	register(ps)
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
		if e>>32 == h>>32 && e != tombstone {
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
	if p := ps.find(sh, h, user, device); p != nil && p.revive() {
		return p, nil
	}
	if err := ValidatePrincipal(user, device); err != nil {
		return nil, err
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if p := ps.find(sh, h, user, device); p != nil && p.revive() {
		return p, nil
	}
	p, err := ps.add(user, device)
	if err != nil {
		return nil, err
	}
	ps.index(sh, h, p)
	if ps.onNew != nil {
		ps.onNew()
	}
	return p, nil
}

// index records p under hash h. Called with the shard locked.
func (ps *Principals) index(sh *principalShard, h uint64, p *Principal) {
	t := *sh.table.Load()
	if (sh.used+1)*4 > len(t)*3 {
		// Rebuild without the tombstones, at a size for the live
		// entries: the table shrinks when many were removed.
		n := 64
		for (sh.live+1)*2 > n {
			n *= 2
		}
		rebuilt := make([]atomic.Uint64, n)
		for i := range t {
			if e := t[i].Load(); e != 0 && e != tombstone {
				put(rebuilt, e)
			}
		}
		sh.table.Store(&rebuilt)
		t, sh.used = rebuilt, sh.live
	}
	put(t, h>>32<<32|uint64(p.idx+1))
	sh.used++
	sh.live++
}

// unindex removes p's entry. Called with the shard locked.
func (ps *Principals) unindex(sh *principalShard, h uint64, p *Principal) bool {
	t := *sh.table.Load()
	mask := uint64(len(t) - 1)
	want := h>>32<<32 | uint64(p.idx+1)
	for i := h >> 32 & mask; ; i = (i + 1) & mask {
		switch t[i].Load() {
		case 0:
			return false
		case want:
			t[i].Store(tombstone)
			sh.live--
			return true
		}
	}
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

// add makes a principal, under a free number if there is one.
func (ps *Principals) add(user, device string) (*Principal, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var idx uint32
	switch {
	case len(ps.free) > 0:
		idx = ps.free[len(ps.free)-1]
		ps.free = ps.free[:len(ps.free)-1]
	case ps.next < maxPrincipals:
		idx = ps.next
		ps.next++
	default:
		return nil, ErrTooManyPrincipals
	}
	n := len(user) + len(device)
	if cap(ps.arena)-len(ps.arena) < n {
		ps.arena = make([]byte, 0, max(arenaBlock, n))
	}
	start := len(ps.arena)
	ps.arena = append(ps.arena, user...)
	ps.arena = append(ps.arena, device...)
	if len(ps.slab) == 0 {
		ps.slab = make([]Principal, slabSize)
	}
	// The arena bytes are never written again, so the names may alias
	// them: no allocation per principal.
	p := &ps.slab[0]
	ps.slab = ps.slab[1:]
	p.name, p.userLen, p.deviceLen, p.idx = &ps.arena[start], uint8(len(user)), uint8(len(device)), idx
	p.userHash = uint16(maphash.String(ps.seed, user))
	c := &ps.chunks[idx>>chunkBits]
	ch := c.Load()
	if ch == nil {
		ch = new([chunkSize]atomic.Pointer[Principal])
		c.Store(ch)
	}
	ch[idx&(chunkSize-1)].Store(p)
	return p, nil
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
	// The record was written before its pointer was stored.
	return ch[i&(chunkSize-1)].Load()
}

// Len is the number of principals the lab knows.
func (ps *Principals) Len() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return int(ps.next) - len(ps.free)
}

// Forget forgets the principals that were not seen on lab day today or
// later and hold no active session, and returns how many it forgot.
// sessions calls mark with the number of every active session's principal
// (each headend's ActivePrincipals). The caller ends the headends' sets of
// days before today first (Admission.EndDaysBefore): their numbers may be
// given away. See Principals for why this is safe against admissions
// running at the same time.
func (ps *Principals) Forget(today int64, sessions func(mark func(prin uint32))) int {
	ps.mu.Lock()
	n := ps.next
	ps.mu.Unlock()
	// The numbers active sessions hold: looked up before retiring, so
	// that a principal with a session is not taken out of the index
	// (a reconnect meanwhile would make a second one), and again after,
	// for the sessions admitted meanwhile.
	held := make([]uint64, (n+63)/64)
	scan := func() {
		sessions(func(prin uint32) {
			if prin < n {
				held[prin/64] |= 1 << (prin % 64)
			}
		})
	}
	isHeld := func(i uint32) bool { return held[i/64]&(1<<(i%64)) != 0 }
	scan()
	// (1) Retire the idle ones.
	var retired []*Principal
	for i := uint32(0); i < n; i++ {
		p := ps.ByIndex(i)
		if p == nil || isHeld(i) {
			continue
		}
		s := p.seen.Load()
		if s == seenRetired || s == seenForgotten || (s>>32 != 0 && int64(uint32(s)>>8) >= today) {
			continue
		}
		if p.seen.CompareAndSwap(s, seenRetired) {
			retired = append(retired, p)
		}
	}
	if len(retired) == 0 {
		return 0
	}
	// (2) Out of the index: Get makes a new principal for the names.
	hashes := make([]uint64, len(retired))
	for i, p := range retired {
		h := ps.hash(p.User(), p.Device())
		hashes[i] = h
		sh := &ps.shards[h%principalShards]
		sh.mu.Lock()
		ps.unindex(sh, h, p)
		sh.mu.Unlock()
	}
	// (3) The sessions admitted since the first scan.
	scan()
	// (4) Forget, or keep what an admission took back.
	forgotten := 0
	for i, p := range retired {
		if !isHeld(p.idx) && p.seen.CompareAndSwap(seenRetired, seenForgotten) {
			ps.mu.Lock()
			ps.chunks[p.idx>>chunkBits].Load()[p.idx&(chunkSize-1)].Store(nil)
			ps.free = append(ps.free, p.idx)
			ps.mu.Unlock()
			forgotten++
			continue
		}
		p.seen.CompareAndSwap(seenRetired, 0) // held by a session
		h := hashes[i]
		sh := &ps.shards[h%principalShards]
		sh.mu.Lock()
		if ps.find(sh, h, p.User(), p.Device()) == nil {
			ps.index(sh, h, p)
		}
		sh.mu.Unlock()
	}
	return forgotten
}
