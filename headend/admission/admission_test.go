package admission_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/keygen"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// newTestDevice is a fresh device of model with a permanent key of f.
func newTestDevice(t testing.TB, model string, f keygen.Features) *asa.Device {
	t.Helper()
	d, err := asa.NewDevice(model, "FCH1947V0GY", "asa1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if !f.IsZero() {
		d.License.Running = &license.PermanentKey{Features: f}
		d.License.Flash = &license.PermanentKey{Features: f}
	}
	return d
}

func newTestAdmission(t testing.TB, d *asa.Device) *admission.Admission {
	t.Helper()
	return admission.NewAdmission(1, d.Platform().VPNMax, d.AdmissionPolicy(t0), t0.Unix(), nil)
}

// testAdmission is a headend of model with a permanent key for f, its
// AnyConnect sessions counted as Premium (Essentials off), its admission
// and an empty table of principals.
func testAdmission(t testing.TB, model string, f keygen.Features) (*asa.Device, *admission.Admission, *admission.Principals) {
	t.Helper()
	d := newTestDevice(t, model, f)
	d.Running.Essentials = false
	return d, newTestAdmission(t, d), admission.NewPrincipals(nil)
}

func principal(t testing.TB, ps *admission.Principals, user string) *admission.Principal {
	t.Helper()
	p, err := ps.Get(user, user+"-laptop")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAdmissionLimits(t *testing.T) {
	now := t0.Unix()
	tests := []struct {
		name     string
		model    string
		features keygen.Features
		essOff   bool
		kind     headend.Kind
		admits   int
		reason   headend.Reason
	}{
		{"base 2 premium peers", "ASA5525", keygen.Features{}, true, headend.KindAnyConnect, 2, headend.ReasonPremiumLimit},
		{"premium 250", "ASA5525", keygen.Features{PremiumPeers: 250}, true, headend.KindAnyConnect, 250, headend.ReasonPremiumLimit},
		{"clientless shares premium", "ASA5525", keygen.Features{PremiumPeers: 25}, true, headend.KindClientless, 25, headend.ReasonPremiumLimit},
		{"essentials mode uses total", "ASA5525", keygen.Features{Essentials: true}, false, headend.KindAnyConnect, 750, headend.ReasonEssentialsLimit},
		{"essentials mode refuses clientless", "ASA5525", keygen.Features{Essentials: true}, false, headend.KindClientless, 0, headend.ReasonNotLicensed},
		{"essentials flag ignored without license", "ASA5525", keygen.Features{PremiumPeers: 100}, false, headend.KindAnyConnect, 100, headend.ReasonPremiumLimit},
		{"plus/apex: platform maximum", "ASA5525", keygen.Features{PlusApex: true}, true, headend.KindAnyConnect, 750, headend.ReasonPremiumLimit},
		{"plus/apex with essentials on: the migration mistake", "ASA5525", keygen.Features{PlusApex: true}, false, headend.KindAnyConnect, 2, headend.ReasonPremiumLimit},
		{"vpn only 100", "ASA5545", keygen.Features{VPNOnly: 100}, true, headend.KindAnyConnect, 100, headend.ReasonPremiumLimit},
		{"mobile without license", "ASA5525", keygen.Features{PremiumPeers: 100}, true, headend.KindMobile, 0, headend.ReasonNotLicensed},
		{"mobile with license", "ASA5525", keygen.Features{PremiumPeers: 10, Mobile: true}, true, headend.KindMobile, 10, headend.ReasonPremiumLimit},
		{"phone needs vpn phone", "ASA5525", keygen.Features{PlusApex: true}, true, headend.KindPhone, 750, headend.ReasonPremiumLimit},
		{"site-to-site: other peers", "ASA5516", keygen.Features{}, true, headend.KindSiteToSite, 300, headend.ReasonOtherLimit},
		{"5506 other 10 of total 12", "ASA5506", keygen.Features{}, true, headend.KindIPsecIKEv1, 10, headend.ReasonOtherLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDevice(t, tt.model, tt.features)
			d.Running.Essentials = !tt.essOff
			a := newTestAdmission(t, d)
			ps := admission.NewPrincipals(nil)
			for i := range tt.admits {
				dec := a.Admit(principal(t, ps, fmt.Sprint("u", i)), tt.kind, now)
				if !dec.Admitted {
					t.Fatalf("admission %d refused: %v", i+1, dec.Reason)
				}
			}
			dec := a.Admit(principal(t, ps, "one-too-many"), tt.kind, now)
			if dec.Admitted || dec.Reason != tt.reason {
				t.Fatalf("admission %d: admitted %v reason %v, want refused %v", tt.admits+1, dec.Admitted, dec.Reason, tt.reason)
			}
		})
	}
}

