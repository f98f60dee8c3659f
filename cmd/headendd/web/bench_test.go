package web

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
)

// BenchmarkFleetPage10000: the fleet page of a lab of 10,000 headends,
// served by the handler (sort, filter, a page of 100 rows rendered). The
// baseline, in the same run, is what any page of the fleet must pay
// first: reading every headend's snapshot (Lab.List, a page of 1,000 at a
// time). sample-every-headend is one sample of the session counts for the
// charts (the sampler lists the fleet only when it changed). Each headend
// has refused a user in the last hour. The headends
// are written straight to the store, untimed: 10,000
// synced creations would take the run's time for nothing it measures.
func BenchmarkFleetPage10000(b *testing.B) {
	const headends = 10_000
	store, err := sim.OpenStore(filepath.Join(b.TempDir(), "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	p, _ := headend.LookupPlatform("ASA5525")
	rnd := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	batch := store.NewBatch(sim.DefaultLab)
	for i := range headends {
		s := headend.GenerateSerial(p, labStart, rnd.IntN)
		for seen[s] {
			s = headend.GenerateSerial(p, labStart, rnd.IntN)
		}
		seen[s] = true
		d, err := asa.NewDevice("ASA5525", s, fmt.Sprintf("asa%05d", i), labStart)
		if err != nil {
			b.Fatal(err)
		}
		if err := batch.PutHeadend(uint64(i+1), d, 0); err != nil {
			b.Fatal(err)
		}
	}
	if err := batch.PutClock(labStart); err != nil {
		b.Fatal(err)
	}
	if err := store.Commit(batch); err != nil {
		b.Fatal(err)
	}
	batch.Close()
	master, _ := keygen.NewSigner(testSecret)
	lab, err := sim.OpenLab(sim.Config{Store: store, Signer: master.ForLab(sim.DefaultLab), ClockMode: sim.ClockSimulated, PeakSampleInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer lab.Close()
	// Every headend turns a user away in the hour (the factory key's 2
	// Premium peers, 3 users): the fleet counts 10,000 refusal events.
	for i := range headends {
		for u := range 3 {
			if _, err := lab.Admit(fmt.Sprintf("asa%05d", i), fmt.Sprintf("u%d", u), "laptop", sim.KindAnyConnect); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := lab.FlushRefusals(); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Options{Labs: labs{sim.DefaultLab: lab}})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	get := func(b *testing.B, path string, rows int) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, w.Code)
		}
		if n := strings.Count(w.Body.String(), "<tr data-hostname="); n != rows {
			b.Fatalf("%s: %d rows, want %d", path, n, rows)
		}
	}
	get(b, "/labs/default/", 100) // starts the sampler, untimed

	b.Run("baseline=list-every-snapshot", func(b *testing.B) {
		for b.Loop() {
			n, after := 0, ""
			for {
				page, more := lab.List(after, 1000)
				n += len(page)
				if !more {
					break
				}
				after = page[len(page)-1].LabName()
			}
			if n != headends {
				b.Fatalf("%d headends", n)
			}
		}
	})
	sm := srv.sampler(lab)
	b.Run("sample-every-headend", func(b *testing.B) {
		for b.Loop() {
			sm.sample(true)
		}
	})
	// The refusals of the hour read from the log, uncached: 10,000
	// events.
	b.Run("count-refusals-of-the-hour", func(b *testing.B) {
		now, last := lab.Clock().Now(), lab.LastEvent()
		for b.Loop() {
			if n := countRefusals(lab, last, now); len(n) != headends {
				b.Fatalf("%d headends refused", len(n))
			}
		}
	})
	b.Run("page=1", func(b *testing.B) {
		for b.Loop() {
			get(b, "/labs/default/", 100)
		}
	})
	b.Run("page=50,sorted-by-sessions-desc,filtered", func(b *testing.B) {
		for b.Loop() {
			get(b, "/labs/default/?q=asa0&sort=sessions&dir=desc&page=50", 100)
		}
	})
	// Six people looking at the fleet at once, each asking for a page of
	// another sort: ns/op is the time until all six have their page,
	// slowest-ms the slowest one's wait.
	b.Run("6-concurrent-viewers", func(b *testing.B) {
		sorts := []string{"hostname", "serial", "sessions", "state", "license", "refusals"}
		var slowest time.Duration
		for b.Loop() {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for _, by := range sorts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					start := time.Now()
					w := httptest.NewRecorder()
					h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/labs/default/?sort="+by, nil))
					d := time.Since(start)
					if n := strings.Count(w.Body.String(), "<tr data-hostname="); w.Code != http.StatusOK || n != 100 {
						b.Errorf("sort=%s: %d, %d rows", by, w.Code, n)
					}
					mu.Lock()
					slowest = max(slowest, d)
					mu.Unlock()
				}()
			}
			wg.Wait()
		}
		b.ReportMetric(float64(slowest.Microseconds())/1000, "slowest-ms")
	})
}
