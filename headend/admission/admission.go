package admission

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/asalab/asalab/headend"
)

// Class is the counter a session counts against besides Total VPN Peers.
// The family's policy says which class each kind of connection counts
// against.
type Class uint8

const (
	ClassPremium    Class = iota // AnyConnect Premium Peers
	ClassEssentials              // AnyConnect in Essentials mode: only Total
	ClassOther                   // Other VPN Peers
	ClassNone                    // not licensed
	NumClasses      = 3          // the counted classes: ClassNone is refused
)

// Policy is the admission rule set of a device at one moment: which counter
// each kind counts against and the limits. It is immutable; the device
// publishes a new one whenever its license, configuration or power state
// changes (NewPolicy).
type Policy struct {
	class [headend.NumKinds]Class
	limit [NumClasses]uint32
	total uint32
	// UpAt: the device is reloading before this lab time (unix seconds).
	upAt int64
	// validUntil: a time-based key expires at this lab time (unix
	// seconds); the policy must be rebuilt before deciding after it.
	validUntil int64
	// Serial of the device, for the syslog lines that name its address.
	Serial string
	// logLevel: refusals (severity 4) go to the logging buffer when it is
	// at least warnings; -1 when nothing is buffered.
	logLevel int8
	// noPortal: webvpn is set up but enabled on no working interface,
	// so AnyConnect and clientless connections find nothing to answer.
	noPortal bool
	// standby: the device is the standby unit of a failover pair
	// (Standby); it refuses every connection.
	standby bool
	// logins is the `vpn-simultaneous-logins` in force per kind
	// (unlimitedLogins: not a user login); see admission_logins.go.
	logins [headend.NumKinds]uint32
	// sharedMax caps the Premium limit with borrowed shared sessions
	// (see borrow.go).
	sharedMax uint32
}

// silent reports whether a refusal logs nothing: with webvpn enabled on
// no working interface, nothing answered the connection.
func (p *Policy) silent(d Decision) bool {
	return p != nil && p.noPortal && d.Reason == headend.ReasonNotLicensed
}

// Capacity is Total VPN Peers, `show vpn-sessiondb`'s device capacity.
func (p *Policy) Capacity() int { return int(p.total) }

// Decision is the outcome of one admission. It holds no strings: the syslog
// line is rendered only when someone asks (Syslog), so deciding allocates
// nothing.
//
// It has four fields, the most the compiler keeps a struct in registers
// for: a fifth (a Shared flag) made admit + release 1.8 times as slow.
type Decision struct {
	Admitted bool
	Reason   headend.Reason
	// Session identifies an admitted session for Release.
	Session uint64
	// Limit is the limit that refused the connection; for an admission
	// that took a shared session (see Shared), the Premium limit it
	// counted against, local plus borrowed.
	Limit int
}

// Shared reports whether an admission took a shared session, one of those
// the headend borrowed (see SetBorrowed): the Premium sessions after it
// exceed the local limit.
func (d Decision) Shared() bool { return d.Admitted && d.Limit > 0 }

// Session record layout, one 64-bit word per slot:
//
//	bits 62-63  state: 0 free, 1 active, 2 released (still holding its reservation)
//	bits 59-61  kind
//	bits 57-58  class
//	bits 50-56  generation, bumped at every admission into the slot
//	bits 26-49  principal index
//	bits  0-25  login time, seconds since the table started
const (
	stFree     = 0
	stActive   = 1
	stReleased = 2

	recStateShift = 62
	recKindShift  = 59
	recClassShift = 57
	recGenShift   = 50
	recPrinShift  = 26
	recGenMask    = 1<<7 - 1
	recPrinMask   = 1<<24 - 1
	recTimeMask   = 1<<26 - 1
	maxPrincipals = 1 << 24
	countBits     = 16
	countMask     = 1<<countBits - 1
)

func recState(w uint64) uint64      { return w >> recStateShift }
func recKind(w uint64) headend.Kind { return headend.Kind(w >> recKindShift & 7) }
func recClass(w uint64) Class       { return Class(w >> recClassShift & 3) }
func recGen(w uint64) uint64        { return w >> recGenShift & recGenMask }
func recPrin(w uint64) uint32       { return uint32(w >> recPrinShift & recPrinMask) }
func recTime(w uint64) int64        { return int64(w & recTimeMask) }

func makeRec(state uint64, k headend.Kind, c Class, gen uint64, prin uint32, t int64) uint64 {
	return state<<recStateShift | uint64(k)<<recKindShift | uint64(c)<<recClassShift |
		(gen&recGenMask)<<recGenShift | uint64(prin&recPrinMask)<<recPrinShift | uint64(t)&recTimeMask
}

// idPrinMask keeps the low 17 bits of a principal index, the part of it a
// session id holds.
const idPrinMask = 1<<17 - 1

