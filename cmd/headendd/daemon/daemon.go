// Package daemon is headendd without its main: the flags, the data
// directory, and the assembly of the store, the labs, the gRPC, SSH and
// metrics servers. Run serves until its context ends; Start serves in the
// background and says where it listens, for tests that run a daemon in
// their own process (package sim/labtest).
package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/crypto/ssh"

	"github.com/asalab/asalab/cmd/headendd/auth"
	"github.com/asalab/asalab/cmd/headendd/server"
	"github.com/asalab/asalab/cmd/headendd/sshd"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labs"
	"github.com/asalab/asalab/sim/scenario"
	"github.com/asalab/asalab/sim/syslogout"
)

// Config is what headendd is started with: its flags.
type Config struct {
	DataDir     string
	GRPCAddr    string
	MetricsAddr string
	HTTPAddr    string // the web console; "": none
	Clock       string
	ClockStart  time.Time // zero: the machine's time
	LogLevel    string
	BootTime    time.Duration
	SecretFile  string
	ReadyFile   string
	PAKDelay    time.Duration
	SSHAddr     string
	ScenarioDir string // "": the built-in scenarios only
	LabFile     string // applied at start; "": none
	SSHPorts    int
	SSHHost     string // from sshAddr
	SSHBase     int    // from sshAddr

	AcceptDataLoss bool // start on a damaged write-ahead log

	SyslogForward []string // collectors, each checked by syslogout.ParseTarget

	// Tokens and TLS (checkSecurity says which settings go together).
	Auth     AuthMode
	TLS      bool   // a self-signed certificate made in the data dir
	TLSCert  string // a certificate given as files
	TLSKey   string
	Insecure bool // a non-loopback --grpc-addr without TLS or tokens
}

