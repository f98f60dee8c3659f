// Package labtest runs asalab labs for Go tests, as httptest runs HTTP
// servers: Start runs a headendd in the test's process on ephemeral
// loopback ports with a temporary data dir, a simulated clock at a fixed
// start and bearer tokens on, and stops it when the test ends; the *Lab it
// returns holds gRPC clients already carrying the token and the lab's name,
// and helpers that fail the test with a clear message (create a headend
// with an activation key, run console lines, admit a VPN user, move the
// clock, reach a console over SSH, apply a lab file).
//
// A daemon per test costs a few tens of milliseconds; a lab per
// test on one daemon costs a few milliseconds (BenchmarkPerTest). For a
// suite of parallel tests, start one daemon in the parent test and give
// each subtest its own lab with (*Lab).NewLab, or call Shared in each
// test: labs are isolated (headends, clock, portal, Smart accounts, event
// log, console logins), and a lab token reaches its own lab only.
//
// labtest imports the daemon's assembly (package cmd/headendd/daemon),
// which imports package sim and its subpackages; nothing under sim imports
// labtest, so the import is no cycle. Only tests import labtest.
package labtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"golang.org/x/crypto/ssh"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/asalab/asalab/cmd/headendd/auth"
	"github.com/asalab/asalab/cmd/headendd/daemon"
	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// DefaultClockStart is where a lab's simulated clock starts unless
// WithClockStart says otherwise: a fixed instant, so that what a test sees
// (key expiry dates, uptimes, event times) is the same every run.
var DefaultClockStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// DefaultLab is the lab every daemon has; Start's *Lab uses it unless
// WithLab names another.
const DefaultLab = sim.DefaultLab

// callTimeout bounds each RPC a helper makes, so that a wedged daemon
// fails the test with a message instead of hanging it until go test's
// own timeout.
const callTimeout = time.Minute

// Option changes how Start, Shared or NewLab make a lab.
type Option func(*options)

type options struct {
	clockStart time.Time
	realClock  bool
	labFile    string
	lab        string
	sshPorts   int
}

// WithClockStart starts the lab's simulated clock at t instead of
// DefaultClockStart.
func WithClockStart(t time.Time) Option { return func(o *options) { o.clockStart = t } }

// WithRealClock gives the lab the machine's clock instead of a simulated
// one: Advance then fails, and times are not the same from run to run.
func WithRealClock() Option { return func(o *options) { o.realClock = true } }

// WithLabFile applies a lab file (YAML) to the lab once it is made, as
// Apply does (to this lab, whatever lab the file names): a path to the
// file, or, when the text holds a line break, the YAML itself.
func WithLabFile(pathOrYAML string) Option { return func(o *options) { o.labFile = pathOrYAML } }

// WithLab makes Start create a lab of this name beside the default one and
// talk to it with a token of its own, as a test sharing a daemon would.
// With NewLab and Shared it names the new lab (default: from the test's
// name).
func WithLab(name string) Option { return func(o *options) { o.lab = name } }

// WithSSHPorts sets how many console ports Start's daemon has (one a
// headend, over all its labs; default 500); 0 serves no SSH consoles. It
// has no effect on NewLab, whose lab shares its daemon's ports.
func WithSSHPorts(n int) Option { return func(o *options) { o.sshPorts = n } }

