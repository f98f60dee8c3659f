package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/credentials"
)

// TestTokenAndLabMetadata: the token goes as "authorization: Bearer" on
// every call, and the lab in the metadata key asalab-lab: the request's
// own lab when it names one, else --lab; nothing when neither.
func TestTokenAndLabMetadata(t *testing.T) {
	useConfig(t)
	f, addr := startFake(t, "d1", nil)
	for _, c := range []struct {
		args             []string
		method, lab, req string
	}{
		{[]string{"--lab", "team-a", "lab", "get"}, "GetLab", "team-a", "team-a"},
		{[]string{"--lab", "team-a", "lab", "create", "team-b"}, "CreateLab", "team-b", "team-b"},
		{[]string{"lab", "list"}, "ListLabs", "", ""},
		{[]string{"--lab", "team-a", "lab", "list"}, "ListLabs", "team-a", ""},
		{[]string{"lab", "reset"}, "ResetLab", "", ""},
		{[]string{"--lab", "team-a", "events", "--follow"}, "WatchEvents", "team-a", "team-a"},
	} {
		code, _, stderr := ctl(append([]string{"--addr", addr, "--token", "T0k-en_1"}, c.args...)...)
		// The fake ends an event stream at once, its lab still there:
		// headendctl then asks for the lab (GetLab).
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", c.args, code, stderr)
		}
		got := f.lastOf(t, c.method)
		if got.method != c.method {
			t.Fatalf("%q: the daemon saw %s, want %s", c.args, got.method, c.method)
		}
		if len(got.auth) != 1 || got.auth[0] != "Bearer T0k-en_1" {
			t.Errorf("%q: authorization %q, want [Bearer T0k-en_1]", c.args, got.auth)
		}
		wantLab := []string{c.lab}
		if c.lab == "" {
			wantLab = nil
		}
		if strings.Join(got.lab, ",") != strings.Join(wantLab, ",") || len(got.lab) != len(wantLab) {
			t.Errorf("%q: asalab-lab %q, want %q", c.args, got.lab, wantLab)
		}
		if r, ok := got.req.(interface{ GetLab() string }); ok && r.GetLab() != c.req {
			t.Errorf("%q: request lab %q, want %q", c.args, r.GetLab(), c.req)
		}
	}
	// No token: no authorization header at all.
	if code, _, stderr := ctl("--addr", addr, "lab", "list"); code != 0 {
		t.Fatalf("lab list without a token: exit %d: %s", code, stderr)
	}
	if got := f.last(t); got.auth != nil {
		t.Errorf("without a token the daemon saw authorization %q", got.auth)
	}
}

// TestGlobalFlagsChecked: --lab and --token are checked before anything
// is sent.
func TestGlobalFlagsChecked(t *testing.T) {
	useConfig(t)
	f, addr := startFake(t, "d1", nil)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--lab", "Team_A", "lab", "get"}, `--lab: "Team_A" is not a lab name: 1-63 of a-z, 0-9 and -, starting with a letter or digit`},
		{[]string{"--lab", "-a", "lab", "get"}, `--lab: "-a" is not a lab name: 1-63 of a-z, 0-9 and -, starting with a letter or digit`},
		{[]string{"--token", "abc def", "lab", "list"}, `--token: the token holds ' '; a token is printable ASCII without spaces (a line break from a file?)`},
		{[]string{"--token", "abc\n", "lab", "list"}, `--token: the token holds '\n'; a token is printable ASCII without spaces (a line break from a file?)`},
	} {
		code, stdout, stderr := ctl(append([]string{"--addr", addr}, c.args...)...)
		if want := "headendctl: " + c.want + "\n"; code != 2 || stdout != "" || stderr != want {
			t.Errorf("%q: exit %d, stdout %q\n got %q\nwant %q", c.args, code, stdout, stderr, want)
		}
	}
	t.Setenv("ASALAB_TOKEN", "from-a-file\n")
	if code, _, stderr := ctl("--addr", addr, "lab", "list"); code != 2 || stderr != `headendctl: $ASALAB_TOKEN: the token holds '\n'; a token is printable ASCII without spaces (a line break from a file?)`+"\n" {
		t.Errorf("ASALAB_TOKEN with a line break: exit %d, %q", code, stderr)
	}
	if n := f.count(); n != 0 {
		t.Errorf("bad global flags sent %d calls", n)
	}
}

