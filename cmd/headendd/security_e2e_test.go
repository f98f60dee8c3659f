package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A person who starts headendd on an address other machines reach without
// TLS is told why it will not and what to give; nothing listens, and the
// data dir is not made.
func TestEndToEndRefusesNonLoopbackWithoutTLS(t *testing.T) {
	headendd, _ := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(headendd, "--data-dir", dataDir, "--grpc-addr", "0.0.0.0:50051", "--metrics-addr", "")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("headendd: %v, want exit status 2\n%s", err, out)
	}
	want := "headendd: --grpc-addr 0.0.0.0:50051 is not a loopback address: other machines could reach it, and tokens, " +
		"activation keys and passwords would cross the network in clear; give --tls (a self-signed certificate made in the data dir) " +
		"or --tls-cert FILE --tls-key FILE, or --insecure to serve in clear anyway\n"
	if string(out) != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("the data dir was made: %v", err)
	}
	help, _ := exec.Command(headendd, "--help").CombinedOutput()
	for _, flag := range []string{"-auth", "-tls", "-tls-cert", "-tls-key", "-insecure"} {
		if !strings.Contains(string(help), "\n  "+flag+" ") && !strings.Contains(string(help), "\n  "+flag+"\n") {
			t.Errorf("--help does not list %s", flag)
		}
	}
}
