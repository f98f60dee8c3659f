package scenario_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/scenario"
)

// TestRestartKeepsScenario: a daemon restart mid-scenario keeps the
// scenario, its hints used, and its users: connected again as the curve
// wants them.
func TestRestartKeepsScenario(t *testing.T) {
	tl := openLab(t)
	st := tl.start("shared-to-plus")
	tl.at(st, "09:00")
	n, _, hint, err := tl.eng.Hint()
	if err != nil || n != 1 || !strings.Contains(hint, "L-AC-PLS-LIC=") {
		t.Fatalf("hint %d %q %v", n, hint, err)
	}
	tl.restart()
	got, err := tl.eng.Status()
	if err != nil {
		t.Fatal(err)
	}
	if got.Scenario.Name != "shared-to-plus" || got.HintsUsed != 1 || !got.StartedAt.Equal(st.StartedAt) {
		t.Fatalf("after the restart: %s, %d hints, started %s", got.Scenario.Name, got.HintsUsed, got.StartedAt)
	}
	for _, p := range []string{"p1", "p2", "p3"} {
		if n := tl.active(p); n != 150 {
			t.Fatalf("%s: %d users up after the restart at 09:00, want 150", p, n)
		}
	}
	tl.at(st, "10:00")
	if n := tl.active("p1"); n != 200 {
		t.Fatalf("p1: %d users at 10:00 after the restart", n)
	}
}

