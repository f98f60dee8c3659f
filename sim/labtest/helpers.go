package labtest

import (
	"context"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// The helpers below fail the test (t.Fatalf, from the goroutine of the
// test that made the *Lab) with the RPC's error when the daemon refuses.
// Where a refusal is what a test expects, call the service clients.

// Console login of a headend created by CreateHeadend: the factory
// configuration's user and enable password (headendctl create's defaults).
const (
	DefaultUser     = "admin"
	DefaultPassword = "admin"
)

func (l *Lab) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), callTimeout)
}

// CreateHeadend adds a headend of model (e.g. "ASA5525") named hostname to
// the lab. With features (the words `headendctl keygen` takes, e.g.
// "premium=250", "3des", "failover=active-standby"), it mints a permanent
// activation key for the headend's serial with the lab's signing secret
// and installs it; without, the headend runs the Base license. It returns
// the headend as it is then.
func (l *Lab) CreateHeadend(model, hostname string, features ...string) *headendv1.Headend {
	l.t.Helper()
	ctx, cancel := l.ctx()
	defer cancel()
	resp, err := l.Headends.CreateHeadend(ctx, &headendv1.CreateHeadendRequest{Model: model, Hostname: hostname})
	if err != nil {
		l.t.Fatalf("labtest: creating headend %s (%s) in lab %s: %v", hostname, model, l.Name, err)
	}
	if len(features) == 0 {
		return resp.GetHeadend()
	}
	return l.InstallKey(hostname, 0, features...).GetHeadend()
}

// Key mints an activation key for serial in this lab, as `headendctl
// keygen` does: permanent when days is 0, else time-based for that many
// days (nonce 0).
func (l *Lab) Key(serial string, days int, features ...string) string {
	l.t.Helper()
	f, err := keygen.ParseFeatures(features)
	if err != nil {
		l.t.Fatalf("labtest: key features %q: %v", features, err)
	}
	w, err := l.d.master.ForLab(l.Name).Encode(keygen.Key{Serial: serial, Features: f, Days: days})
	if err != nil {
		l.t.Fatalf("labtest: key for %s: %v", serial, err)
	}
	return w.String()
}

// InstallKey mints a key for the headend's serial (Key) and installs it,
// returning the console's messages and the headend.
func (l *Lab) InstallKey(hostname string, days int, features ...string) *headendv1.InstallActivationKeyResponse {
	l.t.Helper()
	key := l.Key(l.Get(hostname).GetSerial(), days, features...)
	ctx, cancel := l.ctx()
	defer cancel()
	resp, err := l.Headends.InstallActivationKey(ctx, &headendv1.InstallActivationKeyRequest{Hostname: hostname, ActivationKey: key})
	if err != nil {
		l.t.Fatalf("labtest: installing key %s (%s) on %s in lab %s: %v", key, strings.Join(features, " "), hostname, l.Name, err)
	}
	return resp
}

// Get returns the headend named hostname.
func (l *Lab) Get(hostname string) *headendv1.Headend {
	l.t.Helper()
	ctx, cancel := l.ctx()
	defer cancel()
	resp, err := l.Headends.GetHeadend(ctx, &headendv1.GetHeadendRequest{Hostname: hostname})
	if err != nil {
		l.t.Fatalf("labtest: headend %s in lab %s: %v", hostname, l.Name, err)
	}
	return resp.GetHeadend()
}

// Exec runs console lines on the headend, in one session starting in
// privileged mode, and returns what the console printed (prompts, echoed
// lines and output). A line the console refuses is part of the output, not
// a failure.
func (l *Lab) Exec(hostname string, lines ...string) string {
	l.t.Helper()
	ctx, cancel := l.ctx()
	defer cancel()
	resp, err := l.Headends.Exec(ctx, &headendv1.ExecRequest{Hostname: hostname, Lines: lines})
	if err != nil {
		l.t.Fatalf("labtest: exec %q on %s in lab %s: %v", lines, hostname, l.Name, err)
	}
	return resp.GetTranscript()
}

// Admit asks the headend to admit one VPN connection of user from the
// client device "pc-" + user (a user's second device is a call of the
// HeadendService client); a refusal is the answer's reason, not a failure.
func (l *Lab) Admit(hostname, user string, kind headendv1.ConnectionKind) *headendv1.AdmitConnectionResponse {
	l.t.Helper()
	ctx, cancel := l.ctx()
	defer cancel()
	resp, err := l.Headends.AdmitConnection(ctx, &headendv1.AdmitConnectionRequest{Headend: hostname, User: user, ClientDevice: "pc-" + user, Kind: kind})
	if err != nil {
		l.t.Fatalf("labtest: admitting %s on %s in lab %s: %v", user, hostname, l.Name, err)
	}
	return resp
}

