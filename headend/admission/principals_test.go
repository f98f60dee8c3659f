package admission_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/keygen"
)

func TestPrincipals(t *testing.T) {
	ps := admission.NewPrincipals(nil)
	a, err := ps.Get("alice", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ps.Get("alice", "phone")
	a2, _ := ps.Get("alice", "laptop")
	if a != a2 || a == b || a.Index() == b.Index() {
		t.Fatalf("interning: %p %p %p", a, a2, b)
	}
	if a.User() != "alice" || a.Device() != "laptop" || ps.ByIndex(b.Index()) != b || ps.ByIndex(99) != nil {
		t.Fatal("names or ByIndex wrong")
	}
	// "ab"+"c" and "a"+"bc" are different principals.
	x, _ := ps.Get("ab", "c")
	y, _ := ps.Get("a", "bc")
	if x == y || x.User() != "ab" || y.Device() != "bc" {
		t.Fatal("name boundaries")
	}
	for _, bad := range [][2]string{{"", "d"}, {"u", ""}, {"has space", "d"}, {"u", "tab\there"}, {string(make([]byte, 65)), "d"}} {
		if _, err := ps.Get(bad[0], bad[1]); !errors.Is(err, admission.ErrInvalidPrincipal) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
	if ps.Len() != 4 {
		t.Fatalf("len %d, want 4", ps.Len())
	}
}

// TestPrincipalsMany: the table grows and finds every principal, from many
// goroutines at once.
func TestPrincipalsMany(t *testing.T) {
	ps := admission.NewPrincipals(nil)
	const workers, each = 8, 5000
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				u := fmt.Sprintf("user%d", i) // shared by all workers: races on insertion
				p, err := ps.Get(u, "dev")
				if err != nil || p.User() != u {
					t.Errorf("worker %d: %v %v", w, p, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if ps.Len() != each {
		t.Fatalf("%d principals, want %d", ps.Len(), each)
	}
	for i := range each {
		p, _ := ps.Get(fmt.Sprintf("user%d", i), "dev")
		if got := ps.ByIndex(p.Index()); got != p {
			t.Fatalf("ByIndex(%d) = %p, want %p", p.Index(), got, p)
		}
	}
}

// TestForgetPrincipals: principals that hold no session and were not seen
// today are forgotten; their numbers go to new principals, while a caller
// still holding one keeps a principal with its own names, which is refused
// and interned again.
func TestForgetPrincipals(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{PlusApex: true})
	a := newTestAdmission(t, d)
	ps := admission.NewPrincipals(nil)
	forget := func(now time.Time) int {
		return ps.Forget(now.Unix()/86400, a.ActivePrincipals)
	}
	now := t0.Unix()
	alice, bob, carol := principal(t, ps, "alice"), principal(t, ps, "bob"), principal(t, ps, "carol")
	held := a.Admit(alice, headend.KindAnyConnect, now)
	a.Release(a.Admit(bob, headend.KindAnyConnect, now).Session)
	// carol was looked up, never admitted (a refused attempt's principal).
	if n := forget(t0); n != 1 || !carol.Forgotten() || alice.Forgotten() || bob.Forgotten() {
		t.Fatalf("day 1: forgot %d; carol %v alice %v bob %v", n, carol.Forgotten(), alice.Forgotten(), bob.Forgotten())
	}
	if ps.Len() != 2 {
		t.Fatalf("%d principals after forgetting carol, want 2", ps.Len())
	}
	// The next day bob, seen yesterday and holding nothing, goes; alice
	// holds a session and stays.
	if n := forget(t0.Add(24 * time.Hour)); n != 1 || !bob.Forgotten() || alice.Forgotten() {
		t.Fatalf("day 2: forgot %d; bob %v alice %v", n, bob.Forgotten(), alice.Forgotten())
	}
	// A new principal takes a forgotten number; the stale record keeps
	// its names.
	dave := principal(t, ps, "dave")
	if dave.Index() != bob.Index() && dave.Index() != carol.Index() {
		t.Errorf("dave got number %d, not a forgotten one (%d, %d)", dave.Index(), bob.Index(), carol.Index())
	}
	if bob.User() != "bob" || carol.Device() != "carol-laptop" || ps.ByIndex(dave.Index()) != dave {
		t.Fatal("a forgotten record changed, or its number does not name the new principal")
	}
	// Admitting the stale bob is refused, uncounted, and changes nothing;
	// Get makes a new bob.
	before := a.Counts()
	if dec := a.Admit(bob, headend.KindAnyConnect, now+86400); dec.Admitted || dec.Reason != headend.ReasonUnavailable {
		t.Fatalf("stale principal admitted: %+v", dec)
	}
	if after := a.Counts(); after.Refused != before.Refused || after.Total() != before.Total() {
		t.Fatalf("a stale principal's refusal counted: %+v -> %+v", before, after)
	}
	bob2 := principal(t, ps, "bob")
	if bob2 == bob || bob2.Forgotten() {
		t.Fatal("Get returned the forgotten bob")
	}
	if dec := a.Admit(bob2, headend.KindAnyConnect, now+86400); !dec.Admitted {
		t.Fatalf("bob again: %+v", dec)
	}
	// alice's session still names alice.
	var users []string
	a.Sessions(0, func(s admission.SessionInfo) bool {
		users = append(users, ps.ByIndex(s.Principal).User())
		return true
	})
	if !slices.Equal(users, []string{"alice", "bob"}) || ps.ByIndex(alice.Index()) != alice {
		t.Fatalf("sessions of %v", users)
	}
	a.Release(held.Session)
	if p := principal(t, ps, "alice"); p != alice {
		t.Fatal("alice re-interned while she was known")
	}
}

// TestForgetRacesAdmission: an admission of a principal Forget has retired
// but not yet forgotten takes it back; a lookup by name of one already out
// of the index makes a new principal, and the old one is forgotten.
func TestForgetRacesAdmission(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{PlusApex: true})
	a := newTestAdmission(t, d)
	ps := admission.NewPrincipals(nil)
	now := t0.Unix()
	bob, carol := principal(t, ps, "bob"), principal(t, ps, "carol")
	var dec admission.Decision
	var got *admission.Principal
	scans := 0
	n := ps.Forget(now/86400, func(mark func(uint32)) {
		a.ActivePrincipals(mark)
		if scans++; scans == 2 {
			// Between the last scan and the last step: bob is admitted
			// through a pointer held from before, carol is looked up
			// by name.
			dec = a.Admit(bob, headend.KindAnyConnect, now)
			got, _ = ps.Get("carol", "carol-laptop")
		}
	})
	if n != 1 || bob.Forgotten() || !dec.Admitted || !carol.Forgotten() || got == carol || got.Forgotten() {
		t.Fatalf("forgot %d; bob %v (%+v), carol %v, new carol %p of %p", n, bob.Forgotten(), dec, carol.Forgotten(), got, carol)
	}
	if p := principal(t, ps, "carol"); p != got {
		t.Fatal("the new carol is not the one indexed")
	}
	if p := principal(t, ps, "bob"); p != bob {
		t.Fatal("bob not indexed again")
	}
	if a.UsersOnDay(now/86400) != 1 {
		t.Fatalf("bob's use not recorded: %d", a.UsersOnDay(now/86400))
	}
}

// TestForgetIndexShrinks: forgetting and adding principals for many days
// keeps the index at the size of the live ones.
func TestForgetIndexShrinks(t *testing.T) {
	ps := admission.NewPrincipals(nil)
	none := func(func(uint32)) {}
	for day := range 20 {
		for i := range 2000 {
			if _, err := ps.Get(fmt.Sprintf("u%d-%d", day, i), "d"); err != nil {
				t.Fatal(err)
			}
		}
		ps.Forget(int64(day), none)
	}
	if ps.Len() != 0 || ps.NumbersHandedOut() != 2000 {
		t.Fatalf("len %d, numbers handed out %d; want 0 and 2000", ps.Len(), ps.NumbersHandedOut())
	}
	slots := ps.IndexSlots()
	if slots > 64*128 {
		t.Fatalf("index of %d entries for 2000 principals at most", slots)
	}
}

// TestForgetConcurrent: admissions through pointers held across Forget
// runs never leave a session whose number names another principal, and
// Get never returns a forgotten one.
func TestForgetConcurrent(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 750})
	now := t0.Unix()
	stop := make(chan struct{})
	// Passes of Forget begun and ended: a principal Get returned may be
	// forgotten by a pass that runs after it, so only one forgotten while
	// no pass ran is Get's fault.
	var began, ended atomic.Int64
	var forgot sync.WaitGroup
	forgot.Add(1)
	go func() {
		defer forgot.Done()
		for day := now / 86400; ; day++ {
			select {
			case <-stop:
				return
			default:
			}
			began.Add(1)
			ps.Forget(day+1, a.ActivePrincipals)
			ended.Add(1)
		}
	}()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			held := make([]*admission.Principal, 20)
			for i := range held {
				held[i], _ = ps.Get(fmt.Sprintf("w%d-u%d", w, i), "dev")
			}
			for i := range 20000 {
				j := i % len(held)
				p := held[j]
				dec := a.Admit(p, headend.KindAnyConnect, now)
				if !dec.Admitted {
					if !p.Forgotten() {
						t.Errorf("refused a live principal: %+v", dec)
						return
					}
					b0, e0 := began.Load(), ended.Load()
					if held[j], _ = ps.Get(p.User(), p.Device()); held[j].Forgotten() && b0 == e0 && began.Load() == b0 {
						t.Error("Get returned a forgotten principal")
						return
					}
					continue
				}
				if q := ps.ByIndex(p.Index()); q != p {
					t.Errorf("session of %s/%s: its number names %v", p.User(), p.Device(), q)
					return
				}
				a.Release(dec.Session)
			}
		}()
	}
	wg.Wait()
	close(stop)
	forgot.Wait()
}
