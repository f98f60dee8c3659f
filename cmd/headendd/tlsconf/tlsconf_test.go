package tlsconf

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func TestSelfSignedMadeOnceAndReused(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadOrCreateSelfSigned(dir, []string{"localhost", "127.0.0.1", "::1", "lab.example", "10.1.2.3", "127.0.0.1"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Created || s.CertFile != filepath.Join(dir, "tls.crt") || s.KeyFile != filepath.Join(dir, "tls.key") {
		t.Fatalf("%+v", s)
	}
	leaf := s.Leaf
	if k, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("key %T, want ECDSA P-256", leaf.PublicKey)
	}
	for _, h := range []string{"localhost", "127.0.0.1", "::1", "lab.example", "10.1.2.3"} {
		if !Covers(leaf, h) {
			t.Errorf("the certificate does not name %s", h)
		}
	}
	if Covers(leaf, "other.example") {
		t.Error("the certificate names other.example")
	}
	if len(leaf.IPAddresses) != 3 {
		t.Errorf("IP SANs %v: the duplicate 127.0.0.1 was kept", leaf.IPAddresses)
	}
	if !leaf.NotBefore.Before(testNow) || leaf.NotAfter.Before(testNow.AddDate(9, 0, 0)) {
		t.Errorf("valid %v to %v", leaf.NotBefore, leaf.NotAfter)
	}
	// Clients trust the file as it is.
	pem, err := os.ReadFile(s.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("tls.crt does not parse")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost", CurrentTime: testNow}); err != nil {
		t.Fatalf("verify: %v", err)
	}
	for _, f := range []string{s.CertFile, s.KeyFile} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, fi.Mode(), err)
		}
	}

	again, err := LoadOrCreateSelfSigned(dir, []string{"localhost"}, testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || !bytes.Equal(again.Leaf.Raw, leaf.Raw) {
		t.Fatal("the certificate was made again")
	}

	// A key without its certificate: both are made anew.
	if err := os.Remove(s.CertFile); err != nil {
		t.Fatal(err)
	}
	third, err := LoadOrCreateSelfSigned(dir, []string{"localhost"}, testNow)
	if err != nil || !third.Created || bytes.Equal(third.Leaf.Raw, leaf.Raw) {
		t.Fatalf("created %v err %v", third.Created, err)
	}

	// A damaged file is refused with what to do.
	if err := os.WriteFile(s.KeyFile, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSelfSigned(dir, nil, testNow); err == nil || !strings.Contains(err.Error(), "remove both") {
		t.Fatalf("damaged key: %v", err)
	}
}

func TestHosts(t *testing.T) {
	for host, want := range map[string]bool{"10.0.0.7": true, "lab.example": true, "0.0.0.0": false, "::": false, "": false} {
		hosts := Hosts(host)
		got := false
		for _, h := range hosts {
			got = got || h == host
		}
		if got != want {
			t.Errorf("Hosts(%q) = %v", host, hosts)
		}
		if hosts[0] != "localhost" || hosts[1] != "127.0.0.1" || hosts[2] != "::1" {
			t.Errorf("Hosts(%q) = %v", host, hosts)
		}
	}
}

func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadOrCreateSelfSigned(dir, []string{"localhost"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFiles(s.CertFile, s.KeyFile); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFiles(s.CertFile, filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "--tls-key") {
		t.Fatalf("missing key: %v", err)
	}
}
