package admission

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"weak"
)

// Simultaneous logins (`vpn-simultaneous-logins N` of the group policy in
// force): at most N sessions of one user name on one headend, counted
// across the user's client devices. The ASA's rule (Cisco ASA Series VPN
// CLI Configuration Guide, "Configuring VPN-Specific Attributes",
// vpn-simultaneous-logins): 0 disables login; at the limit, a new login
// logs off the session with the longest idle time, or if all are equally
// idle the oldest one, and is admitted. The simulator has no idle time, so
// the user's oldest session on the headend goes.
//
// # Design
//
// A counting filter with an exact slow path. Each table has a fixed array
// of 8-bit counters, the buckets, at least two per slot; a user's
// bucket is picked by a hash of the user name that the principal carries
// (computed once, when the principal is made). A unit of a bucket is held
// by a session of a user login kind from its admission until a collection
// frees its slot (a released slot keeps its unit, like the class
// counters' reservations), or by an admission in flight. So a bucket's
// count is at least the units of any one user whose bucket it is: other
// users that share the bucket only raise it.
//
// A new login takes a unit of its bucket (a CAS) if the count is below
// the limit: then so is the user's, and the login goes on (no lock, no
// map, no allocation). Otherwise it takes the exact path, under the
// table's logins mutex: it takes a unit whatever the count and, with
// collections held off (the collection mutex), counts the user's units
// in the slots of its bucket (each slot's meta word names the bucket its
// unit is in; the user of a slot is its principal's, looked up by number)
// and the bucket's units not yet in a slot (admissions in flight, whose
// user is unknown and so counted as the user's). Within the limit it is
// admitted, keeping the unit; at the limit it collects if anything was
// released, else logs off the user's oldest active session, collects, and
// counts again; with only admissions in flight to blame it waits for them
// to land. A principal taking back its own released slot changes no unit:
// it does so when its bucket's count is within the limit, which proves the
// user is; else it takes the new-login path.
//
// The guarantee: a user's units on a table never exceed the limit in force
// at each admission, so neither do its active sessions. A fast-path login
// saw every unit added before its own; an exact-path login added its unit
// before counting and counted every unit there was when it finished, so
// of two logins racing, at least one sees the other's unit; two exact-path
// logins are serialised by the mutex. A login waiting for the mutex holds
// no unit, so the holder never waits for it.
//
// What the exact count may get wrong: a principal number names the
// principal the lab knows by it now. The lab forgets principals that hold
// no active session, so a released, uncollected slot may hold the number
// of a forgotten principal, given to another since. Such a slot is counted
// against the new principal's user if it shares the bucket: an
// over-count, which the exact path resolves by collecting (it frees the
// slot) before it logs anyone off; and it is not counted against its own
// user, who cannot take it back (the new principal never claimed the slot,
// so its hint never names it). The same holds for an admission being
// undone because its principal was forgotten while it ran.
//
// Cost: per table, a byte per bucket (the power of two at least twice
// the slots: 8 KB for a 2,500-session table) and a four-byte meta word
// per slot (three more than the generation byte it replaces); the fast
// path is one CAS on the bucket's line, and a collection one more per
// freed slot. The exact path reads every slot's meta word, so it is
// what a table filling with distinct users pays for buckets shared by
// more users than the limit: BenchmarkAdmitFill (limit 3, 10,000 users)
// spends about a fifth of its admission time there. Fewer buckets cost
// less memory and slow fills. Tried and dropped: a mutex and a map of
// users to counts per table with a principal pointer per slot (the owner
// of its unit), which cost about 70 MB at a million sessions and more
// than doubled the cost of a new login; two buckets per slot (not
// rounded up to a power of two), which took the exact path three times
// as often in a fill (95 ns an admission, not 40); and 16-bit buckets,
// twice the memory of 8-bit ones for no measurable speed.

// unlimitedLogins is the logins limit of kinds that are no user login
// (site-to-site tunnels).
const unlimitedLogins = math.MaxUint32

