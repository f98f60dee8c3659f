package sim_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/asalab/asalab/cmd/headendd/server"
	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// The event log's measurements, each next to its baseline in the same run:
//
//	go test -run '^$' -bench 'WatchEvents|AdmitWithSubscribers' -benchtime 1x ./sim
//
// They report rates and ratios and assert nothing; `make bench` prints them.

var benchStart = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func benchLab(b *testing.B) *sim.Lab {
	b.Helper()
	store, err := sim.OpenStore(filepath.Join(b.TempDir(), "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	master, _ := keygen.NewSigner([]byte("asalab-bench-secret-0123456789abcdef"))
	lab, err := sim.OpenLab(sim.Config{Store: store, Signer: master.ForLab(sim.DefaultLab), ClockMode: sim.ClockSimulated,
		ClockStart: benchStart, PeakSampleInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lab.Close(); store.Close() })
	return lab
}

// produce commits n events in batches of batch, as fast as it can.
func produce(b *testing.B, lab *sim.Lab, n, batch int) {
	evs := make([]sim.Event, batch)
	for done := 0; done < n; done += batch {
		for i := range evs {
			evs[i] = sim.Event{At: benchStart, Headend: "asa1", Kind: sim.EventSyslog,
				Syslog: "%ASA-4-444005: Timebased license key 0x3f8d6ccc 0xe57d6894 0x9facfd11 0x9b3a5815 0xaa1077e4 will expire in 14 days."}
		}
		if err := sim.CommitEvents(lab, evs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWatchEvents: how many events a second one subscriber receives
// while a producer commits them as fast as it can (batches of 256, one
// synced commit each), in process and over gRPC on loopback; the baseline
// is the producer's own rate, alone, in the same run. A subscriber that
// keeps up receives at the producer's rate; one behind catches up from
// the store.
func BenchmarkWatchEvents(b *testing.B) {
	const n, batch = 400_000, 256
	lab := benchLab(b)

	start := time.Now()
	produce(b, lab, n, batch)
	alone := float64(n) / time.Since(start).Seconds()

	// In process: subscribed before the producer starts.
	inProc := func() float64 {
		from := lab.LastEvent()
		var got atomic.Int64
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = lab.WatchEvents(ctx, from, sim.EventFilter{}, func(evs []sim.Event) error {
				if got.Add(int64(len(evs))) >= n {
					cancel()
				}
				return nil
			})
		}()
		start := time.Now()
		produce(b, lab, n, batch)
		<-done
		return float64(n) / time.Since(start).Seconds()
	}()

	// Over gRPC: the daemon's server on a loopback port, one client stream.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	gs := server.New(server.NewLabs(lab), server.Options{})
	go func() { _ = gs.Serve(ln) }()
	defer gs.Stop()
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	ec := headendv1.NewEventServiceClient(conn)
	overGRPC := func(produceToo bool) float64 {
		from := lab.LastEvent()
		if !produceToo {
			from -= n // replay of what is stored
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stream, err := ec.WatchEvents(ctx, &headendv1.WatchEventsRequest{FromSequence: from})
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		start := time.Now()
		if produceToo {
			wg.Add(1)
			go func() { defer wg.Done(); produce(b, lab, n, batch) }()
		}
		got := 0
		for got < n {
			resp, err := stream.Recv()
			if err != nil {
				b.Fatal(err)
			}
			got += len(resp.GetEvents())
		}
		wg.Wait()
		return float64(n) / time.Since(start).Seconds()
	}
	live := overGRPC(true)
	replay := overGRPC(false)

	b.ReportMetric(alone, "producer-alone-events/s")
	b.ReportMetric(inProc, "inproc-events/s")
	b.ReportMetric(live, "grpc-live-events/s")
	b.ReportMetric(replay, "grpc-replay-events/s")
	b.ReportMetric(inProc/alone, "inproc/producer")
	b.ReportMetric(live/alone, "grpc-live/producer")
}

// BenchmarkAdmitWithSubscribers: admissions a second (admit and release,
// 2 workers over 8 licensed headends) while events flow (a producer
// commits 256 events every 10 ms, 25,600 a second), with no subscriber
// and with 10 attached, each receiving every event.
func BenchmarkAdmitWithSubscribers(b *testing.B) {
	lab := benchLab(b)
	var hs []*sim.Headend
	for i := range 8 {
		name := fmt.Sprintf("asa%d", i)
		snap, err := lab.Create("ASA5545", name, "")
		if err != nil {
			b.Fatal(err)
		}
		w, _ := keygenEncode(lab, snap.Device.SerialNumber())
		if _, _, err := lab.InstallKey(name, w, sim.KeyActivate); err != nil {
			b.Fatal(err)
		}
		h, _ := lab.Headend(name)
		hs = append(hs, h)
	}
	var ps []*admission.Principal
	for i := range 1000 {
		p, err := lab.Principal(fmt.Sprintf("user%d", i), "laptop")
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p)
	}
	stopProducer := make(chan struct{})
	var pwg sync.WaitGroup
	pwg.Add(1)
	go func() {
		defer pwg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopProducer:
				return
			case <-t.C:
				produce(b, lab, 256, 256)
			}
		}
	}()
	defer func() { close(stopProducer); pwg.Wait() }()

	round := func(subscribers int) float64 {
		ctx, cancel := context.WithCancel(context.Background())
		var swg sync.WaitGroup
		for range subscribers {
			swg.Add(1)
			go func() {
				defer swg.Done()
				_ = lab.WatchEvents(ctx, lab.LastEvent(), sim.EventFilter{}, func([]sim.Event) error { return nil })
			}()
		}
		var ops atomic.Int64
		start := time.Now()
		deadline := start.Add(300 * time.Millisecond)
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := int64(0)
				for i := w; time.Now().Before(deadline); i += 2 {
					h := hs[i%len(hs)]
					for j := range 256 {
						d := h.Admit(ps[(i*256+j)%len(ps)], headend.KindAnyConnect)
						if d.Admitted {
							h.Release(d.Session)
						}
					}
					n += 256
				}
				ops.Add(n)
			}()
		}
		wg.Wait()
		rate := float64(ops.Load()) / time.Since(start).Seconds()
		cancel()
		swg.Wait()
		return rate
	}
	// Many short pairs, in alternating order, and the median of the pairs'
	// ratios: on a shared machine the drift between rounds is as large as
	// the difference measured.
	var none, ten, ratios []float64
	for i := range 15 {
		var n, t float64
		if i%2 == 0 {
			n, t = round(0), round(10)
		} else {
			t, n = round(10), round(0)
		}
		none, ten, ratios = append(none, n), append(ten, t), append(ratios, t/n)
	}
	b.ReportMetric(median(none), "admits/s-0-subscribers")
	b.ReportMetric(median(ten), "admits/s-10-subscribers")
	b.ReportMetric(median(ratios), "10-subscribers/none")
}

func keygenEncode(lab *sim.Lab, serial string) (string, error) {
	master, _ := keygen.NewSigner([]byte("asalab-bench-secret-0123456789abcdef"))
	w, err := master.ForLab(sim.DefaultLab).Encode(keygen.Key{Serial: serial, Features: keygen.Features{PremiumPeers: 2500}})
	return w.String(), err
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
