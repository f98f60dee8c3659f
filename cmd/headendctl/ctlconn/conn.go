// Package ctlconn is how headendctl reaches a daemon: the connection's
// settings once settled, the transport they choose (TLS with a CA file or
// the system's, plaintext only where a token cannot be overheard), the
// bearer token on every call, and the lab every call names in its
// metadata, the key a gRPC load balancer in front of several daemons
// routes on.
package ctlconn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// LabMetadataKey is the request metadata that names the lab of a call: the
// key a gRPC load balancer in front of several daemons routes on.
const LabMetadataKey = "asalab-lab"

// Settings are the connection's settings, settled from the command line,
// the environment and the context.
type Settings struct {
	// Addr is the daemon's gRPC address.
	Addr string
	// Lab is the lab every call names, "" for none: the token's lab,
	// else the daemon's default.
	Lab string
	// Token is the bearer token, "" for none.
	Token string
	// CA is a PEM file of the CA that signed the daemon's certificate:
	// TLS, trusting it.
	CA string
	// TLS is TLS trusting the system's CAs.
	TLS bool
	// Insecure sends a token in plaintext to an address that is not
	// loopback.
	Insecure bool
	// CallTimeout bounds each unary call when more than 0: the
	// completion's questions must not hang on a daemon that accepts and
	// never answers.
	CallTimeout time.Duration
}

// ErrSetting marks a setting that cannot work, found before anything is
// sent (a token in plaintext to a network, a CA file that does not read):
// a mistake of the command line or its context, as headendctl's exit
// status says.
var ErrSetting = errors.New("connection setting")

// settingError is an error of the settings themselves (ErrSetting).
type settingError struct{ msg string }

func (e settingError) Error() string { return e.msg }

func (settingError) Is(target error) bool { return target == ErrSetting }

func usagef(format string, args ...any) error { return settingError{fmt.Sprintf(format, args...)} }

// CheckToken refuses a token gRPC could not carry in a header, which
// would fail later with a message about headers: most often a token read
// from a file with its line break.
func CheckToken(token string) error {
	for _, r := range token {
		if r <= ' ' || r > '~' {
			return fmt.Errorf("the token holds %q; a token is printable ASCII without spaces (a line break from a file?)", r)
		}
	}
	return nil
}

// isLoopback says whether addr names this machine, where plaintext
// cannot be overheard on a network.
func isLoopback(addr string) bool {
	if strings.HasPrefix(addr, "unix:") || strings.HasPrefix(addr, "unix-abstract:") {
		return true
	}
	if i := strings.Index(addr, ":///"); i >= 0 {
		addr = addr[i+len(":///"):]
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.Unmap().IsLoopback()
}

// transport returns the connection's transport credentials: TLS with --ca
// or --tls, else plaintext, which takes a token only to loopback or with
// --insecure.
func (c Settings) transport() (credentials.TransportCredentials, bool, error) {
	if c.CA == "" && !c.TLS {
		if c.Token != "" && !c.Insecure && !isLoopback(c.Addr) {
			return nil, false, usagef("refusing to send the token to %s without TLS, where the network could read it: "+
				"give --ca FILE (the daemon's certificate or its CA) or --tls, or --insecure to send it in plaintext anyway", c.Addr)
		}
		return insecure.NewCredentials(), false, nil
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if host, _, err := net.SplitHostPort(c.Addr); err == nil && !strings.Contains(c.Addr, "://") {
		// What the certificate must name; gRPC would take the same
		// from the target, but an explicit name leaves no doubt.
		conf.ServerName = host
	}
	if c.CA != "" {
		// A file that does not read is exit status 1, as --help says of
		// local files, not a usage error (ErrSetting).
		pem, err := os.ReadFile(c.CA)
		if err != nil {
			return nil, false, fmt.Errorf("--ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, false, fmt.Errorf("--ca %s: no PEM certificate in it", c.CA)
		}
		conf.RootCAs = pool
	}
	return credentials.NewTLS(conf), true, nil
}

// DialOptions are the options of the connection to the daemon: its
// transport, the bearer token on every call, and the lab in every call's
// metadata. Its errors are ErrSetting's.
func (c Settings) DialOptions() ([]grpc.DialOption, error) {
	creds, secure, err := c.transport()
	if err != nil {
		return nil, err
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithUnaryInterceptor(c.labUnary),
		grpc.WithStreamInterceptor(c.labStream),
	}
	if c.Token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer{token: c.Token, secure: secure}))
	}
	return opts, nil
}

// bearer sends the token as "authorization: Bearer <token>" on every call.
type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

// RequireTransportSecurity: transport already refused a plaintext
// connection that may not carry the token; gRPC checks TLS once more
// where there is TLS.
func (b bearer) RequireTransportSecurity() bool { return b.secure }

// labOf is the lab a request names: its own lab field when set (lab create
// NAME, apply --lab), else the lab of the command line or context. The
// daemon refuses metadata and a field that disagree.
func (c Settings) labOf(req any) string {
	if m, ok := req.(proto.Message); ok {
		r := m.ProtoReflect()
		if f := r.Descriptor().Fields().ByName("lab"); f != nil && f.Kind() == protoreflect.StringKind && f.Cardinality() != protoreflect.Repeated {
			if lab := r.Get(f).String(); lab != "" {
				return lab
			}
		}
	}
	return c.Lab
}

// WithLab names lab in the outgoing metadata of ctx, "" naming none.
func WithLab(ctx context.Context, lab string) context.Context {
	if lab == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, LabMetadataKey, lab)
}

func (c Settings) labUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if c.CallTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.CallTimeout)
		defer cancel()
	}
	return c.hintTLS(invoker(WithLab(ctx, c.labOf(req)), method, req, reply, cc, opts...))
}

// labStream names the command's lab: a stream's headers leave before its
// request does.
func (c Settings) labStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	s, err := streamer(WithLab(ctx, c.Lab), desc, cc, method, opts...)
	return s, c.hintTLS(err)
}

// hintTLS says what a plaintext client most likely lacks when the daemon
// hangs up before its HTTP/2 preface: a daemon serving TLS does that.
func (c Settings) hintTLS(err error) error {
	st, ok := status.FromError(err)
	if !ok || err == nil || c.CA != "" || c.TLS || st.Code() != codes.Unavailable || !strings.Contains(st.Message(), "server preface") {
		return err
	}
	return status.Error(codes.Unavailable, st.Message()+"; if the daemon serves TLS, give --ca FILE (its tls.crt) or --tls")
}