// Session ids: table epoch (16 bits) | slot (24 bits) | generation (7) |
// low 17 bits of the principal index. Release checks them all against the
// slot, so a stale id of a reused slot is refused.
func makeID(epoch uint32, slot int, gen uint64, prin uint32) uint64 {
	return uint64(epoch&0xffff)<<48 | uint64(slot)<<24 | (gen&recGenMask)<<17 | uint64(prin&idPrinMask)
}

func idEpoch(id uint64) uint32 { return uint32(id >> 48) }
func idSlot(id uint64) int     { return int(id >> 24 & (1<<24 - 1)) }
func idGen(id uint64) uint64   { return id >> 17 & recGenMask }
func idPrin(id uint64) uint32  { return uint32(id & idPrinMask) }

// SessionGen is the generation of session id: how many sessions its slot
// held before, which the family renders into ids a session keeps.
func SessionGen(id uint64) uint64 { return idGen(id) }

// table is the session table of one boot of a device: a reload or RMA
// replaces it, which drops every session at once.
type table struct {
	epoch uint32
	// nbuckets is the number of logins buckets (see admission_logins.go).
	nbuckets uint32
	start    int64 // lab unix seconds; login times are relative to it
	// counts holds, per class, the reservations: 16 bits each, premium,
	// essentials, other. See Admission for why it may exceed the active
	// sessions.
	counts atomic.Uint64
	// dirty is set by the first release after a collection.
	dirty atomic.Uint32
	// next is where the search for a free slot starts: one past the last
	// slot claimed from free. It sits by counts, whose cache line a new
	// reservation has just written.
	next atomic.Uint32
	// banked admissions per kind: every claim of a free slot, and the
	// reuses of a slot once counted (see cumulative). Active sessions
	// are counted from the slots, and their peak is sampled (see
	// Admission).
	banked [headend.NumKinds]paddedStat
	peak   [headend.NumKinds]atomic.Uint32
	// meta holds a word per slot (see admission_logins.go), with the
	// generation before the admission that claimed the slot from free:
	// the admissions since (the claim and the reuses) are the generation
	// now minus it (mod 128).
	meta []atomic.Uint32
	// refused per reason, for metrics.
	refused   [headend.NumReasons]atomic.Uint64
	collectMu sync.Mutex
	// collectSeq is odd while a collection runs (see Admit's refusal).
	collectSeq atomic.Uint32
	slots      []atomic.Uint64
	// buckets are the logins buckets, four 8-bit counters a word; wide
	// holds those that outgrew eight bits (nil until one does);
	// loginsMu serialises their exact path.
	buckets  []atomic.Uint32
	wide     atomic.Pointer[[]atomic.Uint32]
	loginsMu sync.Mutex
}

type paddedStat struct {
	v atomic.Uint64
	_ [56]byte // one cache line per kind: kinds are updated by different callers
}

