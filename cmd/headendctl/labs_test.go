package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestLabCommands: what each lab command sends and prints, as text and
// with -o json.
func TestLabCommands(t *testing.T) {
	useConfig(t)
	f, addr := startFake(t, "d1", nil)
	for _, c := range []struct {
		args   []string
		stdout string
	}{
		{[]string{"lab", "create", "team-a"}, "lab team-a created; token: " + fakeToken + "\n"},
		{[]string{"lab", "create", "team-a", "--clock", "real"}, "lab team-a created; token: " + fakeToken + "\n"},
		{[]string{"lab", "list"}, "" +
			"NAME     HEADENDS  CLOCK      CREATED\n" +
			"default  2         simulated  2026-11-02T08:00:00Z\n" +
			"team-a   2         simulated  2026-11-02T08:00:00Z\n"},
		{[]string{"lab", "get", "team-a"}, "" +
			"lab team-a\n" +
			"clock: 2026-03-01T09:00:00Z (simulated)\n" +
			"clock start: 2026-03-01T09:00:00Z\n" +
			"headends: 2\n" +
			"tokens: 1\n" +
			"created: 2026-11-02T08:00:00Z\n"},
		{[]string{"lab", "reset", "team-a"}, "lab team-a reset: clock 2026-03-01T09:00:00Z (simulated)\n"},
		{[]string{"lab", "token", "team-a"}, fakeToken + "\n"},
		{[]string{"lab", "delete", "team-a"}, "lab team-a deleted\n"},
	} {
		code, stdout, stderr := ctl(append([]string{"--addr", addr}, c.args...)...)
		if code != 0 || stdout != c.stdout {
			t.Errorf("%q: exit %d %s\n got %q\nwant %q", c.args, code, stderr, stdout, c.stdout)
		}
	}
	// What lab create sent: the clock settings.
	ctl("--addr", addr, "lab", "create", "team-c", "--clock-start", "2026-03-01T09:00:00Z")
	req := f.last(t).req.(*headendv1.CreateLabRequest)
	if req.GetClockMode() != headendv1.ClockMode_CLOCK_MODE_SIMULATED || !req.GetClockStart().AsTime().Equal(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("lab create --clock-start sent %v", req)
	}

	// -o json: the response message, proto JSON names, every field.
	code, stdout, stderr := ctl("--addr", addr, "-o", "json", "lab", "create", "team-b")
	var created struct {
		Lab struct {
			Name, Created, ClockStart string
			Headends, Tokens          int
			Clock                     struct{ Now, Mode string }
		}
		Token string
	}
	if err := json.Unmarshal([]byte(stdout), &created); code != 0 || err != nil {
		t.Fatalf("-o json lab create: exit %d %s, %v\n%s", code, stderr, err, stdout)
	}
	if created.Token != fakeToken || created.Lab.Name != "team-b" || created.Lab.Clock.Mode != "CLOCK_MODE_SIMULATED" || created.Lab.Created != "2026-11-02T08:00:00Z" {
		t.Errorf("-o json lab create: %+v", created)
	}
	code, stdout, _ = ctl("--addr", addr, "-o", "json", "lab", "delete", "team-b")
	if code != 0 || strings.TrimSpace(stdout) != "{}" {
		t.Errorf("-o json lab delete: exit %d, %q", code, stdout)
	}

	// The daemon's refusal: its message, code and reason; exit 1.
	code, stdout, stderr = ctl("--addr", addr, "lab", "delete", "default")
	if want := "headendctl: the default lab cannot be deleted; reset it instead (FailedPrecondition, DEFAULT_LAB)\n"; code != 1 || stdout != "" || stderr != want {
		t.Errorf("lab delete default: exit %d, stdout %q\n got %q\nwant %q", code, stdout, stderr, want)
	}
}

// TestLabUsage: mistakes in a lab command line are usage errors (exit 2)
// and send nothing.
func TestLabUsage(t *testing.T) {
	useConfig(t)
	f, addr := startFake(t, "d1", nil)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lab"}, "usage: lab create|delete|list|get|reset|token"},
		{[]string{"lab", "rename", "a"}, `lab: unknown subcommand "rename" (create, delete, list, get, reset, token)`},
		{[]string{"lab", "create"}, "usage: lab create NAME [--clock sim|real] [--clock-start TIME]"},
		{[]string{"lab", "create", "Team_A"}, `lab create: "Team_A" is not a lab name: 1-63 of a-z, 0-9 and -, starting with a letter or digit`},
		{[]string{"lab", "create", "-a"}, `lab create: flag provided but not defined: -a`},
		{[]string{"lab", "create", strings.Repeat("a", 64)}, `lab create: "` + strings.Repeat("a", 64) + `" is not a lab name: 1-63 of a-z, 0-9 and -, starting with a letter or digit`},
		{[]string{"lab", "create", "a", "--clock", "fast"}, "lab create: --clock must be sim or real"},
		{[]string{"lab", "create", "a", "--clock", "real", "--clock-start", "2026-03-01T09:00:00Z"}, "lab create: --clock-start is for a simulated clock"},
		{[]string{"lab", "create", "a", "--clock-start", "2026-03-01"}, "lab create: --clock-start must be RFC 3339, as 2026-12-01T09:00:00Z"},
		{[]string{"lab", "delete"}, "usage: lab delete NAME"},
		{[]string{"lab", "token"}, "usage: lab token NAME"},
		{[]string{"lab", "get", "a", "b"}, "usage: lab get [NAME]"},
		{[]string{"lab", "list", "a"}, "usage: lab list"},
		{[]string{"apply"}, "usage: apply -f FILE [--dry-run] (FILE: a lab file, - for stdin)"},
		{[]string{"apply", "-f", "a.yaml", "b.yaml"}, "usage: apply -f FILE [--dry-run] (FILE: a lab file, - for stdin)"},
	} {
		code, stdout, stderr := ctl(append([]string{"--addr", addr}, c.args...)...)
		if want := "headendctl: " + c.want + "\n"; code != 2 || stdout != "" || stderr != want {
			t.Errorf("%q: exit %d, stdout %q\n got %q\nwant %q", c.args, code, stdout, stderr, want)
		}
	}
	if n := f.count(); n != 0 {
		t.Errorf("usage errors sent %d calls", n)
	}
}

