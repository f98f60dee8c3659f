package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplayRefusesBeforeDialing: a file larger than one replay takes and
// a malformed command line are exit status 2 before anything is sent (the
// address has no daemon).
func TestReplayRefusesBeforeDialing(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.log")
	if err := os.WriteFile(big, bytes.Repeat([]byte("asa1# show clock\n"), maxTranscript/17+1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "asa1", big}, "replay: " + big + " is larger than 4194304 bytes, the most one replay takes"},
		{[]string{"replay", "asa1", big, "extra"}, "usage: replay HOSTNAME FILE [--ignore REGEX]... [--command CMD] (FILE: a captured transcript, or with --command the bare output of CMD; - for stdin)"},
		{[]string{"replay", "asa1", big, "--ignore"}, "replay: flag needs an argument: -ignore"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"--addr", "127.0.0.1:1"}, c.args...), &stdout, &stderr)
		if got, want := stderr.String(), "headendctl: "+c.want+"\n"; code != 2 || got != want || stdout.Len() != 0 {
			t.Errorf("%q: exit %d\n got %q\nwant %q", c.args[len(c.args)-1], code, got, want)
		}
	}
}

// TestReadTranscriptStdin: FILE - reads the transcript from stdin.
func TestReadTranscriptStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	go func() {
		w.WriteString("asa1# show clock\r\n12:00:00.000 UTC Fri Nov 27 2026\r\n")
		w.Close()
	}()
	got, err := readTranscript("-")
	if err != nil || !strings.HasPrefix(got, "asa1# show clock\r\n") {
		t.Errorf("got %q, %v", got, err)
	}
}
