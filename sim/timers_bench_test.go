package sim

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/keygen"
)

// BenchmarkAdvanceClockTimed: a 30-day move of the simulated clock of a
// lab of 10,000 headends, 100 of which hold a 35-day key, so that the move
// passes three 444005 warnings of each (300 events in its batch). The
// baseline, in the same run, is a one-second move of the same lab that
// passes no line: the synced batch of the clock alone. Each op is one
// round (the keys are installed afresh, untimed); the figures are the
// medians of the rounds (make bench runs 5). For scale, it also reports
// what reading every headend's next due time would cost a move that
// scanned the lab instead of keeping the heap.
func BenchmarkAdvanceClockTimed(b *testing.B) {
	const headends, timed = 10_000, 100
	master, err := keygen.NewSigner([]byte("asalab-test-secret-0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	store, err := OpenStore(filepath.Join(b.TempDir(), "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	// The headends are written straight to the store: 10,000 synced
	// creations would take the run's time for nothing it measures.
	p, _ := headend.LookupPlatform("ASA5525")
	rnd := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	var serials []string // of the headends with a key
	batch := store.NewBatch(DefaultLab)
	for i := range headends {
		s := headend.GenerateSerial(p, simStart, rnd.IntN)
		for seen[s] {
			s = headend.GenerateSerial(p, simStart, rnd.IntN)
		}
		seen[s] = true
		d, err := asa.NewDevice("ASA5525", s, fmt.Sprintf("asa%05d", i), simStart)
		if err != nil {
			b.Fatal(err)
		}
		if err := batch.PutHeadend(uint64(i+1), d, 0); err != nil {
			b.Fatal(err)
		}
		if i%(headends/timed) == 0 {
			serials = append(serials, s)
		}
	}
	if err := batch.PutClock(simStart); err != nil {
		b.Fatal(err)
	}
	if err := store.Commit(batch); err != nil {
		b.Fatal(err)
	}
	batch.Close()
	lab, err := OpenLab(Config{Store: store, Signer: master.ForLab(DefaultLab), ClockMode: ClockSimulated, PeakSampleInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer lab.Close()

	var moves, bases []time.Duration
	events := 0
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		var wg sync.WaitGroup
		for i, s := range serials {
			wg.Go(func() {
				w, err := lab.signer.Encode(keygen.Key{Serial: s, Features: keygen.Features{PremiumPeers: 100}, Days: 35, Nonce: round%15 + 1})
				if err == nil {
					_, _, err = lab.InstallKey(fmt.Sprintf("asa%05d", i*(headends/timed)), w.String(), KeyActivate)
				}
				if err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		b.StartTimer()

		start := time.Now()
		must(lab.AdvanceClock(time.Second))
		bases = append(bases, time.Since(start))
		last := lab.LastEvent()
		start = time.Now()
		must(lab.AdvanceClock(30 * day))
		moves = append(moves, time.Since(start))

		b.StopTimer()
		events = int(lab.LastEvent() - last)
		if events != 1+3*timed {
			b.Fatalf("the 30-day move logged %d events, want the clock's and %d warnings", events, 3*timed)
		}
		must(lab.AdvanceClock(10 * day)) // past the expiries
		b.StartTimer()
	}
	// What a scan of every headend's keys would cost a move, besides its
	// batch: the heap spares it.
	var scans []time.Duration
	for range 5 {
		start := time.Now()
		lab.names.Range(func(_ string, h *Headend) bool {
			h.mu.Lock()
			h.dev.NextTimedEvent()
			h.mu.Unlock()
			return true
		})
		scans = append(scans, time.Since(start))
	}
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2].Microseconds()) / 1000
	}
	b.ReportMetric(median(moves), "ms/move-30d")
	b.ReportMetric(median(bases), "ms/move-none-due(baseline)")
	b.ReportMetric(median(scans), "ms/scan-all-keys")
	b.ReportMetric(float64(events), "events/move")
}
