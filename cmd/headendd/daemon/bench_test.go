package daemon

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"google.golang.org/grpc/credentials/insecure"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// BenchmarkDaemonStart100x100: headendd's start-up, from Start until it
// is ready (data dir, store, every lab opened with its scenario engine and,
// with consoles, a listening SSH port per headend; gRPC and metrics
// listening), with 100 labs of 100 headends each, next to its baseline in
// the same run: the same 10,000 headends in one lab. Each shape runs
// without SSH consoles (nossh) and with them on a range of free ports
// (ssh). Reports start-ms, the milliseconds to ready, and cpu-ms, the CPU
// time the process spent on it; Stop is not timed.
//
//	go test -run '^$' -bench DaemonStart100x100 -benchtime 5x ./cmd/headendd/daemon
func BenchmarkDaemonStart100x100(b *testing.B) {
	// One port range for the run: the data dirs' headends keep the ports
	// they were given, so every start listens on the same ports. A range
	// somewhat larger than the fleet lets a headend skip a port another
	// program holds.
	const fleet = 10_000
	base := 20_000 + rand.IntN(65_535-20_000-fleet-1_000)
	sshArgs := []string{"--ssh-addr", fmt.Sprintf("127.0.0.1:%d", base), "--ssh-ports", fmt.Sprint(fleet + 1_000)}
	for _, shape := range []struct{ labs, per int }{{1, fleet}, {100, fleet / 100}} {
		b.Run(fmt.Sprintf("%dx%d", shape.labs, shape.per), func(b *testing.B) {
			dataDir := benchFleet(b, shape.labs, shape.per, sshArgs)
			for _, withSSH := range []bool{false, true} {
				name, args := "nossh", []string{"--http-addr", ""}
				if withSSH {
					name, args = "ssh", append(args, sshArgs...)
				}
				b.Run(name, func(b *testing.B) { benchStart(b, benchConfig(b, dataDir, args...)) })
			}
		})
	}
}

// benchStart starts and stops a daemon per op, timing the starts: the
// wall clock (start-ms) and the process's CPU time (cpu-ms), which a
// machine busy with other work inflates less.
func benchStart(b *testing.B, cfg Config) {
	log := discardLogger()
	var took, cpu time.Duration
	for b.Loop() {
		c0, t0 := cpuTime(b), time.Now()
		d, err := Start(context.Background(), cfg, log)
		if err != nil {
			b.Fatal(err)
		}
		took += time.Since(t0)
		cpu += cpuTime(b) - c0
		b.StopTimer()
		if err := d.Stop(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(took.Microseconds())/1000/float64(b.N), "start-ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms")
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchConfig(b *testing.B, dataDir string, args ...string) Config {
	b.Helper()
	cfg, err := ParseFlags(append([]string{"--data-dir", dataDir, "--grpc-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
		"--clock", "sim", "--clock-start", "2026-01-05T09:00:00Z"}, args...))
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

// discardLogger is headendd's JSON logger writing nowhere: the start pays
// for encoding its lines as the daemon's does.
func discardLogger() *zap.Logger {
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
}

// benchFleet makes a data dir of n labs (the default lab and n-1 more) of
// per headends each, applied as lab files by a daemon with the consoles of
// sshArgs (so each headend has its port stored), and returns it.
func benchFleet(b *testing.B, n, per int, sshArgs []string) string {
	b.Helper()
	dataDir := filepath.Join(b.TempDir(), "data")
	d, err := Start(context.Background(), benchConfig(b, dataDir, append([]string{"--http-addr", ""}, sshArgs...)...), zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := d.Stop(); err != nil {
			b.Fatal(err)
		}
	}()
	conn := dialWith(b, d.Addrs().GRPC, insecure.NewCredentials())
	ls := headendv1.NewLabsServiceClient(conn)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := range n {
		lab := "default"
		if i > 0 {
			lab = fmt.Sprintf("lab-%03d", i)
		}
		var file strings.Builder
		fmt.Fprintf(&file, "lab: %s\nheadends:\n", lab)
		for h := range per {
			fmt.Fprintf(&file, "  - {hostname: asa%d, model: ASA5525}\n", h)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			if _, err := ls.ApplyLab(ctx, &headendv1.ApplyLabRequest{FileName: lab + ".yaml", Content: file.String()}); err != nil {
				errs <- fmt.Errorf("apply %s: %w", lab, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return dataDir
}
