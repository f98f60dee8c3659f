package daemon

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/asalab/asalab/cmd/headendd/tlsconf"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// started is an in-process daemon a test started, with its log.
type started struct {
	*Daemon
	logs *observer.ObservedLogs
}

// startIn starts a daemon on dataDir with ephemeral loopback ports and a
// simulated clock, stopped when the test ends (Stop may stop it sooner).
func startIn(t *testing.T, dataDir string, args ...string) started {
	t.Helper()
	cfg, err := ParseFlags(append([]string{"--data-dir", dataDir, "--grpc-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
		"--clock", "sim", "--clock-start", "2026-01-05T09:00:00Z"}, args...))
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	d, err := Start(context.Background(), cfg, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-d.Done():
		default:
			if err := d.Stop(); err != nil {
				t.Error(err)
			}
		}
	})
	return started{d, logs}
}

func dialWith(t testing.TB, addr string, creds credentials.TransportCredentials) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func withToken(t *testing.T, tok string) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	if tok == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
}

func readToken(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestAuthOnNeedsAToken(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	ready := filepath.Join(t.TempDir(), "ready.json")
	d := startIn(t, dataDir, "--auth", "--ready-file", ready)
	a := d.Addrs()
	if !a.Auth || a.TLS || a.AdminTokenFile != filepath.Join(dataDir, "admin.token") || a.TLSCertFile != "" {
		t.Fatalf("addrs %+v", a)
	}
	conn := dialWith(t, a.GRPC, insecure.NewCredentials())
	lab := headendv1.NewLabServiceClient(conn)

	_, err := lab.GetClock(withToken(t, ""), &headendv1.GetClockRequest{})
	if status.Code(err) != codes.Unauthenticated || !strings.Contains(status.Convert(err).Message(), "--token") {
		t.Fatalf("no token: %v", err)
	}
	if _, err := lab.GetClock(withToken(t, "asalab_admin_wrong"), &headendv1.GetClockRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("wrong token: %v", err)
	}
	tok := readToken(t, a.AdminTokenFile)
	if _, err := lab.GetClock(withToken(t, tok), &headendv1.GetClockRequest{}); err != nil {
		t.Fatalf("admin token: %v", err)
	}
	// Streams too.
	ev, err := headendv1.NewEventServiceClient(conn).WatchEvents(withToken(t, ""), &headendv1.WatchEventsRequest{})
	if err == nil {
		_, err = ev.Recv()
	}
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("stream without a token: %v", err)
	}
	// Health checks need none.
	hc, err := healthpb.NewHealthClient(conn).Check(withToken(t, ""), &healthpb.HealthCheckRequest{})
	if err != nil || hc.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v %v", hc, err)
	}

	b, err := os.ReadFile(ready)
	if err != nil {
		t.Fatal(err)
	}
	var rf map[string]string
	if err := json.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	if rf["auth"] != "true" || rf["tls"] != "false" || rf["admin_token_file"] != a.AdminTokenFile || rf["grpc_addr"] != a.GRPC {
		t.Errorf("ready file %s", b)
	}
	// The log says where the token is, never what it is.
	var sawFile bool
	for _, e := range d.logs.All() {
		line, _ := json.Marshal(e.ContextMap())
		if strings.Contains(e.Message+string(line), tok) {
			t.Errorf("the log shows the admin token: %s %s", e.Message, line)
		}
		sawFile = sawFile || strings.Contains(string(line), a.AdminTokenFile)
	}
	if !sawFile {
		t.Error("the log does not say where the admin token is")
	}
}

func TestAuthDefaultOffOnLoopback(t *testing.T) {
	d := startIn(t, filepath.Join(t.TempDir(), "data"))
	if d.Addrs().Auth {
		t.Fatal("auth on by default on loopback")
	}
	conn := dialWith(t, d.Addrs().GRPC, insecure.NewCredentials())
	if _, err := headendv1.NewLabServiceClient(conn).GetClock(withToken(t, ""), &headendv1.GetClockRequest{}); err != nil {
		t.Fatal(err)
	}
}