// TestPlaintextToken: a token goes in plaintext only to loopback; to
// another address the client refuses before it dials, with exit status 2
// (ctlconn's tests try the other cases).
func TestPlaintextToken(t *testing.T) {
	useConfig(t)
	code, stdout, stderr := ctl("--addr", "192.0.2.7:50051", "--token", "secret", "lab", "list")
	want := "headendctl: refusing to send the token to 192.0.2.7:50051 without TLS, where the network could read it: " +
		"give --ca FILE (the daemon's certificate or its CA) or --tls, or --insecure to send it in plaintext anyway\n"
	if code != 2 || stdout != "" || stderr != want {
		t.Errorf("exit %d\nstdout %q\n got %q\nwant %q", code, stdout, stderr, want)
	}
}

// testPKI makes a CA and a server certificate it signs for hosts.
func testPKI(t *testing.T, hosts ...string) (caPEM []byte, cert tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "asalab test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "headendd"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestTLS: --ca trusts the daemon's CA and the token travels over TLS to
// any address; the certificate must name the address's host; a client
// without TLS, or trusting another CA, gets nowhere.
func TestTLS(t *testing.T) {
	useConfig(t)
	dir := t.TempDir()
	caPEM, cert := testPKI(t, "127.0.0.1")
	caFile := filepath.Join(dir, "ca.pem")
	os.WriteFile(caFile, caPEM, 0o644)
	f, addr := startFake(t, "tls", credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}}))

	if code, stdout, stderr := ctl("--addr", addr, "--ca", caFile, "--token", "T", "lab", "get", "team-a"); code != 0 || !strings.HasPrefix(stdout, "lab team-a\n") {
		t.Fatalf("over TLS: exit %d\n%s%s", code, stdout, stderr)
	}
	if got := f.last(t); strings.Join(got.auth, "") != "Bearer T" || strings.Join(got.lab, "") != "team-a" {
		t.Errorf("over TLS the daemon saw authorization %q, asalab-lab %q", got.auth, got.lab)
	}
	n := f.count()

	otherCA, _ := testPKI(t, "127.0.0.1")
	otherFile := filepath.Join(dir, "other.pem")
	os.WriteFile(otherFile, otherCA, 0o644)
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--addr", addr, "--token", "T", "lab", "list"}, 1, "; if the daemon serves TLS, give --ca FILE (its tls.crt) or --tls (Unavailable)\n"},
		{[]string{"--addr", addr, "events", "--follow"}, 1, "; if the daemon serves TLS, give --ca FILE (its tls.crt) or --tls (Unavailable)\n"},
		{[]string{"--addr", addr, "--ca", otherFile, "lab", "list"}, 1, "certificate signed by unknown authority"},
		{[]string{"--addr", addr, "--tls", "lab", "list"}, 1, "certificate signed by unknown authority"},
		{[]string{"--addr", "localhost:" + port(addr), "--ca", caFile, "lab", "list"}, 1, "wanted to match localhost"},
		// A --ca file that does not read is "a local file did not read"
		// of --help's exit statuses: 1, not a usage error.
		{[]string{"--addr", addr, "--ca", notPEM, "lab", "list"}, 1, "headendctl: --ca " + notPEM + ": no PEM certificate in it\n"},
		{[]string{"--addr", addr, "--ca", filepath.Join(dir, "missing.pem"), "lab", "list"}, 1, "no such file or directory"},
	} {
		code, _, stderr := ctl(c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
	if f.count() != n {
		t.Errorf("the daemon answered %d calls it should not have", f.count()-n)
	}
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}
