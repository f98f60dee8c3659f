package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/load"
)

// BenchmarkFleet measures, on the real daemon, each figure beside a baseline
// from the same run on the same disk:
//
//   - create-10k-s: 10,000 CreateHeadend calls over gRPC, 50 in flight,
//     each durable when acknowledged; beside bare-10k-s, 10,000 bare pebble
//     synced writes of a headend's size from 50 writers on a fresh store.
//   - install-p50/p99-ms: an acknowledged (synced) InstallActivationKey;
//     beside pebble-sync-p50/p99-ms, a bare synced write in this process,
//     and grpc-rtt-p50-ms, a gRPC health check to the daemon (the round trip
//     the bare write does not make). The three take turns, so background
//     work (the daemon's memtable flushes after the fleet's creation, other
//     processes) weighs on each alike. install/(sync+rtt) sets the install
//     against the bare write plus the round trip. The means break an
//     install down with the daemon's metrics: install-mean-ms at the client,
//     install-handler-mean-ms in the handler, install-persist-mean-ms in
//     its synced write (encoding included), beside pebble-sync-mean-ms.
//   - startup-10k-ms: a restart of headendd with the 10,000 headends stored.
//
// Run it once: go test -run '^$' -bench Fleet -benchtime 1x ./cmd/headendd
func BenchmarkFleet(b *testing.B) {
	const fleet, installs, workers = 10000, 500, 50
	headendd, _ := buildBinaries(b)
	dataDir := filepath.Join(b.TempDir(), "data")
	value := []byte(strings.Repeat("x", 1400)) // about the size of a headend record
	for b.Loop() {
		d := startDaemon(b, headendd, dataDir)
		conn := d.dial(b)
		hc := headendv1.NewHeadendServiceClient(conn)
		health := healthpb.NewHealthClient(conn)
		ctx := context.Background()

		store, err := sim.OpenStore(filepath.Join(b.TempDir(), "bare"), nil)
		if err != nil {
			b.Fatal(err)
		}
		bareFleet, err := load.Parallel(fleet, workers, func(i int) error {
			return store.SyncWrite([]byte(load.Hostname("asa", i)), value)
		})
		if err != nil {
			b.Fatal(err)
		}
		took, err := load.CreateFleet(ctx, hc, "asa", "ASA5525", fleet, workers)
		if err != nil {
			b.Fatal(err)
		}

		// InstallActivationKey: alternate two permanent keys on one headend
		// so every call changes the flash and running keys.
		secret, err := keygen.ReadSecretFile(filepath.Join(dataDir, keygen.SecretFile))
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
		before := scrapeSums(b, d.metr)
		lat, err := load.Interleave(installs,
			func(i int) error {
				_, err := hc.InstallActivationKey(ctx, &headendv1.InstallActivationKeyRequest{
					Hostname: load.Hostname("asa", 0), ActivationKey: keys[i%2]})
				return err
			},
			func(i int) error { return store.SyncWrite([]byte(fmt.Sprint(i%64)), value) },
			func(int) error {
				_, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
				return err
			})
		store.Close()
		if err != nil {
			b.Fatal(err)
		}
		after := scrapeSums(b, d.metr)
		conn.Close()
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		install, bare, rtt := lat[0], lat[1], lat[2]
		b.ReportMetric(took.Seconds(), "create-10k-s")
		b.ReportMetric(float64(fleet)/took.Seconds(), "creates/s")
		b.ReportMetric(bareFleet.Seconds(), "bare-10k-s")
		b.ReportMetric(ms(load.Percentile(install, 50)), "install-p50-ms")
		b.ReportMetric(ms(load.Percentile(install, 99)), "install-p99-ms")
		b.ReportMetric(ms(load.Percentile(bare, 50)), "pebble-sync-p50-ms")
		b.ReportMetric(ms(load.Percentile(bare, 99)), "pebble-sync-p99-ms")
		b.ReportMetric(float64(load.Percentile(install, 50))/float64(load.Percentile(bare, 50)), "install/sync-p50")
		b.ReportMetric(ms(load.Percentile(rtt, 50)), "grpc-rtt-p50-ms")
		// The bare write makes no round trip; every acknowledged change
		// over gRPC does.
		b.ReportMetric(float64(load.Percentile(install, 50))/float64(load.Percentile(bare, 50)+load.Percentile(rtt, 50)), "install/(sync+rtt)-p50")
		// Where an install's time goes, from the daemon's own metrics
		// (means over the installs): in the handler, and of that in the
		// synced write (encoding included).
		served := func(metric string) float64 {
			return (after[metric+"_sum"] - before[metric+"_sum"]) / (after[metric+"_count"] - before[metric+"_count"]) * 1000
		}
		b.ReportMetric(served(installHandling), "install-handler-mean-ms")
		b.ReportMetric(served("asalab_lab_persist_seconds"), "install-persist-mean-ms")
		b.ReportMetric(ms(mean(install)), "install-mean-ms")
		b.ReportMetric(ms(mean(bare)), "pebble-sync-mean-ms")

		d.term()
		start := time.Now()
		d = startDaemon(b, headendd, dataDir)
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "startup-10k-ms")
		d.term()
		os.RemoveAll(dataDir)
	}
}

// installHandling is the daemon's histogram of InstallActivationKey's
// handling time.
const installHandling = `asalab_grpc_server_handling_seconds{grpc_method="` +
	headendv1.HeadendService_InstallActivationKey_FullMethodName + `"}`

// scrapeSums reads the _sum and _count of the daemon's histograms, keyed by
// name and labels without the le label's buckets ("name_sum{labels}" is
// returned as "name{labels}_sum").
func scrapeSums(b *testing.B, addr string) map[string]float64 {
	b.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		for _, suffix := range []string{"_sum", "_count"} {
			base, labels, _ := strings.Cut(name, "{")
			if strings.HasSuffix(base, suffix) {
				if labels != "" {
					labels = "{" + labels
				}
				v, _ := strconv.ParseFloat(value, 64)
				out[strings.TrimSuffix(base, suffix)+labels+suffix] = v
			}
		}
	}
	return out
}

// mean of durations.
func mean(d []time.Duration) time.Duration {
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return sum / time.Duration(max(len(d), 1))
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
		secret, err := keygen.ReadSecretFile(filepath.Join(dataDir, keygen.SecretFile))
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
