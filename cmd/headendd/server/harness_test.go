package server

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// testSecret is the lab signing secret of every test lab, so that keys in
// golden files are stable.
var testSecret = []byte("asalab-test-secret-0123456789abcdef")

// labStart is the simulated clock of a new test lab.
var labStart = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// env is a lab served over an in-memory gRPC connection, on a store in a
// temporary directory, with a simulated clock.
type env struct {
	t        testing.TB
	dir      string
	store    *sim.Store
	lab      *sim.Lab
	gs       *grpc.Server
	conn     *grpc.ClientConn
	hc       headendv1.HeadendServiceClient
	lc       headendv1.LabServiceClient
	signer   *keygen.Signer
	vars     map[string]string
	bootTime time.Duration
	// usage, when set, stands in for the lab's admission records in the
	// portal's compliance report (see portal_harness_test.go).
	usage *fakeUsage
	// log, when set, receives the lab's and the server's logs.
	log *zap.Logger
}

func newEnv(t testing.TB) *env {
	t.Helper()
	master, err := keygen.NewSigner(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, dir: t.TempDir(), signer: master.ForLab(sim.DefaultLab), vars: map[string]string{}}
	e.open()
	t.Cleanup(e.close)
	return e
}

func (e *env) open() {
	t := e.t
	store, err := sim.OpenStore(filepath.Join(e.dir, "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	serials := 0
	lab, err := sim.OpenLab(sim.Config{
		Store: store, Signer: e.signer, ClockMode: sim.ClockSimulated, BootTime: e.bootTime,
		PeakSampleInterval: -1, // peaks only when shown: reproducible transcripts
		RealNow:            func() time.Time { return labStart },
		// Deterministic "random" serials.
		Rand:               func(n int) int { serials++; return serials % n },
		PAKActivationDelay: sim.DefaultPAKActivationDelay,
		Usage:              e.usage.orNil(),
		Log:                e.log,
	})
	if err != nil {
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	gs := New(NewLabs(lab), Options{Log: e.log})
	go gs.Serve(lis)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	e.store, e.lab, e.gs, e.conn = store, lab, gs, conn
	e.hc, e.lc = headendv1.NewHeadendServiceClient(conn), headendv1.NewLabServiceClient(conn)
}

func (e *env) close() {
	if e.conn == nil {
		return
	}
	e.conn.Close()
	e.gs.Stop()
	if err := e.lab.Close(); err != nil {
		e.t.Error(err)
	}
	if err := e.store.Close(); err != nil {
		e.t.Error(err)
	}
	e.conn = nil
}

// restart stops and reopens the daemon's state: a daemon restart, not a
// device reload.
func (e *env) restart() {
	e.close()
	e.open()
}

func ctxT() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	_ = cancel // the test's lifetime bounds it
	return ctx
}

// errText prints a gRPC error as "error: Code REASON: message".
func errText(err error) string {
	st := status.Convert(err)
	reason := ""
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			reason = " " + info.GetReason()
		}
	}
	return fmt.Sprintf("error: %s%s: %s", st.Code(), reason, st.Message())
}

var varRef = regexp.MustCompile(`\$[A-Z][A-Z0-9_]*`)

func (e *env) subst(s string) string {
	return varRef.ReplaceAllStringFunc(s, func(v string) string {
		if val, ok := e.vars[v[1:]]; ok {
			return val
		}
		e.t.Fatalf("undefined variable %s", v)
		return v
	})
}

// summary is the part of a Headend a transcript test looks at.
func summary(h *headendv1.Headend) string {
	l := h.GetLicense()
	f := l.GetFeatures()
	var b strings.Builder
	state := strings.ToLower(strings.TrimPrefix(h.GetState().String(), "HEADEND_STATE_"))
	fmt.Fprintf(&b, "%s %s %s %s up since %s\n", h.GetHostname(), h.GetModel(), h.GetSerial(), state,
		h.GetUpSince().AsTime().Format(time.RFC3339))
	fmt.Fprintf(&b, "running key: %s\n", l.GetRunningPermanentKey())
	fmt.Fprintf(&b, "flash key: %s\n", l.GetFlashPermanentKey())
	fmt.Fprintf(&b, "reload pending: %v\n", l.GetReloadPending())
	fmt.Fprintf(&b, "essentials: running %v, saved %v, unsaved config %v\n", h.GetRunningConfig().GetAnyconnectEssentials(),
		h.GetStartupConfig().GetAnyconnectEssentials(), h.GetConfigUnsaved())
	fmt.Fprintf(&b, "peers: premium %d, other %d, total %d; contexts %d; plus/apex %v; vpn-only %d\n",
		f.GetAnyconnectPremiumPeers(), f.GetOtherVpnPeers(), f.GetTotalVpnPeers(), f.GetSecurityContexts(),
		f.GetAnyconnectPlusApex(), f.GetAnyconnectVpnOnlyPeers())
	for _, k := range l.GetTimeBasedKeys() {
		fmt.Fprintf(&b, "time-based %s active=%v days=%d %s\n", k.GetKey(), k.GetActive(), k.GetDaysRemaining(),
			strings.Join(k.GetFeatures(), " "))
	}
	return b.String()
}