// Meta word of a slot. A claim of a free slot takes it first, by a CAS
// from a word without set, and then writes the slot; the collection that
// frees the slot clears it after. So a slot that is not free has its
// claimer's word, and a claimer that wins the word is the only writer of
// the free slot.
//
//	bit  24     set: taken by the slot's claimer
//	bits  8-23  the logins bucket of the session's user
//	bit   7     held: the session holds a unit of that bucket
//	bits  0-6   the generation before the claim (see cumulative)
const (
	metaSet         = 1 << 24
	metaHeld        = 1 << 7
	metaBucketShift = 8
)

func metaBucket(m uint32) uint32 { return m >> metaBucketShift & 0xffff }

// numBuckets is the bucket count of a table of size slots: the power of
// two at least twice the slots (a table filling with distinct users then
// rarely takes the exact path), at most 2^16 (the meta word's field).
func numBuckets(size int) uint32 {
	n := uint32(4) // a word of buckets at least
	for n < 1<<16 && int(n) < 2*size {
		n *= 2
	}
	return n
}

// bucketOf is the bucket of p's user: the high bits of its 16-bit hash.
func (t *table) bucketOf(p *Principal) uint32 {
	return uint32(p.userHash) * t.nbuckets >> 16
}

// Buckets are 8-bit counters, four to a word, changed by CAS only. A
// bucket that would reach 255 units (a user allowed that many sessions,
// or as many users sharing it) is widened: its count moves to the table's
// wide array of 32-bit counters, and its byte holds wideMark from then on
// (until the table goes). The fast path takes no unit of a bucket at
// 254, so only the exact path widens, under the logins mutex.
const wideMark = 0xff

func (t *table) bucketWord(b uint32) (*atomic.Uint32, uint32) {
	return &t.buckets[b>>2], 8 * (b & 3)
}

// bucketTry takes a unit of bucket b if its count is below lim (the fast
// path); false, taking none, otherwise.
func (t *table) bucketTry(b, lim uint32) bool {
	w, shift := t.bucketWord(b)
	for {
		v := w.Load()
		switch c := v >> shift & 0xff; {
		case c == wideMark:
			cw := &(*t.wide.Load())[b]
			if cw.Add(1) <= lim {
				return true
			}
			cw.Add(^uint32(0))
			return false
		case c >= lim || c >= wideMark-1:
			return false
		}
		if w.CompareAndSwap(v, v+1<<shift) {
			return true
		}
	}
}

// bucketTake takes a unit of bucket b whatever its count (the exact path,
// with the logins mutex held), widening it first if it must.
func (t *table) bucketTake(b uint32) {
	w, shift := t.bucketWord(b)
	for {
		v := w.Load()
		switch c := v >> shift & 0xff; {
		case c == wideMark:
			(*t.wide.Load())[b].Add(1)
			return
		case c == wideMark-1:
			wide := t.wide.Load()
			if wide == nil {
				// Once a table, on the exact path only.
				ws := make([]atomic.Uint32, t.nbuckets)
				wide = &ws
				t.wide.Store(wide)
			}
			// The count moves with the mark: a CAS that fails saw
			// the byte change, and the count is written again.
			(*wide)[b].Store(c)
			w.CompareAndSwap(v, v|wideMark<<shift)
			continue
		}
		if w.CompareAndSwap(v, v+1<<shift) {
			return
		}
	}
}

// bucketPut gives back a unit of bucket b.
func (t *table) bucketPut(b uint32) {
	w, shift := t.bucketWord(b)
	for {
		v := w.Load()
		if v>>shift&0xff == wideMark {
			(*t.wide.Load())[b].Add(^uint32(0))
			return
		}
		if w.CompareAndSwap(v, v-1<<shift) {
			return
		}
	}
}

// bucketLoad is bucket b's count.
func (t *table) bucketLoad(b uint32) uint32 {
	w, shift := t.bucketWord(b)
	if c := w.Load() >> shift & 0xff; c != wideMark {
		return c
	}
	return (*t.wide.Load())[b].Load()
}

// metaWord is the meta word of a claim.
func metaWord(claimGen uint64, b uint32, held bool) uint32 {
	m := uint32(claimGen&recGenMask) | b<<metaBucketShift | metaSet
	if held {
		m |= metaHeld
	}
	return m
}

// maxLoginRounds bounds the exact path's rounds: each either admits,
// logs off one of the user's sessions, or waits for the admissions in
// flight to land in their slots.
const maxLoginRounds = 1000