// TestApply: apply sends the file's name and text, and prints the changes,
// "no changes", a new lab's token, or the daemon's refusal of the file.
func TestApply(t *testing.T) {
	useConfig(t)
	f, addr := startFake(t, "d1", nil)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	changes := write("changes.yaml", "lab: lab1\nheadends: []\n")
	same := write("same.yaml", "lab: lab1 # same\n")
	newLab := write("new.yaml", "lab: lab1 # new\n")
	bad := write("bad.yaml", "lab: lab1 # bad\n")
	pending := write("pending.yaml", "lab: lab1 # pending\n")
	notes := write("notes.yaml", "lab: lab1 # notes\n")

	for _, c := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"apply", "-f", changes}, 0, "created headend asa1 (ASA5525)\ninstalled key on asa1 (premium=250)\n", ""},
		{[]string{"apply", "-f", changes, "--dry-run"}, 0,
			"created headend asa1 (ASA5525)\ninstalled key on asa1 (premium=250)\ndry run: lab lab1 not changed\n", ""},
		{[]string{"apply", "-f", same}, 0, "no changes: lab lab1 matches " + same + "\n", ""},
		{[]string{"apply", "-f", newLab}, 0, "lab lab1 created; token: " + fakeToken + "\ncreated lab lab1\ncreated headend asa1 (ASA5525)\n", ""},
		{[]string{"--lab", "lab2", "apply", "-f", same}, 0, "no changes: lab lab2 matches " + same + "\n",
			"note: applying " + same + " to lab lab2 (from --lab); the file names lab lab1\n"},
		// The notes follow the changes; a note of work to come is not a
		// match.
		{[]string{"apply", "-f", notes}, 0, "placed order o1 (L-AC-PLS-LIC=)\n" +
			"note: order o1 is usable from 2026-11-30T17:46:50Z: apply again then to register it to r1\n", ""},
		{[]string{"apply", "-f", pending}, 0, "no changes now; pending: order o1 is usable from 2026-11-30T17:46:50Z: apply again then to register it to r1\n" +
			"note: not in the file: extra (kept; prune: true deletes them)\n", ""},
		{[]string{"apply", "-f", bad}, 1, "",
			"headendctl: " + bad + ":3: headends[0].model: unknown model ASA9999 (InvalidArgument, LAB_FILE_INVALID)\n"},
		{[]string{"apply", "-f", filepath.Join(dir, "missing.yaml")}, 1, "",
			"headendctl: open " + filepath.Join(dir, "missing.yaml") + ": no such file or directory\n"},
	} {
		code, stdout, stderr := ctl(append([]string{"--addr", addr}, c.args...)...)
		if code != c.code || stdout != c.stdout || stderr != c.stderr {
			t.Errorf("%q: exit %d, want %d\n got %q %q\nwant %q %q", c.args, code, c.code, stdout, stderr, c.stdout, c.stderr)
		}
	}
	req := f.last(t).req.(*headendv1.ApplyLabRequest)
	if req.GetFileName() != bad || req.GetContent() != "lab: lab1 # bad\n" || req.GetDryRun() {
		t.Errorf("apply sent %v", req)
	}

	// -f - reads stdin; its errors call it <stdin>.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString("lab: lab1 # bad\n")
	w.Close()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	code, _, stderr := ctl("--addr", addr, "apply", "-f", "-")
	if want := "headendctl: <stdin>:3: headends[0].model: unknown model ASA9999 (InvalidArgument, LAB_FILE_INVALID)\n"; code != 1 || stderr != want {
		t.Errorf("apply -f -: exit %d\n got %q\nwant %q", code, stderr, want)
	}

	// -o json: the ApplyLabResponse.
	code, stdout, _ := ctl("--addr", addr, "-o", "json", "apply", "-f", same)
	var resp struct {
		Lab     struct{ Name string }
		Changes []string
		Created bool
		Token   string
	}
	if err := json.Unmarshal([]byte(stdout), &resp); code != 0 || err != nil || resp.Lab.Name != "lab1" || resp.Changes == nil || len(resp.Changes) != 0 {
		t.Errorf("-o json apply: exit %d, %v\n%s", code, err, stdout)
	}

	// A file over the daemon's limit is not sent.
	n := f.count()
	big := write("big.yaml", strings.Repeat("#\n", maxLabFileBytes/2+1))
	code, _, stderr = ctl("--addr", addr, "apply", "-f", big)
	if want := "headendctl: " + big + ": more than 4 MiB; a lab file is at most 4 MiB\n"; code != 1 || stderr != want || f.count() != n {
		t.Errorf("apply of 4 MiB + 2: exit %d, %q", code, stderr)
	}
}