func TestAdminTokenKeptAcrossRestarts(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startIn(t, dataDir)
	path := d.Addrs().AdminTokenFile
	tok := readToken(t, path)
	if !strings.HasPrefix(tok, "asalab_admin_") {
		t.Fatalf("token %q...", tok[:min(len(tok), 13)])
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin.token mode %v %v", fi.Mode(), err)
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	// Loosened by hand: the next start makes it the owner's again.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	d = startIn(t, dataDir, "--auth")
	if got := readToken(t, d.Addrs().AdminTokenFile); got != tok {
		t.Fatal("the admin token changed across a restart")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin.token mode after restart %v %v", fi.Mode(), err)
	}
	conn := dialWith(t, d.Addrs().GRPC, insecure.NewCredentials())
	if _, err := headendv1.NewLabServiceClient(conn).GetClock(withToken(t, tok), &headendv1.GetClockRequest{}); err != nil {
		t.Fatalf("the first start's token after a restart: %v", err)
	}
}

func poolOf(t *testing.T, certFile string) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatalf("%s holds no certificate", certFile)
	}
	return pool
}

func TestTLSSelfSigned(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startIn(t, dataDir, "--tls", "--auth")
	a := d.Addrs()
	if !a.TLS || a.TLSCertFile != filepath.Join(dataDir, "tls.crt") {
		t.Fatalf("addrs %+v", a)
	}
	tok := readToken(t, a.AdminTokenFile)
	first, err := os.ReadFile(a.TLSCertFile)
	if err != nil {
		t.Fatal(err)
	}
	tlsConn := dialWith(t, a.GRPC, credentials.NewTLS(&tls.Config{RootCAs: poolOf(t, a.TLSCertFile)}))
	if _, err := headendv1.NewLabServiceClient(tlsConn).GetClock(withToken(t, tok), &headendv1.GetClockRequest{}); err != nil {
		t.Fatalf("TLS client trusting tls.crt: %v", err)
	}
	plain := dialWith(t, a.GRPC, insecure.NewCredentials())
	if _, err := headendv1.NewLabServiceClient(plain).GetClock(withToken(t, tok), &headendv1.GetClockRequest{}); status.Code(err) != codes.Unavailable {
		t.Fatalf("plaintext client: %v, want Unavailable", err)
	}
	// A client that does not trust the certificate.
	untrusting := dialWith(t, a.GRPC, credentials.NewTLS(&tls.Config{RootCAs: x509.NewCertPool()}))
	if _, err := headendv1.NewLabServiceClient(untrusting).GetClock(withToken(t, tok), &headendv1.GetClockRequest{}); status.Code(err) != codes.Unavailable {
		t.Fatalf("client without the CA: %v, want Unavailable", err)
	}

	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	d = startIn(t, dataDir, "--tls")
	again, err := os.ReadFile(d.Addrs().TLSCertFile)
	if err != nil || string(again) != string(first) {
		t.Fatalf("the certificate was made again on restart (%v)", err)
	}
}

func TestTLSCertFiles(t *testing.T) {
	certDir := t.TempDir()
	ss, err := tlsconf.LoadOrCreateSelfSigned(certDir, []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	d := startIn(t, filepath.Join(t.TempDir(), "data"), "--tls-cert", ss.CertFile, "--tls-key", ss.KeyFile)
	if a := d.Addrs(); !a.TLS || a.TLSCertFile != ss.CertFile {
		t.Fatalf("addrs %+v", a)
	}
	conn := dialWith(t, d.Addrs().GRPC, credentials.NewTLS(&tls.Config{RootCAs: poolOf(t, ss.CertFile)}))
	if _, err := headendv1.NewLabServiceClient(conn).GetClock(withToken(t, ""), &headendv1.GetClockRequest{}); err != nil {
		t.Fatal(err)
	}
}

func TestSecurityFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		auth    bool
	}{
		{args: []string{"--grpc-addr", "0.0.0.0:50051"}, wantErr: "is not a loopback address"},
		{args: []string{"--grpc-addr", ":50051"}, wantErr: "give --tls"},
		{args: []string{"--grpc-addr", "lab.example:50051"}, wantErr: "--insecure"},
		{args: []string{"--grpc-addr", "vm:50051"}, wantErr: "a host name other than localhost counts as a non-loopback address, as it may resolve to any (give an IP address or localhost"},
		{args: []string{"--grpc-addr", "vm:50051", "--tls", "--auth=false"}, wantErr: "give an IP address or localhost"},
		{args: []string{"--grpc-addr", "0.0.0.0:50051", "--insecure"}, auth: true},
		{args: []string{"--grpc-addr", "0.0.0.0:50051", "--tls"}, auth: true},
		{args: []string{"--grpc-addr", "10.0.0.7:50051", "--tls-cert", "c.pem", "--tls-key", "k.pem"}, auth: true},
		{args: []string{"--grpc-addr", "0.0.0.0:50051", "--tls", "--auth=false"}, wantErr: "--auth=false"},
		{args: []string{"--grpc-addr", "0.0.0.0:50051", "--tls", "--auth=false", "--insecure"}, auth: false},
		{args: []string{"--grpc-addr", "0.0.0.0:50051", "--insecure", "--auth=true"}, auth: true},
		{args: []string{}, auth: false},
		{args: []string{"--grpc-addr", "[::1]:50051"}, auth: false},
		{args: []string{"--grpc-addr", "localhost:50051", "--auth"}, auth: true},
		{args: []string{"--auth=maybe"}, wantErr: "--auth=true or --auth=false"},
		{args: []string{"--tls", "--tls-cert", "c.pem", "--tls-key", "k.pem"}, wantErr: "give either"},
		{args: []string{"--tls-cert", "c.pem"}, wantErr: "give both"},
		{args: []string{"--tls-key", "k.pem"}, wantErr: "give both"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, err := ParseFlags(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.authEnforced() != tt.auth {
				t.Errorf("auth %v, want %v", f.authEnforced(), tt.auth)
			}
		})
	}
}