// do runs one data-driven command against the environment.
func (e *env) do(c *ddCase) string {
	t := e.t
	pos := c.positional()
	host := ""
	if len(pos) > 0 {
		host = pos[0]
	}
	if out, ok := e.doPortal(c); ok {
		return out
	}
	if out, ok := e.doFaults(c); ok {
		return out
	}
	if out, ok := e.doFailover(c); ok {
		return out
	}
	if out, ok := e.doLicenseView(c); ok {
		return out
	}
	if out, ok := e.doSmart(c); ok {
		return out
	}
	switch c.cmd {
	case "create":
		resp, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{
			Model: c.arg("model", ""), Hostname: c.arg("hostname", ""), Serial: c.arg("serial", ""),
			Username: c.arg("username", ""), Password: c.arg("password", ""), EnablePassword: c.arg("enable", ""),
			SoftwareVersion: c.arg("version", ""),
		})
		if err != nil {
			return errText(err)
		}
		return summary(resp.GetHeadend())
	case "get":
		resp, err := e.hc.GetHeadend(ctxT(), &headendv1.GetHeadendRequest{Hostname: host})
		if err != nil {
			return errText(err)
		}
		return summary(resp.GetHeadend())
	case "keygen":
		var f keygen.Features
		for _, w := range pos {
			if err := keygen.ParseFeature(w, &f); err != nil {
				t.Fatalf("line %d: %v", c.line, err)
			}
		}
		for _, key := range []string{"premium", "contexts", "vlans", "shared-server", "tls-proxy", "vpn-only", "failover"} {
			if v := c.arg(key, ""); v != "" {
				if err := keygen.ParseFeature(key+"="+v, &f); err != nil {
					t.Fatalf("line %d: %v", c.line, err)
				}
			}
		}
		days, _ := strconv.Atoi(c.arg("days", "0"))
		nonce, _ := strconv.Atoi(c.arg("nonce", "0"))
		signer := e.signer
		if lab := c.arg("lab", ""); lab != "" {
			master, _ := keygen.NewSigner(testSecret)
			signer = master.ForLab(lab)
		}
		w, err := signer.Encode(keygen.Key{Serial: c.arg("serial", ""), Features: f, Days: days, Nonce: nonce})
		if err != nil {
			return "error: " + err.Error()
		}
		e.vars[c.arg("name", "KEY")] = w.String()
		return w.String()
	case "exec":
		lines := make([]string, len(c.input))
		for i, l := range c.input {
			lines[i] = e.subst(l)
		}
		resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: host, Lines: lines})
		if err != nil {
			return errText(err)
		}
		out := resp.GetTranscript()
		if resp.GetSessionClosed() {
			out += "\n[session closed]"
		}
		return out
	case "install-key":
		action := headendv1.KeyAction_KEY_ACTION_ACTIVATE
		if c.has("deactivate") {
			action = headendv1.KeyAction_KEY_ACTION_DEACTIVATE
		}
		resp, err := e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{
			Hostname: host, ActivationKey: e.subst(strings.Join(c.input, " ")), Action: action,
		})
		if err != nil {
			return errText(err)
		}
		return strings.Join(resp.GetMessages(), "\n") + fmt.Sprintf("\n[reload pending: %v]", resp.GetReloadPending())
	case "reload":
		resp, err := e.hc.Reload(ctxT(), &headendv1.ReloadRequest{Hostname: host, SaveConfig: c.has("save")})
		if err != nil {
			return errText(err)
		}
		return summary(resp.GetHeadend())
	case "rma":
		resp, err := e.hc.ReturnForRepair(ctxT(), &headendv1.ReturnForRepairRequest{Hostname: host, NewSerial: c.arg("serial", "")})
		if err != nil {
			return errText(err)
		}
		return "old serial " + resp.GetOldSerial() + "\n" + summary(resp.GetHeadend())
	case "delete":
		if _, err := e.hc.DeleteHeadend(ctxT(), &headendv1.DeleteHeadendRequest{Hostname: host}); err != nil {
			return errText(err)
		}
		return "deleted"
	case "clock":
		var clock *headendv1.Clock
		switch {
		case c.arg("advance", "") != "":
			d, err := time.ParseDuration(c.arg("advance", ""))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := e.lc.AdvanceClock(ctxT(), &headendv1.AdvanceClockRequest{Duration: durationpb.New(d)})
			if err != nil {
				return errText(err)
			}
			clock = resp.GetClock()
		case c.arg("set", "") != "":
			ts, err := time.Parse(time.RFC3339, c.arg("set", ""))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := e.lc.SetClock(ctxT(), &headendv1.SetClockRequest{Time: timestamppb.New(ts)})
			if err != nil {
				return errText(err)
			}
			clock = resp.GetClock()
		default:
			resp, err := e.lc.GetClock(ctxT(), &headendv1.GetClockRequest{})
			if err != nil {
				return errText(err)
			}
			clock = resp.GetClock()
		}
		return clock.GetNow().AsTime().Format(time.RFC3339) + " " + clock.GetMode().String()
	case "restart":
		if bt := c.arg("boot-time", ""); bt != "" {
			d, err := time.ParseDuration(bt)
			if err != nil {
				t.Fatal(err)
			}
			e.bootTime = d
		}
		e.restart()
		return fmt.Sprintf("restarted with %d headends", e.lab.Len())
	case "admit":
		kind, ok := headendv1.ConnectionKind_value["CONNECTION_KIND_"+strings.ToUpper(strings.ReplaceAll(c.arg("kind", "anyconnect"), "-", "_"))]
		if !ok {
			t.Fatalf("line %d: unknown kind", c.line)
		}
		n, _ := strconv.Atoi(c.arg("n", "1"))
		user := c.arg("user", "alice")
		var out strings.Builder
		admitted, shared, pool := 0, 0, ""
		for i := range n {
			u := user
			if n > 1 {
				u = fmt.Sprintf("%s%03d", user, i+1)
			}
			resp, err := e.hc.AdmitConnection(ctxT(), &headendv1.AdmitConnectionRequest{
				Headend: host, User: u, ClientDevice: c.arg("device", u+"-laptop"), Kind: headendv1.ConnectionKind(kind)})
			if err != nil {
				return errText(err)
			}
			if resp.GetAdmitted() {
				admitted++
				if name := c.arg("name", ""); name != "" {
					e.vars[name] = fmt.Sprint(resp.GetSessionId())
				}
				if p := resp.GetSharedPool(); p != "" {
					shared, pool = shared+1, p
				}
				if n == 1 {
					out.WriteString("admitted")
					if pool != "" {
						out.WriteString(" on a shared session of " + pool)
					}
					out.WriteString("\n")
				}
				continue
			}
			fmt.Fprintf(&out, "%s refused: %s\n%s\n", u, resp.GetReason(), resp.GetSyslog())
		}
		if n > 1 {
			fmt.Fprintf(&out, "%d of %d admitted", admitted, n)
			if shared > 0 {
				fmt.Fprintf(&out, ", %d on shared sessions of %s", shared, pool)
			}
			out.WriteString("\n")
		}
		return out.String()
	case "release":
		id, err := strconv.ParseUint(e.subst(c.arg("id", "0")), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hc.ReleaseConnection(ctxT(), &headendv1.ReleaseConnectionRequest{Headend: host, SessionId: id}); err != nil {
			return errText(err)
		}
		return "released"
	case "sessions":
		resp, err := e.hc.ListSessions(ctxT(), &headendv1.ListSessionsRequest{Headend: host})
		if err != nil {
			return errText(err)
		}
		var out strings.Builder
		for _, s := range resp.GetSessions() {
			fmt.Fprintf(&out, "%s %s %s %s %s %s %s\n", s.GetUser(), s.GetClientDevice(), s.GetKind(), s.GetLicense(),
				s.GetAssignedIp(), s.GetPublicIp(), s.GetLoginTime().AsTime().Format(time.RFC3339))
		}
		fmt.Fprintf(&out, "%d sessions", len(resp.GetSessions()))
		return out.String()
	}
	t.Fatalf("line %d: unknown command %q", c.line, c.cmd)
	return ""
}

// TestTranscripts replays the console transcripts in testdata/.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			e := newEnv(t)
			runDD(t, f, e.do)
		})
	}
	if _, err := os.Stat("testdata"); err != nil {
		t.Fatal(err)
	}
}
