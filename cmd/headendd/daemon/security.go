package daemon

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/asalab/asalab/cmd/headendd/auth"
	"github.com/asalab/asalab/cmd/headendd/tlsconf"
)

// AuthMode says whether gRPC calls need a bearer token.
type AuthMode int

const (
	// AuthAuto: tokens are needed unless the gRPC address is a loopback
	// one, where only the machine's own users reach the daemon.
	AuthAuto AuthMode = iota
	AuthOn
	AuthOff
)

// authFlag is --auth: a boolean flag whose absence means AuthAuto.
type authFlag struct{ m *AuthMode }

func (a authFlag) IsBoolFlag() bool { return true }

func (a authFlag) String() string {
	if a.m == nil {
		return "auto"
	}
	switch *a.m {
	case AuthOn:
		return "true"
	case AuthOff:
		return "false"
	}
	return "auto"
}

func (a authFlag) Set(s string) error {
	on, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("give --auth, --auth=true or --auth=false")
	}
	*a.m = AuthOff
	if on {
		*a.m = AuthOn
	}
	return nil
}

// addSecurityFlags adds the flags of tokens and TLS.
func addSecurityFlags(fs *flag.FlagSet, f *Config) {
	fs.Var(authFlag{&f.Auth}, "auth", "require a bearer token on every gRPC call: the admin token (written to <data-dir>/admin.token at first start) "+
		"or a lab token (CreateLab, CreateLabToken); default: on unless --grpc-addr is a loopback address. "+
		"--auth=false on any other address needs --insecure")
	fs.BoolVar(&f.TLS, "tls", false, "serve gRPC over TLS with a self-signed certificate made once in the data dir (tls.crt, tls.key) "+
		"for localhost, 127.0.0.1, ::1, the machine's hostname and the --grpc-addr host; clients trust tls.crt (headendctl --ca)")
	fs.StringVar(&f.TLSCert, "tls-cert", "", "serve gRPC over TLS with this PEM certificate (chain); with --tls-key")
	fs.StringVar(&f.TLSKey, "tls-key", "", "the PEM private key of --tls-cert")
	fs.BoolVar(&f.Insecure, "insecure", false, "allow serving gRPC on a non-loopback address without TLS, or without tokens (--auth=false): "+
		"tokens, activation keys and passwords then cross the network in clear")
}

// isLoopback reports whether the host of a listen address reaches only
// this machine. A name other than localhost may resolve anywhere, and an
// empty host is every address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func grpcHost(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// notLoopback begins a refusal of a --grpc-addr that is not loopback.
// isLoopback does not resolve names, so a name that does resolve to
// loopback is refused too; the message says so rather than claim the
// address is not loopback.
func notLoopback(addr string) string {
	if host := grpcHost(addr); host != "" && net.ParseIP(host) == nil {
		return fmt.Sprintf("--grpc-addr %s: a host name other than localhost counts as a non-loopback address, as it may "+
			"resolve to any (give an IP address or localhost to listen on loopback)", addr)
	}
	return fmt.Sprintf("--grpc-addr %s is not a loopback address", addr)
}

// authEnforced says whether f makes gRPC calls need a token.
func (f Config) authEnforced() bool {
	return f.Auth == AuthOn || f.Auth == AuthAuto && !isLoopback(grpcHost(f.GRPCAddr))
}

// checkSecurity refuses settings that would expose the daemon, before
// anything listens: on an address other machines reach, the calls carry
// tokens, activation keys and device passwords, so they need TLS, and a
// daemon without tokens lets anyone there mint keys for any serial.
func checkSecurity(f Config) error {
	if f.TLS && (f.TLSCert != "" || f.TLSKey != "") {
		return errors.New("--tls makes a self-signed certificate, --tls-cert and --tls-key give one: give either")
	}
	if (f.TLSCert == "") != (f.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together: give both, the certificate and its private key")
	}
	host := grpcHost(f.GRPCAddr)
	if isLoopback(host) || f.Insecure {
		return nil
	}
	if !f.TLS && f.TLSCert == "" {
		return fmt.Errorf("%s: other machines could reach it, and tokens, activation keys "+
			"and passwords would cross the network in clear; give --tls (a self-signed certificate made in the data dir) "+
			"or --tls-cert FILE --tls-key FILE, or --insecure to serve in clear anyway", notLoopback(f.GRPCAddr))
	}
	if f.Auth == AuthOff {
		return fmt.Errorf("%s: --auth=false there would let anyone who reaches the port "+
			"mint activation keys for any serial and read the labs; drop --auth=false (tokens are on by default there), "+
			"or give --insecure to serve without tokens anyway", notLoopback(f.GRPCAddr))
	}
	return nil
}

