package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestApplyRoutesByTheFilesLab: apply sends the lab its file names as the
// routing key when no --lab or context lab is given, so that a balancer
// routing on asalab-lab takes the file to the daemon that holds (or will
// hold) its lab; --lab and the context's lab win over the file, as they do
// on the daemon.
func TestApplyRoutesByTheFilesLab(t *testing.T) {
	useConfig(t)
	f, addr := startFake(t, "d1", nil)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	named := write("named.yaml", "# a lab for the course\nlab: training1 # same\nclock: {mode: simulated}\n")
	quoted := write("quoted.yaml", "\"lab\": 'west-ci' # same\n")
	unnamed := write("unnamed.yaml", "headends: [] # same\n")
	broken := write("broken.yaml", "lab: training1\nheadends: [ # bad\n")
	badName := write("badname.yaml", "lab: Training_1 # bad\n")
	nested := write("nested.yaml", "headends:\n  - lab: west-ci # same\n")
	if code, _, stderr := ctl("config", "set-context", "ctx", "--addr", addr, "--lab", "ctx-lab"); code != 0 {
		t.Fatalf("set-context: %s", stderr)
	}
	for _, c := range []struct {
		args []string
		lab  []string
	}{
		{[]string{"--addr", addr, "apply", "-f", named}, []string{"training1"}},
		{[]string{"--addr", addr, "apply", "-f", quoted}, []string{"west-ci"}},
		{[]string{"--addr", addr, "--lab", "west-h", "apply", "-f", named}, []string{"west-h"}},
		{[]string{"--context", "ctx", "apply", "-f", named}, []string{"ctx-lab"}},
		{[]string{"--addr", addr, "apply", "-f", unnamed}, nil},
		{[]string{"--addr", addr, "apply", "-f", nested}, nil},
		// What does not parse, or names no valid lab, is the daemon's to
		// report, with its file and line.
		{[]string{"--addr", addr, "apply", "-f", broken}, nil},
		{[]string{"--addr", addr, "apply", "-f", badName}, nil},
	} {
		code, _, stderr := ctl(c.args...)
		wantCode := 0
		if c.args[len(c.args)-1] == broken || c.args[len(c.args)-1] == badName {
			wantCode = 1
		}
		if code != wantCode {
			t.Errorf("%q: exit %d: %s", c.args, code, stderr)
			continue
		}
		got := f.last(t)
		if !slices.Equal(got.lab, c.lab) {
			t.Errorf("%q: asalab-lab %q, want %q", c.args, got.lab, c.lab)
		}
	}
}

// TestApplyNotesTheLabItOverrides: when --lab or the context's lab sends
// a file to another lab than the one it names, apply says so on stderr
// (the daemon applies it to the request's lab, as it should); the output,
// text or JSON, is the daemon's answer as before.
func TestApplyNotesTheLabItOverrides(t *testing.T) {
	useConfig(t)
	_, addr := startFake(t, "d1", nil)
	dir := t.TempDir()
	named := filepath.Join(dir, "named.yaml")
	os.WriteFile(named, []byte("lab: training1\nheadends: []\n"), 0o644)
	unnamed := filepath.Join(dir, "unnamed.yaml")
	os.WriteFile(unnamed, []byte("headends: []\n"), 0o644)
	for _, args := range [][]string{
		{"config", "set-context", "ctx", "--addr", addr, "--lab", "ctx-lab"},
		{"config", "set-context", "cur", "--addr", addr, "--lab", "cur-lab"},
		{"config", "use-context", "cur"},
	} {
		if code, _, stderr := ctl(args...); code != 0 {
			t.Fatalf("%q: %s", args, stderr)
		}
	}
	const applied = "created headend asa1 (ASA5525)\ninstalled key on asa1 (premium=250)\n"
	for _, c := range []struct {
		args           []string
		stdout, stderr string
	}{
		{[]string{"--addr", addr, "--lab", "west-h", "apply", "-f", named}, applied,
			"note: applying " + named + " to lab west-h (from --lab); the file names lab training1\n"},
		{[]string{"--context", "ctx", "apply", "-f", named}, applied,
			"note: applying " + named + " to lab ctx-lab (from context ctx); the file names lab training1\n"},
		{[]string{"apply", "-f", named}, applied,
			"note: applying " + named + " to lab cur-lab (from context cur); the file names lab training1\n"},
		{[]string{"--context", "ctx", "--lab", "west-h", "apply", "-f", named, "--dry-run"}, applied + "dry run: lab west-h not changed\n",
			"note: applying " + named + " to lab west-h (from --lab); the file names lab training1\n"},
		// Nothing to say: the file's own lab, a file naming none.
		{[]string{"--addr", addr, "--lab", "training1", "apply", "-f", named}, applied, ""},
		{[]string{"--context", "ctx", "apply", "-f", unnamed}, applied, ""},
	} {
		code, stdout, stderr := ctl(c.args...)
		if code != 0 || stdout != c.stdout || stderr != c.stderr {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 0, %q, %q", c.args, code, stdout, stderr, c.stdout, c.stderr)
		}
	}

	// -o json: stdout is the one document it was, the note on stderr.
	code, stdout, stderr := ctl("--context", "ctx", "-o", "json", "apply", "-f", named)
	if want := "note: applying " + named + " to lab ctx-lab (from context ctx); the file names lab training1\n"; code != 0 || stderr != want {
		t.Errorf("-o json: exit %d, stderr %q; want 0, %q", code, stderr, want)
	}
	if doc, err := oneDocument(stdout); err != nil {
		t.Errorf("-o json: %v: %q", err, stdout)
	} else if got, _ := field(doc, "lab.name"); got != "ctx-lab" {
		t.Errorf("-o json: lab.name %v, want ctx-lab", got)
	}
}
