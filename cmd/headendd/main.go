// Command headendd is the asalab daemon: it holds a lab of simulated Cisco
// VPN headends in an embedded pebble store and serves them over gRPC, with
// Prometheus metrics, and, with --ssh-addr, each headend's console over SSH
// on a port of its own.
//
//	headendd --data-dir ./data --grpc-addr 127.0.0.1:50051 --clock sim --ssh-addr 127.0.0.1:2201
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/asalab/asalab/cmd/headendd/server"
	"github.com/asalab/asalab/cmd/headendd/sshd"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/scenario"
	"github.com/asalab/asalab/sim/syslogout"
)

type flags struct {
	dataDir     string
	grpcAddr    string
	metricsAddr string
	clock       string
	clockStart  time.Time // zero: the machine's time
	logLevel    string
	bootTime    time.Duration
	secretFile  string
	readyFile   string
	pakDelay    time.Duration
	sshAddr     string
	scenarioDir string // "": the built-in scenarios only
	sshPorts    int
	sshHost     string // from sshAddr
	sshBase     int    // from sshAddr

	acceptDataLoss bool // start on a damaged write-ahead log

	syslogForward []string // collectors, each checked by syslogout.ParseTarget
}

func parseFlags(args []string) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("headendd", flag.ContinueOnError)
	fs.StringVar(&f.dataDir, "data-dir", "./data", "directory of the pebble store and the lab signing secret (created if missing); once used, headendd refuses to start on it without its store or lab.secret")
	fs.BoolVar(&f.acceptDataLoss, "accept-data-loss", false, "start even though the end of the store's write-ahead log or MANIFEST is damaged, without the writes or tables listed there (a copy of the file is kept beside the store); without it headendd refuses to start and says what would be lost")
	fs.StringVar(&f.grpcAddr, "grpc-addr", "127.0.0.1:50051", "gRPC listen address; port 0 picks a free port")
	fs.StringVar(&f.metricsAddr, "metrics-addr", "127.0.0.1:9464", "Prometheus /metrics listen address; empty disables it")
	fs.StringVar(&f.clock, "clock", "real", "lab clock: real (the machine's time) or sim (moved only by SetClock/AdvanceClock, persisted)")
	clockStart := fs.String("clock-start", "", "with --clock sim: the lab clock's first reading, RFC 3339 (e.g. 2026-01-05T09:00:00Z), used when the store is new; a stored clock resumes where it was (default: the machine's time)")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error (JSON logs on stderr)")
	fs.DurationVar(&f.bootTime, "boot-time", 30*time.Second, "how long a reloading headend stays down, in lab time (0: back at once)")
	fs.StringVar(&f.secretFile, "secret-file", "", "file holding the lab signing secret in hex (default: <data-dir>/lab.secret, created on first start; env ASALAB_SECRET gives it in hex instead)")
	fs.StringVar(&f.readyFile, "ready-file", "", "once listening, write the bound addresses to this file as JSON (for scripts and tests)")
	fs.DurationVar(&f.pakDelay, "pak-activation-delay", sim.DefaultPAKActivationDelay, "lab time between a PAK's delivery by the licensing portal and its first use (0: usable at once)")
	fs.StringVar(&f.sshAddr, "ssh-addr", "", "serve each headend's console over SSH: HOST:PORT, the first port of the range the headends' ports come from (e.g. 127.0.0.1:2201); empty: no SSH")
	fs.StringVar(&f.scenarioDir, "scenario-dir", "", "a directory of training scenario files (*.textpb) to carry beside the built-in ones; a file named as a built-in scenario replaces it; a file that does not read stops the start, naming its file, line and field")
	fs.IntVar(&f.sshPorts, "ssh-ports", 1000, "how many ports the SSH range has: headends get the ports PORT to PORT+N-1 (one each, kept across restarts)")
	fs.Func("syslog-forward", syslogForwardUsage, func(s string) error {
		if _, err := syslogout.ParseTarget(s); err != nil {
			return err
		}
		f.syslogForward = append(f.syslogForward, s)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *clockStart != "" {
		if f.clock != "sim" && f.clock != "simulated" {
			return f, errors.New("--clock-start needs --clock sim: the real clock reads the machine's time")
		}
		t, err := time.Parse(time.RFC3339, *clockStart)
		if err != nil {
			return f, fmt.Errorf("--clock-start %q: not an RFC 3339 time such as 2026-01-05T09:00:00Z", *clockStart)
		}
		f.clockStart = t
	}
	if f.bootTime < 0 {
		return f, errors.New("--boot-time must not be negative")
	}
	if f.pakDelay < 0 {
		return f, errors.New("--pak-activation-delay must not be negative")
	}
	if f.sshAddr != "" {
		host, port, err := net.SplitHostPort(f.sshAddr)
		if err != nil {
			return f, fmt.Errorf("--ssh-addr: %w", err)
		}
		base, err := strconv.Atoi(port)
		if err != nil || base < 1 || base > 65535 {
			return f, fmt.Errorf("--ssh-addr %s: the port must be 1-65535, the first of the range of console ports (0 cannot be: each headend keeps its own port)", f.sshAddr)
		}
		if f.sshPorts < 1 || base+f.sshPorts-1 > 65535 {
			return f, fmt.Errorf("--ssh-ports %d: the range from port %d must hold 1 or more ports and end at 65535 at most", f.sshPorts, base)
		}
		f.sshHost, f.sshBase = host, base
	}
	return f, nil
}

func main() {
	f, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "headendd:", err)
		os.Exit(2)
	}
	log, err := newLogger(f.logLevel)
	if err != nil {
		fmt.Fprintln(os.Stderr, "headendd:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, f, log); err != nil {
		log.Error("headendd stopped", zap.Error(err))
		_ = log.Sync()
		// The JSON log is for machines; a person starting the daemon
		// reads this line.
		fmt.Fprintln(os.Stderr, "headendd:", err)
		os.Exit(1)
	}
	_ = log.Sync()
}

