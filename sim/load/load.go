// Package load drives a headendd over gRPC for measurements: it creates
// fleets, times calls, and reports percentiles. It is used by the
// benchmarks (`make bench`), never by the daemon itself.
package load

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// Percentile returns the p-th percentile (0..100) of the durations.
func Percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// Hostname is the hostname of fleet member i.
func Hostname(prefix string, i int) string { return fmt.Sprintf("%s%05d", prefix, i) }

// CreateFleet creates n headends of a model named prefix00000.. with workers
// concurrent callers, and returns how long it took.
func CreateFleet(ctx context.Context, c headendv1.HeadendServiceClient, prefix, model string, n, workers int) (time.Duration, error) {
	return Parallel(n, workers, func(i int) error {
		_, err := c.CreateHeadend(ctx, &headendv1.CreateHeadendRequest{Model: model, Hostname: Hostname(prefix, i)})
		if err != nil {
			return fmt.Errorf("create %s: %w", Hostname(prefix, i), err)
		}
		return nil
	})
}

// Parallel calls fn(0..n-1) from workers concurrent callers, and returns how
// long they took and the first error (a worker stops at its error).
func Parallel(n, workers int, fn func(i int) error) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return time.Since(start), <-errs
}

// Time calls fn n times, one after the other, and returns each latency.
func Time(n int, fn func(i int) error) ([]time.Duration, error) {
	lat, err := Interleave(n, fn)
	return lat[0], err
}

// Interleave calls each of fns n times, taking turns (fns[0](0), fns[1](0),
// ..., fns[0](1), ...), and returns the latencies of each. Taking turns
// exposes every call to the same background load (a compaction, another
// process on the machine), so that their figures compare fairly.
func Interleave(n int, fns ...func(i int) error) ([][]time.Duration, error) {
	out := make([][]time.Duration, len(fns))
	for j := range fns {
		out[j] = make([]time.Duration, 0, n)
	}
	for i := range n {
		for j, fn := range fns {
			start := time.Now()
			if err := fn(i); err != nil {
				return out, err
			}
			out[j] = append(out[j], time.Since(start))
		}
	}
	return out, nil
}

// Rate runs call from workers goroutines for d and returns how many calls
// completed and the time they took. Each worker numbers its own calls. The
// calls get ctx itself, not a deadline: a call cut off by the end of the
// run would otherwise fail with a deadline error instead of finishing.
func Rate(ctx context.Context, workers int, d time.Duration, call func(ctx context.Context, worker, i int) error) (int64, time.Duration, error) {
	var calls atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := time.Now()
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	defer timer.Stop()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				if err := call(ctx, w, i); err != nil {
					errs <- err
					stop.Store(true)
					return
				}
				calls.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return calls.Load(), time.Since(start), <-errs
}

// PerSecond is n events over d, per second.
func PerSecond(n int64, d time.Duration) float64 { return float64(n) / d.Seconds() }