// A Config made without ParseFlags is checked too, before anything
// listens or the data dir is touched.
func TestStartRefusesNonLoopbackWithoutTLS(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	_, err := Start(context.Background(), Config{DataDir: dataDir, GRPCAddr: "0.0.0.0:0", Clock: "sim"}, zap.NewNop())
	if err == nil || !strings.Contains(err.Error(), "--tls") || !strings.Contains(err.Error(), "--insecure") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("the data dir was made: %v", err)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// The metrics endpoint and /healthz serve without a token, and say
// nothing of the labs: no lab's name, no headend's.
func TestMetricsAndHealthzNeedNoToken(t *testing.T) {
	d := startIn(t, filepath.Join(t.TempDir(), "data"), "--auth")
	a := d.Addrs()
	tok := readToken(t, a.AdminTokenFile)
	conn := dialWith(t, a.GRPC, insecure.NewCredentials())
	if _, err := headendv1.NewHeadendServiceClient(conn).CreateHeadend(withToken(t, tok),
		&headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "secrethost1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := headendv1.NewLabServiceClient(conn).GetClock(withToken(t, ""), &headendv1.GetClockRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("no token: %v", err)
	}
	code, body := httpGet(t, "http://"+a.Metrics+"/healthz")
	if code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	resp, err := http.Post("http://"+a.Metrics+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d", resp.StatusCode)
	}
	code, body = httpGet(t, "http://"+a.Metrics+"/metrics")
	if code != http.StatusOK || !strings.Contains(body, "asalab_lab_headends 1") {
		t.Fatalf("/metrics: %d\n%s", code, body)
	}
	for _, secret := range []string{"secrethost1", `"default"`, `lab="`} {
		if strings.Contains(body, secret) {
			t.Errorf("/metrics shows %s", secret)
		}
	}
	// The refused call is counted, without its lab.
	if !strings.Contains(body, `grpc_code="Unauthenticated"`) {
		t.Error("/metrics does not count the refused call")
	}
}

// A certificate or key that does not load is refused before anything is
// made: no data dir, no admin token, no store.
func TestTLSCertFilesThatDoNotLoad(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.pem")
	one, err := tlsconf.LoadOrCreateSelfSigned(t.TempDir(), []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	other, err := tlsconf.LoadOrCreateSelfSigned(t.TempDir(), []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, cert, key, wantErr string }{
		{"missing", missing, missing, "--tls-cert " + missing},
		{"another certificate's key", one.CertFile, other.KeyFile, "private key does not match"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dataDir := filepath.Join(t.TempDir(), "data")
			cfg, err := ParseFlags([]string{"--data-dir", dataDir, "--grpc-addr", "127.0.0.1:0", "--metrics-addr", "", "--http-addr", "",
				"--tls-cert", tt.cert, "--tls-key", tt.key})
			if err != nil {
				t.Fatal(err)
			}
			_, err = Start(context.Background(), cfg, zap.NewNop())
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
				t.Errorf("the data dir was made before the certificate was refused: %v", err)
			}
		})
	}
}
