package labs_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labs"
)

// The set of labs' measurements, each next to its baseline in the same
// run (make bench):
//
//	go test -run '^$' -bench 'OpenLabs' -benchtime 5x ./sim/labs
//	go test -run '^$' -bench 'AdmitReleaseLabs' -benchmem -count 3 ./sim/labs

func benchOptions(st *sim.Store) labs.Options {
	return labs.Options{Store: st, Master: master,
		Default: labs.Spec{ClockMode: sim.ClockSimulated, ClockStart: start},
		Lab:     sim.Config{RealNow: func() time.Time { return machineNow }, PeakSampleInterval: -1}}
}

// fleetStore makes a store of n labs (the default lab and n-1 more) of
// per headends each, created concurrently as clients would, and returns
// its directory.
func fleetStore(b *testing.B, n, per int) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "store")
	st, err := sim.OpenStore(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	set, err := labs.Open(benchOptions(st))
	if err != nil {
		b.Fatal(err)
	}
	names := []string{sim.DefaultLab}
	for i := 1; i < n; i++ {
		name := fmt.Sprintf("lab-%03d", i)
		if _, _, err := set.Create(name, labs.Spec{ClockStart: start}); err != nil {
			b.Fatal(err)
		}
		names = append(names, name)
	}
	// Creations share the store's syncs: 100 writers at a time.
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	sem := make(chan struct{}, 100)
	for _, name := range names {
		lab, _ := set.Get(name)
		for w := range min(per, 100/n+1) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < per; i += min(per, 100/n+1) {
					sem <- struct{}{}
					_, err := lab.Create("ASA5525", fmt.Sprintf("asa%d", i), "")
					<-sem
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	if err := set.Close(); err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkOpenLabs: a daemon's start-up with 100 labs of 100 headends
// each (the store opened and every lab opened), next to the same 10,000
// headends in one lab. Reports the milliseconds to open.
func BenchmarkOpenLabs(b *testing.B) {
	for _, bc := range []struct{ labs, per int }{{1, 10_000}, {100, 100}} {
		dir := fleetStore(b, bc.labs, bc.per)
		b.Run(fmt.Sprintf("%dx%d", bc.labs, bc.per), func(b *testing.B) {
			var took time.Duration
			for b.Loop() {
				t0 := time.Now()
				st, err := sim.OpenStore(dir, nil)
				if err != nil {
					b.Fatal(err)
				}
				set, err := labs.Open(benchOptions(st))
				if err != nil {
					b.Fatal(err)
				}
				took += time.Since(t0)
				b.StopTimer()
				if n := len(set.List()); n != bc.labs {
					b.Fatalf("%d labs", n)
				}
				set.Close()
				st.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "open-ms")
		})
	}
}

// BenchmarkAdmitReleaseLabs: one admission and release on a headend of a
// lab, through sim.Headend, with that lab alone in the daemon and with 100
// labs of 100 headends open: the other labs must cost it nothing.
func BenchmarkAdmitReleaseLabs(b *testing.B) {
	for _, n := range []int{1, 100} {
		dir := fleetStore(b, n, 100)
		b.Run(fmt.Sprintf("labs=%d", n), func(b *testing.B) {
			st, err := sim.OpenStore(dir, nil)
			if err != nil {
				b.Fatal(err)
			}
			// The daemon's sampling of peaks and flushes of usage, in
			// every lab, run beside the admissions.
			o := benchOptions(st)
			o.Lab.PeakSampleInterval = 0
			set, err := labs.Open(o)
			if err != nil {
				b.Fatal(err)
			}
			defer func() { set.Close(); st.Close() }()
			lab, _ := set.Get(sim.DefaultLab)
			h, err := lab.Headend("asa7")
			if err != nil {
				b.Fatal(err)
			}
			p, err := lab.Principal("alice", "laptop")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				d := h.Admit(p, headend.KindAnyConnect)
				if !d.Admitted || !h.Release(d.Session) {
					b.Fatal("refused")
				}
			}
		})
	}
}
