package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

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
		conn, err := grpc.NewClient(d.grpc, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			b.Fatal(err)
		}
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