// Release ends a session Admit admitted.
func (l *Lab) Release(hostname string, sessionID uint64) {
	l.t.Helper()
	ctx, cancel := l.ctx()
	defer cancel()
	if _, err := l.Headends.ReleaseConnection(ctx, &headendv1.ReleaseConnectionRequest{Headend: hostname, SessionId: sessionID}); err != nil {
		l.t.Fatalf("labtest: releasing session %d on %s in lab %s: %v", sessionID, hostname, l.Name, err)
	}
}

// Now is the lab clock's reading.
func (l *Lab) Now() time.Time {
	l.t.Helper()
	ctx, cancel := l.ctx()
	defer cancel()
	resp, err := l.Lab.GetClock(ctx, &headendv1.GetClockRequest{})
	if err != nil {
		l.t.Fatalf("labtest: clock of lab %s: %v", l.Name, err)
	}
	return resp.GetClock().GetNow().AsTime()
}

// Advance moves the lab's simulated clock forward by d (timers due on the
// way fire: keys expire, reloads finish) and returns the new reading.
func (l *Lab) Advance(d time.Duration) time.Time {
	l.t.Helper()
	ctx, cancel := l.ctx()
	defer cancel()
	resp, err := l.Lab.AdvanceClock(ctx, &headendv1.AdvanceClockRequest{Duration: durationpb.New(d)})
	if err != nil {
		l.t.Fatalf("labtest: advancing the clock of lab %s by %v: %v", l.Name, d, err)
	}
	return resp.GetClock().GetNow().AsTime()
}

// SSHAddr is the address ("127.0.0.1:PORT") of the headend's SSH console.
func (l *Lab) SSHAddr(hostname string) string {
	l.t.Helper()
	addr := l.Get(hostname).GetSshAddress()
	if addr == "" {
		l.t.Fatalf("labtest: headend %s in lab %s has no SSH console (WithSSHPorts(0), or no free port was left)", hostname, l.Name)
	}
	return addr
}

// SSHConfig is a client configuration for the headend's console: the
// factory user (DefaultUser, DefaultPassword) and a host key check that
// accepts only this daemon's console keys.
func (l *Lab) SSHConfig(hostname string) *ssh.ClientConfig {
	return &ssh.ClientConfig{
		User: DefaultUser, Auth: []ssh.AuthMethod{ssh.Password(DefaultPassword)},
		HostKeyCallback: l.d.checkHostKey, Timeout: 10 * time.Second,
	}
}

// SSH dials the headend's console (SSHAddr, SSHConfig); the connection is
// closed when the test ends.
func (l *Lab) SSH(hostname string) *ssh.Client {
	l.t.Helper()
	c, err := ssh.Dial("tcp", l.SSHAddr(hostname), l.SSHConfig(hostname))
	if err != nil {
		l.t.Fatalf("labtest: SSH to %s in lab %s: %v", hostname, l.Name, err)
	}
	l.t.Cleanup(func() { _ = c.Close() })
	return c
}

// ListEvents returns the lab's events so far that the filter selects (nil:
// all), in order.
func (l *Lab) ListEvents(filter *headendv1.EventFilter) []*headendv1.Event {
	l.t.Helper()
	var all []*headendv1.Event
	page := ""
	for {
		ctx, cancel := l.ctx()
		resp, err := l.Events.ListEvents(ctx, &headendv1.ListEventsRequest{PageSize: 1000, PageToken: page, Filter: filter})
		cancel()
		if err != nil {
			l.t.Fatalf("labtest: events of lab %s: %v", l.Name, err)
		}
		all = append(all, resp.GetEvents()...)
		if page = resp.GetNextPageToken(); page == "" {
			return all
		}
	}
}

// Apply makes the lab match a lab file's YAML and returns what changed,
// one line each (none: it matched already). The file goes to this lab
// whatever lab it names: the clients name the lab in every call, and a
// request's lab wins over the file's. Error messages call it lab.yaml.
func (l *Lab) Apply(yaml string) []string {
	l.t.Helper()
	return l.apply("lab.yaml", yaml)
}

func (l *Lab) apply(name, content string) []string {
	l.t.Helper()
	ctx, cancel := l.ctx()
	defer cancel()
	resp, err := l.Labs.ApplyLab(ctx, &headendv1.ApplyLabRequest{Lab: l.Name, FileName: name, Content: content})
	if err != nil {
		l.t.Fatalf("labtest: applying %s to lab %s: %v", name, l.Name, err)
	}
	return resp.GetChanges()
}

// applyFile applies WithLabFile's argument: YAML if it holds a line break,
// else the path of a file.
func (l *Lab) applyFile(pathOrYAML string) {
	l.t.Helper()
	if strings.Contains(pathOrYAML, "\n") {
		l.apply("lab.yaml", pathOrYAML)
		return
	}
	b, err := os.ReadFile(pathOrYAML)
	if err != nil {
		l.t.Fatalf("labtest: lab file: %v", err)
	}
	l.apply(pathOrYAML, string(b))
}
