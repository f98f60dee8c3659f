package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEndScenario: headendctl lists the scenarios, starts
// shared-to-plus on a daemon, gives a hint, grades it untouched (every
// goal that needs the trainee's work FAILs: exit status 1), and after a
// daemon restart the scenario runs on with its hint counted; a second
// start is refused with its reason; the conversion done right through
// headendctl grades all PASS (exit status 0), and a reset starts over.
func TestEndToEndScenario(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	run := func(args ...string) string {
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	if got := run("scenario", "list"); !strings.Contains(got, "shared-to-plus       Shared licensing to AnyConnect Plus (7 goals, 4 hints)\n") {
		t.Fatalf("scenario list:\n%s", got)
	}
	got := run("scenario", "start", "shared-to-plus")
	if !strings.Contains(got, "started Mon 2030-01-07 08:00, lab time Mon 2030-01-07 08:00, hints used 0/4\n") ||
		!strings.Contains(got, "  WAIT at grade time the lab connects all 600 users") {
		t.Fatalf("scenario start:\n%s", got)
	}
	if got := run("scenario", "hint"); !strings.HasPrefix(got, "hint 1/4: Order L-AC-PLS-LIC= at the portal") {
		t.Fatalf("scenario hint: %q", got)
	}
	run("clock", "advance", "2h")
	out, _, code := ctl(t, headendctl, "--addr", d.grpc, "scenario", "grade")
	if code != 1 || !strings.Contains(out, "FAIL the Plus/Apex order covers at least 600 users: the Plus or Apex orders of Acme Corp since the start cover 0 users, not 600\n") ||
		!strings.Contains(out, "PASS no user was refused during the conversion\n") || !strings.HasSuffix(out, "score 3/7 (1 hints used)\n") {
		t.Fatalf("scenario grade: exit %d\n%s", code, out)
	}
	d.kill()
	d = startDaemon(t, headendd, dataDir)
	if got := run("scenario", "status"); !strings.Contains(got, "lab time Mon 2030-01-07 10:00, hints used 1/4\n") {
		t.Fatalf("status after the restart:\n%s", got)
	}
	if got := run("sessions", "p1"); strings.Count(got, "p1-anyconnect-") != 200 {
		t.Fatalf("p1 after the restart: %d sessions\n%s", strings.Count(got, "p1-anyconnect-"), got)
	}
	_, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "scenario", "start", "shared-to-plus")
	if code != 1 || !strings.Contains(errOut, "(FailedPrecondition, SCENARIO_RUNNING)") {
		t.Fatalf("second start: exit %d, %s", code, errOut)
	}
	if _, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "scenario", "start"); code != 2 || errOut != "headendctl: usage: scenario start NAME\n" {
		t.Fatalf("start without a name: exit %d, %q", code, errOut)
	}

	// The right way, through headendctl: Plus for the 600 users, each
	// unit's serial registered with the migration, anyconnect-essentials
	// off, the key, saved, reloaded on its console, the participants' and
	// then the server's license-server lines removed.
	pak := strings.Fields(run("portal", "order", "--sku", "L-AC-PLS-LIC=", "--users", "600", "--months", "12", "--customer", "Acme Corp"))[0]
	run("clock", "advance", "4h")
	serials := map[string]string{}
	for _, l := range strings.Split(run("list"), "\n") {
		if f := strings.Fields(l); len(f) > 2 {
			serials[f[0]] = f[2]
		}
	}
	for _, h := range []string{"p1", "p2", "p3", "srv"} {
		email := run("portal", "register", "--pak", pak, "--serial", serials[h], "--migrate")
		_, key, ok := strings.Cut(email, serials[h]+": 0x")
		if !ok {
			t.Fatalf("%s: no key in the e-mail:\n%s", h, email)
		}
		key, _, _ = strings.Cut("0x"+key, "\n")
		lines := []string{"configure terminal", "webvpn", "no anyconnect-essentials", "exit", "activation-key " + key}
		if h == "srv" {
			lines = append(lines, "no license-server enable", "no license-server secret")
		}
		run(append(append([]string{"exec", h}, lines...), "end", "write memory")...)
		run("exec", h, "reload", "")
		if h != "srv" {
			run("exec", h, "configure terminal", "no license-server address", "end", "write memory")
		}
		run("clock", "advance", "10m")
	}
	out, _, code = ctl(t, headendctl, "--addr", d.grpc, "scenario", "grade")
	if code != 0 || !strings.HasSuffix(out, "PASS every participant kept its shared sessions until its own key was in\nscore 7/7 (1 hints used)\n") {
		t.Fatalf("scenario grade after the conversion: exit %d\n%s", code, out)
	}
	if got := run("scenario", "reset"); !strings.Contains(got, "started Mon 2030-02-11 08:00, lab time Mon 2030-02-11 08:00, hints used 0/4\n") {
		t.Fatalf("scenario reset:\n%s", got)
	}
}

// TestEndToEndScenarioRealClock: a daemon on the machine's clock switches
// its lab to a simulated clock for a scenario, which starts on a Monday at
// 08:00, and stays simulated after a restart on the machine's clock.
func TestEndToEndScenarioRealClock(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir, "--clock", "real", "--clock-start", "")
	run := func(args ...string) string {
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	if got := run("clock"); !strings.HasSuffix(got, " (real)\n") {
		t.Fatalf("clock: %q", got)
	}
	got := run("scenario", "start", "essentials-to-plus")
	if !strings.Contains(got, ", lab time Mon ") || !strings.Contains(got, " 08:00, hints used 0/3\n") {
		t.Fatalf("scenario start:\n%s", got)
	}
	clock := run("clock")
	if !strings.HasSuffix(clock, "T08:00:00Z (simulated)\n") {
		t.Fatalf("clock after the start: %q", clock)
	}
	d.kill()
	d = startDaemon(t, headendd, dataDir, "--clock", "real", "--clock-start", "")
	if got := run("clock"); got != clock {
		t.Fatalf("clock after a restart on the machine's clock: %q, want %q", got, clock)
	}
}