// Admission decides VPN connections for one headend against its hardware
// capacity and license, in memory, without locks or allocation on the
// usual path.
//
// # Design
//
// The invariant: for every counter (Premium, Essentials, Other, Total), the
// sessions counted never exceed the limit in force when they were admitted,
// the count never goes negative, and it returns to zero once every session
// is released (after a collection, which any caller triggers when it
// matters).
//
// Counting is done in reservations. A reservation is one unit of a class
// counter (and of Total, the sum of the classes). It is taken by a CAS on
// one 64-bit word holding the three class counts (16 bits each), which
// checks the class limit and the total limit in the same step: two
// admissions racing for the last unit cannot both win, because the loser's
// CAS fails against the winner's new word and re-checks. Every reservation
// belongs at any time to exactly one of: an admission in flight, a slot in
// state active, a slot in state released, or a collector between freeing a
// slot and subtracting.
// So reservations >= active sessions, and the limit holds for the active
// sessions a fortiori.
//
// A release does not give the reservation back: it turns the slot from
// active to released with one CAS (which also refuses a second release of
// the same id, and a stale id of a reused slot, whose generation differs).
// The principal's next admission of the same class takes over its released
// slot and reservation with one CAS on the slot, without touching the
// counters (nor its user's logins bucket, see admission_logins.go), once
// one load of the counters' word shows the reservations within the limits
// in force (below). A principal remembers its last slot, so a user
// reconnecting finds it at once. Admit + release of a returning user is
// therefore two CASes on the slot: as cheap as the bare counter's CAS and
// add.
//
// A kept reservation was taken under the limits in force at its claim,
// which may have been lowered since (a time-based key expired, a session
// cap lowered, borrowed shared sessions given back): taken over blindly,
// it would let every returning user back in past the new limit. So a reuse
// loads the counters' word after it loaded its slot and before its CAS, and
// keeps the reservation only if its class's count and the total are within
// the limits of the policy it decides under (for Premium, the local limit
// plus the shared sessions borrowed). Why that suffices: a collector frees
// a slot with a CAS before it subtracts, so a reuse whose CAS succeeds had
// its reservation in the slot from its load to its CAS, and the word it
// loaded counts it along with every active session's: the active sessions,
// the reuse's included, are within the limit at that load, where the reuse
// is decided. A reuse adds no reservation, and a claim adds one only below
// the limit it checks, so after that load the active sessions stay within
// the limits of the admissions deciding since (a claim decided under the
// old, higher limit before the policy changed may still land: it counts
// against the limit it was decided under). When the word is over the
// limit (the limit was lowered), the reuse frees its slot, giving the
// reservation back at once in a collection of that one slot (the same CAS
// on the slot as any collector's, so only one of them gives it back), and
// takes a new reservation as a new login does, which checks the limit and
// collects the other released slots if it must. The check costs a reuse
// one load, and fails only after a limit was lowered: under limits that
// never changed, no claim takes the reservations past them. The logins
// limit is kept the same way: a reuse keeps its logins unit only while
// its bucket is within the limit in force (see admission_logins.go).
//
// Statistics: Cumulative per kind is exact without a count on that path:
// a claim of a free slot (the slow path) notes the generation before its
// own; a reuse only bumps the generation, so the admissions into a slot not
// yet counted (its claim and the reuses since) are its generation minus the
// noted one, mod 128. Every 128th of them, and the collection that frees
// the slot, add them to the kind's banked count. (Banking the claim at once
// cost a locked add on one more cache line, which the other core had
// usually written last.) A reuse
// must be of the same kind for this to hold, which a returning user's
// usually is; another kind takes the slow path.
// Active sessions per kind are counted from the slots when someone asks
// (`show vpn-sessiondb`, a metrics scrape, ListSessions): exact, and free
// on the admission path. Their peak ("Peak Concur") is sampled at those
// moments, at every logoff and reload, and by the lab every 100 ms: keeping
// it exact needs an active count updated by every admission and release, two
// more atomic operations that would double the cost of admit + release, so a
// spike shorter than the sampling may not show.
//
// When an admission finds no reservation left, and a release happened since
// the last collection, it collects: under a mutex (the slow path only), it
// frees every released slot (CAS released -> free) and subtracts their
// reservations, then tries again. Only if the limit still holds, with no
// collection running and nothing released since, is the connection
// refused, so a refusal is exact. A new reservation then claims a
// free slot, searching from where the last search ended; a free slot always exists, because
// slots number the platform maximum, which no limit exceeds, and every
// non-free slot holds a reservation.
//
// A policy (limits and which class each kind counts against) is read with
// one atomic load; license and configuration changes publish a new one. A
// reload publishes a new table, dropping every session and reservation at
// once; admissions in flight on the old table land in a table nobody reads.
//
// Tried and dropped: a mutex per headend (two lock/unlock pairs per admit
// and release cost 2x the atomics alone); freeing the reservation on every
// release (two more atomic operations per session, 2.2x a bare CAS counter
// instead of about 1.5x); a free list of slots (a tagged head CAS on both
// paths).
type Admission struct {
	id      uint32 // the headend's number in the lab, for principal hints
	size    int    // slots per table: the platform maximum
	policy  atomic.Pointer[Policy]
	tab     atomic.Pointer[table]
	epoch   uint32 // last table epoch; guarded by mu
	refresh func(now int64) *Policy
	day     atomic.Pointer[[2]int64] // the current lab day and its start

	mu sync.Mutex
	// usage: the principals seen on lab day usageDay, with their usage
	// flags, to record each once. Earlier days are in the lab's store
	// only: the history grows without end, a day does not.
	usage    *usageSet
	usageDay int64
	// storedDay: uses of this day and before may have records stored
	// before the lab started, which its set does not hold (see
	// StoredUsesUntil): they are written as merges.
	storedDay int64
	pending   []Use // not yet persisted
	onUse     func()

	// refusals are the last refusals, for `show logging`.
	refusals refusalRing

	// ps are the principals of the sessions (see UsePrincipals).
	ps atomic.Pointer[Principals]

	// borrowed and borrower: shared licensing (see borrow.go).
	borrowed atomic.Int64
	borrower atomic.Pointer[func(now int64) bool]
}

// NoExpiry is the validUntil of a policy that no time-based key limits.
const NoExpiry = math.MaxInt64

// Usage flags of a principal on a day.
const (
	UsedAny      = 1 << 0
	UsedApexOnly = 1 << 1 // clientless: an Apex-only service
)

