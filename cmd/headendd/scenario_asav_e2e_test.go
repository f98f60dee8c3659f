package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEndToEndScenarioASAvSmart: asav-smart solved through headendctl as
// a trainee would, from the brief's account and token: the grade before
// the work names v3's failed registration; the missing ASAv-STD-1G added
// with `smart entitlement add`, the units licensed and saved on their
// consoles, v3's and v4's paths to the manager restored with `link
// restore`, v4's authorization renewed on its console before its
// communication deadline at noon; the grade after lunch is all PASS (exit
// status 0).
func TestEndToEndScenarioASAvSmart(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	d := startDaemon(t, headendd, filepath.Join(t.TempDir(), "data"))
	run := func(args ...string) string {
		t.Helper()
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	brief := strings.Join(strings.Fields(run("scenario", "start", "asav-smart")), " ")
	m := regexp.MustCompile(`Smart Account (.+) holds .* ID token is (\S+)\.`).FindStringSubmatch(brief)
	if m == nil {
		t.Fatalf("the brief names no account and token:\n%s", brief)
	}
	account, token := m[1], m[2]
	lines := []string{"configure terminal", "license smart", "feature tier standard", "throughput level 1G", "exit", "end",
		"write memory", "license smart register idtoken " + token}
	for _, h := range []string{"v1", "v2", "v3"} {
		run(append([]string{"exec", h}, lines...)...)
	}
	run("clock", "advance", "10m")
	out, _, code := ctl(t, headendctl, "--addr", d.grpc, "scenario", "grade")
	if code != 1 || !strings.Contains(out, "v3 is UNREGISTERED, EVAL MODE (Communication message send error) at 08:10 lab time") ||
		!strings.Contains(out, "v3 admitted 2 of its 200 users at grade time (198 refused)") ||
		!strings.Contains(out, "v4 cannot reach the Smart Software Manager (Communication message send error): its authorization expires at 12:00 lab time") {
		t.Fatalf("scenario grade before the fixes: exit %d\n%s", code, out)
	}
	run("smart", "entitlement", "add", "--account", account, "--tag", "ASAv-STD-1G", "--count", "1")
	run("link", "restore", "v3", "smart")
	run("exec", "v3", "license smart register idtoken "+token)
	if got := run("exec", "v4", "show license all"); !strings.Contains(got, "Communication Deadline:") {
		t.Fatalf("v4's show license all:\n%s", got)
	}
	run("link", "restore", "v4", "smart")
	run("exec", "v4", "license smart renew auth")
	run("clock", "advance", "6h")
	out, _, code = ctl(t, headendctl, "--addr", d.grpc, "scenario", "grade")
	if code != 0 || !strings.HasSuffix(out, "score 4/4\n") {
		t.Fatalf("scenario grade after the fixes: exit %d\n%s", code, out)
	}
}