// ParseFlags reads headendd's command line.
func ParseFlags(args []string) (Config, error) {
	var f Config
	fs := flag.NewFlagSet("headendd", flag.ContinueOnError)
	fs.StringVar(&f.DataDir, "data-dir", "./data", "directory of the pebble store and the lab signing secret (created if missing); once used, headendd refuses to start on it without its store or lab.secret")
	fs.BoolVar(&f.AcceptDataLoss, "accept-data-loss", false, "start even though the end of the store's write-ahead log or MANIFEST is damaged, without the writes or tables listed there (a copy of the file is kept beside the store); without it headendd refuses to start and says what would be lost")
	fs.StringVar(&f.GRPCAddr, "grpc-addr", "127.0.0.1:50051", "gRPC listen address; port 0 picks a free port")
	fs.StringVar(&f.MetricsAddr, "metrics-addr", "127.0.0.1:9464", "Prometheus /metrics listen address; empty disables it")
	fs.StringVar(&f.HTTPAddr, "http-addr", "127.0.0.1:8080", httpAddrUsage)
	fs.StringVar(&f.Clock, "clock", "real", "lab clock: real (the machine's time) or sim (moved only by SetClock/AdvanceClock, persisted)")
	clockStart := fs.String("clock-start", "", "with --clock sim: the lab clock's first reading, RFC 3339 (e.g. 2026-01-05T09:00:00Z), used when the store is new; a stored clock resumes where it was (default: the machine's time)")
	fs.StringVar(&f.LogLevel, "log-level", "info", "log level: debug, info, warn or error (JSON logs on stderr)")
	fs.DurationVar(&f.BootTime, "boot-time", 30*time.Second, "how long a reloading headend stays down, in lab time (0: back at once)")
	fs.StringVar(&f.SecretFile, "secret-file", "", "file holding the lab signing secret in hex (default: <data-dir>/lab.secret, created on first start; env ASALAB_SECRET gives it in hex instead)")
	fs.StringVar(&f.ReadyFile, "ready-file", "", "once listening, write the bound addresses to this file as JSON (for scripts and tests)")
	fs.DurationVar(&f.PAKDelay, "pak-activation-delay", sim.DefaultPAKActivationDelay, "lab time between a PAK's delivery by the licensing portal and its first use (0: usable at once)")
	fs.StringVar(&f.SSHAddr, "ssh-addr", "", "serve each headend's console over SSH: HOST:PORT, the first port of the range the headends' ports come from (e.g. 127.0.0.1:2201); empty: no SSH")
	fs.StringVar(&f.ScenarioDir, "scenario-dir", "", "a directory of training scenario files (*.textpb) to carry beside the built-in ones; a file named as a built-in scenario replaces it; a file that does not read stops the start, naming its file, line and field")
	fs.StringVar(&f.LabFile, "lab-file", "", "a lab file (YAML, docs/lab-files.md) to apply at start, as headendctl apply -f would: the lab it names is made if missing; a file that does not read or fit its lab stops the start, naming its file, line and field")
	fs.IntVar(&f.SSHPorts, "ssh-ports", 1000, "how many ports the SSH range has: headends get the ports PORT to PORT+N-1 (one each, kept across restarts)")
	fs.Func("syslog-forward", syslogForwardUsage, func(s string) error {
		if _, err := syslogout.ParseTarget(s); err != nil {
			return err
		}
		f.SyslogForward = append(f.SyslogForward, s)
		return nil
	})
	addSecurityFlags(fs, &f)
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *clockStart != "" {
		if m, _ := sim.ParseClockMode(f.Clock); m != sim.ClockSimulated {
			return f, errors.New("--clock-start needs --clock sim: the real clock reads the machine's time")
		}
		t, err := time.Parse(time.RFC3339, *clockStart)
		if err != nil {
			return f, fmt.Errorf("--clock-start %q: not an RFC 3339 time such as 2026-01-05T09:00:00Z", *clockStart)
		}
		f.ClockStart = t
	}
	if err := checkHTTPAddr(f.HTTPAddr, f.authEnforced() && (f.TLS || f.TLSCert != "")); err != nil {
		return f, err
	}
	if f.BootTime < 0 {
		return f, errors.New("--boot-time must not be negative")
	}
	if f.PAKDelay < 0 {
		return f, errors.New("--pak-activation-delay must not be negative")
	}
	if f.SSHAddr != "" {
		host, port, err := net.SplitHostPort(f.SSHAddr)
		if err != nil {
			return f, fmt.Errorf("--ssh-addr: %w", err)
		}
		base, err := strconv.Atoi(port)
		if err != nil || base < 1 || base > 65535 {
			return f, fmt.Errorf("--ssh-addr %s: the port must be 1-65535, the first of the range of console ports (0 cannot be: each headend keeps its own port)", f.SSHAddr)
		}
		if f.SSHPorts < 1 || base+f.SSHPorts-1 > 65535 {
			return f, fmt.Errorf("--ssh-ports %d: the range from port %d must hold 1 or more ports and end at 65535 at most", f.SSHPorts, base)
		}
		f.SSHHost, f.SSHBase = host, base
	}
	if err := checkSecurity(f); err != nil {
		return f, err
	}
	return f, nil
}

// NewLogger is headendd's JSON logger on stderr at a level.
func NewLogger(level string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	cfg := zap.NewProductionConfig()
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	cfg.OutputPaths, cfg.ErrorOutputPaths = []string{"stderr"}, []string{"stderr"}
	cfg.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	cfg.Sampling = nil
	cfg.DisableStacktrace = true // errors name their cause; a Go stack says nothing to an operator
	return cfg.Build()
}

