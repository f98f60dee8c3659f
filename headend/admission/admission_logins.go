package admission

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
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
// A user's count on a table is its sessions active or released (not yet
// collected) plus admissions in flight: like the class counters, a
// released slot keeps its unit until a collection frees the slot. So the
// usual path, a principal taking back its own released slot, leaves the
// count as it is and touches nothing of this: it reads the policy's limit
// and the table's maxUser (the highest count any user reached in the
// table), and takes the slot when the limit is at least that, which
// proves the user stays within it. Only a new reservation (a claim of a
// free slot, already the slow path) takes the table's logins mutex, once,
// to count the user in, and a collection takes it to count freed slots
// out. A user at the limit takes the over-limit path: it collects if
// anything was released, else logs off the user's oldest active session
// (a scan of the table's slots), collects, and counts again.
//
// The guarantee: a user's count, checked and raised under the mutex,
// never exceeds the limit in force when each of its sessions was
// admitted, so neither do its active sessions. Two admissions of one user
// at the limit each log off one session (the oldest ones): a Release of an
// id succeeds once, so they never log off the same one, and the loser of
// that race counts again instead.
//
// Cost: a reconnect costs what it did; a claim of a free slot costs the
// mutex and a map lookup more (about 45 ns in BenchmarkAdmitFill, 50 ns
// in BenchmarkAdmitReleaseManyUsers, where a principal no longer takes
// over another's released slot found through its hint: that slot counts
// against the other user). Tried and dropped: handing such a slot over
// under the mutex, moving the count from one user to the other, which
// measured slower than claiming a free slot.

// unlimitedLogins is the logins limit of kinds that are no user login
// (site-to-site tunnels).
const unlimitedLogins = math.MaxUint32

// noOwner marks a slot whose session counts against no user (a
// site-to-site tunnel); nil is a slot whose owner is not written yet.
var noOwner = new(Principal)

// userLogins counts the sessions per user name of one table.
type userLogins struct {
	mu sync.Mutex
	n  map[string]uint32 // sessions per user; users with none are deleted
	// owner holds, per slot, the principal whose user the slot's session
	// counts against (nil: not written yet; noOwner: none). It is
	// allocated by the first login, so that idle headends do not pay for
	// it. Written by the claimer of a free slot, and by the collector
	// (under collectMu) before it frees a slot; a principal taking back
	// its own released slot leaves it as it is.
	owner atomic.Pointer[[]atomic.Pointer[Principal]]
}

// enter counts one more session of user against limit lim; false when the
// user is at the limit already.
func (t *table) enter(user string, lim uint32) bool {
	l := &t.logins
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.owner.Load() == nil {
		o := make([]atomic.Pointer[Principal], len(t.slots))
		l.owner.Store(&o)
	}
	n := l.n[user]
	if n >= lim {
		return false
	}
	if l.n == nil {
		l.n = make(map[string]uint32)
	}
	n++
	l.n[user] = n
	if n > t.maxUser.Load() {
		t.maxUser.Store(n)
	}
	return true
}

// leave counts out one session of user. Called with l.mu held.
func (l *userLogins) leave(user string) {
	if n := l.n[user]; n > 1 {
		l.n[user] = n - 1
	} else {
		delete(l.n, user)
	}
}

// exit gives back a unit taken by enter for an admission that did not
// happen.
func (t *table) exit(user string) {
	t.logins.mu.Lock()
	t.logins.leave(user)
	t.logins.mu.Unlock()
}

// setOwner records the principal whose user slot i's new session counts
// against.
func (t *table) setOwner(i int, p *Principal) {
	if o := t.logins.owner.Load(); o != nil {
		(*o)[i].Store(p)
	}
}

// ownerOf is the principal whose user slot i's session counts against;
// nil if none.
func (t *table) ownerOf(i int) *Principal {
	if o := t.logins.owner.Load(); o != nil {
		if p := (*o)[i].Load(); p != noOwner {
			return p
		}
	}
	return nil
}

// unown takes the owner of released slot i before a collection frees it:
// false if it is not written yet (the claimer is between its claim and
// setOwner), so the slot stays released until a later collection.
func (t *table) unown(i int) (*Principal, bool) {
	o := t.logins.owner.Load()
	if o == nil {
		return noOwner, true
	}
	p := (*o)[i].Load()
	if p == nil {
		return nil, false
	}
	(*o)[i].Store(nil)
	return p, true
}

// reown puts back an owner unown took from a slot that was not freed
// after all (its principal took it back first).
func (t *table) reown(i int, p *Principal) {
	if o := t.logins.owner.Load(); o != nil {
		(*o)[i].Store(p)
	}
}

// maxLoginRounds bounds the over-limit path's rounds: each either admits,
// logs off one of the user's sessions, or waits for the user's admissions
// in flight to land in their slots.
const maxLoginRounds = 1000

// enterOverLimit counts a session of p's user in on table t, logging off
// the user's oldest sessions as the limit requires; false when the login
// is refused (limit 0).
func (a *Admission) enterOverLimit(t *table, pol *Policy, p *Principal, lim uint32, now int64) bool {
	if lim == 0 {
		return false
	}
	user := p.User()
	for range maxLoginRounds {
		if t.enter(user, lim) {
			return true
		}
		if t.dirty.Load() != 0 {
			t.collect()
			continue
		}
		// Log off the user's oldest active session. Login times are
		// seconds; among sessions of the same second, the one whose slot
		// the claim cursor passed longest ago is the older.
		best, bestW := -1, uint64(0)
		next := int(t.next.Load())
		n := len(t.slots)
		for i := range t.slots {
			w := t.slots[i].Load()
			if recState(w) != stActive {
				continue
			}
			if o := t.ownerOf(i); o == nil || o.User() != user {
				continue
			}
			if best < 0 || recTime(w) < recTime(bestW) ||
				recTime(w) == recTime(bestW) && (i-next+n)%n < (best-next+n)%n {
				best, bestW = i, w
			}
		}
		if best < 0 {
			// Only admissions in flight hold the user's units: wait
			// for them to land.
			runtime.Gosched()
			continue
		}
		si := t.info(best, bestW)
		owner := t.ownerOf(best)
		t.snapshot() // the peak, before the session goes
		if a.Release(si.ID) {
			if pol.logLevel >= refusalSeverity {
				a.refusals.addLogoff(owner, si.Kind, now-si.Login, now)
			}
			t.collect()
		}
	}
	return false
}

// LoginsCounted is how many users the current table counts sessions of:
// none once every session has ended and been collected.
func (a *Admission) LoginsCounted() int {
	l := &a.tab.Load().logins
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.n)
}