func makeOptions(opts []Option) options {
	o := options{clockStart: DefaultClockStart, sshPorts: defaultSSHPorts}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Lab is one lab of a running daemon and the clients to reach it. The
// service clients send the lab's token and its name (metadata asalab-lab)
// with every call, so requests may leave their lab field empty.
type Lab struct {
	// Name is the lab's name; Token the bearer token the clients send (the
	// daemon's admin token for the default lab, else the lab's own).
	Name, Token string
	// Addr is the daemon's gRPC address; DataDir its data directory.
	Addr, DataDir string
	// AdminToken reaches every lab of the daemon.
	AdminToken string
	// Conn is the connection the clients share.
	Conn *grpc.ClientConn

	Headends  headendv1.HeadendServiceClient
	Lab       headendv1.LabServiceClient // clock, network cuts, power
	Labs      headendv1.LabsServiceClient
	Portal    headendv1.PortalServiceClient
	Smart     headendv1.SmartServiceClient
	Events    headendv1.EventServiceClient
	Scenarios headendv1.ScenarioServiceClient
	Replay    headendv1.ReplayServiceClient
	Twins     headendv1.TwinServiceClient

	t testing.TB
	d *running
}

// running is one daemon and what its labs share.
type running struct {
	d          *daemon.Daemon
	addrs      daemon.Addrs
	dataDir    string
	adminToken string
	master     *keygen.Signer
	hostKeys   map[string]bool // the marshalled public host keys of the consoles
	admin      *grpc.ClientConn
	labs       headendv1.LabsServiceClient
	logs       *logBuffer
	seq        atomic.Int64 // names NewLab's labs
	ports      portBlock
	shared     bool // Shared's: no test owns it
}

// Start runs a daemon for the test and returns its default lab (or, with
// WithLab, a lab of its own). t.Cleanup stops the daemon and waits for it;
// if the test failed, the daemon's log is written to the test's log.
func Start(t testing.TB, opts ...Option) *Lab {
	t.Helper()
	o := makeOptions(opts)
	logs := newLogBuffer()
	t.Cleanup(func() { logs.dumpIfFailed(t, "") }) // after the stop below: Cleanup runs last-in first-out
	r, err := startDaemon(t.TempDir(), o, logs)
	if err != nil {
		t.Fatalf("labtest: %v", err)
	}
	t.Cleanup(func() {
		if err := r.stop(); err != nil {
			t.Errorf("labtest: stopping the daemon: %v", err)
		}
	})
	if o.lab == "" {
		l, err := r.client(t, DefaultLab, r.adminToken)
		if err != nil {
			t.Fatalf("labtest: %v", err)
		}
		if o.labFile != "" {
			l.applyFile(o.labFile)
		}
		return l
	}
	return r.newLab(t, o)
}

// startDaemon starts a daemon on dir.
func startDaemon(dir string, o options, logs *logBuffer) (*running, error) {
	// The flags headendd would parse, so that every setting not named
	// here is headendd's default (boot time, PAK delay...).
	// No web console: its default port is one per machine.
	args := []string{"--data-dir", dir, "--grpc-addr", "127.0.0.1:0", "--metrics-addr", "", "--http-addr", "", "--auth", "--log-level", "info"}
	if o.realClock {
		args = append(args, "--clock", "real")
	} else {
		args = append(args, "--clock", "sim", "--clock-start", o.clockStart.UTC().Format(time.RFC3339Nano))
	}
	var block portBlock
	var keys map[string]bool
	if o.sshPorts > 0 {
		var err error
		if block, err = reservePorts(o.sshPorts); err != nil {
			return nil, err
		}
		args = append(args, "--ssh-addr", fmt.Sprintf("127.0.0.1:%d", block.base), "--ssh-ports", fmt.Sprint(block.count))
		if keys, err = seedHostKeys(dir); err != nil {
			block.release()
			return nil, err
		}
	}
	cfg, err := daemon.ParseFlags(args)
	if err != nil {
		block.release()
		return nil, err
	}
	d, err := daemon.Start(context.Background(), cfg, zap.New(logs.core()))
	if err != nil {
		block.release()
		return nil, fmt.Errorf("starting headendd: %w", err)
	}
	r := &running{d: d, addrs: d.Addrs(), dataDir: dir, logs: logs, ports: block, hostKeys: keys}
	if err := r.load(); err != nil {
		_ = r.stop()
		return nil, err
	}
	return r, nil
}

// load reads what the daemon made in its data dir: the admin token, the
// signing secret, the console host keys; and dials it as admin.
func (r *running) load() error {
	b, err := os.ReadFile(r.addrs.AdminTokenFile)
	if err != nil {
		return fmt.Errorf("reading the admin token: %w", err)
	}
	r.adminToken = strings.TrimSpace(string(b))
	secret, err := keygen.ReadSecretFile(filepath.Join(r.dataDir, keygen.SecretFile))
	if err != nil {
		return err
	}
	if r.master, err = keygen.NewSigner(secret); err != nil {
		return err
	}
	if r.admin, err = dial(r.addrs.GRPC, r.adminToken, ""); err != nil {
		return err
	}
	r.labs = headendv1.NewLabsServiceClient(r.admin)
	return nil
}

func (r *running) stop() error {
	if r.admin != nil {
		_ = r.admin.Close()
	}
	err := r.d.Stop()
	r.ports.release()
	return err
}

// dial connects to addr sending token and, unless empty, the lab's name
// with every call. The daemon listens on loopback, where it serves without
// TLS.
func dial(addr, token, lab string) (*grpc.ClientConn, error) {
	md := []string{auth.AuthorizationKey, "Bearer " + token}
	if lab != "" {
		md = append(md, auth.LabMetadataKey, lab)
	}
	return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			return invoker(metadata.AppendToOutgoingContext(ctx, md...), method, req, reply, cc, opts...)
		}),
		grpc.WithStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
			return streamer(metadata.AppendToOutgoingContext(ctx, md...), desc, cc, method, opts...)
		}))
}

// client makes the *Lab of lab for t, closing its connection at t's end.
func (r *running) client(t testing.TB, lab, token string) (*Lab, error) {
	conn, err := dial(r.addrs.GRPC, token, lab)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &Lab{
		Name: lab, Token: token, Addr: r.addrs.GRPC, DataDir: r.dataDir, AdminToken: r.adminToken, Conn: conn,
		Headends: headendv1.NewHeadendServiceClient(conn), Lab: headendv1.NewLabServiceClient(conn),
		Labs: headendv1.NewLabsServiceClient(conn), Portal: headendv1.NewPortalServiceClient(conn),
		Smart: headendv1.NewSmartServiceClient(conn), Events: headendv1.NewEventServiceClient(conn),
		Scenarios: headendv1.NewScenarioServiceClient(conn), Replay: headendv1.NewReplayServiceClient(conn),
		Twins: headendv1.NewTwinServiceClient(conn),
		t:     t, d: r,
	}, nil
}