// NewAdmission makes the admission state of a headend with the given id in
// its lab (not 0, which principals' seen words keep for their own marks)
// and slots for size concurrent sessions (the platform maximum).
// refresh rebuilds the policy when a time-based key expires.
func NewAdmission(id uint32, size int, p *Policy, start int64, refresh func(now int64) *Policy) *Admission {
	a := &Admission{id: id, size: max(size, 1), usage: &usageSet{}}
	if refresh != nil {
		a.refresh = func(now int64) *Policy { return a.fit(refresh(now)) }
	}
	a.policy.Store(a.fit(p))
	a.tab.Store(a.newTable(start))
	return a
}

func (a *Admission) newTable(start int64) *table {
	a.epoch++
	nb := numBuckets(a.size)
	return &table{epoch: a.epoch, start: start - loginBack, slots: make([]atomic.Uint64, a.size),
		meta: make([]atomic.Uint32, a.size), nbuckets: nb, buckets: make([]atomic.Uint32, nb/4)}
}

// SetPolicy publishes a new policy; sessions already admitted stay.
func (a *Admission) SetPolicy(p *Policy) { a.policy.Store(a.fit(p)) }

// fit is p with no limit above the table's size. The search for a free
// slot relies on a free slot existing whenever a limit lets a session in;
// a limit above the slots (a catalog row whose maximum is lower than what
// its family licenses) would have it search for ever. Such a limit is cut
// to the slots: the table is the platform's maximum.
func (a *Admission) fit(p *Policy) *Policy {
	if p == nil {
		return nil
	}
	n := uint32(a.size)
	over := p.total > n || p.sharedMax > n
	for _, l := range p.limit {
		over = over || l > n
	}
	if !over {
		return p
	}
	q := *p
	q.total, q.sharedMax = min(q.total, n), min(q.sharedMax, n)
	for i := range q.limit {
		q.limit[i] = min(q.limit[i], n)
	}
	return &q
}

// Policy is the policy in force.
func (a *Admission) Policy() *Policy { return a.policy.Load() }

// Reset drops every session and the refusals logged: the device reloaded
// or was replaced. It returns the counters of the table it dropped.
func (a *Admission) Reset(start int64) Counts {
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.tab.Swap(a.newTable(start))
	a.refusals.restart()
	return old.snapshot()
}

func (t *table) count(c Class, w uint64) uint32 {
	return uint32(w >> (countBits * uint(c)) & countMask)
}

