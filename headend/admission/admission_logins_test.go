package admission_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/keygen"
)

// sameBucket finds a user other than user whose logins bucket on a is
// user's.
func sameBucket(t *testing.T, a *admission.Admission, ps *admission.Principals, user string) string {
	t.Helper()
	want := a.BucketOf(device(t, ps, user, "probe"))
	for i := range 1 << 20 {
		other := fmt.Sprint("user", i)
		if a.BucketOf(device(t, ps, other, "probe")) == want {
			return other
		}
	}
	t.Fatal("no user shares the bucket")
	return ""
}

func device(t *testing.T, ps *admission.Principals, user, dev string) *admission.Principal {
	t.Helper()
	p, err := ps.Get(user, dev)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// devicesOf lists the client devices of user's active sessions, in slot
// order.
func devicesOf(a *admission.Admission, ps *admission.Principals, user string) []string {
	var got []string
	a.Sessions(0, func(si admission.SessionInfo) bool {
		if p := ps.ByIndex(si.Principal); p != nil && p.User() == user {
			got = append(got, p.Device())
		}
		return true
	})
	return got
}

// TestLoginsBucketCollision: two users whose logins share a bucket, each
// at the default limit of 3: a new login of either logs off that user's
// oldest session, never the other's.
func TestLoginsBucketCollision(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	bob := sameBucket(t, a, ps, "alice")
	now := t0.Unix()
	for i := range 3 {
		for _, u := range []string{"alice", bob} {
			if dec := a.Admit(device(t, ps, u, fmt.Sprint("pc", i)), headend.KindAnyConnect, now+int64(i)); !dec.Admitted {
				t.Fatalf("%s pc%d refused: %+v", u, i, dec)
			}
		}
	}
	if dec := a.Admit(device(t, ps, "alice", "pc3"), headend.KindAnyConnect, now+10); !dec.Admitted {
		t.Fatalf("alice's fourth login refused: %+v", dec)
	}
	if got := devicesOf(a, ps, "alice"); !slices.Equal(got, []string{"pc1", "pc2", "pc3"}) {
		t.Errorf("alice's sessions %q, want pc1 pc2 pc3", got)
	}
	if got := devicesOf(a, ps, bob); !slices.Equal(got, []string{"pc0", "pc1", "pc2"}) {
		t.Errorf("%s's sessions %q, want pc0 pc1 pc2", bob, got)
	}
	if dec := a.Admit(device(t, ps, bob, "pc3"), headend.KindAnyConnect, now+11); !dec.Admitted {
		t.Fatalf("%s's fourth login refused: %+v", bob, dec)
	}
	if got := devicesOf(a, ps, "alice"); len(got) != 3 {
		t.Errorf("alice's sessions %q after %s's login", got, bob)
	}
	if got := devicesOf(a, ps, bob); len(got) != 3 || slices.Contains(got, "pc0") {
		t.Errorf("%s's sessions %q, want pc1 pc2 pc3", bob, got)
	}
}

// TestLoginsForgottenReleasedSlot: a principal forgotten while its
// released slot is not yet collected gives its number to a principal of
// another user of the same bucket; that user's next login over the limit
// logs off one session of its own, not two.
func TestLoginsForgottenReleasedSlot(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	bob := sameBucket(t, a, ps, "alice")
	now := t0.Unix()
	alice := device(t, ps, "alice", "pc0")
	dec := a.Admit(alice, headend.KindAnyConnect, now)
	if !dec.Admitted || !a.Release(dec.Session) {
		t.Fatalf("alice: %+v", dec)
	}
	for i := range 3 {
		if dec := a.Admit(device(t, ps, bob, fmt.Sprint("pc", i)), headend.KindAnyConnect, now+int64(i)); !dec.Admitted {
			t.Fatalf("%s pc%d refused: %+v", bob, i, dec)
		}
	}
	// The next day alice's principal is idle: forgotten, its released
	// slot still uncollected, and its number taken by bob's new device.
	a.EndDaysBefore(now/86400 + 1)
	if n := ps.Forget(now/86400+1, a.ActivePrincipals); n == 0 {
		t.Fatal("nothing forgotten")
	}
	if !alice.Forgotten() {
		t.Fatal("alice's principal not forgotten")
	}
	pc3 := device(t, ps, bob, "pc3")
	if pc3.Index() != alice.Index() {
		t.Fatalf("pc3 is number %d, not alice's %d", pc3.Index(), alice.Index())
	}
	if dec := a.Admit(pc3, headend.KindAnyConnect, now+86400); !dec.Admitted {
		t.Fatalf("%s's fourth login refused: %+v", bob, dec)
	}
	if got := devicesOf(a, ps, bob); !slices.Equal(got, []string{"pc1", "pc2", "pc3"}) {
		t.Errorf("%s's sessions %q, want pc1 pc2 pc3", bob, got)
	}
	a.LogoffAll()
	if n := a.LoginsCounted(); n != 0 {
		t.Errorf("buckets holding units after logoff all: %d", n)
	}
}

// TestLoginsWideBucket: a user allowed more sessions than a bucket's
// eight bits count holds them all, is held to a lower limit set later,
// and counts nothing once they end.
func TestLoginsWideBucket(t *testing.T) {
	d, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 750})
	setLogins := func(n int) {
		t.Helper()
		if err := d.UpdateGroupPolicy(config.DefaultGroupPolicy, func(g *config.GroupPolicy) { g.Logins, g.LoginsSet = n, true }); err != nil {
			t.Fatal(err)
		}
		a.SetPolicy(d.AdmissionPolicy(t0))
	}
	setLogins(400)
	now := t0.Unix()
	for i := range 300 {
		if dec := a.Admit(device(t, ps, "alice", fmt.Sprint("pc", i)), headend.KindAnyConnect, now+int64(i)); !dec.Admitted {
			t.Fatalf("pc%d refused: %+v", i, dec)
		}
	}
	if !a.Widened() {
		t.Fatal("300 sessions of one user left its bucket narrow")
	}
	setLogins(300)
	if dec := a.Admit(device(t, ps, "alice", "pc300"), headend.KindAnyConnect, now+400); !dec.Admitted {
		t.Fatalf("pc300 refused: %+v", dec)
	}
	got := devicesOf(a, ps, "alice")
	if len(got) != 300 || slices.Contains(got, "pc0") || !slices.Contains(got, "pc300") {
		t.Errorf("alice has %d sessions (pc0 %v, pc300 %v), want 300 without pc0", len(got), slices.Contains(got, "pc0"), slices.Contains(got, "pc300"))
	}
	a.LogoffAll()
	if c := a.Counts(); c.Premium != 0 || a.LoginsCounted() != 0 {
		t.Errorf("after logoff all: premium %d, buckets counting %d", c.Premium, a.LoginsCounted())
	}
}
