// Package tlsconf is headendd's TLS: the server configuration for a
// certificate and key given as files, or for a self-signed certificate the
// daemon makes once in its data directory and reuses after, so that
// clients can trust that one file (headendctl --ca).
package tlsconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/asalab/asalab/sim/datadir"
)

// selfSignedValidity is how long a made certificate is valid: a lab's
// data dir lives for years, and a certificate that expires under a
// running test suite helps no one.
const selfSignedValidity = 10 * 365 * 24 * time.Hour

// ServerConfig is the TLS configuration of a server presenting cert.
// TLS 1.2 is the oldest version HTTP/2, and so gRPC, allows.
func ServerConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}

// LoadFiles reads a PEM certificate (chain) and its key.
func LoadFiles(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("--tls-cert %s --tls-key %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

// SelfSigned is a certificate LoadOrCreateSelfSigned returned.
type SelfSigned struct {
	Cert     tls.Certificate
	CertFile string // what clients trust (headendctl --ca)
	KeyFile  string
	Created  bool
	Leaf     *x509.Certificate
}

// LoadOrCreateSelfSigned returns the self-signed certificate kept in dir
// (tls.crt, tls.key), making it if either file is missing: an ECDSA P-256
// key, valid from an hour before now for ten years, for the DNS names and
// IP addresses in hosts. It is its own CA (basic constraints CA:TRUE), so
// that clients can put the file in their trust store as it is.
func LoadOrCreateSelfSigned(dir string, hosts []string, now time.Time) (SelfSigned, error) {
	s := SelfSigned{CertFile: filepath.Join(dir, datadir.TLSCertFile), KeyFile: filepath.Join(dir, datadir.TLSKeyFile)}
	_, cerr := os.Stat(s.CertFile)
	_, kerr := os.Stat(s.KeyFile)
	switch {
	case cerr == nil && kerr == nil:
		cert, err := tls.LoadX509KeyPair(s.CertFile, s.KeyFile)
		if err != nil {
			return s, fmt.Errorf("the TLS certificate %s and key %s do not load: %w; remove both to have a new certificate made", s.CertFile, s.KeyFile, err)
		}
		s.Cert, s.Leaf = cert, cert.Leaf
		return s, nil
	case cerr != nil && !errors.Is(cerr, fs.ErrNotExist):
		return s, fmt.Errorf("TLS certificate: %w", cerr)
	case kerr != nil && !errors.Is(kerr, fs.ErrNotExist):
		return s, fmt.Errorf("TLS key: %w", kerr)
	}
	// One of the two is missing (a crash between the two writes, or a
	// removed file): a certificate without its key is of no use, so both
	// are made anew.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return s, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return s, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "asalab headendd", Organization: []string{"asalab"}},
		NotBefore:             now.Add(-time.Hour), // tolerate a client clock a little behind
		NotAfter:              now.Add(selfSignedValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			if !slices.ContainsFunc(tmpl.IPAddresses, ip.Equal) {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else if h != "" && !slices.Contains(tmpl.DNSNames, h) {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return s, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return s, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	// The key first: a crash before the certificate is written leaves a
	// key alone, which the next start replaces with a new pair.
	if err := datadir.WriteFileAtomic(s.KeyFile, keyPEM); err != nil {
		return s, fmt.Errorf("TLS key: %w", err)
	}
	if err := datadir.WriteFileAtomic(s.CertFile, certPEM); err != nil {
		return s, fmt.Errorf("TLS certificate: %w", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return s, err
	}
	s.Cert, s.Leaf, s.Created = cert, cert.Leaf, true
	return s, nil
}

// Hosts are the names a self-signed certificate is made for: the
// loopback names, the machine's hostname and the host the daemon listens
// on (unless that is every address).
func Hosts(listenHost string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h, err := os.Hostname(); err == nil && h != "" {
		hosts = append(hosts, h)
	}
	if ip := net.ParseIP(listenHost); listenHost != "" && (ip == nil || !ip.IsUnspecified()) {
		hosts = append(hosts, listenHost)
	}
	return hosts
}

// Covers reports whether leaf is valid for host.
func Covers(leaf *x509.Certificate, host string) bool {
	return leaf != nil && leaf.VerifyHostname(host) == nil
}