// Admit decides one connection at lab time now (unix seconds). A forgotten
// principal (see Principals) is refused with headend.ReasonUnavailable, not
// counted: the caller interns its names again and retries.
func (a *Admission) Admit(p *Principal, k headend.Kind, now int64) Decision {
	if p.Forgotten() {
		return Decision{Reason: headend.ReasonUnavailable}
	}
	pol := a.policy.Load()
	if now >= pol.validUntil && a.refresh != nil {
		pol = a.refresh(now)
	}
	if now < pol.upAt {
		return a.refuse(a.tab.Load(), pol, p, k, now, Decision{Reason: headend.ReasonUnavailable})
	}
	if pol.standby {
		return a.refuse(a.tab.Load(), pol, p, k, now, Decision{Reason: headend.ReasonStandby})
	}
	if !k.Valid() {
		return Decision{Reason: headend.ReasonNotLicensed}
	}
	c := pol.class[k]
	t := a.tab.Load()
	if c == ClassNone {
		return a.refuse(t, pol, p, k, now, Decision{Reason: headend.ReasonNotLicensed})
	}
	rel := now - t.start
	if rel < 0 {
		rel = 0
	}
	// A returning principal takes over its released slot and reservation.
	if i := hintSlot(p.hint.Load(), a.id); i >= 0 && i < len(t.slots) {
		s := &t.slots[i]
		// Its own slot only: the slot holds a unit of its user's logins
		// bucket, which the reuse leaves as it is, so the user stays
		// within the limit if the bucket's count is.
		if w := s.Load(); recState(w) == stReleased && recKind(w) == k && recClass(w) == c &&
			recPrin(w) == p.idx {
			m := t.meta[i].Load()
			gen := recGen(w) + 1
			if m&metaSet != 0 && (m&metaHeld == 0 || pol.logins[k] >= t.bucketLoad(metaBucket(m))) {
				// The reservation was taken under the limit of its
				// day, which may have been lowered since: kept only
				// while the reservations are within the limit in
				// force (see Admission), else given back, and the
				// new reservation below checks the limit.
				if !pol.within(t.counts.Load(), c) && !a.reservedWithin(t, pol, c) {
					t.free(i, w)
				} else if s.CompareAndSwap(w, makeRec(stActive, k, c, gen, p.idx, rel)) {
					if gen&recGenMask == uint64(m&recGenMask) {
						t.banked[k].v.Add(recGenMask + 1) // 128 admissions since the last banking
					}
					return a.admitted(t, p, k, i, gen, now)
				}
			}
		}
	}
	// The user's logins first: at the limit, its oldest session goes.
	limited := k != headend.KindSiteToSite
	var b uint32
	if limited {
		lim := pol.logins[k]
		b = t.bucketOf(p)
		if lim == 0 || !t.bucketTry(b, lim) && !a.overLimit(t, pol, p, b, lim, now) {
			return a.refuse(t, pol, p, k, now, Decision{Reason: headend.ReasonSimultaneousLogins, Limit: int(lim)})
		}
	}
	// A new reservation, checked against the class and total limits.
	var sum, cur uint32
	asked := false
	for {
		w := t.counts.Load()
		cur = t.count(c, w)
		sum = t.count(0, w) + t.count(1, w) + t.count(2, w)
		reason, limit := headend.ReasonNone, uint32(0)
		switch {
		case cur >= pol.limit[c]:
			// Past the local limit only with borrowed sessions.
			reason, limit = a.overLocal(pol, c, cur, sum)
		case sum >= pol.total:
			reason, limit = headend.ReasonTotalLimit, pol.total
		}
		if reason != headend.ReasonNone {
			if t.dirty.Load() != 0 {
				t.collect()
				continue
			}
			// Refuse only if w is the count while no collection ran
			// and nothing was released: a collection clears dirty
			// before it gives the reservations back, so a w read
			// before it ended may count released sessions.
			seq := t.collectSeq.Load()
			if seq&1 != 0 {
				t.collectMu.Lock() // wait for it
				t.collectMu.Unlock()
				continue
			}
			if t.counts.Load() != w || t.dirty.Load() != 0 || t.collectSeq.Load() != seq {
				continue
			}
			if !asked && reason == headend.ReasonPremiumLimit && sum < pol.total && a.borrow(pol, now) {
				asked = true
				continue
			}
			if limited {
				t.bucketPut(b)
			}
			return a.refuse(t, pol, p, k, now, Decision{Reason: reason, Limit: int(limit)})
		}
		if t.counts.CompareAndSwap(w, w+1<<(countBits*uint(c))) {
			break
		}
	}
	// Claim a free slot, searching from where the last claim ended (next
	// fit): a table filling up is claimed in order, one probe each, and
	// with releases the slots ahead of the cursor are the ones freed
	// since it last passed, so a search takes about 1/(1-occupancy)
	// probes. (Probing from a hash of the principal over a region that
	// grew with the sessions held clustered the early sessions at the
	// start: filling a 10,000-session table cost 670 ns an admission.)
	// The search is deterministic, so session indexes are reproducible.
	n := len(t.slots)
	i := int(t.next.Load())
	if i >= n {
		i = 0
	}
	for {
		s := &t.slots[i]
		if w := s.Load(); recState(w) == stFree {
			// The claim takes the slot's meta word first (see
			// admission_logins.go): a claimer that wins it is the
			// only one that may write the free slot.
			gen := recGen(w) + 1
			if m := t.meta[i].Load(); m&metaSet == 0 && t.meta[i].CompareAndSwap(m, metaWord(gen-1, b, limited)) {
				s.Store(makeRec(stActive, k, c, gen, p.idx, rel))
				t.next.Store(uint32(i + 1))
				if want := hintWord(a.id, i); p.hint.Load() != want {
					p.hint.Store(want)
				}
				d := a.admitted(t, p, k, i, gen, now)
				if cur >= pol.limit[c] && d.Admitted {
					d.Limit = int(a.premiumLimit(pol))
				}
				return d
			}
			continue
		}
		if i++; i == n {
			i = 0
		}
	}
}

// hintWord is a principal's hint (see Principal) for slot on headend id.
func hintWord(id uint32, slot int) uint64 { return uint64(id)<<32 | uint64(slot+1) }

// hintSlot is the slot a hint names on headend id; -1 when it names none
// there.
func hintSlot(h uint64, id uint32) int {
	if h>>32 != uint64(id) {
		return -1
	}
	return int(uint32(h)) - 1
}

// seenWord is a principal's seen word (see Principal): headend id, lab day
// and usage flags.
func seenWord(id uint32, day int64, flags uint8) uint64 {
	return uint64(id)<<32 | uint64(day)<<8 | uint64(flags)
}

func (a *Admission) admitted(t *table, p *Principal, k headend.Kind, slot int, gen uint64, now int64) Decision {
	day := a.dayOf(now)
	flags := uint64(UsedAny)
	if k == headend.KindClientless {
		flags |= UsedApexOnly
	}
	want := seenWord(a.id, day, 0)
	id := makeID(t.epoch, slot, gen, p.idx)
	// This load, after the slot names p, is this admission's half of
	// the handshake with Principals.Forget.
	if s := p.seen.Load(); s&^0xff != want || s&flags != flags {
		if !a.recordUse(p, day, uint8(flags)) {
			// Forgotten while this admission ran: its number may name
			// another principal already. Undone, it is no admission:
			// take it out of Cumulative too, which counted it in the
			// slot's generation.
			a.Release(id)
			t.banked[k].v.Add(^uint64(0))
			return Decision{Reason: headend.ReasonUnavailable}
		}
	}
	return Decision{Admitted: true, Session: id}
}

