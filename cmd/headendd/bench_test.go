package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/load"
)

// BenchmarkFleet measures, on the real daemon, what issue 2 asks: the time
// to create 10,000 headends over gRPC, the p50 latency of an acknowledged
// (synced) InstallActivationKey next to a bare pebble Sync write on the same
// disk in the same run, and the start-up time of headendd with 10,000
// headends stored. Run it once: go test -run '^$' -bench Fleet -benchtime 1x ./cmd/headendd
func BenchmarkFleet(b *testing.B) {
	const fleet, installs, workers = 10000, 300, 16
	headendd, _ := buildBinaries(b)
	dataDir := filepath.Join(b.TempDir(), "data")
	for b.Loop() {
		d := startDaemon(b, headendd, dataDir)
		conn := d.dial(b)
		hc := headendv1.NewHeadendServiceClient(conn)
		ctx := context.Background()

		took, err := load.CreateFleet(ctx, hc, "asa", "ASA5525", fleet, workers)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(took.Seconds(), "create-10k-s")

		// InstallActivationKey: alternate two permanent keys on one headend
		// so every call changes the flash and running keys.
		secret, err := sim.ReadSecretFile(filepath.Join(dataDir, sim.SecretFile))
		if err != nil {
			b.Fatal(err)
		}
		master, _ := keygen.NewSigner(secret)
		signer := master.ForLab(sim.DefaultLab)
		got, err := hc.GetHeadend(ctx, &headendv1.GetHeadendRequest{Hostname: load.Hostname("asa", 0)})
		if err != nil {
			b.Fatal(err)
		}
		serial := got.GetHeadend().GetSerial()
		var keys [2]string
		for i, n := range []int{250, 500} {
			w, err := signer.Encode(keygen.Key{Serial: serial, Features: keygen.Features{PremiumPeers: n}})
			if err != nil {
				b.Fatal(err)
			}
			keys[i] = w.String()
		}
		lat, err := load.Time(installs, func(i int) error {
			_, err := hc.InstallActivationKey(ctx, &headendv1.InstallActivationKeyRequest{
				Hostname: load.Hostname("asa", 0), ActivationKey: keys[i%2]})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		conn.Close()

		// A bare pebble Sync write, same disk, same run.
		store, err := sim.OpenStore(filepath.Join(b.TempDir(), "bare"), nil)
		if err != nil {
			b.Fatal(err)
		}
		value := []byte(strings.Repeat("x", 1500)) // about the size of a headend record
		bare, err := load.Time(installs, func(i int) error { return store.SyncWrite([]byte(fmt.Sprint(i%64)), value) })
		store.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(load.Percentile(lat, 50).Microseconds())/1000, "install-p50-ms")
		b.ReportMetric(float64(load.Percentile(lat, 99).Microseconds())/1000, "install-p99-ms")
		b.ReportMetric(float64(load.Percentile(bare, 50).Microseconds())/1000, "pebble-sync-p50-ms")

		d.term()
		start := time.Now()
		d = startDaemon(b, headendd, dataDir)
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "startup-10k-ms")
		d.term()
		os.RemoveAll(dataDir)
	}
}

func (d *daemon) term() {
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(20 * time.Second):
		d.kill()
	}
}

// BenchmarkMillionSessions holds 1,000,000 concurrent sessions over 1,000
// headends (ASA5545s with Plus/Apex keys, 2,500 sessions each) in the real
// daemon, admitted through AdmitConnectionBatch, and reports the daemon's
// resident set size. Run it once:
//
//	go test -run '^$' -bench MillionSessions -benchtime 1x ./cmd/headendd
func BenchmarkMillionSessions(b *testing.B) {
	const headends, perHeadend, batch = 1000, 1000, 10000
	headendd, _ := buildBinaries(b)
	if limit := os.Getenv("ASALAB_BENCH_GOMEMLIMIT"); limit != "" {
		daemonEnv = []string{"GOMEMLIMIT=" + limit}
		defer func() { daemonEnv = nil }()
	}
	for b.Loop() {
		dataDir := filepath.Join(b.TempDir(), "data")
		d := startDaemon(b, headendd, dataDir)
		conn := d.dial(b)
		hc := headendv1.NewHeadendServiceClient(conn)
		ctx := context.Background()
		secret, err := sim.ReadSecretFile(filepath.Join(dataDir, sim.SecretFile))
		if err != nil {
			b.Fatal(err)
		}
		master, _ := keygen.NewSigner(secret)
		signer := master.ForLab(sim.DefaultLab)
		if _, err := load.CreateFleet(ctx, hc, "asa", "ASA5545", headends, 16); err != nil {
			b.Fatal(err)
		}
		for i := range headends {
			host := load.Hostname("asa", i)
			got, err := hc.GetHeadend(ctx, &headendv1.GetHeadendRequest{Hostname: host})
			if err != nil {
				b.Fatal(err)
			}
			w, _ := signer.Encode(keygen.Key{Serial: got.GetHeadend().GetSerial(), Features: keygen.Features{PlusApex: true}})
			if _, err := hc.InstallActivationKey(ctx, &headendv1.InstallActivationKeyRequest{Hostname: host, ActivationKey: w.String()}); err != nil {
				b.Fatal(err)
			}
			if _, err := hc.Exec(ctx, &headendv1.ExecRequest{Hostname: host, Lines: []string{"configure terminal", "webvpn", "no anyconnect-essentials"}}); err != nil {
				b.Fatal(err)
			}
		}
		rssBefore, _ := rssOf(d.cmd.Process.Pid)
		start := time.Now()
		req := &headendv1.AdmitConnectionBatchRequest{Attempts: make([]*headendv1.ConnectionAttempt, batch)}
		attempts := make([]headendv1.ConnectionAttempt, batch)
		for n := 0; n < headends*perHeadend; n += batch {
			for j := range batch {
				i := n + j
				a := &attempts[j]
				a.Headend = load.Hostname("asa", i/perHeadend)
				a.User = fmt.Sprintf("user%07d@corp.example", i)
				a.ClientDevice = fmt.Sprintf("laptop-%07d", i)
				a.Kind = headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT
				req.Attempts[j] = a
			}
			resp, err := hc.AdmitConnectionBatch(ctx, req, grpc.MaxCallSendMsgSize(64<<20))
			if err != nil {
				b.Fatal(err)
			}
			for j, dec := range resp.GetDecisions() {
				if !dec.GetAdmitted() {
					b.Fatalf("session %d refused: %v", n+j, dec.GetReason())
				}
			}
		}
		took := time.Since(start)
		rss, err := rssOf(d.cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rss)/(1<<20), "rss-MiB")
		b.ReportMetric(float64(rssBefore)/(1<<20), "rss-before-MiB")
		b.ReportMetric(float64(headends*perHeadend)/took.Seconds(), "admissions/s")
		conn.Close()
		d.term()
	}
}

// rssOf reads a process's resident set size in bytes.
func rssOf(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmRSS")
}