func newLogger(level string) (*zap.Logger, error) {
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

func run(ctx context.Context, f flags, log *zap.Logger) error {
	start := time.Now()
	mode, err := sim.ParseClockMode(f.clock)
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

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	var sshPorts *sim.SSHPorts
	if f.sshAddr != "" {
		sshPorts = &sim.SSHPorts{Host: f.sshHost, Base: f.sshBase, Count: f.sshPorts, Usable: bindable(f.sshHost)}
	}
	fwd, err := startSyslogForwards(f.syslogForward, log, reg)
	if err != nil {
		return err
	}
	defer fwd.close(log) // after the lab: its last lines go out too
	lab, err := sim.OpenLab(sim.Config{
		Name: sim.DefaultLab, Store: store, Signer: master.ForLab(sim.DefaultLab),
		ClockMode: mode, ClockStart: f.clockStart, BootTime: f.bootTime, Log: log, Metrics: sim.NewMetrics(reg),
		PAKActivationDelay: f.pakDelay, SSH: sshPorts, Syslog: fwd.sink(),
	})
	if err != nil {
		return err
	}
	defer func() {
		if err := lab.Close(); err != nil {
			log.Error("closing lab", zap.Error(err))
		}
	}()
	if sshPorts != nil {
		keys, err := sshd.LoadOrCreateHostKeys(f.dataDir)
		if err != nil {
			return err
		}
		ss := sshd.New(lab, sshd.Options{Log: log, HostKeys: keys, Metrics: sshd.NewMetrics(reg)})
		if err := ss.Start(); err != nil {
			return err
		}
		defer ss.Close()
	}

	// LoadDir reads the built-in scenarios too.
	load := scenario.Load
	if f.scenarioDir != "" {
		load = func() ([]*scenario.Scenario, error) { return scenario.LoadDir(f.scenarioDir) }
	}
	scens, err := load()
	if err != nil {
		return err
	}
	scen, err := scenario.OpenWith(lab, scens)
	if err != nil {
		return err
	}
	defer lab.SetTraffic(0, nil)
	gs := server.New(server.NewLabs(lab), server.Options{Log: log, Metrics: server.NewGRPCMetrics(reg), Scenarios: []*scenario.Engine{scen}})
	gl, err := net.Listen("tcp", f.grpcAddr)
	if err != nil {
		return fmt.Errorf("gRPC listen: %w", err)
	}
	errc := make(chan error, 2)
	go func() { errc <- gs.Serve(gl) }()

	ready := map[string]string{"grpc_addr": gl.Addr().String()}
	if f.sshAddr != "" {
		ready["ssh_addr"] = f.sshAddr
	}
	var hs *http.Server
	if f.metricsAddr != "" {
		ml, err := net.Listen("tcp", f.metricsAddr)
		if err != nil {
			gs.Stop()
			return fmt.Errorf("metrics listen: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
		hs = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := hs.Serve(ml); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("metrics: %w", err)
			}
		}()
		ready["metrics_addr"] = ml.Addr().String()
	}
	if f.readyFile != "" {
		b, _ := json.Marshal(ready)
		if err := os.WriteFile(f.readyFile, b, 0o644); err != nil {
			gs.Stop()
			return fmt.Errorf("ready file: %w", err)
		}
	}
	log.Info("headendd ready",
		zap.String("grpc_addr", ready["grpc_addr"]), zap.String("metrics_addr", ready["metrics_addr"]),
		zap.String("data_dir", f.dataDir), zap.String("clock", lab.Clock().Mode().String()), zap.String("ssh_addr", f.sshAddr),
		zap.Int("headends", lab.Len()), zap.Duration("startup", time.Since(start)))

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-errc:
		gs.Stop()
		return err
	}
	stopped := make(chan struct{})
	lab.EndWatches() // event streams never end by themselves
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