// dayOf is the lab day of now, from a cache of the current day's start:
// a 64-bit division costs as much as an atomic operation on this path.
func (a *Admission) dayOf(now int64) int64 {
	if c := a.day.Load(); c != nil && now >= c[1] && now < c[1]+86400 {
		return c[0]
	}
	day := now / 86400
	a.day.Store(&[2]int64{day, day * 86400})
	return day
}

func (t *table) claimGenOf(i int) uint64 {
	return uint64(t.meta[i].Load() & recGenMask)
}

// unbanked is the admissions into slot i not yet in banked.
func (t *table) unbanked(i int, w uint64) uint64 {
	return (recGen(w) - t.claimGenOf(i)) & recGenMask
}

func (a *Admission) refuse(t *table, pol *Policy, p *Principal, k headend.Kind, now int64, d Decision) Decision {
	t.refused[d.Reason].Add(1)
	// A device that is down logs nothing, nor does a standby unit, which
	// holds none of the addresses clients connect to; every refusal
	// message is of severity 4 (warnings).
	if d.Reason != headend.ReasonUnavailable && d.Reason != headend.ReasonStandby && pol.logLevel >= refusalSeverity && !pol.silent(d) {
		a.refusals.add(p, now, refusalInfo(k, pol.class[k], d))
	}
	return d
}

// recordUse notes a unique-user observation (the slow path: once per
// principal, headend, day and flag). It reports false, recording nothing,
// if p was forgotten; it takes a retired p back (see Principals).
func (a *Admission) recordUse(p *Principal, day int64, flags uint8) bool {
	// Claim p first: once the seen word is live again, Forget cannot
	// give p's number away, so the records below name p.
	var claimed uint64
	late := false
	for {
		s := p.seen.Load()
		if s == seenForgotten {
			return false
		}
		claimed, late = seenWord(a.id, day, flags), false
		if s>>32 != 0 && int64(uint32(s)>>8) > day {
			// Seen on a later day already (this admission read the
			// clock before midnight): the word keeps that day, or
			// Forget would take p for idle while a set of that day
			// holds its number. No flags: whoever checks the word
			// next takes this slow path and asks its set.
			claimed, late = s&^0xff, true
		}
		if p.seen.CompareAndSwap(s, claimed) {
			break
		}
	}
	a.mu.Lock()
	var merged, old uint8
	switch {
	case day > a.usageDay:
		a.usage, a.usageDay = &usageSet{}, day
		fallthrough
	case day == a.usageDay:
		merged, old = a.usage.or(p.idx, flags)
	default:
		// An admission that read the clock before the day changed: its
		// day's set is gone, and the record may be stored with other
		// flags (an Apex-only use): the writer merges them.
		merged = flags
	}
	if merged != old {
		a.pending = append(a.pending, Use{Principal: p, Day: day, Flags: merged, Merge: day < a.usageDay || day <= a.storedDay})
	}
	onUse := a.onUse
	a.mu.Unlock()
	// A CAS, not a store: Forget may have retired p meanwhile, and a
	// store would hide that from its last step.
	if !late {
		p.seen.CompareAndSwap(claimed, seenWord(a.id, day, merged))
	}
	if merged != old && onUse != nil {
		onUse()
	}
	return true
}

// Use is a unique-user observation: a principal seen on a lab day. It holds
// the principal itself: its number may be another's by the time the use is
// written.
type Use struct {
	Principal *Principal
	Day       int64
	Flags     uint8
	// Merge: a use of a day whose set was already dropped (see
	// EndDaysBefore), so Flags may lack flags recorded earlier that day:
	// the writer ORs them with the stored record instead of replacing it.
	Merge bool
}

// OnUse sets a function told that a new observation is pending (the lab
// wakes its writer); the observations are drained with DrainUses.
func (a *Admission) OnUse(fn func()) {
	a.mu.Lock()
	a.onUse = fn
	a.mu.Unlock()
}

// DrainUses hands the observations not yet drained to fn.
func (a *Admission) DrainUses(fn func([]Use)) {
	a.mu.Lock()
	p := a.pending
	a.pending = nil
	a.mu.Unlock()
	if len(p) > 0 {
		fn(p)
	}
}

// PendingUses calls fn with the observations not yet drained, for a reader
// that must see them before they are written. fn must not keep the slice.
func (a *Admission) PendingUses(fn func([]Use)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fn(a.pending)
}