func TestTotalBindsAcrossClasses(t *testing.T) {
	// ASA5506 Base: Premium 2, Other 10, Total 12 (the sum).
	_, a, ps := testAdmission(t, "ASA5506", keygen.Features{})
	now := t0.Unix()
	for i := range 10 {
		if !a.Admit(principal(t, ps, fmt.Sprint("s2s", i)), headend.KindSiteToSite, now).Admitted {
			t.Fatal("site-to-site refused")
		}
	}
	for i := range 2 {
		if !a.Admit(principal(t, ps, fmt.Sprint("ac", i)), headend.KindAnyConnect, now).Admitted {
			t.Fatal("anyconnect refused")
		}
	}
	if dec := a.Admit(principal(t, ps, "x"), headend.KindAnyConnect, now); dec.Admitted || dec.Reason != headend.ReasonPremiumLimit {
		t.Fatalf("13th: %+v", dec)
	}
}

func TestReleaseAndStaleIDs(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{})
	now := t0.Unix()
	alice, bob := principal(t, ps, "alice"), principal(t, ps, "bob")
	d1 := a.Admit(alice, headend.KindAnyConnect, now)
	d2 := a.Admit(bob, headend.KindAnyConnect, now)
	if !d1.Admitted || !d2.Admitted {
		t.Fatal("refused")
	}
	if c := a.Counts(); c.Active[headend.KindAnyConnect] != 2 || c.Peak[headend.KindAnyConnect] != 2 {
		t.Fatalf("two sessions: %+v", c)
	}
	if a.Release(d1.Session) != true || a.Release(d1.Session) != false {
		t.Fatal("double release not refused")
	}
	// Alice reconnects into her released slot; her old id stays dead.
	d3 := a.Admit(alice, headend.KindAnyConnect, now)
	if !d3.Admitted || d3.Session == d1.Session || a.Release(d1.Session) {
		t.Fatalf("stale id: %x vs %x", d3.Session, d1.Session)
	}
	if a.Release(12345) || a.Release(0) {
		t.Fatal("made-up id released")
	}
	a.Release(d2.Session)
	a.Release(d3.Session)
	a.Collect()
	c := a.Counts()
	if c.Total() != 0 || c.Premium != 0 || c.Cumulative[headend.KindAnyConnect] != 3 || c.Peak[headend.KindAnyConnect] != 2 {
		t.Fatalf("counts %+v", c)
	}
}

