package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asalab/asalab/sim/scenario"
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
	hint1 := run("scenario", "hint")
	if !strings.HasPrefix(hint1, "hint 1/4: Order L-AC-PLS-LIC= at the portal") {
		t.Fatalf("scenario hint: %q", hint1)
	}
	run("clock", "advance", "2h")
	out, _, code := ctl(t, headendctl, "--addr", d.grpc, "scenario", "grade")
	if code != 1 || !strings.Contains(out, "FAIL the Plus/Apex order covers at least 600 users: the Plus or Apex orders of Acme Corp since the start cover 0 users, not 600\n") ||
		!strings.Contains(out, "PASS no user was refused during the conversion\n") || !strings.HasSuffix(out, "\nhints used 1\nscore 3/7\n") {
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
	// The order and the registrations are the hints' commands as written.
	order := hintCommands(t, hint1)
	if len(order) != 1 {
		t.Fatalf("hint 1 gives %d commands: %q", len(order), hint1)
	}
	pak := strings.Fields(run(order[0]...))[0]
	run("clock", "advance", "4h")
	var register []string
	for _, h := range sharedToPlusHints(t) {
		if strings.HasPrefix(h, "Register the Plus PAK") {
			if c := hintCommands(t, h); len(c) == 1 {
				register = c[0]
			}
		}
	}
	if register == nil {
		t.Fatal("no hint of shared-to-plus gives the registration's command")
	}
	serials := map[string]string{}
	for _, l := range strings.Split(run("list"), "\n") {
		if f := strings.Fields(l); len(f) > 2 {
			serials[f[0]] = f[2]
		}
	}
	for _, h := range []string{"p1", "p2", "p3", "srv"} {
		email := run(fill(register, "PAK", pak, "SERIAL", serials[h])...)
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
	if code != 0 || !strings.Contains(out, "PASS every participant kept its shared sessions until its own key was in\nnote p1 reloaded at ") ||
		!strings.HasSuffix(out, " users connected: they were dropped and had to connect again\nhints used 1\nscore 7/7\n") {
		t.Fatalf("scenario grade after the conversion: exit %d\n%s", code, out)
	}
	// A headend the trainee made stays through a reset and a stop, which
	// name it; the stop ends the scenario for good, across a restart.
	run("create", "--model", "ASA5516", "--hostname", "tw3")
	if got := run("scenario", "reset"); !strings.HasPrefix(got, "kept tw3: not the scenario's headends\n") ||
		!strings.Contains(got, "started Mon 2030-02-11 08:00, lab time Mon 2030-02-11 08:00, hints used 0/4\n") {
		t.Fatalf("scenario reset:\n%s", got)
	}
	if got := run("scenario", "stop"); got != "stopped shared-to-plus: its headends deleted\nkept tw3: not the scenario's headends\n" {
		t.Fatalf("scenario stop: %q", got)
	}
	d.kill()
	d = startDaemon(t, headendd, dataDir)
	if _, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "scenario", "status"); code != 1 || !strings.Contains(errOut, "SCENARIO_NOT_RUNNING") {
		t.Fatalf("status after the stop and a restart: exit %d, %s", code, errOut)
	}
	if got := run("list"); strings.Contains(got, "p1 ") || !strings.Contains(got, "tw3 ") {
		t.Fatalf("list after the stop:\n%s", got)
	}
	run("delete", "tw3")
	if got := run("scenario", "start", "essentials-to-plus"); !strings.Contains(got, "hints used 0/3\n") {
		t.Fatalf("the next scenario:\n%s", got)
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

// TestScenarioHintsInHelp: every headendctl command a hint of
// shared-to-plus gives is in headendctl --help with each of its flags, so
// a trainee who reads the help finds what the hint says.
func TestScenarioHintsInHelp(t *testing.T) {
	_, headendctl := buildBinaries(t)
	out, errOut, _ := ctl(t, headendctl, "--help")
	help := out + errOut
	n := 0
	for _, h := range sharedToPlusHints(t) {
		for _, c := range hintCommands(t, h) {
			n++
			var line string
			for _, l := range strings.Split(help, "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), c[0]+" "+c[1]+" ") && (line == "" || strings.Contains(l, "--serial")) {
					line = l
				}
			}
			if line == "" {
				t.Errorf("hint command %q: no %q line in headendctl --help", c, c[0]+" "+c[1])
				continue
			}
			for _, a := range c {
				if strings.HasPrefix(a, "--") && !strings.Contains(line, a+" ") && !strings.Contains(line, a+"]") {
					t.Errorf("hint command %q: %s is not on the help's line %q", c, a, strings.TrimSpace(line))
				}
			}
		}
	}
	if n < 2 {
		t.Fatalf("shared-to-plus's hints give %d headendctl commands, want the order's and the registration's", n)
	}
}

// sharedToPlusHints are the hints of shared-to-plus as the scenario file
// has them.
func sharedToPlusHints(t *testing.T) []string {
	t.Helper()
	all, err := scenario.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Name == "shared-to-plus" {
			return s.Hints
		}
	}
	t.Fatal("no scenario shared-to-plus")
	return nil
}

