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
// start is refused with its reason.
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
}