// TestSlotsInOrderAndWrap: a fresh headend numbers its sessions 0, 1, 2...
// in order; once the last slot is taken, the search wraps to the slots
// freed since, and a full table still finds them.
func TestSlotsInOrderAndWrap(t *testing.T) {
	d, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 750})
	now := t0.Unix()
	n := d.Platform().VPNMax
	ids := make([]uint64, n)
	for i := range n {
		dec := a.Admit(principal(t, ps, fmt.Sprint("u", i)), headend.KindAnyConnect, now)
		if !dec.Admitted || admission.IDSlot(dec.Session) != i {
			t.Fatalf("admission %d: %+v, slot %d", i, dec, admission.IDSlot(dec.Session))
		}
		ids[i] = dec.Session
	}
	if dec := a.Admit(principal(t, ps, "late"), headend.KindAnyConnect, now); dec.Admitted || dec.Reason != headend.ReasonPremiumLimit {
		t.Fatalf("full table admitted: %+v", dec)
	}
	for _, i := range []int{5, 300, 301} {
		a.Release(ids[i])
	}
	// New users (not the released ones, whose hints would take their
	// slots back) wrap around and land in the freed slots, in order.
	for _, want := range []int{5, 300, 301} {
		dec := a.Admit(principal(t, ps, fmt.Sprint("new", want)), headend.KindAnyConnect, now)
		if !dec.Admitted || admission.IDSlot(dec.Session) != want {
			t.Fatalf("after wrap: %+v in slot %d, want %d", dec, admission.IDSlot(dec.Session), want)
		}
	}
	if c := a.Counts(); c.Total() != n || c.Premium != n {
		t.Fatalf("counts %+v", c)
	}
}

func TestResetDropsSessions(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 10})
	a := newTestAdmission(t, d)
	ps := admission.NewPrincipals(nil)
	dec := a.Admit(principal(t, ps, "alice"), headend.KindAnyConnect, t0.Unix())
	if c := a.Reset(t0.Unix()); c.Total() != 1 {
		t.Fatalf("reset dropped %d", c.Total())
	}
	if a.Release(dec.Session) {
		t.Fatal("session survived the reload")
	}
	if c := a.Counts(); c.Total() != 0 || c.Premium != 0 {
		t.Fatalf("counts after reset %+v", c)
	}
	d.UpAt = t0.Add(time.Minute)
	a.SetPolicy(d.AdmissionPolicy(t0))
	if dec := a.Admit(principal(t, ps, "bob"), headend.KindAnyConnect, t0.Unix()); dec.Reason != headend.ReasonUnavailable {
		t.Fatalf("while reloading: %+v", dec)
	}
}

