package asa

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa/sessions"
	"github.com/asalab/asalab/keygen"
)

// setLogins is `group-policy NAME attributes` / `vpn-simultaneous-logins n`
// (NAME created if new).
func setLogins(t testing.TB, d *Device, name string, n int) {
	t.Helper()
	if _, ok := d.Running.VPN.GroupPolicy(name); !ok {
		if err := d.AddGroupPolicy(name); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.UpdateGroupPolicy(name, func(g *GroupPolicy) { g.Logins, g.LoginsSet = n, true }); err != nil {
		t.Fatal(err)
	}
}

// device is a principal of user on a named client device.
func device(t testing.TB, ps *admission.Principals, user, dev string) *Principal {
	t.Helper()
	p, err := ps.Get(user, dev)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// activeOf lists the client devices of user's active sessions, in slot
// order.
func activeOf(a *Admission, ps *admission.Principals, user string) []string {
	var out []string
	a.Sessions(0, func(si SessionInfo) bool {
		if p := ps.ByIndex(si.Principal); p != nil && p.User() == user {
			out = append(out, p.Device())
		}
		return true
	})
	return out
}

// TestSimultaneousLoginsDefault: with DfltGrpPolicy's default 3, a user's
// fourth login from a fourth device logs the oldest session off: it leaves
// the session list, its id no longer releases, the counters stay exact,
// and `show logging` has its 113019. Another user is not affected.
func TestSimultaneousLoginsDefault(t *testing.T) {
	d, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	now := t0.Unix()
	var ids []uint64
	for i, dev := range []string{"pc1", "pc2", "pc3", "pc4"} {
		dec := a.Admit(device(t, ps, "alice", dev), KindAnyConnect, now+int64(i)*60)
		if !dec.Admitted {
			t.Fatalf("login %d refused: %+v", i+1, dec)
		}
		ids = append(ids, dec.Session)
	}
	if bob := a.Admit(device(t, ps, "bob", "pc1"), KindAnyConnect, now+300); !bob.Admitted {
		t.Fatalf("bob refused: %+v", bob)
	}
	if got := activeOf(a, ps, "alice"); !slices.Equal(got, []string{"pc2", "pc3", "pc4"}) {
		t.Errorf("alice's sessions %q, want pc2 pc3 pc4 (pc1, the oldest, logged off)", got)
	}
	if a.Release(ids[0]) {
		t.Error("the logged-off session's id still releases")
	}
	c := a.Counts()
	if c.Active[KindAnyConnect] != 4 || c.Cumulative[KindAnyConnect] != 5 || c.Premium != 4 {
		t.Errorf("counts active %d cumulative %d premium %d, want 4 5 4", c.Active[KindAnyConnect], c.Cumulative[KindAnyConnect], c.Premium)
	}
	out := d.ShowLogging(a)
	want := fmt.Sprintf("%%ASA-4-113019: Group = DefaultWEBVPNGroup, Username = alice, IP = %s, Session disconnected. Session Type: SSL, Duration: 0h:03m:00s, Bytes xmt: 0, Bytes rcv: 0, Reason: Port Preempted", sessions.PublicIP("pc1"))
	if !strings.Contains(out, want) {
		t.Errorf("show logging lacks\n%s\n%s", want, out)
	}
	if !strings.Contains(out, "1 messages logged") {
		t.Errorf("show logging does not count the logoff:\n%s", out)
	}
	for _, id := range ids[1:] {
		if !a.Release(id) {
			t.Errorf("release of a live session failed")
		}
	}
	a.LogoffAll()
	if c := a.Counts(); c.Total() != 0 || c.Premium != 0 || a.LoginsCounted() != 0 {
		t.Errorf("after every session ended: %+v, users counted %d", c, a.LoginsCounted())
	}
}

// TestSimultaneousLoginsOne: with 1, a second login of the same user, from
// any device, replaces the first; the same login again (released and
// back) is no second session.
func TestSimultaneousLoginsOne(t *testing.T) {
	d, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	setLogins(t, d, DefaultGroupPolicy, 1)
	a.SetPolicy(d.AdmissionPolicy(t0))
	now := t0.Unix()
	pc, phone := device(t, ps, "alice", "pc"), device(t, ps, "alice", "phone")
	first := a.Admit(pc, KindAnyConnect, now)
	if !a.Release(first.Session) {
		t.Fatal("release failed")
	}
	again := a.Admit(pc, KindAnyConnect, now)
	second := a.Admit(phone, KindAnyConnect, now)
	if !again.Admitted || !second.Admitted {
		t.Fatalf("refused: %+v %+v", again, second)
	}
	if got := activeOf(a, ps, "alice"); !slices.Equal(got, []string{"phone"}) {
		t.Errorf("alice's sessions %q, want phone only", got)
	}
	if a.Release(again.Session) {
		t.Error("the replaced session still releases")
	}
}

// TestSimultaneousLoginsZero: 0 refuses every login of the kinds it
// limits, with its reason and syslog; site-to-site tunnels are no user
// login and still come up.
func TestSimultaneousLoginsZero(t *testing.T) {
	d, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	alice := principal(t, ps, "alice")
	held := a.Admit(alice, KindAnyConnect, t0.Unix())
	setLogins(t, d, DefaultGroupPolicy, 0)
	a.SetPolicy(d.AdmissionPolicy(t0))
	if got := activeOf(a, ps, "alice"); len(got) != 1 {
		t.Errorf("the change logged off a session: %q", got)
	}
	if !a.Release(held.Session) {
		t.Fatal("release failed")
	}
	for _, k := range []Kind{KindAnyConnect, KindClientless, KindIPsecIKEv1, KindIKEv2ThirdParty} {
		dec := a.Admit(alice, k, t0.Unix())
		if dec.Admitted || dec.Reason != ReasonSimultaneousLogins || dec.Reason.String() != "simultaneous_logins" {
			t.Errorf("%v with 0: %+v", k, dec)
		}
	}
	if dec := a.Admit(principal(t, ps, "branch"), KindSiteToSite, t0.Unix()); !dec.Admitted {
		t.Errorf("site-to-site with 0: %+v", dec)
	}
	dec := a.Admit(principal(t, ps, "bob"), KindAnyConnect, t0.Unix())
	want := fmt.Sprintf("%%ASA-4-113029: Group <DfltGrpPolicy> User <bob> IP <%s> Session could not be established: session limit of 0 reached", sessions.PublicIP("bob-laptop"))
	if got := sessions.RefusalSyslog(dec, KindAnyConnect, a.Policy(), "bob", "bob-laptop"); got != want {
		t.Errorf("syslog %q, want %q", got, want)
	}
	if !strings.Contains(d.ShowLogging(a), want) {
		t.Errorf("show logging lacks %q", want)
	}
	if c := a.Counts(); c.Refused[ReasonSimultaneousLogins] != 5 {
		t.Errorf("refused %v", c.Refused)
	}
}

// TestSimultaneousLoginsPerGroupPolicy: the limit is the one of the group
// policy the default connection profile of the kind names.
func TestSimultaneousLoginsPerGroupPolicy(t *testing.T) {
	d, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	setLogins(t, d, "GP", 2)
	if err := applyLines(d, "tunnel-group DefaultWEBVPNGroup general-attributes", "default-group-policy GP"); err != nil {
		t.Fatal(err)
	}
	a.SetPolicy(d.AdmissionPolicy(t0))
	if got := [...]int{d.Running.LoginsFor(KindAnyConnect), d.Running.LoginsFor(KindIPsecIKEv1), d.Running.LoginsFor(KindSiteToSite)}; got != [...]int{2, 3, -1} {
		t.Fatalf("limits anyconnect, ikev1, l2l = %v, want 2 3 -1", got)
	}
	for i := range 3 {
		a.Admit(device(t, ps, "alice", fmt.Sprint("pc", i)), KindAnyConnect, t0.Unix()+int64(i))
		a.Admit(device(t, ps, "carol", fmt.Sprint("pc", i)), KindIPsecIKEv1, t0.Unix()+int64(i))
	}
	if got := activeOf(a, ps, "alice"); !slices.Equal(got, []string{"pc1", "pc2"}) {
		t.Errorf("alice (AnyConnect, GP's 2): %q", got)
	}
	if got := activeOf(a, ps, "carol"); len(got) != 3 {
		t.Errorf("carol (IKEv1, DfltGrpPolicy's 3): %q", got)
	}
}

// TestSimultaneousLoginsLowered: lowering the limit ends nothing; the next
// login of a user over it logs off as many of the oldest as it takes.
func TestSimultaneousLoginsLowered(t *testing.T) {
	d, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	var ps3 []*Principal
	for i := range 3 {
		p := device(t, ps, "alice", fmt.Sprint("pc", i))
		ps3 = append(ps3, p)
		a.Admit(p, KindAnyConnect, t0.Unix()+int64(i))
	}
	setLogins(t, d, DefaultGroupPolicy, 1)
	a.SetPolicy(d.AdmissionPolicy(t0))
	if got := activeOf(a, ps, "alice"); len(got) != 3 {
		t.Fatalf("the change logged off sessions: %q", got)
	}
	// pc2 leaves and comes back: its own released slot, but over the new
	// limit, so the others go.
	var id uint64
	a.Sessions(0, func(si SessionInfo) bool { id = si.ID; return true })
	a.Release(id)
	if dec := a.Admit(ps3[2], KindAnyConnect, t0.Unix()+10); !dec.Admitted {
		t.Fatalf("refused: %+v", dec)
	}
	if got := activeOf(a, ps, "alice"); !slices.Equal(got, []string{"pc2"}) {
		t.Errorf("alice's sessions %q, want pc2 only", got)
	}
}

// TestSimultaneousLoginsConcurrent: bursts of one user's logins from many
// devices at once leave at most the limit active after each burst, log off
// each session at most once (every admission ends up active, released by
// its holder, or logged off with one 113019), and leave the counters exact.
func TestSimultaneousLoginsConcurrent(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	const workers, bursts = 8, 150
	var devs [workers][5]*Principal
	for w := range devs {
		for i := range devs[w] {
			devs[w][i] = device(t, ps, "alice", fmt.Sprintf("dev%d-%d", w, i))
		}
	}
	var admitted, released atomic.Int64
	for r := range bursts {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dec := a.Admit(devs[w][r%5], KindAnyConnect, t0.Unix()+int64(r))
				if !dec.Admitted {
					t.Errorf("refused: %+v", dec)
					return
				}
				admitted.Add(1)
				if (r+w)%4 == 0 && a.Release(dec.Session) {
					released.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := len(activeOf(a, ps, "alice")); n > DefaultLogins {
			t.Fatalf("burst %d: %d sessions of one user, limit %d", r, n, DefaultLogins)
		}
	}
	c := a.Counts()
	loggedOff := func() int64 { _, n := a.Refusals(); return int64(n) }()
	if int64(c.Active[KindAnyConnect])+released.Load()+loggedOff != admitted.Load() || c.Cumulative[KindAnyConnect] != workers*bursts {
		t.Errorf("active %d + released %d + logged off %d != admitted %d (cumulative %d)",
			c.Active[KindAnyConnect], released.Load(), loggedOff, admitted.Load(), c.Cumulative[KindAnyConnect])
	}
	a.LogoffAll()
	if c := a.Counts(); c.Premium != 0 || a.LoginsCounted() != 0 {
		t.Errorf("after logoff all: premium %d, users counted %d", c.Premium, a.LoginsCounted())
	}
}

// TestSimultaneousLoginsReloadAndAllocs: a reload forgets the counts with
// the sessions, and the reconnect path still allocates nothing.
func TestSimultaneousLoginsReloadAndAllocs(t *testing.T) {
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	p := principal(t, ps, "alice")
	for range 3 {
		a.Admit(p, KindAnyConnect, t0.Unix())
	}
	a.Reset(t0.Add(time.Minute).Unix())
	if n := a.LoginsCounted(); n != 0 {
		t.Fatalf("users counted after a reload: %d", n)
	}
	now := t0.Add(time.Hour).Unix()
	a.Release(a.Admit(p, KindAnyConnect, now).Session)
	if n := testing.AllocsPerRun(1000, func() {
		dec := a.Admit(p, KindAnyConnect, now)
		if !dec.Admitted || !a.Release(dec.Session) {
			t.Fatal("refused")
		}
	}); n != 0 {
		t.Errorf("%v allocations per reconnect", n)
	}
}
