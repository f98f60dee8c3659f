package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
)

// sessionsOf are name's sessions by user.
func sessionsOf(t *testing.T, tl *testLab, name string) map[string]admission.SessionInfo {
	t.Helper()
	vs, _, err := tl.lab.Sessions(name, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]admission.SessionInfo{}
	for _, v := range vs {
		out[v.User] = v.Info
	}
	return out
}

// TestFailoverStatefulKeepsSessions: two stateful switchovers ten minutes
// apart keep every session as it was (slot, so index and assigned address,
// and login time) and count no new login; the unit each command was typed
// on logs "Set by the config command", its mate the other unit's wish.
func TestFailoverStatefulKeepsSessions(t *testing.T) {
	withFOFamily(t)
	tl := openTestLab(t, t.TempDir())
	foPair(t, tl, "fo-a", "fo-b", true)
	hb, _ := tl.lab.headend("fo-b")
	ha, _ := tl.lab.headend("fo-a")
	if err := hb.Failover(family.FailoverMakeActive); err != nil {
		t.Fatal(err)
	}
	admitN(t, tl, "fo-b", 401)
	before := sessionsOf(t, tl, "fo-b")
	cb, _ := tl.lab.Counts("fo-b")
	from := tl.lab.LastEvent()
	if err := hb.Failover(family.FailoverMakeStandby); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.lab.AdvanceClock(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := ha.Failover(family.FailoverMakeStandby); err != nil {
		t.Fatal(err)
	}
	foWant(t, tl, "fo-b", family.FailoverActive, "fo-a")
	after := sessionsOf(t, tl, "fo-b")
	if len(after) != 401 {
		t.Fatalf("%d sessions after two switchovers, want 401", len(after))
	}
	for u, s := range before {
		if g := after[u]; g.Slot != s.Slot || g.Login != s.Login || g.Kind != s.Kind {
			t.Fatalf("%s: slot %d login %d after, slot %d login %d before", u, g.Slot, g.Login, s.Slot, s.Login)
		}
	}
	ca, _ := tl.lab.Counts("fo-b")
	if got, was := ca.Cumulative[headend.KindAnyConnect], cb.Cumulative[headend.KindAnyConnect]; got != was {
		t.Fatalf("cumulative %d after the switchovers, %d before", got, was)
	}
	evs := foEvents(t, tl, from)
	want := []string{
		"fo-a %ASA-1-104001: (Primary) Switching to ACTIVE - Other unit wants me Active.",
		"fo-b %ASA-1-104002: (Secondary) Switching to STANDBY - Set by the config command.",
		"fo-b %ASA-1-104001: (Secondary) Switching to ACTIVE - Other unit wants me Active.",
		"fo-a %ASA-1-104002: (Primary) Switching to STANDBY - Set by the config command.",
	}
	if len(evs) != len(want) {
		t.Fatalf("events:\n%s", evLines(evs))
	}
	for i, e := range evs {
		if got := fmt.Sprintf("%s %s", e.Headend, e.Syslog); got != want[i] {
			t.Fatalf("event %d: %q, want %q\n%s", i, got, want[i], evLines(evs))
		}
	}
}

// TestFailoverKeyRoleMismatch: units whose LAN links meet but whose
// failover keys or roles differ stay apart, each with the mismatch set,
// and one event says which; mended, they pair and the mismatch clears.
func TestFailoverKeyRoleMismatch(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		break_     func(d *foDevice)
		mend       func(d *foDevice)
	}{
		{"key", "failover key mismatch: fo-a and fo-b have different failover keys",
			func(d *foDevice) { d.Links.Key = "other" }, func(d *foDevice) { d.Links.Key = "k3y" }},
		{"role", "failover role mismatch: fo-a and fo-b are both the primary unit",
			func(d *foDevice) { d.Primary = true }, func(d *foDevice) { d.Primary = false }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withFOFamily(t)
			tl := openTestLab(t, t.TempDir())
			for _, n := range []string{"fo-a", "fo-b"} {
				if _, err := tl.lab.Create("ASAv30", n, ""); err != nil {
					t.Fatal(err)
				}
			}
			from := tl.lab.LastEvent()
			foUpdate(t, tl, "fo-a", func(d *foDevice) {
				d.On, d.Primary, d.Links = true, true, family.FailoverLinkConfig{Key: "k3y", LAN: foLAN}
			})
			foUpdate(t, tl, "fo-b", func(d *foDevice) {
				d.On, d.Links = true, family.FailoverLinkConfig{Key: "k3y", LAN: foLAN}
				tc.break_(d)
			})
			foWant(t, tl, "fo-a", family.FailoverActive, "")
			foWant(t, tl, "fo-b", family.FailoverActive, "")
			for _, n := range []string{"fo-a", "fo-b"} {
				if s, _ := tl.lab.Get(n); s.FailoverMismatch != tc.want {
					t.Fatalf("%s: mismatch %q, want %q", n, s.FailoverMismatch, tc.want)
				}
			}
			evs, _, _, _ := tl.lab.ListEvents(from, 100, EventFilter{Kinds: []EventKind{EventSyslog}})
			var said []Event
			for _, e := range evs {
				if e.Syslog == "" {
					said = append(said, e)
				}
			}
			if len(said) != 1 || said[0].Text != "failover pair not formed: "+tc.want {
				t.Fatalf("events:\n%s", evLines(evs))
			}
			foUpdate(t, tl, "fo-b", tc.mend)
			foWant(t, tl, "fo-b", family.FailoverStandbyReady, "fo-a")
			if s, _ := tl.lab.Get("fo-a"); s.FailoverMismatch != "" {
				t.Fatalf("mismatch once mended %q", s.FailoverMismatch)
			}
		})
	}
}