// TestInvariantUnderConcurrency: many goroutines admit and release at random
// on one headend held at its limit; no count ever exceeds the limit or goes
// negative, and all return to zero.
func TestInvariantUnderConcurrency(t *testing.T) {
	d, a, ps := testAdmission(t, "ASA5506", keygen.Features{PremiumPeers: 25}) // Premium 25, Other 10, Total 35
	// The class counters are under test, not one user's logins: random
	// picks give a user more than the default 3 sessions, and a logoff
	// would end a session the test holds.
	setLogins(t, d, config.DefaultGroupPolicy, 1000)
	a.SetPolicy(d.AdmissionPolicy(t0))
	limit, total := a.Policy().Limits()
	var users []*admission.Principal
	for i := range 200 {
		users = append(users, principal(t, ps, fmt.Sprint("user", i)))
	}
	kinds := []headend.Kind{headend.KindAnyConnect, headend.KindClientless, headend.KindIPsecIKEv1, headend.KindSiteToSite, headend.KindMobile}
	var activeP, activeO, activeT, maxP, maxO, maxT atomic.Int64
	note := func(v *atomic.Int64, m *atomic.Int64, d int64) {
		n := v.Add(d)
		if n < 0 {
			t.Errorf("count went negative")
		}
		for {
			old := m.Load()
			if n <= old || m.CompareAndSwap(old, n) {
				break
			}
		}
	}
	const workers, rounds = 16, 4000
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			var held []uint64
			var heldKind []headend.Kind
			for range rounds {
				if len(held) > 0 && r.IntN(3) == 0 {
					i := r.IntN(len(held))
					k := heldKind[i]
					// Count down before releasing: the admission that may
					// follow must never see our bookkeeping lag behind.
					if k == headend.KindIPsecIKEv1 || k == headend.KindSiteToSite {
						note(&activeO, &maxO, -1)
					} else {
						note(&activeP, &maxP, -1)
					}
					note(&activeT, &maxT, -1)
					if !a.Release(held[i]) {
						t.Errorf("release of a held session failed")
					}
					held = append(held[:i], held[i+1:]...)
					heldKind = append(heldKind[:i], heldKind[i+1:]...)
					continue
				}
				k := kinds[r.IntN(len(kinds))]
				dec := a.Admit(users[r.IntN(len(users))], k, t0.Unix())
				if dec.Admitted {
					if k == headend.KindIPsecIKEv1 || k == headend.KindSiteToSite {
						note(&activeO, &maxO, 1)
					} else {
						note(&activeP, &maxP, 1)
					}
					note(&activeT, &maxT, 1)
					held = append(held, dec.Session)
					heldKind = append(heldKind, k)
				}
				// Reservations never exceed the limits, whatever the race.
				c := a.Counts()
				if c.Premium > int(limit[admission.ClassPremium]) || c.Other > int(limit[admission.ClassOther]) ||
					c.Premium+c.Other+c.Essentials > int(total) || c.Premium < 0 || c.Other < 0 {
					t.Errorf("reservations over a limit: %+v", c)
				}
			}
			for i, id := range held {
				if k := heldKind[i]; k == headend.KindIPsecIKEv1 || k == headend.KindSiteToSite {
					note(&activeO, &maxO, -1)
				} else {
					note(&activeP, &maxP, -1)
				}
				note(&activeT, &maxT, -1)
				a.Release(id)
			}
		}()
	}
	wg.Wait()
	if maxP.Load() > 25 || maxO.Load() > 10 || maxT.Load() > 35 {
		t.Errorf("observed concurrent sessions over a limit: premium %d, other %d, total %d", maxP.Load(), maxO.Load(), maxT.Load())
	}
	if maxT.Load() < 30 {
		t.Errorf("the test never got near the limit (max %d): it proves little", maxT.Load())
	}
	a.Collect()
	c := a.Counts()
	if c.Total() != 0 || c.Premium != 0 || c.Other != 0 || c.Essentials != 0 {
		t.Fatalf("after every release: %+v", c)
	}
}

func TestUniqueUsersPerDay(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{PlusApex: true})
	day := t0.Unix() / 86400
	for _, u := range []string{"alice", "bob", "alice", "carol"} {
		dec := a.Admit(principal(t, ps, u), headend.KindAnyConnect, t0.Unix())
		a.Release(dec.Session)
	}
	a.Admit(principal(t, ps, "bob"), headend.KindClientless, t0.Unix())
	a.Admit(principal(t, ps, "dave"), headend.KindAnyConnect, t0.Add(24*time.Hour).Unix())
	if n := a.UsersOnDay(day); n != 0 {
		t.Errorf("day 1 still in memory on day 2: %d users", n)
	}
	if n := a.UsersOnDay(day + 1); n != 1 {
		t.Errorf("day 2: %d users, want 1", n)
	}
	// Every first sight of a principal on a day, and every new flag, is
	// a use to persist.
	var uses []string
	a.DrainUses(func(us []admission.Use) {
		for _, u := range us {
			uses = append(uses, fmt.Sprintf("%s %d %d", u.Principal.User(), u.Day-day, u.Flags))
		}
	})
	want := []string{"alice 0 1", "bob 0 1", "carol 0 1", "bob 0 3", "dave 1 1"}
	if !slices.Equal(uses, want) {
		t.Errorf("uses %q, want %q", uses, want)
	}
}

// BenchmarkBareCAS is the baseline: the least a counter admission can be,
// a CAS increment under a limit and an atomic decrement.
func BenchmarkBareCAS(b *testing.B) {
	var c atomic.Int64
	const limit = 750
	for b.Loop() {
		for {
			v := c.Load()
			if v >= limit {
				break
			}
			if c.CompareAndSwap(v, v+1) {
				c.Add(-1)
				break
			}
		}
	}
}