// overLimit is the exact path of a new login of p's user in bucket b of
// table t at limit lim, which the fast path found over the limit: it
// logs off the user's oldest sessions as the limit requires, and reports
// whether the login holds a unit of b; false when it is refused (limit
// 0).
func (a *Admission) overLimit(t *table, pol *Policy, p *Principal, b, lim uint32, now int64) bool {
	ps := a.principalsOf(p)
	if ps == nil {
		return false // p was forgotten meanwhile: no user to count
	}
	user := p.User()
	t.loginsMu.Lock()
	defer t.loginsMu.Unlock()
	for rounds := 0; rounds < maxLoginRounds; {
		t.collectMu.Lock() // no slot is freed while counting
		t.bucketTake(b)
		var mine, landed uint32
		best, bestW := -1, uint64(0)
		var bestOwner *Principal
		next := int(t.next.Load())
		n := len(t.slots)
		for i := range t.slots {
			m := t.meta[i].Load()
			if m&(metaSet|metaHeld) != metaSet|metaHeld || metaBucket(m) != b {
				continue
			}
			w := t.slots[i].Load()
			st := recState(w)
			if st == stFree {
				continue
			}
			landed++
			q := ps.ByIndex(recPrin(w))
			if q == nil || q.User() != user {
				continue
			}
			mine++
			// Login times are seconds; among sessions of the same
			// second, the one whose slot the claim cursor passed
			// longest ago is the older.
			if st == stActive && (best < 0 || recTime(w) < recTime(bestW) ||
				recTime(w) == recTime(bestW) && (i-next+n)%n < (best-next+n)%n) {
				best, bestW, bestOwner = i, w, q
			}
		}
		// Read after the scan: every unit added before the scan ended
		// is in it, landed or not, and none left (no collection ran).
		units := t.bucketLoad(b)
		t.collectMu.Unlock()
		inFlight := units - 1 - min(landed, units-1)
		if mine+inFlight < lim {
			return true
		}
		t.bucketPut(b)
		if mine < lim || best < 0 && t.dirty.Load() == 0 {
			// Only admissions in flight may be the user's: wait for
			// them to land. They take no lock that this holds, so
			// they do; the wait is not a round.
			runtime.Gosched()
			continue
		}
		rounds++
		switch {
		case t.dirty.Load() != 0:
			t.collect()
		default:
			si := t.info(best, bestW)
			t.snapshot() // the peak, before the session goes
			if a.Release(si.ID) {
				if pol.logLevel >= refusalSeverity {
					a.refusals.add(bestOwner, now, logoffInfo(si.Kind, now-si.Login))
				}
				t.collect()
			}
		}
	}
	return false
}

// UsePrincipals tells the admission which principals its sessions are of,
// so that the exact logins path can tell their users apart. Without it,
// the first exact count looks for the principals of the login it counts.
func (a *Admission) UsePrincipals(ps *Principals) { a.ps.Store(ps) }

func (a *Admission) principalsOf(p *Principal) *Principals {
	if ps := a.ps.Load(); ps != nil {
		return ps
	}
	ps := lookupPrincipals(p)
	if ps != nil {
		a.ps.CompareAndSwap(nil, ps)
	}
	return ps
}

// registry holds every Principals made, weakly, so that an admission made
// without UsePrincipals finds those of its sessions (tests and tools that
// make them apart) without each principal pointing at its table.
var registry struct {
	mu  sync.Mutex
	all []weak.Pointer[Principals]
}

func register(ps *Principals) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	live := registry.all[:0]
	for _, w := range registry.all {
		if w.Value() != nil {
			live = append(live, w)
		}
	}
	registry.all = append(live, weak.Make(ps))
}

// lookupPrincipals finds the Principals that p is live in; nil if none.
func lookupPrincipals(p *Principal) *Principals {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	for _, w := range registry.all {
		if ps := w.Value(); ps != nil && ps.ByIndex(p.idx) == p {
			return ps
		}
	}
	return nil
}

// LoginsCounted is how many logins buckets of the current table hold a
// unit: none once every session has ended and been collected.
func (a *Admission) LoginsCounted() int {
	t := a.tab.Load()
	n := 0
	for b := range t.nbuckets {
		if t.bucketLoad(b) != 0 {
			n++
		}
	}
	return n
}
