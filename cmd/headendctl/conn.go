package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// labMetadataKey is the request metadata that names the lab of a call: the
// key a gRPC load balancer in front of several daemons routes on.
const labMetadataKey = "asalab-lab"

// connUsage describes the global options of the connection, for the
// command list.
const connUsage = `Connection (flag > $ASALAB_ADDR, $ASALAB_TOKEN > the context > default):
  --addr HOST:PORT   the daemon (default $ASALAB_ADDR, or 127.0.0.1:50051)
  --lab NAME         the lab (default: the context's, else the token's lab, else "default");
                     every call names it in the request metadata asalab-lab as well
  --token T          bearer token (default $ASALAB_TOKEN): the daemon's admin token
                     (admin.token in its data dir) or a lab's (lab create, lab token)
  --ca FILE          use TLS, trusting the CA certificate(s) in this PEM file
  --tls              use TLS, trusting the system's CAs
  --insecure         send the token without TLS to an address that is not loopback
  --context NAME     take the settings of this context (default: the current one)
`

// connFlags are the connection's global options beyond those main.go
// declares, and which of them the command line gave.
type connFlags struct {
	context  string
	tls      bool
	insecure bool
	given    map[string]bool
}

// defineConnFlags adds the connection's global flags to headendctl's.
func (c *cli) defineConnFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.cf.context, "context", "", "take the connection settings of this context (default: the current one)")
	fs.BoolVar(&c.cf.tls, "tls", false, "connect with TLS, trusting the system's CAs")
	fs.BoolVar(&c.cf.insecure, "insecure", false, "send the token without TLS to an address that is not loopback")
}

// settle fills the connection settings the command line left out from the
// environment and then from the context, once the global flags are
// parsed. A flag given wins over the environment, which wins over the
// context; main.go's defaults already hold the environment. The config
// commands read the config file themselves, so that a file that does not
// read can still be mended with them.
func (c *cli) settle(fs *flag.FlagSet, cmd string) error {
	c.cf.given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { c.cf.given[f.Name] = true })
	switch cmd {
	case "config", "help", "completion":
		return nil
	}
	path, err := configPath()
	if err != nil {
		return err
	}
	conf, err := loadConfig(path)
	if err != nil {
		return err
	}
	tokenFrom := "--token"
	if !c.cf.given["token"] && os.Getenv("ASALAB_TOKEN") != "" {
		tokenFrom = "$ASALAB_TOKEN"
	}
	name := cmp.Or(c.cf.context, conf.Current)
	if name != "" {
		cx, ok := conf.Contexts[name]
		if !ok {
			return fmt.Errorf("no context %q in %s (headendctl config get-contexts lists them)", name, path)
		}
		if !c.cf.given["addr"] && os.Getenv("ASALAB_ADDR") == "" && cx.Addr != "" {
			c.addr = cx.Addr
		}
		// A context's token is a credential of its daemon, and its lab
		// one of that daemon's labs: neither goes to another address
		// that --addr or $ASALAB_ADDR names, which could keep the token.
		elsewhere := cx.Addr != "" && c.addr != cx.Addr
		if !c.cf.given["token"] && os.Getenv("ASALAB_TOKEN") == "" && cx.Token != "" && !elsewhere {
			c.token, tokenFrom = cx.Token, fmt.Sprintf("the token of context %s", name)
		}
		if !c.cf.given["ca"] && cx.CA != "" {
			c.ca = cx.CA
		}
		if !c.cf.given["lab"] && cx.Lab != "" && !elsewhere {
			c.lab = cx.Lab
		}
		if !c.cf.given["tls"] {
			c.cf.tls = cx.TLS
		}
		if !c.cf.given["insecure"] {
			c.cf.insecure = cx.Insecure
		}
	}
	if c.lab != "" {
		if err := checkLabName(c.lab); err != nil {
			return usageError{"--lab: " + err.Error()}
		}
	}
	if err := checkToken(c.token); err != nil {
		return usageError{tokenFrom + ": " + err.Error()}
	}
	return nil
}

// checkToken refuses a token gRPC could not carry in a header, which
// would fail later with a message about headers: most often a token read
// from a file with its line break.
func checkToken(token string) error {
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
func (c *cli) transport() (credentials.TransportCredentials, bool, error) {
	if c.ca == "" && !c.cf.tls {
		if c.token != "" && !c.cf.insecure && !isLoopback(c.addr) {
			return nil, false, usagef("refusing to send the token to %s without TLS, where the network could read it: "+
				"give --ca FILE (the daemon's certificate or its CA) or --tls, or --insecure to send it in plaintext anyway", c.addr)
		}
		return insecure.NewCredentials(), false, nil
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if host, _, err := net.SplitHostPort(c.addr); err == nil && !strings.Contains(c.addr, "://") {
		// What the certificate must name; gRPC would take the same
		// from the target, but an explicit name leaves no doubt.
		conf.ServerName = host
	}
	if c.ca != "" {
		// A file that does not read is exit status 1, as --help says of
		// local files, not a usage error.
		pem, err := os.ReadFile(c.ca)
		if err != nil {
			return nil, false, fmt.Errorf("--ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, false, fmt.Errorf("--ca %s: no PEM certificate in it", c.ca)
		}
		conf.RootCAs = pool
	}
	return credentials.NewTLS(conf), true, nil
}

// dialOptions are the options of the connection to the daemon: its
// transport, the bearer token on every call, and the lab in every call's
// metadata.
func (c *cli) dialOptions() ([]grpc.DialOption, error) {
	creds, secure, err := c.transport()
	if err != nil {
		return nil, err
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithUnaryInterceptor(c.labUnary),
		grpc.WithStreamInterceptor(c.labStream),
	}
	if c.token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer{token: c.token, secure: secure}))
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
func (c *cli) labOf(req any) string {
	if m, ok := req.(proto.Message); ok {
		r := m.ProtoReflect()
		if f := r.Descriptor().Fields().ByName("lab"); f != nil && f.Kind() == protoreflect.StringKind && f.Cardinality() != protoreflect.Repeated {
			if lab := r.Get(f).String(); lab != "" {
				return lab
			}
		}
	}
	return c.lab
}

func withLab(ctx context.Context, lab string) context.Context {
	if lab == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, labMetadataKey, lab)
}

func (c *cli) labUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if c.callTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.callTimeout)
		defer cancel()
	}
	return c.hintTLS(invoker(withLab(ctx, c.labOf(req)), method, req, reply, cc, opts...))
}

// labStream names the command's lab: a stream's headers leave before its
// request does.
func (c *cli) labStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	s, err := streamer(withLab(ctx, c.lab), desc, cc, method, opts...)
	return s, c.hintTLS(err)
}

// hintTLS says what a plaintext client most likely lacks when the daemon
// hangs up before its HTTP/2 preface: a daemon serving TLS does that.
func (c *cli) hintTLS(err error) error {
	st, ok := status.FromError(err)
	if !ok || err == nil || c.ca != "" || c.cf.tls || st.Code() != codes.Unavailable || !strings.Contains(st.Message(), "server preface") {
		return err
	}
	return status.Error(codes.Unavailable, st.Message()+"; if the daemon serves TLS, give --ca FILE (its tls.crt) or --tls")
}