func benchAdmission(b *testing.B, f keygen.Features) (*admission.Admission, *admission.Principals) {
	_, a, ps := testAdmission(b, "ASA5525", f)
	return a, ps
}

// BenchmarkAdmitRelease: one user connecting and disconnecting.
func BenchmarkAdmitRelease(b *testing.B) {
	a, ps := benchAdmission(b, keygen.Features{PremiumPeers: 250})
	p := principal(b, ps, "alice")
	now := t0.Unix()
	b.ReportAllocs()
	for b.Loop() {
		dec := a.Admit(p, headend.KindAnyConnect, now)
		if !dec.Admitted || !a.Release(dec.Session) {
			b.Fatal("refused")
		}
	}
}

// BenchmarkAdmitReleaseManyUsers: 10,000 users taking turns, 200 of them
// connected at any time, so that slots are found by probing, not reused.
func BenchmarkAdmitReleaseManyUsers(b *testing.B) {
	a, ps := benchAdmission(b, keygen.Features{PremiumPeers: 250})
	users := make([]*admission.Principal, 10000)
	for i := range users {
		users[i] = principal(b, ps, fmt.Sprint("user", i))
	}
	now := t0.Unix()
	ring := make([]uint64, 200)
	for i := range ring {
		ring[i] = a.Admit(users[i], headend.KindAnyConnect, now).Session
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		j := i % len(ring)
		a.Release(ring[j])
		dec := a.Admit(users[(i+len(ring))%len(users)], headend.KindAnyConnect, now)
		if !dec.Admitted {
			b.Fatal("refused")
		}
		ring[j] = dec.Session
		i++
	}
}

// BenchmarkAdmitReleaseParallel: goroutines admitting and releasing over 64
// headends.
func BenchmarkAdmitReleaseParallel(b *testing.B) {
	const headends = 64
	as := make([]*admission.Admission, headends)
	ps := admission.NewPrincipals(nil)
	for i := range as {
		d := newTestDevice(b, "ASA5525", keygen.Features{PremiumPeers: 750})
		d.Running.Essentials = false
		as[i] = admission.NewAdmission(uint32(i+1), d.Platform().VPNMax, d.AdmissionPolicy(t0), t0.Unix(), nil)
	}
	var next atomic.Int64
	now := t0.Unix()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		g := int(next.Add(1))
		users := make([]*admission.Principal, headends)
		for i := range users {
			users[i] = principal(b, ps, fmt.Sprintf("g%d-u%d", g, i))
		}
		i := g
		for pb.Next() {
			h := i % headends
			dec := as[h].Admit(users[h], headend.KindAnyConnect, now)
			if dec.Admitted {
				as[h].Release(dec.Session)
			}
			i++
		}
	})
}

// BenchmarkBareCASParallel is the parallel baseline over 64 counters.
func BenchmarkBareCASParallel(b *testing.B) {
	type padded struct {
		v atomic.Int64
		_ [56]byte
	}
	cs := make([]padded, 64)
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(1))
		for pb.Next() {
			c := &cs[i%64].v
			for {
				v := c.Load()
				if v >= 750 {
					break
				}
				if c.CompareAndSwap(v, v+1) {
					c.Add(-1)
					break
				}
			}
			i++
		}
	})
}

