package sshd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/crypto/ssh"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
)

var labStart = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// hostKeys are made once per test binary: RSA generation is slow under -race.
var hostKeys = sync.OnceValues(func() ([]ssh.Signer, error) {
	dir, err := os.MkdirTemp("", "sshd-hostkeys-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	return LoadOrCreateHostKeys(dir)
})

// testLab is a lab with SSH consoles served in-process.
type testLab struct {
	t     *testing.T
	lab   *sim.Lab
	store *sim.Store
	srv   *Server
}

// freeBase picks a base for count console ports among the non-ephemeral
// ports; the lab's probe skips any that something else holds.
func freeBase(count int) int { return 20000 + rand.IntN(10000-count) }

func newTestLab(t *testing.T, opts Options, bootTime time.Duration) *testLab {
	t.Helper()
	keys, err := hostKeys()
	if err != nil {
		t.Fatal(err)
	}
	store, err := sim.OpenStore(filepath.Join(t.TempDir(), "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	master, _ := keygen.NewSigner([]byte("sshd-test-secret-0123456789abcdef"))
	usable := func(port int) bool {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			return false
		}
		ln.Close()
		return true
	}
	lab, err := sim.OpenLab(sim.Config{
		Store: store, Signer: master.ForLab(sim.DefaultLab), ClockMode: sim.ClockSimulated, BootTime: bootTime,
		RealNow: func() time.Time { return labStart },
		SSH:     &sim.SSHPorts{Host: "127.0.0.1", Base: freeBase(50), Count: 50, Usable: usable},
	})
	if err != nil {
		t.Fatal(err)
	}
	opts.HostKeys = keys
	srv := New(lab, opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	tl := &testLab{t: t, lab: lab, store: store, srv: srv}
	t.Cleanup(func() {
		srv.Close()
		if err := lab.Close(); err != nil {
			t.Error(err)
		}
		if err := store.Close(); err != nil {
			t.Error(err)
		}
	})
	return tl
}

// create adds an ASA 5525-X and returns its console address.
func (tl *testLab) create(hostname, serial string, opts ...sim.CreateOption) string {
	tl.t.Helper()
	s, err := tl.lab.Create("ASA5525", hostname, serial, opts...)
	if err != nil {
		tl.t.Fatal(err)
	}
	if s.SSHAddress == "" {
		tl.t.Fatal("no SSH address")
	}
	return s.SSHAddress
}

func dial(addr, user, pass string) (*ssh.Client, error) {
	return ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User: user, Auth: []ssh.AuthMethod{ssh.Password(pass)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
}

// adminSession logs in to addr as admin and opens a session; the
// connection is closed when the test ends.
func adminSession(t *testing.T, addr string) (*ssh.Client, *ssh.Session) {
	t.Helper()
	c, err := dial(addr, "admin", "admin")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

// waitHungUp waits until the server closes c, failing the test if what (the
// client) is still connected after d.
func waitHungUp(t *testing.T, c *ssh.Client, d time.Duration, what string) {
	t.Helper()
	hungUp := make(chan error, 1)
	go func() { hungUp <- c.Wait() }()
	select {
	case <-hungUp:
	case <-time.After(d):
		t.Fatal(what + " is still connected")
	}
}

// shell is an interactive session read like expect does.
type shell struct {
	t    *testing.T
	c    *ssh.Client
	sess *ssh.Session
	in   io.WriteCloser
	mu   sync.Mutex
	buf  bytes.Buffer
	eof  chan struct{}
}

func openShell(t *testing.T, addr, user, pass string) *shell {
	t.Helper()
	c, err := dial(addr, user, pass)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := startShell(t, c)
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	return sh
}

// enabledShell opens a shell on asa1 at addr as admin and enters
// privileged mode.
func enabledShell(t *testing.T, addr string) *shell {
	t.Helper()
	sh := openShell(t, addr, "admin", "admin")
	sh.expect("asa1> ")
	sh.send("enable\radmin\r")
	sh.expect("\r\nasa1# ")
	return sh
}

func startShell(t *testing.T, c *ssh.Client) (*shell, error) {
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	sh := &shell{t: t, c: c, sess: sess, eof: make(chan struct{})}
	sh.in, _ = sess.StdinPipe()
	out, _ := sess.StdoutPipe()
	if err := sess.RequestPty("vt100", 24, 80, ssh.TerminalModes{}); err != nil {
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	go func() {
		defer close(sh.eof)
		b := make([]byte, 4096)
		for {
			n, err := out.Read(b)
			sh.mu.Lock()
			sh.buf.Write(b[:n])
			sh.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { c.Close() })
	return sh, nil
}

// expect waits until the output so far ends with suffix, and returns it all,
// consuming it.
func (sh *shell) expect(suffix string) string {
	sh.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sh.mu.Lock()
		got := sh.buf.String()
		if strings.HasSuffix(got, suffix) {
			sh.buf.Reset()
			sh.mu.Unlock()
			return got
		}
		sh.mu.Unlock()
		if time.Now().After(deadline) {
			sh.t.Fatalf("waiting for %q; the console printed:\n%q", suffix, got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (sh *shell) send(s string) {
	sh.t.Helper()
	if _, err := sh.in.Write([]byte(s)); err != nil {
		sh.t.Fatal(err)
	}
}

// closedByServer waits for the server to hang up.
func (sh *shell) closedByServer() string {
	sh.t.Helper()
	select {
	case <-sh.eof:
	case <-time.After(10 * time.Second):
		sh.t.Fatal("the server did not close the session")
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.buf.String()
}

func TestShellAndEnable(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	sh := openShell(t, addr, "admin", "admin")
	if got, want := sh.expect("asa1> "), "Type help or '?' for a list of available commands.\r\nasa1> "; got != want {
		t.Fatalf("banner %q, want %q", got, want)
	}
	sh.send("\n")
	sh.expect("\r\nasa1> ")
	sh.send("show curpriv\r")
	if got := sh.expect("asa1> "); !strings.Contains(got, "Username : admin\r\nCurrent privilege level : 1\r\n") {
		t.Errorf("show curpriv before enable: %q", got)
	}
	sh.send("enable\r")
	sh.expect("enable\r\nPassword: ")
	sh.send("wrong\r")
	sh.expect("*****\r\nInvalid password\r\nasa1> ")
	sh.send("enable\n")
	sh.expect("Password: ")
	sh.send("admin\n")
	sh.expect("*****\r\nasa1# ")
	sh.send("terminal pager 0\rshow version\r")
	if got := sh.expect("asa1# "); !strings.Contains(got, "Cisco Adaptive Security Appliance Software Version 9.14(4)\r\n") ||
		!strings.Contains(got, "Serial Number: FCH1947V0GY\r\n") {
		t.Errorf("show version: %q", got)
	}
	sh.send("exit\r")
	if got := sh.closedByServer(); got != "exit\r\n\r\nLogoff\r\n\r\n" {
		t.Errorf("exit: %q", got)
	}
}

// TestPagerAndHelp: `<--- More --->` after 24 lines, space, Enter and q;
// `?` answered as typed.
func TestPagerAndHelp(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	sh := enabledShell(t, addr)
	sh.send("show running-config\r")
	first := sh.expect("<--- More --->")
	lines := strings.Split(strings.TrimSuffix(first, "<--- More --->"), "\r\n")
	if len(lines) != 1+24+1 || lines[0] != "show running-config" || lines[1] != ": Saved" {
		t.Fatalf("first page: %d lines\n%q", len(lines)-2, first)
	}
	sh.send(" ")
	page := sh.expect("<--- More --->")
	if !strings.HasPrefix(page, "\r              \r") || strings.Count(page, "\r\n") != 24 {
		t.Errorf("second page: %q", page)
	}
	sh.send("\r")
	if got := sh.expect("<--- More --->"); strings.Count(got, "\r\n") != 1 {
		t.Errorf("Enter at More: %q", got)
	}
	sh.send("q")
	if got := sh.expect("asa1# "); got != "\r              \rasa1# " {
		t.Errorf("q at More: %q", got)
	}
	// The list is longer than a page: it pages, then the line comes back.
	sh.send("show running-config ?")
	help := sh.expect("<--- More --->")
	if !strings.Contains(help, "\r\n  all ") {
		t.Errorf("show running-config ? does not list all:\n%q", help)
	}
	sh.send(" ")
	if rest := sh.expect("asa1# show running-config "); !strings.Contains(rest, "\r\n  webvpn ") {
		t.Errorf("the rest of show running-config ?: %q", rest)
	}
	sh.send("| include checksum:\r")
	if got := sh.expect("asa1# "); !strings.HasPrefix(got, "| include checksum:\r\nCryptochecksum:") {
		t.Errorf("the line completed after help: %q", got)
	}

	// `pager lines N` is the page length of new sessions.
	sh.send("configure terminal\rpager lines 3\rend\r")
	sh.expect("end\r\nasa1# ")
	next := openShell(t, addr, "admin", "admin")
	next.expect("asa1> ")
	next.send("show version\r")
	if got := next.expect("<--- More --->"); strings.Count(got, "\r\n") != 4 {
		t.Errorf("a new session after pager lines 3: %q", got)
	}
}

func TestWrongPassword(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	tl := newTestLab(t, Options{Log: zap.New(core)}, 0)
	addr := tl.create("asa1", "FCH1947V0GY", sim.WithLogin("ops", "0psPass", "en"))
	for _, tc := range []struct{ user, pass string }{{"ops", "admin"}, {"admin", "admin"}, {"ops", ""}} {
		start := time.Now()
		c, err := dial(addr, tc.user, tc.pass)
		if err == nil {
			c.Close()
			t.Fatalf("%s/%q logged in", tc.user, tc.pass)
		}
		if !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("%s/%q: %v", tc.user, tc.pass, err)
		}
		if d := time.Since(start); d < firstDelay {
			t.Errorf("%s/%q refused after %s, before the throttle's delay", tc.user, tc.pass, d)
		}
	}
	sh := openShell(t, addr, "ops", "0psPass")
	sh.expect("asa1> ")

	// Each refusal is logged with the user, never the password.
	refused := logs.FilterMessage("login refused").All()
	if len(refused) != 3 {
		t.Fatalf("%d refusals logged, want 3", len(refused))
	}
	for i, e := range refused {
		f := e.ContextMap()
		if f["hostname"] != "asa1" || f["failures_in_a_row"] != int64(i+1) {
			t.Errorf("refusal %d logged as %v", i+1, f)
		}
	}
	for _, e := range logs.All() {
		if strings.Contains(fmt.Sprint(e.ContextMap()), "0psPass") {
			t.Errorf("a log entry holds the password: %s %v", e.Message, e.ContextMap())
		}
	}
	if logs.FilterMessage("login").FilterField(zap.String("user", "ops")).Len() != 1 {
		t.Error("the successful login is not logged")
	}
}

// TestSlowRefusalBlocksNoOne: while a wrong password waits out its delay,
// another client logs in at once to another headend.
func TestSlowRefusalBlocksNoOne(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	other := tl.create("asa2", "FCH1947V0GZ")
	for range 2 { // the third failure in a row waits 800 ms
		if c, err := dial(addr, "admin", "nope"); err == nil {
			c.Close()
			t.Fatal("a wrong password logged in")
		}
	}
	// The third refusal's delay is under way when the server begins a
	// sleep of 800 ms or more; the test holds it there until the login to
	// the other headend has completed, which it could not if the waiting
	// refusal held anything that login needs.
	delaying, release := make(chan struct{}, 1), make(chan struct{})
	tl.srv.sleeping = func(d time.Duration) {
		if d >= 800*time.Millisecond {
			delaying <- struct{}{}
			<-release
		}
	}
	refused := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		if c, err := dial(addr, "admin", "nope"); err == nil {
			c.Close()
		}
		refused <- time.Since(start)
	}()
	<-delaying
	c, err := dial(other, "admin", "admin")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	close(release)
	if slow := <-refused; slow < 800*time.Millisecond {
		t.Errorf("the refusal took %s, want 800 ms or more", slow)
	}
}

func TestThrottle(t *testing.T) {
	now := labStart
	th := newThrottle(func() time.Time { return now })
	var got []time.Duration
	for range 8 {
		_, d := th.failure("10.0.0.1", 2201)
		got = append(got, d)
	}
	want := []time.Duration{200, 400, 800, 1600, 3200, 5000, 5000, 5000}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("delays %v", got)
		}
	}
	if _, d := th.failure("10.0.0.2", 2201); d != firstDelay {
		t.Errorf("another address waits %s", d)
	}
	if _, d := th.failure("10.0.0.1", 2202); d != firstDelay {
		t.Errorf("another headend waits %s", d)
	}
	th.success("10.0.0.1", 2201)
	if n, d := th.failure("10.0.0.1", 2201); n != 1 || d != firstDelay {
		t.Errorf("after a success: %d %s", n, d)
	}
	now = now.Add(forgetAfter + time.Second)
	if n, _ := th.failure("10.0.0.2", 2201); n != 1 {
		t.Errorf("not forgotten after %s: %d failures", forgetAfter, n)
	}
}

// TestThrottleParallelGuesses: passwords sent over many connections at once
// take turns; they are checked no faster than one connection retrying
// would have them checked.
func TestThrottleParallelGuesses(t *testing.T) {
	now := labStart
	th := newThrottle(func() time.Time { return now })
	if wait, ok := th.turn("10.0.0.1", 2201, time.Minute); wait != 0 || !ok {
		t.Fatalf("a clean address waits %s (%v)", wait, ok)
	}
	for range 6 {
		th.failure("10.0.0.1", 2201)
	}
	// 200 connections send a password at the same instant: each is
	// checked in its turn, 5 s apart; those whose turn is more than the
	// limit away are refused unchecked.
	var checks []time.Duration
	refused := 0
	for range 200 {
		wait, ok := th.turn("10.0.0.1", 2201, time.Minute)
		if !ok {
			refused++
			continue
		}
		checks = append(checks, wait)
	}
	if len(checks) != 12 || refused != 188 {
		t.Fatalf("%d passwords checked within a minute, %d refused unchecked; want 12 and 188", len(checks), refused)
	}
	for i, w := range checks {
		if want := time.Duration(i+1) * maxDelay; w != want {
			t.Fatalf("turns %v, want every %s from %s", checks, maxDelay, maxDelay)
		}
	}
	// Another headend, and another address, are not held up.
	if wait, _ := th.turn("10.0.0.1", 2202, time.Minute); wait != 0 {
		t.Errorf("another headend waits %s", wait)
	}
	if wait, _ := th.turn("10.0.0.2", 2201, time.Minute); wait != 0 {
		t.Errorf("another address waits %s", wait)
	}
	// A success (the queued turns done) clears the address.
	now = now.Add(time.Hour)
	th.success("10.0.0.1", 2201)
	if wait, _ := th.turn("10.0.0.1", 2201, time.Minute); wait != 0 {
		t.Errorf("after a success the address waits %s", wait)
	}
}

// TestSessionLimit: 5 concurrent sessions per headend; the sixth is
// refused, and a closed one frees a slot. Another headend is not affected.
func TestSessionLimit(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	other := tl.create("asa2", "FCH1947V0GZ")
	var shells []*shell
	for range DefaultMaxSessions {
		sh := openShell(t, addr, "admin", "admin")
		sh.expect("asa1> ")
		shells = append(shells, sh)
	}
	c, err := dial(addr, "admin", "admin")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = startShell(t, c)
	var oce *ssh.OpenChannelError
	if !errors.As(err, &oce) || oce.Reason != ssh.ResourceShortage ||
		!strings.Contains(err.Error(), "maximum of 5 concurrent SSH sessions") {
		t.Fatalf("sixth session: %v", err)
	}
	openShell(t, other, "admin", "admin").expect("asa2> ")

	shells[0].send("exit\r")
	shells[0].closedByServer()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sh, err := startShell(t, c)
		if err == nil {
			sh.expect("asa1> ")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no session after one closed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestExec(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	c, err := dial(addr, "admin", "admin")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A command answered with an error exits with status 1, after its
	// output, so that scripts can rely on it.
	for _, tc := range []struct {
		cmd, want string
		status    int
	}{
		{"show version | include Serial", "Serial Number: FCH1947V0GY\n", 0},
		{"show curpriv", "Username : admin\nCurrent privilege level : 15\nCurrent Mode/s : P_PRIV\n", 0},
		{"show running-config | include ^username", "username admin password ***** pbkdf2 privilege 15\n", 0},
		{"show running-config | include nothing-matches", "", 0},
		{"nosuch", "      ^\nERROR: % Invalid input detected at '^' marker.\n", 1},
		{"show", "ERROR: % Incomplete command\n", 1},
		{"more disk0:/nosuch", "%Error opening disk0:/nosuch (No such file or directory)\n", 1},
	} {
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Output(tc.cmd)
		status := 0
		var ee *ssh.ExitError
		if errors.As(err, &ee) {
			status = ee.ExitStatus()
		} else if err != nil {
			t.Errorf("%s: %v", tc.cmd, err)
		}
		if string(out) != tc.want || status != tc.status {
			t.Errorf("%s: %q, exit status %d; want %q, %d", tc.cmd, out, status, tc.want, tc.status)
		}
	}

	// A question is answered from the client's input; no input, no answer.
	for _, tc := range []struct {
		stdin string
		boots int
		want  string
	}{
		{"", 0, "Proceed with reload? [confirm]\n"},
		{"\n", 1, "Proceed with reload? [confirm]\n\n***\n*** --- START GRACEFUL SHUTDOWN ---\n"},
	} {
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		s.Stdin = strings.NewReader(tc.stdin)
		out, err := s.Output("reload")
		if err != nil || !strings.HasPrefix(string(out), tc.want) {
			t.Errorf("reload with input %q: %v\n%q", tc.stdin, err, out)
		}
		snap, err := tl.lab.Get("asa1")
		if err != nil || snap.Device.BootCount() != tc.boots {
			t.Errorf("reload with input %q: %d boots (%v), want %d", tc.stdin, snap.Device.BootCount(), err, tc.boots)
		}
	}
}

// TestReload: a reload, from another session's console or over gRPC, drops
// the SSH sessions; while the headend reloads, connections are refused.
func TestReload(t *testing.T) {
	tl := newTestLab(t, Options{}, 30*time.Second)
	addr := tl.create("asa1", "FCH1947V0GY")
	watcher := openShell(t, addr, "admin", "admin")
	watcher.expect("asa1> ")
	sh := openShell(t, addr, "admin", "admin")
	sh.expect("asa1> ")
	sh.send("enable\radmin\rreload noconfirm\r")
	if got := sh.closedByServer(); !strings.HasSuffix(got, "*** --- SHUTDOWN NOW ---\r\n") {
		t.Errorf("the reloading session's last lines: %q", got)
	}
	watcher.closedByServer()
	if c, err := dial(addr, "admin", "admin"); err == nil {
		c.Close()
		t.Fatal("logged in while the headend reloads")
	}
	if _, err := tl.lab.AdvanceClock(31 * time.Second); err != nil {
		t.Fatal(err)
	}
	sh = openShell(t, addr, "admin", "admin")
	sh.expect("asa1> ")
	if _, err := tl.lab.Reload("asa1", false); err != nil {
		t.Fatal(err)
	}
	sh.closedByServer()
}

func TestDeleteStopsListening(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	sh := openShell(t, addr, "admin", "admin")
	sh.expect("asa1> ")
	if err := tl.lab.Delete("asa1"); err != nil {
		t.Fatal(err)
	}
	sh.closedByServer()
	if c, err := net.DialTimeout("tcp", addr, 2*time.Second); err == nil {
		c.Close()
		t.Fatal("the deleted headend's port still accepts connections")
	}
}

func TestIdleTimeout(t *testing.T) {
	tl := newTestLab(t, Options{IdleTimeout: 300 * time.Millisecond}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	sh := openShell(t, addr, "admin", "admin")
	sh.expect("asa1> ")
	start := time.Now()
	sh.closedByServer()
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("closed after %s", d)
	}
}

func TestHostKeysStable(t *testing.T) {
	dir := t.TempDir()
	a, err := LoadOrCreateHostKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateHostKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for i := range a {
		if !bytes.Equal(a[i].PublicKey().Marshal(), b[i].PublicKey().Marshal()) {
			t.Errorf("host key %d changed across loads", i)
		}
		types = append(types, a[i].PublicKey().Type())
	}
	if fmt.Sprint(types) != "[ssh-ed25519 ssh-rsa]" {
		t.Errorf("host key types %v", types)
	}
	for _, f := range []string{ed25519KeyFile, rsaKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, fi.Mode(), err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestParallelGuessesTakeTurns: wrong passwords sent over parallel
// connections to a headend are checked in turns, as if one connection
// retried; a login to another headend from the same address is not held up.
func TestParallelGuessesTakeTurns(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	tl := newTestLab(t, Options{Log: zap.New(core)}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	other := tl.create("asa2", "FCH1947V0GZ")
	if c, err := dial(addr, "admin", "guess0"); err == nil {
		c.Close()
		t.Fatal("a wrong password logged in")
	}
	// One failure: the next turns come 400 ms, then 800 ms, 1.6 s... apart.
	start := time.Now()
	for i := range 10 {
		go func() {
			if c, err := dial(addr, "admin", fmt.Sprintf("guess%d", i+1)); err == nil {
				c.Close()
			}
		}()
	}
	c, err := dial(other, "admin", "admin")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	// Not held up: the next turn at asa1 is 400 ms away, and more after.
	if d := time.Since(start); d > time.Second {
		t.Errorf("a login to another headend took %s", d)
	}
	time.Sleep(time.Until(start.Add(700 * time.Millisecond))) // the window measured
	if n := logs.FilterMessage("login refused").Len() - 1; n > 2 {
		t.Errorf("%d of 10 parallel wrong passwords checked within 700 ms; turns allow 2", n)
	}
}

// TestStalledReaderFreesSlot: a client that opens a shell, has a command
// print more than the channel's window and never reads is hung up on after
// the idle timeout, and its session slot is free again.
func TestStalledReaderFreesSlot(t *testing.T) {
	const idle = 500 * time.Millisecond
	core, logs := observer.New(zap.InfoLevel)
	tl := newTestLab(t, Options{Log: zap.New(core), IdleTimeout: idle, MaxSessions: 1}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	stuck, sess := adminSession(t, addr)
	in, _ := sess.StdinPipe()
	if _, err := sess.StdoutPipe(); err != nil { // never read
		t.Fatal(err)
	}
	if err := sess.RequestPty("vt100", 24, 80, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	// Some 6 MB of output, three times the client's channel window.
	cmds := "enable\radmin\rterminal pager 0\r" + strings.Repeat("show running-config\r", 4000)
	if _, err := in.Write([]byte(cmds)); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	waitHungUp(t, stuck, idle+10*time.Second, "the client that does not read")
	// Its slot is free: a new client gets a shell.
	sh := openShell(t, addr, "admin", "admin")
	sh.expect("asa1> ")
	// The server renders the output first (more under -race, on a busy
	// machine); then the write stalls for the idle timeout.
	if d := time.Since(sent); d > idle+4*time.Second {
		t.Errorf("the slot was freed %s after the commands were sent, idle timeout %s", d, idle)
	}
	if logs.FilterMessage("session stalled: the client takes no output; connection closed").Len() != 1 {
		t.Error("the hang-up is not logged")
	}
}

// TestUnauthenticatedCaps: connections that have not logged in are capped
// per client address and in total; more are closed before the SSH banner,
// counted and logged. A connection that logs in no longer counts.
func TestUnauthenticatedCaps(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	reg := prometheus.NewRegistry()
	tl := newTestLab(t, Options{Log: zap.New(core), Metrics: NewMetrics(reg), MaxUnauthenticated: 3, MaxUnauthenticatedPerAddr: 2}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	// connect opens a TCP connection from src and tells whether the SSH
	// banner came, or the server closed the connection.
	connect := func(src string) (net.Conn, bool) {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
		nc, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { nc.Close() })
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		line := make([]byte, len(serverVersion))
		if _, err := io.ReadFull(nc, line); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
				return nc, false
			}
			t.Fatal(err)
		}
		if string(line) != serverVersion {
			t.Fatalf("banner %q", line)
		}
		return nc, true
	}
	a1, ok1 := connect("127.0.0.1")
	_, ok2 := connect("127.0.0.1")
	_, ok3 := connect("127.0.0.1")
	if !ok1 || !ok2 || ok3 {
		t.Fatalf("from one address: %v %v %v, want the third refused", ok1, ok2, ok3)
	}
	_, ok4 := connect("127.0.0.2")
	_, ok5 := connect("127.0.0.2")
	if !ok4 || ok5 {
		t.Fatalf("from another address: %v %v, want the second refused (3 in total)", ok4, ok5)
	}
	// A closed connection frees its place; a logged-in one too.
	a1.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := dial(addr, "admin", "admin")
		if err == nil {
			defer c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no login after a connection closed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The client knows it logged in a moment before the server counts it.
	for {
		if _, ok := connect("127.0.0.1"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a logged-in connection still counts as not logged in")
		}
		time.Sleep(10 * time.Millisecond)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() == "asalab_ssh_connections_refused_total" {
			for _, m := range mf.GetMetric() {
				got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
			}
		}
	}
	// Retries above may have been refused too.
	if got["unauthenticated_per_address"] < 1 || got["unauthenticated_total"] < 1 {
		t.Errorf("asalab_ssh_connections_refused_total %v, want each reason counted", got)
	}
	refused := logs.FilterMessage("connection refused: too many connections not logged in").All()
	if len(refused) != 1 || refused[0].ContextMap()["reason"] != "unauthenticated_per_address" {
		t.Errorf("refusals logged (one a second): %v", refused)
	}
}

// TestExecQuestionIdle: an exec whose question ([confirm]) gets no answer,
// the client's input left open, is hung up on after the idle timeout; the
// command is not done and the slot is free again.
func TestExecQuestionIdle(t *testing.T) {
	const idle = 300 * time.Millisecond
	tl := newTestLab(t, Options{IdleTimeout: idle, MaxSessions: 1}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	c, s := adminSession(t, addr)
	if _, err := s.StdinPipe(); err != nil { // open, never written
		t.Fatal(err)
	}
	if err := s.Start("reload"); err != nil {
		t.Fatal(err)
	}
	waitHungUp(t, c, idle+10*time.Second, "the unanswered exec")
	openShell(t, addr, "admin", "admin").expect("asa1> ")
	if snap, err := tl.lab.Get("asa1"); err != nil || snap.Device.BootCount() != 0 {
		t.Errorf("the unanswered reload was done: %d boots (%v)", snap.Device.BootCount(), err)
	}
}

// TestCtrlCAtConfirm: over SSH, Ctrl-C at reload's [confirm] abandons the
// reload, and the next Enter is an empty line.
func TestCtrlCAtConfirm(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	sh := enabledShell(t, addr)
	sh.send("reload\r")
	sh.expect("reload\r\nProceed with reload? [confirm]")
	sh.send("\x03")
	if got := sh.expect("asa1# "); got != "^C\r\nasa1# " {
		t.Errorf("Ctrl-C at [confirm]: %q", got)
	}
	sh.send("\r")
	if got := sh.expect("asa1# "); got != "\r\nasa1# " {
		t.Errorf("Enter after Ctrl-C: %q", got)
	}
	if snap, err := tl.lab.Get("asa1"); err != nil || snap.Device.BootCount() != 0 {
		t.Errorf("the abandoned reload was done: %d boots (%v)", snap.Device.BootCount(), err)
	}
}

// TestShowSSHSessions: `show ssh sessions` lists the headend's own SSH
// connections, the one asking included, with the algorithms each
// negotiated; a closed connection leaves the list.
func TestShowSSHSessions(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	dialWith := func(cipher, mac string) *ssh.Client {
		c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
			Config: ssh.Config{Ciphers: []string{cipher}, MACs: []string{mac}},
			User:   "admin", Auth: []ssh.AuthMethod{ssh.Password("admin")},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	show := func(c *ssh.Client) string {
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Output("show ssh sessions")
		if err != nil {
			t.Fatalf("show ssh sessions: %v\n%s", err, out)
		}
		return string(out)
	}
	first := dialWith("aes128-ctr", "hmac-sha2-256")
	second := dialWith("aes256-ctr", "hmac-sha1")
	want := "SID Client IP       Version Mode Encryption Hmac          State           Username\n" +
		"0   127.0.0.1       2.0     IN   aes128-ctr sha2-256      SessionStarted  admin\n" +
		"                            OUT  aes128-ctr sha2-256      SessionStarted  admin\n" +
		"1   127.0.0.1       2.0     IN   aes256-ctr sha1          SessionStarted  admin\n" +
		"                            OUT  aes256-ctr sha1          SessionStarted  admin\n"
	if got := show(second); got != want {
		t.Errorf("show ssh sessions:\n%s\nwant\n%s", got, want)
	}
	first.Close()
	want = "SID Client IP       Version Mode Encryption Hmac          State           Username\n" +
		"1   127.0.0.1       2.0     IN   aes256-ctr sha1          SessionStarted  admin\n" +
		"                            OUT  aes256-ctr sha1          SessionStarted  admin\n"
	deadline := time.Now().Add(10 * time.Second)
	for got := show(second); got != want; got = show(second) {
		if time.Now().After(deadline) {
			t.Fatalf("after the first connection closed:\n%s\nwant\n%s", got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestShellIOSPrivilege15: on an IOS router (no aaa new-model), a `login
// local` user of privilege 15 starts an SSH shell in privileged EXEC, and
// one of privilege 1 in user EXEC; the ASA's shells keep starting in user
// EXEC (TestShellAndEnable).
func TestShellIOSPrivilege15(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	s, err := tl.lab.Create("CISCO2911", "r1", "FTX1840ALBS")
	if err != nil {
		t.Fatal(err)
	}
	sh := openShell(t, s.SSHAddress, "admin", "admin")
	sh.expect("r1#")
	sh.send("show privilege\r")
	if got := sh.expect("r1#"); !strings.Contains(got, "Current privilege level is 15\r\n") {
		t.Errorf("show privilege: %q", got)
	}
	if _, err := tl.lab.Exec("r1", []string{"configure terminal", "username op privilege 1 secret op1", "end"}); err != nil {
		t.Fatal(err)
	}
	op := openShell(t, s.SSHAddress, "op", "op1")
	op.expect("r1>")
	op.send("show privilege\r")
	if got := op.expect("r1>"); !strings.Contains(got, "Current privilege level is 1\r\n") {
		t.Errorf("show privilege as op: %q", got)
	}
}