// NewLab creates a fresh lab with its own token on l's daemon, for t; the
// lab is deleted when t ends. Options: WithLab (its name; default one made
// from t's name), WithClockStart, WithRealClock, WithLabFile. Parallel
// subtests each calling NewLab on their parent's daemon share it safely.
func (l *Lab) NewLab(t testing.TB, opts ...Option) *Lab {
	t.Helper()
	return l.d.newLab(t, makeOptions(opts))
}

func (r *running) newLab(t testing.TB, o options) *Lab {
	t.Helper()
	name := o.lab
	if name == "" {
		name = labName(t.Name(), r.seq.Add(1))
	}
	req := &headendv1.CreateLabRequest{Lab: name, ClockMode: headendv1.ClockMode_CLOCK_MODE_SIMULATED, ClockStart: timestamppb.New(o.clockStart)}
	if o.realClock {
		req.ClockMode, req.ClockStart = headendv1.ClockMode_CLOCK_MODE_REAL, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	resp, err := r.labs.CreateLab(ctx, req)
	if err != nil {
		t.Fatalf("labtest: creating lab %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		// Deleting the lab frees its console ports and store keys for the
		// tests still running on the daemon.
		if _, err := r.labs.DeleteLab(ctx, &headendv1.DeleteLabRequest{Lab: name}); err != nil {
			t.Errorf("labtest: deleting lab %s: %v", name, err)
		}
	})
	if r.shared {
		// A daemon of Start writes its whole log to its own test, which
		// fails with any of its subtests.
		t.Cleanup(func() { r.logs.dumpIfFailed(t, name) }) // before the delete, which logs too
	}
	l, err := r.client(t, name, resp.GetToken())
	if err != nil {
		t.Fatalf("labtest: %v", err)
	}
	if o.labFile != "" {
		l.applyFile(o.labFile)
	}
	return l
}

var notLabChars = regexp.MustCompile(`[^a-z0-9]+`)

// labName makes a lab name from a test's name, unique by n: "t-" keeps it
// from starting with '-', and the length stays within the 63 a name may
// have.
func labName(test string, n int64) string {
	s := strings.Trim(notLabChars.ReplaceAllString(strings.ToLower(test), "-"), "-")
	suffix := fmt.Sprintf("-%d", n)
	if max := 63 - len("t-") - len(suffix); len(s) > max {
		s = strings.TrimRight(s[:max], "-")
	}
	return "t-" + s + suffix
}

// The daemon Shared hands out labs of, while any test holds one.
var shared struct {
	mu    sync.Mutex
	r     *running
	dir   string
	users int
}

// Shared returns a fresh lab for t on a daemon shared by the tests of the
// process that call Shared: the first call starts it, the lab is deleted
// when t ends, and the daemon stops when the last test holding a lab of it
// ends (tests that call Shared and then t.Parallel all share one daemon).
// Options are NewLab's. The shared daemon's log reaches a failing test's
// log only in the lines that name its lab.
func Shared(t testing.TB, opts ...Option) *Lab {
	t.Helper()
	shared.mu.Lock()
	if shared.r == nil {
		dir, err := os.MkdirTemp("", "asalab-labtest-")
		if err != nil {
			shared.mu.Unlock()
			t.Fatalf("labtest: %v", err)
		}
		r, err := startDaemon(dir, makeOptions(nil), newLogBuffer())
		if err != nil {
			_ = os.RemoveAll(dir)
			shared.mu.Unlock()
			t.Fatalf("labtest: %v", err)
		}
		r.shared = true
		shared.r, shared.dir = r, dir
	}
	shared.users++
	r := shared.r
	shared.mu.Unlock()
	t.Cleanup(releaseShared) // runs after the lab's own cleanups: last-in first-out
	return r.newLab(t, makeOptions(opts))
}

func releaseShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.users--; shared.users > 0 {
		return
	}
	_ = shared.r.stop()
	_ = os.RemoveAll(shared.dir)
	shared.r, shared.dir = nil, ""
}

// checkHostKey accepts only the daemon's own console host keys: should
// another program hold a port the daemon gave a headend (see reservePorts),
// a test reaches no one else's console by mistake.
func (r *running) checkHostKey(hostname string, _ net.Addr, key ssh.PublicKey) error {
	if r.hostKeys[string(key.Marshal())] {
		return nil
	}
	return fmt.Errorf("labtest: %s answers with a host key that is not this daemon's: another program holds the port", hostname)
}
