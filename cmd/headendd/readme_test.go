package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The README's tour (from "## A five-minute tour" to "## What is where") is
// a script: its sh blocks, in order, run as one bash script against the
// daemon the tour starts, in a fresh directory with bin/ holding the
// binaries under test. Only the tour's gRPC port is replaced by a free one.
const (
	readmeTourStart = "## A five-minute tour"
	readmeTourEnd   = "## What is where"
	readmeTourAddr  = "127.0.0.1:50061"
)

// readmeTour returns the sh blocks of the README's tour, joined.
func readmeTour(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, readmeTourStart), strings.Index(s, readmeTourEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q", readmeTourStart, readmeTourEnd)
	}
	var script strings.Builder
	in := false
	for _, line := range strings.Split(s[i:j], "\n") {
		switch {
		case !in && line == "```sh":
			in = true
		case in && line == "```":
			in = false
			script.WriteString("\n")
		case in:
			script.WriteString(line + "\n")
		}
	}
	if in || script.Len() == 0 {
		t.Fatal("README.md: the tour's sh blocks are not closed, or there are none")
	}
	return script.String()
}

// freeAddr is a loopback address with a port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestEndToEndReadme runs the README's tour as written: every command must
// succeed (bash -e, pipefail), and each grep finds what the text says.
func TestEndToEndReadme(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	script := readmeTour(t)
	if !strings.Contains(script, readmeTourAddr) {
		t.Fatalf("the tour no longer starts its daemon on %s", readmeTourAddr)
	}
	script = strings.ReplaceAll(script, readmeTourAddr, freeAddr(t))

	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, bin := range map[string]string{"headendd": headendd, "headendctl": headendctl} {
		if err := os.Symlink(bin, filepath.Join(dir, "bin", name)); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("bash", "-x", "-e", "-u", "-o", "pipefail", "-c", script)
	cmd.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ASALAB_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	var out, trace bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &trace
	// Its own process group, so that the daemon it starts in the
	// background dies with it whatever happens.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "tour.log"))
			t.Fatalf("the README's tour failed: %v\n--- output\n%s\n--- trace\n%s\n--- tour.log\n%s", err, &out, &trace, log)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("the README's tour did not finish in 2 minutes\n--- output\n%s\n--- trace\n%s", &out, &trace)
	}
	for _, want := range []string{
		"Both Running and Flash permanent activation key was updated with the requested key.",
		"reload pending: yes",
		"premium 100",
		"ERROR: The requested activation key is not valid.",
		"%ASA-4-444005",
		"%ASA-2-444007",
		"refused premium_limit",
		"Invalid or Inactive",
		"AnyConnect Premium Peers          : 750",
		`Customer "Acme Corp"`,
		"1/1 licenses were successfully installed",
		"<SN>FTX1628838P</SN>",
	} {
		if !strings.Contains(out.String()+trace.String(), want) {
			t.Errorf("the tour's output lacks %q\n--- output\n%s", want, &out)
		}
	}
}