// TestStartRefusals: an unknown scenario, a lab with headends, a second
// start, and calls without a scenario are refused, and change nothing.
func TestStartRefusals(t *testing.T) {
	tl := openLab(t)
	if _, err := tl.eng.Start("no-such"); !errors.Is(err, scenario.ErrNotFound) || !strings.Contains(err.Error(), "shared-to-plus") {
		t.Fatalf("unknown scenario: %v", err)
	}
	for _, call := range []func() error{
		func() error { _, err := tl.eng.Status(); return err },
		func() error { _, _, _, err := tl.eng.Hint(); return err },
		func() error { _, err := tl.eng.Grade(); return err },
		func() error { _, err := tl.eng.Reset(); return err },
	} {
		if err := call(); !errors.Is(err, scenario.ErrNotRunning) {
			t.Fatalf("without a scenario: %v", err)
		}
	}
	if _, err := tl.lab.Create("ASA5525", "other", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.eng.Start("shared-to-plus"); !errors.Is(err, scenario.ErrLabNotEmpty) {
		t.Fatalf("lab with a headend: %v", err)
	}
	if tl.lab.Len() != 1 {
		t.Fatalf("%d headends", tl.lab.Len())
	}
	if err := tl.lab.Delete("other"); err != nil {
		t.Fatal(err)
	}
	tl.start("shared-to-plus")
	if _, err := tl.eng.Start("shared-to-plus"); !errors.Is(err, scenario.ErrAlreadyRunning) {
		t.Fatalf("second start: %v", err)
	}
}

// TestReset starts the scenario over a week later, its hints unused and
// its fleet as new.
func TestReset(t *testing.T) {
	tl := openLab(t)
	st := tl.start("shared-to-plus")
	tl.exec("p1", "configure terminal", "webvpn", "no anyconnect-essentials", "end")
	if _, _, _, err := tl.eng.Hint(); err != nil {
		t.Fatal(err)
	}
	got, err := tl.eng.Reset()
	if err != nil {
		t.Fatal(err)
	}
	// The setup's keys go in 30 days before the start: the first Monday
	// 08:00 the clock can reach with that lead is 5 weeks on.
	if d := got.StartedAt.Sub(st.StartedAt); d != 5*7*24*time.Hour || got.HintsUsed != 0 || tl.lab.Len() != 4 {
		t.Fatalf("reset: started %s later, %d hints, %d headends", d, got.HintsUsed, tl.lab.Len())
	}
	if s := tl.exec("p1", "show running-config webvpn"); !strings.Contains(s, "anyconnect-essentials") || strings.Contains(s, "no anyconnect-essentials") {
		t.Fatalf("p1 after the reset:\n%s", s)
	}
	if n := tl.active("p1"); n != 100 {
		t.Fatalf("p1: %d users", n)
	}
}

// TestStartSwitchesClock: a lab on the machine's clock is switched to a
// simulated one for the scenario, and stays simulated, at the lab time it
// had, after a restart on the machine's clock; a scenario refused (a lab
// with a headend) leaves the clock as it was.
func TestStartSwitchesClock(t *testing.T) {
	dir := t.TempDir()
	machine := time.Date(2029, 12, 12, 15, 4, 5, 0, time.UTC) // a Wednesday
	open := func() (*sim.Store, *sim.Lab, *scenario.Engine) {
		store, err := sim.OpenStore(filepath.Join(dir, "store"), nil)
		if err != nil {
			t.Fatal(err)
		}
		master, _ := keygen.NewSigner(testSecret)
		lab, err := sim.OpenLab(sim.Config{Store: store, Signer: master.ForLab(sim.DefaultLab), PeakSampleInterval: -1,
			UsageFlushInterval: time.Hour, RealNow: func() time.Time { return machine }})
		if err != nil {
			t.Fatal(err)
		}
		eng, err := scenario.Open(lab)
		if err != nil {
			t.Fatal(err)
		}
		return store, lab, eng
	}
	store, lab, eng := open()
	if _, err := lab.Create("ASA5525", "other", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Start("shared-to-plus"); !errors.Is(err, scenario.ErrLabNotEmpty) || lab.Clock().Mode() != sim.ClockReal {
		t.Fatalf("refused start: %v, clock %s", err, lab.Clock().Mode())
	}
	if err := lab.Delete("other"); err != nil {
		t.Fatal(err)
	}
	st, err := eng.Start("shared-to-plus")
	if err != nil {
		t.Fatal(err)
	}
	// The setup needs 31 days before the start: the first Monday 08:00
	// after 2030-01-12 15:04.
	if got := st.StartedAt.Format(time.RFC3339); got != "2030-01-14T08:00:00Z" || lab.Clock().Mode() != sim.ClockSimulated {
		t.Fatalf("started at %s, clock %s", got, lab.Clock().Mode())
	}
	if _, err := lab.AdvanceClock(time.Hour); err != nil {
		t.Fatal(err)
	}
	lab.SetTraffic(0, nil)
	lab.Close()
	store.Close()
	machine = machine.Add(365 * 24 * time.Hour) // the machine's clock means nothing to the lab now
	store, lab, eng = open()
	defer store.Close()
	defer lab.Close()
	defer lab.SetTraffic(0, nil)
	if lab.Clock().Mode() != sim.ClockSimulated || !lab.Clock().Now().Equal(st.StartedAt.Add(time.Hour)) {
		t.Fatalf("after the restart: clock %s at %s", lab.Clock().Mode(), lab.Clock().Now())
	}
	if got, err := eng.Status(); err != nil || got.Scenario.Name != "shared-to-plus" {
		t.Fatalf("after the restart: %v", err)
	}
}

// TestOpenWithoutTheScenario: a build that lacks the running scenario's
// file still opens the lab, and says why nothing runs; a build that has
// it resumes it.
func TestOpenWithoutTheScenario(t *testing.T) {
	tl := openLab(t)
	tl.start("shared-to-plus")
	eng, err := scenario.OpenWith(tl.lab, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Status(); !errors.Is(err, scenario.ErrNotRunning) || !strings.Contains(err.Error(), `scenario "shared-to-plus", which this build does not carry`) {
		t.Fatalf("status: %v", err)
	}
	tl.restart()
	if st, err := tl.eng.Status(); err != nil || st.Scenario.Name != "shared-to-plus" {
		t.Fatalf("status: %v", err)
	}
}

// TestResetKeepsTraineesHeadends: a reset deletes the scenario's headends
// only; one the trainee made meanwhile stays, with its events, and the
// reset names it.
func TestResetKeepsTraineesHeadends(t *testing.T) {
	tl := openLab(t)
	tl.start("shared-to-plus")
	if _, err := tl.lab.Create("ASA5516", "tw3", ""); err != nil {
		t.Fatal(err)
	}
	got, err := tl.eng.Reset()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tl.lab.Get("tw3"); err != nil || tl.lab.Len() != 5 || len(got.Kept) != 1 || got.Kept[0] != "tw3" {
		t.Fatalf("after the reset: tw3 %v, %d headends, kept %q", err, tl.lab.Len(), got.Kept)
	}
	if n := tl.active("p1"); n != 100 {
		t.Fatalf("p1 after the reset: %d users", n)
	}
}

// TestStop: stopping a scenario ends it: its headends go (and their users
// with them), the trainee's stay, nothing runs after a restart, the clock
// moves without traffic, and another scenario starts once the lab is
// empty.
func TestStop(t *testing.T) {
	tl := openLab(t)
	st := tl.start("shared-to-plus")
	tl.at(st, "10:00")
	if _, _, _, err := tl.eng.Hint(); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.lab.Create("ASA5516", "tw3", ""); err != nil {
		t.Fatal(err)
	}
	name, kept, err := tl.eng.Stop()
	if err != nil || name != "shared-to-plus" || len(kept) != 1 || kept[0] != "tw3" {
		t.Fatalf("stop: %q kept %q %v", name, kept, err)
	}
	if _, err := tl.lab.Get("p1"); !sim.IsNotFound(err) || tl.lab.Len() != 1 {
		t.Fatalf("after the stop: p1 %v, %d headends", err, tl.lab.Len())
	}
	if _, _, err := tl.eng.Stop(); !errors.Is(err, scenario.ErrNotRunning) {
		t.Fatalf("a second stop: %v", err)
	}
	tl.restart()
	if _, err := tl.eng.Status(); !errors.Is(err, scenario.ErrNotRunning) {
		t.Fatalf("status after the stop and a restart: %v", err)
	}
	tl.advance(2 * time.Hour)
	if err := tl.lab.Delete("tw3"); err != nil {
		t.Fatal(err)
	}
	if got := tl.start("essentials-to-plus"); got.Scenario.Name != "essentials-to-plus" || got.HintsUsed != 0 {
		t.Fatalf("the next scenario: %s, %d hints", got.Scenario.Name, got.HintsUsed)
	}
}
