package labtest_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/asalab/asalab/sim/labtest"
)

// iterTB is the benchmark as a test that ends with each iteration: its
// cleanups (the daemon's stop, the lab's deletion) run at end(), so that
// one daemon or lab runs at a time, as in a suite of tests.
type iterTB struct {
	testing.TB
	cleanups []func()
}

func (t *iterTB) Helper() {}

func (t *iterTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

func (t *iterTB) TempDir() string {
	dir, err := os.MkdirTemp("", "labtest-bench-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func (t *iterTB) end() {
	for _, f := range slices.Backward(t.cleanups) {
		f()
	}
	t.cleanups = t.cleanups[:0]
}

// BenchmarkPerTest is what a test pays for its lab: a daemon of its own
// (Start, with and without console ports), or a lab on a running daemon
// (NewLab); each op is the lab made, one call on it, and its cleanup.
// start-ns/op is the part before the test's body runs.
func BenchmarkPerTest(b *testing.B) {
	run := func(b *testing.B, make func(t testing.TB) *labtest.Lab) {
		t := &iterTB{TB: b}
		var startNs time.Duration
		for b.Loop() {
			began := time.Now()
			l := make(t)
			startNs += time.Since(began)
			l.Now()
			t.end()
		}
		b.ReportMetric(float64(startNs.Nanoseconds())/float64(b.N), "start-ns/op")
	}
	b.Run("Start", func(b *testing.B) {
		run(b, func(t testing.TB) *labtest.Lab { return labtest.Start(t) })
	})
	b.Run("Start/no-ssh", func(b *testing.B) {
		run(b, func(t testing.TB) *labtest.Lab { return labtest.Start(t, labtest.WithSSHPorts(0)) })
	})
	b.Run("NewLab", func(b *testing.B) {
		d := labtest.Start(b)
		run(b, func(t testing.TB) *labtest.Lab { return d.NewLab(t) })
	})
}