// EndDaysBefore drops the seen-set of a day before day. The lab calls it
// before Principals.Forget, which may give the numbers in that set to new
// principals: an admission that read the clock before midnight and records
// a new principal's use afterwards must not find the number there as
// already seen. Such a use is recorded as a past day's (Use.Merge).
func (a *Admission) EndDaysBefore(day int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.usageDay < day {
		if a.usage.n != 0 {
			a.usage = &usageSet{}
		}
		a.usageDay = day
	}
}

// StoredUsesUntil tells the admission that the store may already hold
// uses of day and the days before it, which its sets do not (lab start-up
// reads none of the history, so that start-up costs the same on day 1 and
// day 730): a use of those days is recorded as a merge, ORed with the
// stored record's flags by the writer, so that an Apex-only use seen
// before a restart keeps its flag. A principal is then recorded once more
// on the day of the restart, which the merge makes harmless.
func (a *Admission) StoredUsesUntil(day int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.storedDay = max(a.storedDay, day)
}

// Release ends a session. It reports false for an unknown, stale or already
// released id.
func (a *Admission) Release(id uint64) bool {
	t := a.tab.Load()
	i := idSlot(id)
	if idEpoch(id) != t.epoch&0xffff || i >= len(t.slots) {
		return false
	}
	s := &t.slots[i]
	w := s.Load()
	if recState(w) != stActive || recGen(w) != idGen(id) || recPrin(w)&idPrinMask != idPrin(id) {
		return false
	}
	if !s.CompareAndSwap(w, w&^(3<<recStateShift)|stReleased<<recStateShift) {
		return false
	}
	if t.dirty.Load() == 0 {
		t.dirty.Store(1)
	}
	return true
}

// collect frees released slots and gives their reservations back.
func (t *table) collect() {
	t.collectMu.Lock()
	defer t.collectMu.Unlock()
	t.collectSeq.Add(1)
	defer t.collectSeq.Add(1) // after the reservations are given back
	t.dirty.Store(0)          // releases from now on set it again
	var give uint64
	for i := range t.slots {
		if w := t.slots[i].Load(); recState(w) == stReleased {
			give += t.unclaim(i, w)
		}
	}
	if give != 0 {
		t.counts.Add(-give)
	}
}

// unclaim frees slot i, released with record w, giving back its logins
// unit and banking its admissions, and returns the reservation it held,
// for the caller to subtract; 0 if the slot changed first (taken back by
// its principal, or freed by another).
func (t *table) unclaim(i int, w uint64) uint64 {
	m := t.meta[i].Load() // the claimer's, written before its claim
	if !t.slots[i].CompareAndSwap(w, makeRec(stFree, 0, 0, recGen(w), 0, 0)) {
		return 0
	}
	// Until this store, claimers pass the free slot by.
	t.meta[i].Store(0)
	if n := (recGen(w) - uint64(m&recGenMask)) & recGenMask; n != 0 {
		t.banked[recKind(w)].v.Add(n)
	}
	if m&metaHeld != 0 {
		t.bucketPut(metaBucket(m))
	}
	return 1 << (countBits * uint(recClass(w)))
}

// free frees released slot i, whose record is w, and gives its
// reservation back at once: a returning principal whose reservation the
// limit in force no longer covers. It is a collection of one slot, under
// the collection mutex and marked in collectSeq like any: the exact
// logins count holds collections off while it counts, and a refusal
// waits for them (see Admit).
func (t *table) free(i int, w uint64) {
	t.collectMu.Lock()
	defer t.collectMu.Unlock()
	t.collectSeq.Add(1)
	if give := t.unclaim(i, w); give != 0 {
		t.counts.Add(-give)
	}
	t.collectSeq.Add(1)
}

// within reports whether the reservations of counts word w, of class c
// and in all, are within p's local limits: the reuse's check, small
// enough to be inlined (see reservedWithin for the Premium limit with
// borrowed sessions).
func (p *Policy) within(w uint64, c Class) bool {
	return uint32(w>>(countBits*uint(c))&countMask) <= p.limit[c] &&
		uint32(w&countMask+w>>countBits&countMask+w>>(2*countBits)&countMask) <= p.total
}

// reservedWithin reports whether the reservations of class c and their
// total are within the limits of pol: then a reuse, which keeps its
// reservation, keeps the active sessions within them too. The Premium
// limit with borrowed sessions is read only past the local one.
func (a *Admission) reservedWithin(t *table, pol *Policy, c Class) bool {
	w := t.counts.Load()
	if t.count(0, w)+t.count(1, w)+t.count(2, w) > pol.total {
		return false
	}
	cur := t.count(c, w)
	return cur <= pol.limit[c] || c == ClassPremium && cur <= a.premiumLimit(pol)
}

// Collect gives back the reservations of released sessions now, so that the
// counters equal the active sessions (tests, reports).
func (a *Admission) Collect() { a.tab.Load().collect() }

