package admission_test

import (
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/keygen"
)

// TestLogoff: logging off the sessions a match selects frees their places at
// once; the others stay, and the peak keeps the sessions that were there.
func TestLogoff(t *testing.T) {
	now := t0.Unix()
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	a := newTestAdmission(t, d)
	ps := admission.NewPrincipals(nil)
	bob, carol := principal(t, ps, "bob"), principal(t, ps, "carol")
	for _, p := range []*admission.Principal{bob, carol} {
		if dec := a.Admit(p, headend.KindAnyConnect, now); !dec.Admitted {
			t.Fatalf("%s refused: %v", p.User(), dec.Reason)
		}
	}
	if dec := a.Admit(principal(t, ps, "dave"), headend.KindAnyConnect, now); dec.Admitted {
		t.Fatal("a third premium session was admitted with 2 peers")
	}
	if n := a.Logoff(func(si admission.SessionInfo) bool { return si.Principal == bob.Index() }); n != 1 {
		t.Fatalf("logged off %d sessions of bob, want 1", n)
	}
	if n := a.Logoff(func(si admission.SessionInfo) bool { return si.Principal == bob.Index() }); n != 0 {
		t.Fatalf("logged off %d sessions of bob twice, want 0", n)
	}
	c := a.Counts()
	if c.Active[headend.KindAnyConnect] != 1 || c.Premium != 1 || c.Peak[headend.KindAnyConnect] != 2 {
		t.Fatalf("after logoff: active %d, premium reserved %d, peak %d; want 1, 1, 2", c.Active[headend.KindAnyConnect], c.Premium, c.Peak[headend.KindAnyConnect])
	}
	if dec := a.Admit(principal(t, ps, "dave"), headend.KindAnyConnect, now); !dec.Admitted {
		t.Fatalf("the freed place did not admit: %v", dec.Reason)
	}
}
