// Package rsyslogtest runs Debian's rsyslogd as a syslog collector for
// tests: it listens on 127.0.0.1 over UDP and TCP and writes each message
// it receives, as it parsed it, to a file the test reads.
package rsyslogtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary is Debian's rsyslogd.
const Binary = "/usr/sbin/rsyslogd"

// InstallHint says how to get it.
const InstallHint = "run .ci/run as root (its .ci/deps installs it), or: apt-get install rsyslog"

// Received is one message as rsyslog parsed it: its properties hostname,
// syslogtag, msg, pri and timereported (RFC 3339).
type Received struct {
	Hostname, Tag, Msg string
	Pri                int
	Time               string
}

func (r Received) String() string {
	return fmt.Sprintf("pri=%d time=%s hostname=%q tag=%q msg=%q", r.Pri, r.Time, r.Hostname, r.Tag, r.Msg)
}

// Collector is a running rsyslogd.
type Collector struct {
	// UDP and TCP are the addresses it listens on, 127.0.0.1:PORT.
	UDP, TCP string

	out, dir string
	cmd      *exec.Cmd
	stderr   *lockedBuffer
	done     chan struct{}
}

// The fields are separated by a byte rsyslog escapes inside a property
// (control characters become "#NNN"), so a message cannot fake one.
const sep = "\x1f"

const config = `global(workDirectory="{{dir}}" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="{{udp}}")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="{{dir}}/tcp.port")
template(name="fields" type="string" string="%pri%{{sep}}%timereported:::date-rfc3339%{{sep}}%hostname%{{sep}}%syslogtag%{{sep}}%msg%\n")
action(type="omfile" file="{{out}}" template="fields")
`

// Start runs rsyslogd for the test and stops it when the test ends. It
// fails the test (a conformance test does not skip) when rsyslogd is not
// installed.
func Start(t testing.TB) *Collector {
	t.Helper()
	if _, err := os.Stat(Binary); err != nil {
		t.Fatalf("rsyslogd is not installed (%v); %s", err, InstallHint)
	}
	var errs []string
	// The UDP port is found free, then handed to rsyslogd (its imudp
	// cannot report a port it picked itself); another program can take
	// it in between, so a start that never receives is tried again.
	for range 3 {
		c, err := start(t)
		if err == nil {
			return c
		}
		errs = append(errs, err.Error())
	}
	t.Fatalf("rsyslogd did not start:\n%s", strings.Join(errs, "\n"))
	return nil
}

func start(t testing.TB) (*Collector, error) {
	dir, err := os.MkdirTemp("", "rsyslogtest-")
	if err != nil {
		return nil, err
	}
	udp, err := freeUDPPort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &Collector{dir: dir, out: filepath.Join(dir, "received"), stderr: &lockedBuffer{}, done: make(chan struct{})}
	conf := strings.NewReplacer("{{sep}}", sep, "{{dir}}", dir, "{{out}}", c.out, "{{udp}}", strconv.Itoa(udp)).Replace(config)
	confFile := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c.cmd = exec.Command(Binary, "-n", "-f", confFile, "-i", filepath.Join(dir, "rsyslogd.pid"))
	// rsyslogd reads a BSD timestamp, which has no zone, in its own.
	c.cmd.Env = append(os.Environ(), "TZ=UTC")
	c.cmd.Stdout, c.cmd.Stderr = c.stderr, c.stderr
	if err := c.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%s: %v", Binary, err)
	}
	go func() { _ = c.cmd.Wait(); close(c.done) }()
	c.UDP = fmt.Sprintf("127.0.0.1:%d", udp)
	if err := c.ready(); err != nil {
		c.stop()
		return nil, err
	}
	t.Cleanup(c.stop)
	return c, nil
}

func freeUDPPort() (int, error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer pc.Close()
	return pc.LocalAddr().(*net.UDPAddr).Port, nil
}

// ready waits until rsyslogd listens on TCP and has written a UDP probe to
// its file: only a message that went all the way through shows that it
// receives.
func (c *Collector) ready() error {
	deadline := time.Now().Add(15 * time.Second)
	probe, err := net.Dial("udp", c.UDP)
	if err != nil {
		return err
	}
	defer probe.Close()
	for n := 0; time.Now().Before(deadline); n++ {
		select {
		case <-c.done:
			return fmt.Errorf("rsyslogd exited: %s", c.stderr)
		default:
		}
		if c.TCP == "" {
			if b, err := os.ReadFile(filepath.Join(c.dir, "tcp.port")); err == nil {
				if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && p > 0 {
					c.TCP = fmt.Sprintf("127.0.0.1:%d", p)
				}
			}
		}
		if c.TCP != "" && len(c.match(func(r Received) bool { return r.Hostname == "rsyslogtest" })) > 0 {
			return nil
		}
		_, _ = fmt.Fprintf(probe, "<13>Jan 01 00:00:00 rsyslogtest probe: %d", n)
		time.Sleep(20 * time.Millisecond) // polling for rsyslogd, which has no readiness signal
	}
	return fmt.Errorf("rsyslogd on %s received no probe within 15s: %s", c.UDP, c.stderr)
}

// All returns the messages received so far, oldest first, without the
// collector's own probes.
func (c *Collector) All() []Received {
	return c.match(func(r Received) bool { return r.Hostname != "rsyslogtest" })
}

func (c *Collector) match(keep func(Received) bool) []Received {
	b, err := os.ReadFile(c.out)
	if err != nil {
		return nil
	}
	var rs []Received
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.SplitN(line, sep, 5)
		if len(f) != 5 {
			continue
		}
		pri, _ := strconv.Atoi(f[0])
		r := Received{Pri: pri, Time: f[1], Hostname: f[2], Tag: f[3], Msg: f[4]}
		if keep(r) {
			rs = append(rs, r)
		}
	}
	return rs
}

// WaitFor polls the collector's file until n messages match keep, and
// returns them; it fails the test with what was received if they have not
// come within timeout.
func (c *Collector) WaitFor(t testing.TB, n int, timeout time.Duration, keep func(Received) bool) []Received {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if rs := c.match(keep); len(rs) >= n {
			return rs
		}
		if time.Now().After(deadline) {
			var all []string
			for _, r := range c.All() {
				all = append(all, r.String())
			}
			t.Fatalf("rsyslogd did not receive %d matching messages within %v; it received:\n%s\nits output: %s",
				n, timeout, strings.Join(all, "\n"), c.stderr)
		}
		select {
		case <-c.done:
			t.Fatalf("rsyslogd exited: %s", c.stderr)
		case <-time.After(20 * time.Millisecond): // polling the file rsyslogd appends to
		}
	}
}

// stop ends rsyslogd (SIGTERM, then SIGKILL) and removes its files.
func (c *Collector) stop() {
	select {
	case <-c.done:
	default:
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	}
	os.RemoveAll(c.dir)
}

// lockedBuffer collects rsyslogd's output, written by exec's copier while a
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.TrimSpace(l.b.String())
}
