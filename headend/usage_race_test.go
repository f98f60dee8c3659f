package headend

import (
	"testing"

	"github.com/asalab/asalab/keygen"
)

// TestUndoneAdmissionNotCumulative: an admission undone because its
// principal was forgotten while it ran is refused, and it counts in no
// counter: `show vpn-sessiondb`'s Cumulative is the sessions admitted.
func TestUndoneAdmissionNotCumulative(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{PlusApex: true})
	ps := NewPrincipals(nil)
	bob := principal(t, ps, "bob")
	now := t0.Unix()
	pol := d.AdmissionPolicy(t0)
	expiring := *pol
	expiring.validUntil = now // the admission rebuilds the policy: a hook in the middle of Admit
	var a *Admission
	a = NewAdmission(1, d.Platform().VPNMax, &expiring, t0.Unix(), func(int64) *Policy {
		// The lab forgets bob after this admission checked him and
		// before it takes a slot.
		if n := ps.Forget(now/86400, a.ActivePrincipals); n != 1 {
			t.Errorf("forgot %d", n)
		}
		a.SetPolicy(pol)
		return pol
	})
	if dec := a.Admit(bob, KindAnyConnect, now); dec.Admitted || dec.Reason != ReasonUnavailable {
		t.Fatalf("admission of a principal forgotten meanwhile: %+v", dec)
	}
	a.Collect()
	if c := a.Counts(); c.Cumulative[KindAnyConnect] != 0 || c.Total() != 0 || c.Premium != 0 {
		t.Fatalf("an undone admission counted: cumulative %d, active %d, reserved %d",
			c.Cumulative[KindAnyConnect], c.Total(), c.Premium)
	}
	bob2 := principal(t, ps, "bob")
	if dec := a.Admit(bob2, KindAnyConnect, now); !dec.Admitted {
		t.Fatalf("bob again: %+v", dec)
	}
	if c := a.Counts(); c.Cumulative[KindAnyConnect] != 1 {
		t.Fatalf("cumulative %d after one admission", c.Cumulative[KindAnyConnect])
	}
}
