package admission_test

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
)

// limitPolicy is a policy counting AnyConnect against Premium and
// site-to-site against Other, with those limits and total, three logins a
// user.
func limitPolicy(premium, other, total uint32) *admission.Policy {
	return loginsPolicy(premium, other, total, 3)
}

// loginsPolicy is limitPolicy with logins logins a user.
func loginsPolicy(premium, other, total uint32, logins int) *admission.Policy {
	r := admission.Rules{Total: total, LogLevel: -1}
	for k := range r.Class {
		r.Class[k] = admission.ClassNone
		r.Logins[k] = logins
	}
	r.Class[headend.KindAnyConnect] = admission.ClassPremium
	r.Class[headend.KindSiteToSite] = admission.ClassOther
	r.Logins[headend.KindSiteToSite] = admission.NoLoginLimit
	r.Limit = [admission.NumClasses]uint32{premium, total, other}
	return admission.NewPolicy(r)
}

// TestReturningUsersWithinLoweredLimit: five users connected and left
// under a limit of five; the limit is lowered to two (an expired
// time-based key, a lowered vpn-sessiondb cap, borrowed shared sessions
// given back); of the five coming back, two are admitted and three
// refused with the lowered limit: a returning user's kept reservation
// does not let the sessions pass the limit in force.
func TestReturningUsersWithinLoweredLimit(t *testing.T) {
	now := t0.Unix()
	tests := []struct {
		name   string
		kind   headend.Kind
		before *admission.Policy
		after  *admission.Policy
		// borrowed before and after (Premium on shared sessions);
		// dropBeforeRelease: the shared sessions go while the
		// sessions are still up.
		borrowed          [2]int
		dropBeforeRelease bool
		reason            headend.Reason
	}{
		{name: "premium limit", kind: headend.KindAnyConnect, before: limitPolicy(5, 10, 100), after: limitPolicy(2, 10, 100),
			reason: headend.ReasonPremiumLimit},
		{name: "total limit", kind: headend.KindAnyConnect, before: limitPolicy(50, 10, 5), after: limitPolicy(50, 10, 2),
			reason: headend.ReasonTotalLimit},
		{name: "other limit", kind: headend.KindSiteToSite, before: limitPolicy(50, 5, 100), after: limitPolicy(50, 2, 100),
			reason: headend.ReasonOtherLimit},
		{name: "borrowed dropped while up", kind: headend.KindAnyConnect, before: limitPolicy(2, 10, 100), after: limitPolicy(2, 10, 100),
			borrowed: [2]int{3, 0}, dropBeforeRelease: true, reason: headend.ReasonPremiumLimit},
		{name: "borrowed dropped after release", kind: headend.KindAnyConnect, before: limitPolicy(2, 10, 100), after: limitPolicy(2, 10, 100),
			borrowed: [2]int{3, 0}, reason: headend.ReasonPremiumLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := admission.NewAdmission(1, 100, tt.before, now, nil)
			a.SetBorrowed(tt.borrowed[0])
			ps := admission.NewPrincipals(nil)
			users := make([]*admission.Principal, 5)
			ids := make([]uint64, len(users))
			for i := range users {
				users[i] = principal(t, ps, fmt.Sprint("user", i))
				d := a.Admit(users[i], tt.kind, now)
				if !d.Admitted {
					t.Fatalf("user%d refused under the first limits: %+v", i, d)
				}
				ids[i] = d.Session
			}
			if tt.dropBeforeRelease {
				a.SetBorrowed(tt.borrowed[1])
			}
			for _, id := range ids {
				if !a.Release(id) {
					t.Fatal("release refused")
				}
			}
			a.SetPolicy(tt.after)
			a.SetBorrowed(tt.borrowed[1])
			var got []string
			for i, p := range users {
				d := a.Admit(p, tt.kind, now)
				got = append(got, fmt.Sprintf("user%d admitted=%v reason=%v limit=%d", i, d.Admitted, d.Reason, d.Limit))
			}
			for i, line := range got {
				want := fmt.Sprintf("user%d admitted=true reason=%v limit=0", i, headend.ReasonNone)
				if i >= 2 {
					want = fmt.Sprintf("user%d admitted=false reason=%v limit=2", i, tt.reason)
				}
				if line != want {
					t.Errorf("returning %s, want %s", line, want)
				}
			}
			c := a.Counts()
			if c.Total() != 2 {
				t.Errorf("%d sessions active against a limit of 2", c.Total())
			}
			if c.Cumulative[tt.kind] != 7 {
				t.Errorf("cumulative %d, want 7 (5 + 2)", c.Cumulative[tt.kind])
			}
			a.Collect()
			if c := a.Counts(); c.Premium+c.Other != 2 {
				t.Errorf("reservations after a collection: premium %d other %d, want 2 in all", c.Premium, c.Other)
			}
		})
	}
}