// LogoffAll releases every active session, as `vpn-sessiondb logoff all`.
func (a *Admission) LogoffAll() int {
	t := a.tab.Load()
	n := a.logoff(t, nil)
	t.collect()
	return n
}

// logoff releases the active sessions of t that match selects (all if
// match is nil) and returns how many it released. It samples the peak
// before the sessions go.
func (a *Admission) logoff(t *table, match func(SessionInfo) bool) int {
	t.snapshot()
	n := 0
	for i := range t.slots {
		w := t.slots[i].Load()
		if recState(w) != stActive {
			continue
		}
		si := t.info(i, w)
		if (match == nil || match(si)) && a.Release(si.ID) {
			n++
		}
	}
	return n
}

// Counts are the counters of a headend as the invariant speaks of them.
type Counts struct {
	// Reserved per class (premium, essentials, other): at least the
	// active sessions of the class; equal after Collect.
	Premium, Essentials, Other int
	// Active sessions (counted from the slots), cumulative admissions,
	// and the sampled peak of active, per kind.
	Active, Cumulative, Peak [headend.NumKinds]int
	// Refused per reason.
	Refused [headend.NumReasons]uint64
}

// Total is the number of active sessions.
func (c *Counts) Total() int {
	n := 0
	for _, a := range c.Active {
		n += a
	}
	return n
}

// Counts reads the counters (not atomically as a whole), counts the active
// sessions from the slots, and samples their peak.
func (a *Admission) Counts() Counts { return a.tab.Load().snapshot() }

// SamplePeak samples the peak of active sessions, as Counts does, for a
// periodic sampler. A table that holds no reservation has no active
// session, so its peak cannot rise: it costs one load, not a scan of every
// slot, which keeps a lab of ten thousand idle headends from spending a
// core's tenth on sampling.
func (a *Admission) SamplePeak() {
	if t := a.tab.Load(); t.counts.Load() != 0 {
		t.snapshot()
	}
}

func (t *table) snapshot() Counts {
	var c Counts
	w := t.counts.Load()
	c.Premium, c.Essentials, c.Other = int(t.count(0, w)), int(t.count(1, w)), int(t.count(2, w))
	var unbanked [headend.NumKinds]uint64
	for i := range t.slots {
		switch r := t.slots[i].Load(); recState(r) {
		case stActive:
			c.Active[recKind(r)]++
			unbanked[recKind(r)] += t.unbanked(i, r)
		case stReleased:
			unbanked[recKind(r)] += t.unbanked(i, r)
		}
	}
	for k := range t.banked {
		c.Cumulative[k] = int(t.banked[k].v.Load() + unbanked[k])
		act := uint32(c.Active[k])
		for {
			pk := t.peak[k].Load()
			if act <= pk || t.peak[k].CompareAndSwap(pk, act) {
				break
			}
		}
		c.Peak[k] = int(t.peak[k].Load())
	}
	for r := range t.refused {
		c.Refused[r] = t.refused[r].Load()
	}
	return c
}

// SessionInfo is one active session, for listings.
type SessionInfo struct {
	ID        uint64
	Slot      int
	Kind      headend.Kind
	Principal uint32
	// Login is the lab time of admission (unix seconds).
	Login int64
	// Essentials: counted as AnyConnect Essentials, not Premium.
	Essentials bool
}

// Sessions calls fn for the active sessions in slot order, starting after
// the session id after (0: from the start), until fn returns false.
func (a *Admission) Sessions(after uint64, fn func(SessionInfo) bool) {
	t := a.tab.Load()
	start := 0
	if after != 0 && idEpoch(after) == t.epoch&0xffff {
		start = idSlot(after) + 1
	}
	for i := start; i < len(t.slots); i++ {
		w := t.slots[i].Load()
		if recState(w) != stActive {
			continue
		}
		if !fn(t.info(i, w)) {
			return
		}
	}
}

// info describes the active session in slot i, whose record is w.
func (t *table) info(i int, w uint64) SessionInfo {
	return SessionInfo{
		ID: makeID(t.epoch, i, recGen(w), recPrin(w)), Slot: i, Kind: recKind(w), Principal: recPrin(w),
		Login: t.start + recTime(w), Essentials: recClass(w) == ClassEssentials,
	}
}

// ActivePrincipals calls fn with the principal of every active session
// (Principals.Forget keeps them).
func (a *Admission) ActivePrincipals(fn func(prin uint32)) {
	t := a.tab.Load()
	for i := range t.slots {
		if w := t.slots[i].Load(); recState(w) == stActive {
			fn(recPrin(w))
		}
	}
}

// UpAt is when the device the policy was made for is up (unix seconds).
func (p *Policy) UpAt() int64 { return p.upAt }
