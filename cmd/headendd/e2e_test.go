package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// daemon is a headendd process started by a test.
type daemon struct {
	t       testing.TB
	cmd     *exec.Cmd
	grpc    string
	metr    string
	http    string // the web console
	log     *syncBuffer
	done    chan struct{} // closed when the process has exited
	waitErr error         // its exit status, once done is closed
}

var (
	binOnce                 sync.Once
	binDir                  string
	binHeadendd, binHeadctl string
	binErr                  error
)

// TestMain removes the binaries the tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildBinaries builds headendd and headendctl once for all the tests and
// benchmarks of the package.
func buildBinaries(tb testing.TB) (headendd, headendctl string) {
	tb.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "asalab-bin-"); binErr != nil {
			return
		}
		binHeadendd, binHeadctl = filepath.Join(binDir, "headendd"), filepath.Join(binDir, "headendctl")
		for bin, pkg := range map[string]string{binHeadendd: ".", binHeadctl: "../headendctl"} {
			if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
				binErr = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
				return
			}
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binHeadendd, binHeadctl
}

// daemonEnv is added to the environment of the daemons tests start.
var daemonEnv []string

// labStart is the simulated clock's first reading in every daemon a test
// starts, so that no test depends on the hour or the date it runs: a Monday
// morning, as a lab session would start.
const labStart = "2026-01-05T09:00:00Z"

// startDaemon runs headendd on dataDir with ephemeral loopback ports and a
// simulated clock that starts at labStart, and stops it when the test ends.
func startDaemon(t testing.TB, bin, dataDir string, extra ...string) *daemon {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready.json")
	args := append([]string{"--data-dir", dataDir, "--grpc-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
		"--clock", "sim", "--clock-start", labStart, "--boot-time", "0", "--ready-file", ready}, extra...)
	d := &daemon{t: t, cmd: exec.Command(bin, args...), log: &syncBuffer{}, done: make(chan struct{})}
	d.cmd.Env = append(os.Environ(), daemonEnv...)
	d.cmd.Stderr = d.log
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.waitErr = d.cmd.Wait(); close(d.done) }()
	t.Cleanup(func() { d.kill() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := os.ReadFile(ready)
		if err == nil && len(b) > 0 {
			var addrs map[string]string
			if err := json.Unmarshal(b, &addrs); err == nil {
				d.grpc, d.metr, d.http = addrs["grpc_addr"], addrs["metrics_addr"], addrs["http_addr"]
				return d
			}
		}
		select {
		case <-d.done:
			t.Fatalf("headendd exited before it was ready: %v\n%s", d.waitErr, d.log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("headendd not ready after 20s\n%s", d.log)
		}
	}
}

// dial opens a gRPC client connection to the daemon, closed when the test
// ends.
func (d *daemon) dial(tb testing.TB) *grpc.ClientConn {
	tb.Helper()
	conn, err := grpc.NewClient(d.grpc, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	return conn
}

// kill sends SIGKILL: the process gets no chance to flush anything.
func (d *daemon) kill() {
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-d.done:
	case <-time.After(10 * time.Second):
		d.t.Error("headendd did not die on SIGKILL")
	}
}

// ctl runs headendctl and returns stdout, stderr and the exit status.
func ctl(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func mustCtl(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, errOut, code := ctl(t, bin, args...)
	if code != 0 {
		t.Fatalf("headendctl %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// TestEndToEndCrashAfterAck: an acknowledged key install and an Essentials
// change saved with write memory survive a SIGKILL right after their
// acknowledgement, as does the pending reload.
func TestEndToEndCrashAfterAck(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	addr := []string{"--addr", d.grpc}
	run := func(args ...string) string { return mustCtl(t, headendctl, append(addr, args...)...) }

	run("create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V0GY")
	perm := strings.TrimSpace(mustCtl(t, headendctl, "keygen", "--data-dir", dataDir, "--serial", "FCH1947V0GY", "premium=250", "contexts=5"))
	down := strings.TrimSpace(mustCtl(t, headendctl, "keygen", "--data-dir", dataDir, "--serial", "FCH1947V0GY", "premium=100"))
	if got := run("install-key", "asa1", perm); !strings.Contains(got, "Both Running and Flash permanent activation key was updated") {
		t.Fatalf("install-key: %s", got)
	}
	if got := run("exec", "asa1", "configure terminal", "webvpn", "no anyconnect-essentials", "end", "write memory"); !strings.Contains(got, "[OK]") {
		t.Fatalf("write memory: %s", got)
	}
	if got := run("install-key", "asa1", down); !strings.Contains(got, "will become active after the next reload") {
		t.Fatalf("downgrade: %s", got)
	}
	d.kill() // right after the acknowledgement

	d = startDaemon(t, headendd, dataDir)
	got := mustCtl(t, headendctl, "--addr", d.grpc, "get", "asa1")
	for _, want := range []string{
		"running key:    " + perm,
		"flash key:      " + down,
		"reload pending: yes",
		"essentials:     off (saved: off)",
		"config unsaved: no",
		"vpn peers:      premium 250, other 750, total 750",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("after SIGKILL and restart, get asa1 lacks %q:\n%s", want, got)
		}
	}
	show := mustCtl(t, headendctl, "--addr", d.grpc, "exec", "asa1", "show activation-key")
	if !strings.Contains(show, "The flash permanent activation key is DIFFERENT from the running permanent key.") {
		t.Errorf("show activation-key after restart:\n%s", show)
	}

	// Errors: stderr and a non-zero exit.
	if out, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "get", "nosuch"); code == 0 || out != "" ||
		!strings.Contains(errOut, "NotFound, HEADEND_NOT_FOUND") {
		t.Errorf("get nosuch: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "install-key", "asa1", "0x1", "0x2"); code == 0 ||
		!strings.Contains(errOut, "MALFORMED_ACTIVATION_KEY") {
		t.Errorf("install-key malformed: exit %d, stderr %q", code, errOut)
	}
	if _, _, code := ctl(t, headendctl, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}

	// Metrics: Go, gRPC server and lab metrics.
	resp, err := http.Get("http://" + d.metr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"asalab_lab_headends 1", "go_goroutines", `asalab_grpc_server_handled_total{grpc_code="NotFound",grpc_method="/headend.v1.HeadendService/GetHeadend"} 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// The secret is never logged.
	secret, err := os.ReadFile(filepath.Join(dataDir, "lab.secret"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d.log.String(), strings.TrimSpace(string(secret))) {
		t.Error("the lab secret appears in the log")
	}

	// SIGTERM: a clean shutdown.
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.done:
		if d.waitErr != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", d.waitErr, d.log)
		}
	case <-time.After(10 * time.Second):
		t.Error("headendd did not stop on SIGTERM")
	}
}