// TestReturningUsersRaceLimitFlips: goroutines admit and release their
// users (each returning to its released slot) while the Premium limit
// flips between 6 and 2 and the total between 100 and 3. Each admission
// checks the sessions it sees active against the limits of the policy it
// was decided under, which the test knows exactly: the flipper publishes
// each policy between two steps of an epoch counter (odd while
// flipping), and marks an epoch settled only once every admission that
// began under an earlier one has returned. An admission that began and
// ended (and counted itself) within one settled epoch was decided under
// that epoch's policy, and so was every admission that took a
// reservation meanwhile; so the sessions it sees active, a count that is
// raised after an admission and lowered before a release and so never
// above the sessions truly active, are within that policy's limits.
func TestReturningUsersRaceLimitFlips(t *testing.T) {
	const (
		workers = 8
		flips   = 40
		idle    = -1
	)
	policies := []*admission.Policy{limitPolicy(6, 100, 100), limitPolicy(2, 100, 100), limitPolicy(6, 100, 100), limitPolicy(100, 100, 3)}
	bound := []int64{6, 2, 6, 3}
	now := t0.Unix()
	a := admission.NewAdmission(1, 100, policies[0], now, nil)
	ps := admission.NewPrincipals(nil)
	var (
		epoch, settled atomic.Int64 // even: epoch e has policy e/2 % 4
		in             [workers]atomic.Int64
		held           atomic.Int64
		attempts       atomic.Int64
		checked        [4]atomic.Int64
		done           atomic.Bool
		wg             sync.WaitGroup
		fail           sync.Once
		failure        atomic.Pointer[string]
	)
	for w := range workers {
		in[w].Store(idle)
		p := principal(t, ps, fmt.Sprint("worker", w))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				var e int64
				for {
					e = epoch.Load()
					in[w].Store(e)
					if epoch.Load() == e {
						break
					}
				}
				s := settled.Load()
				d := a.Admit(p, headend.KindAnyConnect, now)
				in[w].Store(idle)
				attempts.Add(1)
				if !d.Admitted {
					runtime.Gosched() // no spinning: the flipper needs the processor
					continue
				}
				v := held.Add(1)
				if e%2 == 0 && s == e && epoch.Load() == e {
					pi := e / 2 % 4
					checked[pi].Add(1)
					if v > bound[pi] {
						fail.Do(func() {
							msg := fmt.Sprintf("%d sessions active after an admission decided under limit %d", v, bound[pi])
							failure.Store(&msg)
						})
					}
				}
				runtime.Gosched() // let other users in while this one is connected
				held.Add(-1)
				if !a.Release(d.Session) {
					fail.Do(func() {
						msg := "release refused"
						failure.Store(&msg)
					})
				}
			}
		}()
	}
	for f := 1; f <= flips; f++ {
		// Let ten checked admissions run under the current policy
		// (or many attempts: a session holder may be descheduled).
		cur := &checked[(f-1)%4]
		for target, most := cur.Load()+10, attempts.Load()+50000; cur.Load() < target && attempts.Load() < most; {
			runtime.Gosched()
		}
		epoch.Add(1)
		a.SetPolicy(policies[f%4])
		e := epoch.Add(1)
		for w := range in {
			for v := in[w].Load(); v != idle && v < e; v = in[w].Load() {
				runtime.Gosched()
			}
		}
		settled.Store(e)
	}
	done.Store(true)
	wg.Wait()
	if msg := failure.Load(); msg != nil {
		t.Fatal(*msg)
	}
	// Not vacuous: admissions were checked under every policy.
	for i := range checked {
		if n := checked[i].Load(); n < 30 {
			t.Errorf("only %d admissions checked under policy %d", n, i)
		}
	}
	a.Collect()
	if c := a.Counts(); c.Total() != 0 || c.Premium != 0 {
		t.Errorf("after every release: %d active, %d reserved", c.Total(), c.Premium)
	}
}

// TestReturningDevicesWithinLoweredLogins: a user's three devices
// connected and left under three simultaneous logins; the limit is
// lowered to one; each device coming back is admitted and logs off the
// one before (the ASA's rule at the limit), so the user never holds more
// than one session.
func TestReturningDevicesWithinLoweredLogins(t *testing.T) {
	now := t0.Unix()
	a := admission.NewAdmission(1, 100, loginsPolicy(50, 10, 100, 3), now, nil)
	ps := admission.NewPrincipals(nil)
	devs := []string{"laptop", "phone", "tablet"}
	for _, dev := range devs {
		d := a.Admit(device(t, ps, "alice", dev), headend.KindAnyConnect, now)
		if !d.Admitted || !a.Release(d.Session) {
			t.Fatalf("alice's %s under three logins: %+v", dev, d)
		}
	}
	a.SetPolicy(loginsPolicy(50, 10, 100, 1))
	for _, dev := range devs {
		if d := a.Admit(device(t, ps, "alice", dev), headend.KindAnyConnect, now); !d.Admitted {
			t.Fatalf("alice's %s back under one login: %+v", dev, d)
		}
		if got := devicesOf(a, ps, "alice"); !slices.Equal(got, []string{dev}) {
			t.Fatalf("after alice's %s came back, her sessions are on %q", dev, got)
		}
	}
}

// TestTakeOverWithinLoweredLimit: a failover unit whose limit is lower
// than its mate's takes over only as many of the mate's sessions as its
// own limit allows.
func TestTakeOverWithinLoweredLimit(t *testing.T) {
	now := t0.Unix()
	mate := admission.NewAdmission(1, 100, limitPolicy(5, 10, 100), now, nil)
	ps := admission.NewPrincipals(nil)
	for i := range 5 {
		if d := mate.Admit(principal(t, ps, fmt.Sprint("user", i)), headend.KindAnyConnect, now); !d.Admitted {
			t.Fatalf("user%d: %+v", i, d)
		}
	}
	var held []admission.SessionInfo
	mate.Sessions(0, func(s admission.SessionInfo) bool { held = append(held, s); return true })
	a := admission.NewAdmission(2, 100, limitPolicy(2, 10, 100), now, nil)
	taken := 0
	for _, s := range held {
		if _, ok := a.TakeOver(ps.ByIndex(s.Principal), s, now+60); ok {
			taken++
		}
	}
	if c := a.Counts(); taken != 2 || c.Total() != 2 {
		t.Fatalf("took over %d of 5 sessions (%d active) under a limit of 2", taken, c.Total())
	}
}