// TestFailoverClusterUptime: the cluster's start outlives a reload of the
// standby and of the active unit, and a restart of the lab; only when both
// units were down at once does the cluster start again.
func TestFailoverClusterUptime(t *testing.T) {
	withFOFamily(t)
	dir := t.TempDir()
	cfg := Config{ClockMode: ClockSimulated, RealNow: simNow, BootTime: 5 * time.Minute}
	tl := openTestLabWith(t, dir, cfg)
	foPair(t, tl, "fo-a", "fo-b", true)
	start := foStatus(t, tl, "fo-a").Since
	advance := func(d time.Duration) {
		t.Helper()
		if _, err := tl.lab.AdvanceClock(d); err != nil {
			t.Fatal(err)
		}
	}
	advance(time.Hour)
	ha, _ := tl.lab.headend("fo-a")
	if err := ha.Failover(family.FailoverReloadStandby); err != nil {
		t.Fatal(err)
	}
	advance(10 * time.Minute)
	foWant(t, tl, "fo-b", family.FailoverStandbyReady, "fo-a")
	if got := foStatus(t, tl, "fo-b").Since; !got.Equal(start) {
		t.Fatalf("after a reload of the standby the cluster started %v, want %v", got, start)
	}
	if _, err := tl.lab.Reload("fo-a", false); err != nil {
		t.Fatal(err)
	}
	advance(10 * time.Minute)
	foWant(t, tl, "fo-b", family.FailoverActive, "fo-a")
	if got := foStatus(t, tl, "fo-a").Since; !got.Equal(start) {
		t.Fatalf("after a reload of the active unit the cluster started %v, want %v", got, start)
	}
	tl.close()
	tl = openTestLabWith(t, dir, cfg)
	if got := foStatus(t, tl, "fo-b").Since; !got.Equal(start) {
		t.Fatalf("after a restart the cluster started %v, want %v", got, start)
	}
	// Both down at once: a new cluster.
	for _, n := range []string{"fo-b", "fo-a"} {
		if _, err := tl.lab.Reload(n, false); err != nil {
			t.Fatal(err)
		}
	}
	advance(10 * time.Minute)
	foWant(t, tl, "fo-a", family.FailoverActive, "fo-b")
	if got, now := foStatus(t, tl, "fo-a").Since, tl.lab.clock.Now(); !got.After(start) || got.After(now) {
		t.Fatalf("after both reloaded the cluster started %v (was %v)", got, start)
	}
}
