package admission_test

import (
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
)

// TestStandbyPolicy: a standby unit's policy refuses every connection with
// ReasonStandby, counted, sampled for no syslog; the sessions it held stay
// until the lab moves or ends them, and the active policy admits again.
func TestStandbyPolicy(t *testing.T) {
	d, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	now := t0.Unix()
	if dec := a.Admit(principal(t, ps, "alice"), headend.KindAnyConnect, now); !dec.Admitted {
		t.Fatalf("alice: %+v", dec)
	}
	own := d.AdmissionPolicy(t0)
	a.SetPolicy(own.Standby())
	if !a.Policy().IsStandby() || own.IsStandby() {
		t.Fatal("Standby must copy the policy")
	}
	for _, k := range []headend.Kind{headend.KindAnyConnect, headend.KindSiteToSite} {
		if dec := a.Admit(principal(t, ps, "bob"), k, now); dec.Admitted || dec.Reason != headend.ReasonStandby {
			t.Fatalf("%v on the standby: %+v", k, dec)
		}
	}
	c := a.Counts()
	if c.Total() != 1 || c.Refused[headend.ReasonStandby] != 2 {
		t.Fatalf("counts %+v", c)
	}
	a.SetPolicy(own)
	if dec := a.Admit(principal(t, ps, "bob"), headend.KindAnyConnect, now); !dec.Admitted {
		t.Fatalf("bob once active: %+v", dec)
	}
}