// security is how the gRPC server checks its callers and encrypts.
type security struct {
	enforce        bool
	adminToken     string
	adminTokenFile string
	tls            *tls.Config // nil: plaintext
	certFile       string      // what clients trust; "" without TLS
}

// loadCertFiles loads --tls-cert and --tls-key, if given. It needs no
// data dir, so run calls it first: a certificate that does not load stops
// the start before the data dir, the admin token or the store are made.
func loadCertFiles(f Config) (*tls.Certificate, error) {
	if f.TLSCert == "" {
		return nil, nil
	}
	cert, err := tlsconf.LoadFiles(f.TLSCert, f.TLSKey)
	if err != nil {
		return nil, err
	}
	return &cert, nil
}

// loadSecurity reads or makes the admin token and the self-signed TLS
// certificate in the data dir (given is the certificate of --tls-cert,
// loaded by loadCertFiles), so that a bad certificate stops the start
// before the labs open.
func loadSecurity(f Config, given *tls.Certificate, log *zap.Logger) (*security, error) {
	token, path, created, err := auth.LoadOrCreateAdminToken(f.DataDir)
	if err != nil {
		return nil, err
	}
	if created {
		log.Info("admin token created", zap.String("file", path)) // never the token
	}
	sec := &security{enforce: f.authEnforced(), adminToken: token, adminTokenFile: path}
	switch {
	case given != nil:
		sec.tls, sec.certFile = tlsconf.ServerConfig(*given), f.TLSCert
	case f.TLS:
		host := grpcHost(f.GRPCAddr)
		ss, err := tlsconf.LoadOrCreateSelfSigned(f.DataDir, tlsconf.Hosts(host), time.Now())
		if err != nil {
			return nil, err
		}
		if ss.Created {
			log.Info("self-signed TLS certificate created", zap.String("file", ss.CertFile))
		}
		if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) && !tlsconf.Covers(ss.Leaf, host) {
			log.Warn("the self-signed TLS certificate does not name the --grpc-addr host: clients that dial it by that name refuse it; "+
				"remove the certificate and its key to have them made again for it",
				zap.String("host", host), zap.String("file", ss.CertFile), zap.String("key_file", ss.KeyFile))
		}
		sec.tls, sec.certFile = tlsconf.ServerConfig(ss.Cert), ss.CertFile
	}
	if !isLoopback(grpcHost(f.GRPCAddr)) {
		if sec.tls == nil {
			log.Warn("serving gRPC in clear on a non-loopback address (--insecure)", zap.String("grpc_addr", f.GRPCAddr))
		}
		if !sec.enforce {
			log.Warn("serving gRPC without tokens on a non-loopback address (--insecure --auth=false)", zap.String("grpc_addr", f.GRPCAddr))
		}
	}
	return sec, nil
}

// interceptors are the gRPC server's authorization; labTokens resolves
// the labs' tokens (nil: there are none, only the admin token).
func (s *security) interceptors(labTokens auth.TokenResolver) ([]grpc.UnaryServerInterceptor, []grpc.StreamServerInterceptor, *auth.Authenticator, error) {
	a, err := auth.New(auth.Options{Enforce: s.enforce, AdminToken: s.adminToken, Labs: labTokens})
	if err != nil {
		return nil, nil, nil, err
	}
	return []grpc.UnaryServerInterceptor{a.UnaryInterceptor()}, []grpc.StreamServerInterceptor{a.StreamInterceptor()}, a, nil
}

// addReady adds the security settings to the ready file's fields.
func (s *security) addReady(ready map[string]string) {
	ready["auth"] = strconv.FormatBool(s.enforce)
	ready["tls"] = strconv.FormatBool(s.tls != nil)
	ready["admin_token_file"] = s.adminTokenFile
	if s.certFile != "" {
		ready["tls_cert_file"] = s.certFile
	}
}

// healthz answers load balancers and orchestrators that the daemon
// serves. It needs no token and says nothing of the labs.
func healthz(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, "ok\n")
}