// hintCommands are the `headendctl ...` commands quoted in a hint, split
// into arguments as a shell would ('...' quotes), without "headendctl".
func hintCommands(t *testing.T, hint string) [][]string {
	t.Helper()
	var out [][]string
	parts := strings.Split(hint, "`")
	for i := 1; i < len(parts); i += 2 {
		c, ok := strings.CutPrefix(parts[i], "headendctl ")
		if !ok {
			continue
		}
		var args []string
		var cur strings.Builder
		quoted, in := false, false
		for _, r := range c {
			switch {
			case r == '\'':
				quoted, in = !quoted, true
			case r == ' ' && !quoted:
				if in {
					args = append(args, cur.String())
				}
				cur.Reset()
				in = false
			default:
				cur.WriteRune(r)
				in = true
			}
		}
		if quoted {
			t.Fatalf("hint command %q: an unclosed quote", c)
		}
		if in {
			args = append(args, cur.String())
		}
		out = append(out, args)
	}
	return out
}

// fill is args with each placeholder replaced by its value.
func fill(args []string, pairs ...string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		for j := 0; j+1 < len(pairs); j += 2 {
			if a == pairs[j] {
				out[i] = pairs[j+1]
			}
		}
	}
	return out
}

// TestEndToEndScenarioDir: headendd --scenario-dir carries a trainer's
// scenario file beside the built-in ones, and refuses to start on a file
// that does not read, naming its file, line and field.
func TestEndToEndScenarioDir(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dir := t.TempDir()
	tiny := "name: \"tiny\"\ntitle: \"Tiny\"\ndescription: \"one headend\"\nclock_start: \"2030-01-07T08:00:00Z\"\n" +
		"headends {\n  hostname: \"hq\"\n  model: \"ASA5525\"\n}\n" +
		"goals {\n  check: \"connect_all\"\n  description: \"all connect\"\n}\nhints: \"connect\"\n"
	if err := os.WriteFile(filepath.Join(dir, "tiny.textpb"), []byte(tiny), 0o644); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, headendd, filepath.Join(t.TempDir(), "data"), "--scenario-dir", dir)
	if got := mustCtl(t, headendctl, "--addr", d.grpc, "scenario", "list"); !strings.Contains(got, "tiny                 Tiny (1 goals, 1 hints)\n") ||
		!strings.Contains(got, "shared-to-plus ") {
		t.Fatalf("scenario list:\n%s", got)
	}
	d.kill()

	bad := filepath.Join(dir, "bad.textpb")
	if err := os.WriteFile(bad, []byte(strings.Replace(tiny, "ASA5525", "ASA9999", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(headendd, "--data-dir", filepath.Join(t.TempDir(), "data"), "--grpc-addr", "127.0.0.1:0", "--metrics-addr", "", "--http-addr", "",
		"--clock", "sim", "--scenario-dir", dir)
	cmd.Env = append(os.Environ(), daemonEnv...)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "\nheadendd: scenario: invalid scenario file: "+bad+`:7: field model: headend hq: unknown model "ASA9999"`) {
		t.Fatalf("a bad scenario file: %v\n%s", err, out)
	}
}