func run(ctx context.Context, f Config, log *zap.Logger, onReady func(Addrs)) error {
	start := time.Now()
	mode, err := sim.ParseClockMode(f.Clock)
	if err != nil {
		return err
	}
	if err := checkSecurity(f); err != nil { // for a Config not made by ParseFlags
		return err
	}
	givenCert, err := loadCertFiles(f)
	if err != nil {
		return err
	}
	secret, store, err := openDataDir(f, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing store", zap.Error(err))
		}
	}()
	master, err := keygen.NewSigner(secret)
	if err != nil {
		return err
	}
	sec, err := loadSecurity(f, givenCert, log)
	if err != nil {
		return err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	var sshPorts *sim.SSHPorts
	if f.SSHAddr != "" {
		sshPorts = &sim.SSHPorts{Host: f.SSHHost, Base: f.SSHBase, Count: f.SSHPorts, Usable: bindable(f.SSHHost)}
	}
	fwd, err := startSyslogForwards(f.SyslogForward, log, reg)
	if err != nil {
		return err
	}
	defer fwd.close(log) // after the lab: its last lines go out too
	// LoadDir reads the built-in scenarios too. Parsed once, for every lab.
	load := scenario.Load
	if f.ScenarioDir != "" {
		load = func() ([]*scenario.Scenario, error) { return scenario.LoadDir(f.ScenarioDir) }
	}
	scens, err := load()
	if err != nil {
		return err
	}
	rt := &labRuntimes{log: log, scens: scens, byLab: map[*sim.Lab]labRuntime{}}
	if sshPorts != nil {
		if rt.hostKeys, err = sshd.LoadOrCreateHostKeys(f.DataDir); err != nil {
			return err
		}
		rt.sshMetrics = sshd.NewMetrics(reg)
	}
	set, err := labs.Open(labs.Options{
		Store: store, Master: master, Log: log, Metrics: sim.NewMetrics(reg),
		Default: labs.Spec{ClockMode: mode, ClockStart: f.ClockStart},
		Lab:     sim.Config{BootTime: f.BootTime, PAKActivationDelay: f.PAKDelay, SSH: sshPorts, Syslog: fwd.sink()},
		Opened:  rt.opened, Closing: rt.closing,
	})
	if err != nil {
		return err
	}
	defer func() {
		if err := set.Close(); err != nil {
			log.Error("closing labs", zap.Error(err))
		}
	}()
	if err := applyLabFile(f.LabFile, set, log); err != nil {
		return err
	}
	unary, stream, authn, err := sec.interceptors(set)
	if err != nil {
		return err
	}
	gs := server.New(server.SetLabs(set), server.Options{Log: log, Metrics: server.NewGRPCMetrics(reg), Scenarios: rt.engine,
		Unary: unary, Stream: stream, TLS: sec.tls, Caller: func(ctx context.Context) (bool, string) {
			p := auth.FromContext(ctx)
			return p.IsAdmin(), p.Lab
		}})
	gl, err := net.Listen("tcp", f.GRPCAddr)
	if err != nil {
		return fmt.Errorf("gRPC listen: %w", err)
	}
	errc := make(chan error, 3)
	go func() { errc <- gs.Serve(gl) }()

	ready := map[string]string{"grpc_addr": gl.Addr().String()}
	if f.SSHAddr != "" {
		ready["ssh_addr"] = f.SSHAddr
	}
	sec.addReady(ready)
	var hs *http.Server
	if f.MetricsAddr != "" {
		ml, err := net.Listen("tcp", f.MetricsAddr)
		if err != nil {
			gs.Stop()
			return fmt.Errorf("metrics listen: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
		mux.HandleFunc("/healthz", healthz)
		hs = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := hs.Serve(ml); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("metrics: %w", err)
			}
		}()
		ready["metrics_addr"] = ml.Addr().String()
	}
	wc, err := startWeb(f, set, rt.engine, sec.tls, webAuth(authn), log, errc)
	if err != nil {
		gs.Stop()
		return err
	}
	defer wc.stop() // before the lab closes
	if wc != nil {
		ready["http_addr"] = wc.addr
	}
	if f.ReadyFile != "" {
		b, _ := json.Marshal(ready)
		if err := os.WriteFile(f.ReadyFile, b, 0o644); err != nil {
			gs.Stop()
			return fmt.Errorf("ready file: %w", err)
		}
	}
	if onReady != nil {
		onReady(Addrs{GRPC: ready["grpc_addr"], Metrics: ready["metrics_addr"], SSH: ready["ssh_addr"], HTTP: ready["http_addr"],
			Auth: sec.enforce, TLS: sec.tls != nil, AdminTokenFile: sec.adminTokenFile, TLSCertFile: sec.certFile})
	}
	infos := set.List()
	headends := 0
	for _, i := range infos {
		headends += i.Headends
	}
	log.Info("headendd ready",
		zap.String("grpc_addr", ready["grpc_addr"]), zap.String("metrics_addr", ready["metrics_addr"]), zap.String("http_addr", ready["http_addr"]),
		zap.Bool("auth", sec.enforce), zap.Bool("tls", sec.tls != nil), zap.String("admin_token_file", sec.adminTokenFile),
		zap.String("data_dir", f.DataDir), zap.String("clock", mode.String()), zap.String("ssh_addr", f.SSHAddr),
		zap.Int("labs", len(infos)), zap.Int("headends", headends), zap.Duration("startup", time.Since(start)))

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-errc:
		gs.Stop()
		return err
	}
	stopped := make(chan struct{})
	for _, i := range set.List() { // event streams never end by themselves
		if lab, err := set.Get(i.Name); err == nil {
			lab.EndWatchesFor(sim.WatchEndDaemonStopping)
		}
	}
	go func() { gs.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		gs.Stop()
	}
	if hs != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}
	return nil
}

