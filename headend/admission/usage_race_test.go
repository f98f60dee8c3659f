package admission_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/keygen"
)

// TestUndoneAdmissionNotCumulative: an admission undone because its
// principal was forgotten while it ran is refused, and it counts in no
// counter: `show vpn-sessiondb`'s Cumulative is the sessions admitted.
func TestUndoneAdmissionNotCumulative(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{PlusApex: true})
	ps := admission.NewPrincipals(nil)
	bob := principal(t, ps, "bob")
	now := t0.Unix()
	pol := d.AdmissionPolicy(t0)
	expiring := pol.ExpiringAt(now) // the admission rebuilds the policy: a hook in the middle of Admit
	var a *admission.Admission
	a = admission.NewAdmission(1, d.Platform().VPNMax, expiring, t0.Unix(), func(int64) *admission.Policy {
		// The lab forgets bob after this admission checked him and
		// before it takes a slot.
		if n := ps.Forget(now/86400, a.ActivePrincipals); n != 1 {
			t.Errorf("forgot %d", n)
		}
		a.SetPolicy(pol)
		return pol
	})
	if dec := a.Admit(bob, headend.KindAnyConnect, now); dec.Admitted || dec.Reason != headend.ReasonUnavailable {
		t.Fatalf("admission of a principal forgotten meanwhile: %+v", dec)
	}
	a.Collect()
	if c := a.Counts(); c.Cumulative[headend.KindAnyConnect] != 0 || c.Total() != 0 || c.Premium != 0 {
		t.Fatalf("an undone admission counted: cumulative %d, active %d, reserved %d",
			c.Cumulative[headend.KindAnyConnect], c.Total(), c.Premium)
	}
	bob2 := principal(t, ps, "bob")
	if dec := a.Admit(bob2, headend.KindAnyConnect, now); !dec.Admitted {
		t.Fatalf("bob again: %+v", dec)
	}
	if c := a.Counts(); c.Cumulative[headend.KindAnyConnect] != 1 {
		t.Fatalf("cumulative %d after one admission", c.Cumulative[headend.KindAnyConnect])
	}
}

// TestLateAdmissionKeepsToday: an admission that read the clock before
// midnight, recorded after the principal was seen on the new day on
// another headend, does not make the lab forget the principal that day:
// its number is in that headend's set of the day, and a new principal
// given the number would not be recorded there.
func TestLateAdmissionKeepsToday(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{PlusApex: true})
	a1 := admission.NewAdmission(1, d.Platform().VPNMax, d.AdmissionPolicy(t0), t0.Unix(), nil)
	a2 := admission.NewAdmission(2, d.Platform().VPNMax, d.AdmissionPolicy(t0), t0.Unix(), nil)
	ps := admission.NewPrincipals(nil)
	day := t0.Unix()/86400 + 1
	midnight := day * 86400
	alice := principal(t, ps, "alice")
	a1.Release(a1.Admit(alice, headend.KindAnyConnect, midnight+10).Session)
	a2.Release(a2.Admit(alice, headend.KindAnyConnect, midnight-1).Session) // read the clock before midnight
	if n := ps.Forget(day, func(mark func(uint32)) {
		a1.ActivePrincipals(mark)
		a2.ActivePrincipals(mark)
	}); n != 0 || alice.Forgotten() {
		t.Fatalf("forgot %d on the day alice was seen; alice forgotten %v", n, alice.Forgotten())
	}
	// What forgetting her would have lost: a new user given her number
	// and seen on the first headend that day is recorded.
	a1.DrainUses(func([]admission.Use) {})
	bob := principal(t, ps, "bob")
	a1.Release(a1.Admit(bob, headend.KindAnyConnect, midnight+20).Session)
	var got []string
	a1.DrainUses(func(us []admission.Use) {
		for _, u := range us {
			got = append(got, u.Principal.User())
		}
	})
	if len(got) != 1 || got[0] != "bob" || a1.UsersOnDay(day) != 2 {
		t.Fatalf("uses recorded after bob's admission: %v, %d users on the day", got, a1.UsersOnDay(day))
	}
}

// TestNoRefusalWhileCollecting: with fewer sessions active than the limit,
// no connection is refused, also while another admission is collecting
// the released sessions' reservations (it clears the dirty mark before it
// gives them back).
func TestNoRefusalWhileCollecting(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 25})
	now := t0.Unix()
	const workers = 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			users := make([]*admission.Principal, 8)
			for i := range users {
				users[i] = principal(t, ps, fmt.Sprintf("w%d-u%d", w, i))
			}
			for i := range 20000 {
				// Kinds in turn: a session does not take over the
				// released slot of another kind, so reservations pile
				// up to the limit and are collected often.
				k := headend.KindAnyConnect
				if i/len(users)%2 == 1 {
					k = headend.KindClientless
				}
				dec := a.Admit(users[i%len(users)], k, now)
				if !dec.Admitted {
					t.Errorf("refused with at most %d of 25 sessions active: %+v", workers, dec)
					return
				}
				a.Release(dec.Session)
			}
		}()
	}
	wg.Wait()
}
