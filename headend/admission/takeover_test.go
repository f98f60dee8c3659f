package admission_test

import (
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/keygen"
)

// TestTakeOver: the new active unit of a failover pair takes over its
// mate's sessions as they were (slot, login time, kind), as no new login:
// Cumulative stays, and a login from before its own boot keeps its time.
func TestTakeOver(t *testing.T) {
	d, old, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	for _, u := range []string{"s0", "s1", "s2"} {
		if dec := old.Admit(principal(t, ps, u), headend.KindAnyConnect, t0.Unix()+60); !dec.Admitted {
			t.Fatalf("%s: %+v", u, dec)
		}
	}
	var held []admission.SessionInfo
	old.Sessions(0, func(s admission.SessionInfo) bool { held = append(held, s); return true })
	// The mate booted ten minutes after they logged in, and takes them
	// over ten minutes after that.
	boot := t0.Unix() + 600
	mate := admission.NewAdmission(2, d.Platform().VPNMax, d.AdmissionPolicy(t0), boot, nil)
	// The mate has one session of its own in slot 0, which s0 held there.
	if dec := mate.Admit(principal(t, ps, "own"), headend.KindAnyConnect, boot); !dec.Admitted {
		t.Fatalf("own: %+v", dec)
	}
	// Latest first: s0, which finds its slot taken, must not take s1's.
	for i := len(held) - 1; i >= 0; i-- {
		s := held[i]
		if _, ok := mate.TakeOver(ps.ByIndex(s.Principal), s, boot+600); !ok {
			t.Fatalf("take over %+v refused", s)
		}
	}
	got := map[uint32]admission.SessionInfo{}
	mate.Sessions(0, func(s admission.SessionInfo) bool { got[s.Principal] = s; return true })
	for _, s := range held {
		g := got[s.Principal]
		if g.Login != s.Login || g.Kind != s.Kind {
			t.Errorf("%d: got %+v, held %+v", s.Principal, g, s)
		}
		if s.Slot != 0 && g.Slot != s.Slot {
			t.Errorf("%d: slot %d, held in %d", s.Principal, g.Slot, s.Slot)
		}
	}
	c := mate.Counts()
	if c.Total() != 4 || c.Premium != 4 || c.Cumulative[headend.KindAnyConnect] != 1 {
		t.Fatalf("counts %+v", c)
	}
	// Ending the take-over counts the sessions it holds once, and only
	// once: old takes them back and counts none again.
	mate.TookOver()
	if c := mate.Counts(); c.Cumulative[headend.KindAnyConnect] != 4 {
		t.Fatalf("cumulative %d after the take-over, want 4", c.Cumulative[headend.KindAnyConnect])
	}
	old.LogoffAll()
	for _, s := range held {
		if _, ok := old.TakeOver(ps.ByIndex(s.Principal), s, boot+900); !ok {
			t.Fatalf("take back %+v refused", s)
		}
	}
	old.TookOver()
	if c := old.Counts(); c.Cumulative[headend.KindAnyConnect] != 3 || c.Total() != 3 {
		t.Fatalf("after taking them back: %+v", c)
	}
	mate.LogoffAll()
	if c := mate.Counts(); c.Cumulative[headend.KindAnyConnect] != 4 || c.Premium != 0 {
		t.Fatalf("after logoff: cumulative %d, premium %d; want 4, 0", c.Cumulative[headend.KindAnyConnect], c.Premium)
	}
}
