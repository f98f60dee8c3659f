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