// TestCumulativeIsExact: cumulative admissions per kind match a count kept
// by the callers, whatever mix of reuses (well past the 128 a slot's
// generation holds), new slots, kind changes and collections, from many
// goroutines.
func TestCumulativeIsExact(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 40, Mobile: true})
	users := make([]*admission.Principal, 60)
	for i := range users {
		users[i] = principal(t, ps, fmt.Sprint("user", i))
	}
	kinds := []headend.Kind{headend.KindAnyConnect, headend.KindMobile, headend.KindClientless, headend.KindSiteToSite}
	var want [headend.NumKinds]atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for range 5000 {
				// Mostly one user reconnecting with one kind (the fast
				// path, many times per slot), sometimes anyone with any kind.
				u, k := users[w], headend.KindAnyConnect
				if r.IntN(10) == 0 {
					u, k = users[r.IntN(len(users))], kinds[r.IntN(len(kinds))]
				}
				dec := a.Admit(u, k, t0.Unix())
				if !dec.Admitted {
					continue
				}
				want[k].Add(1)
				if r.IntN(20) == 0 {
					a.Counts() // a concurrent reader must not disturb anything
				}
				a.Release(dec.Session)
			}
		}()
	}
	wg.Wait()
	for _, check := range []string{"before collection", "after collection"} {
		c := a.Counts()
		for k := range c.Cumulative {
			if int64(c.Cumulative[k]) != want[k].Load() {
				t.Errorf("%s: cumulative %v = %d, want %d", check, headend.Kind(k), c.Cumulative[k], want[k].Load())
			}
		}
		a.Collect()
	}
	if want[headend.KindAnyConnect].Load() < 20000 {
		t.Fatalf("only %d AnyConnect admissions: the fast path was not exercised", want[headend.KindAnyConnect].Load())
	}
}

// BenchmarkAdmitFill: a headend filling from empty to its platform maximum
// (an ASA5585-SSP60, 10,000 sessions) with distinct users, no release: the
// morning login storm. A slot search that degrades as the table fills
// shows here, not in the admit + release benchmarks, which keep it nearly
// empty.
func BenchmarkAdmitFill(b *testing.B) {
	d, a, ps := testAdmission(b, "ASA5585-SSP60", keygen.Features{PlusApex: true})
	users := make([]*admission.Principal, d.Platform().VPNMax)
	for i := range users {
		users[i] = principal(b, ps, fmt.Sprint("user", i))
	}
	now := t0.Unix()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if i == len(users) {
			b.StopTimer()
			a.LogoffAll()
			i = 0
			b.StartTimer()
		}
		if !a.Admit(users[i], headend.KindAnyConnect, now).Admitted {
			b.Fatal("refused")
		}
		i++
	}
}

// TestSamplePeak: the periodic sampler records a peak that no later read
// sees, and skips a table with no reservation.
func TestSamplePeak(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{})
	now := t0.Unix()
	a.SamplePeak() // idle: nothing to sample
	d1 := a.Admit(principal(t, ps, "alice"), headend.KindAnyConnect, now)
	d2 := a.Admit(principal(t, ps, "bob"), headend.KindAnyConnect, now)
	if !d1.Admitted || !d2.Admitted {
		t.Fatal("refused")
	}
	a.SamplePeak()
	a.Release(d1.Session)
	a.Release(d2.Session)
	a.Collect()
	a.SamplePeak()
	if c := a.Counts(); c.Total() != 0 || c.Peak[headend.KindAnyConnect] != 2 {
		t.Fatalf("after two sessions sampled and released: %+v", c)
	}
}

// BenchmarkSamplePeakIdle: sampling an idle ASA 5585-X (10,000 slots)
// beside reading its counts, which scans every slot.
func BenchmarkSamplePeakIdle(b *testing.B) {
	d := newTestDevice(b, "ASA5585-SSP60", keygen.Features{})
	a := newTestAdmission(b, d)
	b.Run("SamplePeak", func(b *testing.B) {
		for b.Loop() {
			a.SamplePeak()
		}
	})
	b.Run("Counts", func(b *testing.B) {
		for b.Loop() {
			a.Counts()
		}
	})
}

// setLogins sets `vpn-simultaneous-logins n` in group policy name of d.
func setLogins(t testing.TB, d *asa.Device, name string, n int) {
	t.Helper()
	if _, ok := d.Running.VPN.GroupPolicy(name); !ok {
		if err := d.AddGroupPolicy(name); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.UpdateGroupPolicy(name, func(g *config.GroupPolicy) { g.Logins, g.LoginsSet = n, true }); err != nil {
		t.Fatal(err)
	}
}