// labRuntime is what headendd runs beside a lab: its SSH server and its
// training scenario engine.
type labRuntime struct {
	ssh  *sshd.Server // nil without SSH
	scen *scenario.Engine
}

// labRuntimes starts and stops each lab's runtime as the set of labs opens
// and closes the lab. The SSH host keys and metrics are the daemon's.
type labRuntimes struct {
	log        *zap.Logger
	scens      []*scenario.Scenario
	hostKeys   []ssh.Signer
	sshMetrics *sshd.Metrics
	mu         sync.Mutex
	byLab      map[*sim.Lab]labRuntime
}

func (r *labRuntimes) opened(lab *sim.Lab) error {
	scen, err := scenario.OpenWith(lab, r.scens)
	if err != nil {
		return err
	}
	rt := labRuntime{scen: scen}
	if r.hostKeys != nil {
		// A lab's consoles know only its headends, so only its users log
		// in to them.
		rt.ssh = sshd.New(lab, sshd.Options{Log: r.log.With(zap.String("lab", lab.Name())), HostKeys: r.hostKeys, Metrics: r.sshMetrics})
		if err := rt.ssh.Start(); err != nil {
			return err
		}
	}
	r.mu.Lock()
	r.byLab[lab] = rt
	r.mu.Unlock()
	return nil
}

func (r *labRuntimes) closing(lab *sim.Lab) {
	r.mu.Lock()
	rt, ok := r.byLab[lab]
	delete(r.byLab, lab)
	r.mu.Unlock()
	if ok && rt.ssh != nil {
		rt.ssh.Close()
	}
}

// engine is a lab's scenario engine.
func (r *labRuntimes) engine(lab *sim.Lab) *scenario.Engine {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byLab[lab].scen
}

// bindable reports whether a console port on host is free to listen on, so
// that a new headend skips ports other programs hold.
func bindable(host string) func(port int) bool {
	return func(port int) bool {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return false
		}
		_ = ln.Close()
		return true
	}
}

// Addrs are where a daemon listens.
type Addrs struct {
	GRPC    string // host:port
	Metrics string // host:port; empty without metrics
	SSH     string // the first console port's address; empty without SSH
	HTTP    string // the web console; empty without it

	Auth           bool   // gRPC calls need a bearer token
	TLS            bool   // gRPC is served over TLS
	AdminTokenFile string // the file holding the admin token
	TLSCertFile    string // the certificate clients trust; empty without TLS
}

// Run serves until ctx ends, then stops gracefully.
func Run(ctx context.Context, cfg Config, log *zap.Logger) error { return run(ctx, cfg, log, nil) }

// Daemon is a daemon started by Start.
type Daemon struct {
	addrs  Addrs
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// Start starts a daemon and returns once it listens (or failed to start).
// Stop it with Stop.
func Start(ctx context.Context, cfg Config, log *zap.Logger) (*Daemon, error) {
	ctx, cancel := context.WithCancel(ctx)
	d := &Daemon{cancel: cancel, done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		defer close(d.done)
		d.err = run(ctx, cfg, log, func(a Addrs) { d.addrs = a; close(ready) })
	}()
	select {
	case <-ready:
		return d, nil
	case <-d.done:
		cancel()
		if d.err == nil {
			d.err = errors.New("headendd stopped before it was ready")
		}
		return nil, d.err
	}
}

// Addrs says where the daemon listens.
func (d *Daemon) Addrs() Addrs { return d.addrs }

// Stop stops the daemon gracefully and returns the error it stopped with.
func (d *Daemon) Stop() error {
	d.cancel()
	<-d.done
	return d.err
}

// Done is closed once the daemon has stopped.
func (d *Daemon) Done() <-chan struct{} { return d.done }
