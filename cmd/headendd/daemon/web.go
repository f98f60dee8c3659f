package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/cmd/headendd/auth"
	"github.com/asalab/asalab/cmd/headendd/web"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labs"
	"github.com/asalab/asalab/sim/scenario"
)

const httpAddrUsage = "web console listen address (HOST:PORT; port 0 picks a free port); empty disables it. It asks for the same tokens as gRPC (with --auth) and serves HTTPS with gRPC's certificate (with TLS); a non-loopback address needs both"

// checkHTTPAddr refuses a web console address that is not loopback unless
// the daemon authenticates its clients with tokens over TLS: the console
// shows labs and runs console commands.
func checkHTTPAddr(addr string, authenticated bool) error {
	if addr == "" || authenticated {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--http-addr: %w", err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--http-addr %s: the web console listens on a loopback address (127.0.0.1, ::1, localhost) unless headendd authenticates its clients with tokens over TLS (--auth with --tls or --tls-cert)", addr)
}

// setSource is the daemon's labs as the web console's LabSource.
type setSource struct{ set *labs.Set }

func (o setSource) Lab(name string) (*sim.Lab, error) { return o.set.Get(name) }

func (o setSource) Labs() []string {
	infos := o.set.List()
	names := make([]string, len(infos))
	for i, in := range infos {
		names[i] = in.Name
	}
	return names
}

// webAuth is the daemon's bearer-token check as the web console's
// Authenticator: the same tokens as gRPC (nil when the daemon runs
// without --auth).
func webAuth(a *auth.Authenticator) web.Authenticator {
	if a == nil || !a.Enforced() {
		return nil
	}
	return func(token string) (bool, string, error) {
		p, err := a.Authenticate(token)
		if err != nil {
			return false, "", err
		}
		return p.IsAdmin(), p.Lab, nil
	}
}

// webConsole is the running web console.
type webConsole struct {
	srv  *web.Server
	hs   *http.Server
	addr string
}

// startWeb serves the web console on f.HTTPAddr ("": none, a nil console
// and no error). With tlsConf it serves HTTPS and marks its cookies
// Secure; auth nil means no authentication (loopback only, checked by
// ParseFlags).
func startWeb(f Config, set *labs.Set, engine func(*sim.Lab) *scenario.Engine, tlsConf *tls.Config, authn web.Authenticator, log *zap.Logger, errc chan<- error) (*webConsole, error) {
	if f.HTTPAddr == "" {
		return nil, nil
	}
	if err := checkHTTPAddr(f.HTTPAddr, authn != nil && tlsConf != nil); err != nil {
		return nil, err
	}
	srv, err := web.New(web.Options{
		Labs: setSource{set},
		Scenario: func(name string) *scenario.Engine {
			lab, err := set.Get(name)
			if err != nil {
				return nil
			}
			return engine(lab)
		},
		Auth: authn, Secure: tlsConf != nil, Log: log,
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", f.HTTPAddr)
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("web console listen: %w", err)
	}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	// No write timeout: the event stream stays open.
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("web console: %w", err)
		}
	}()
	return &webConsole{srv: srv, hs: hs, addr: ln.Addr().String()}, nil
}

// stop ends the event streams, then the server.
func (w *webConsole) stop() {
	if w == nil {
		return
	}
	w.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := w.hs.Shutdown(ctx); err != nil {
		_ = w.hs.Close()
	}
}
