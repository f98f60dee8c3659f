//go:build soak

package sim

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
)

// The soak is built only with the soak build tag: `make soak` runs it
// (go test -tags soak), `make test` leaves it out, as it takes minutes.

// TestMain runs, in the fresh process that TestSoak starts with
// ASALAB_SOAK_STORE set, the start-up measurement instead of the tests.
func TestMain(m *testing.M) {
	if dir := os.Getenv("ASALAB_SOAK_STORE"); dir != "" {
		if err := soakStartup(dir); err != nil {
			fmt.Fprintln(os.Stderr, "soak start-up:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSoak (`make soak`, not part of `make test`) runs a lab of 10,000
// headends through two simulated years at 3,000 new users a day, besides
// 1,000 of the day before's coming back and a tenth of each day's users
// holding their session into the next day (after a warm-up of the session
// tables, see below). At days 1, 30, 365 and 730 it
// measures the resident memory of this process, which runs the lab like a
// daemon that never restarts, and the start-up of a fresh process on a
// checkpoint of the store (soakStartup): its time, best of three, and
// its resident memory once started. RSS and start-up must stay within 20%
// of day 30's: what grows with the history is in the store, not in memory.
// Start-up is compared by its CPU time: on a machine shared with other
// work the wall time says more about the neighbours (both are printed).
func TestSoak(t *testing.T) {
	const (
		headends  = 10000
		newUsers  = 3000
		returning = 1000
		years     = 730
	)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "store")
	store, lab := openUsageLab(t, nil, dir)
	defer func() {
		lab.Close()
		store.Close()
	}()
	start := time.Now()
	for i := range headends {
		if _, err := lab.Create("ASA5525", fmt.Sprintf("asa%05d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d headends created in %v", headends, time.Since(start).Round(time.Millisecond))
	// Every session table is allocated at the platform maximum, and its
	// pages become resident as the search for free slots first passes
	// them, which at this load takes some five years. Warm them first,
	// as a lab that ran that long has them, so that what the figures show
	// is the history's growth: one principal admitted and released on
	// every headend in turn claims a fresh slot each time.
	start = time.Now()
	warm, _ := lab.Principal("warm-up", "laptop")
	var hs []*Headend
	for i := range headends {
		h, _ := lab.Headend(fmt.Sprintf("asa%05d", i))
		hs = append(hs, h)
	}
	for range hs[0].adm.Policy().Capacity() + 1 {
		for _, h := range hs {
			if d := h.Admit(warm, headend.KindAnyConnect); !d.Admitted || !h.Release(d.Session) {
				t.Fatalf("warm-up: %+v", d)
			}
		}
	}
	t.Logf("session tables warmed in %v", time.Since(start).Round(time.Millisecond))
	host := func(day, u int) string { return fmt.Sprintf("asa%05d", (day*newUsers+u)*7919%headends) }
	type held struct {
		host string
		id   uint64
	}
	var holding []held
	type sample struct {
		day               int
		rssMB, heap, goMB float64
		startup           startupFigures
		principals        int
		storeMB           float64
	}
	var samples []sample
	simStart := time.Now()
	for day := 1; day <= years; day++ {
		for _, s := range holding {
			if err := lab.Release(s.host, s.id); err != nil {
				t.Fatal(err)
			}
		}
		holding = holding[:0]
		admit := func(h, user string, keep bool) {
			d, err := lab.Admit(h, user, "laptop", headend.KindAnyConnect)
			if err != nil || !d.Admitted {
				t.Fatalf("day %d, %s on %s: %+v %v", day, user, h, d, err)
			}
			if keep {
				holding = append(holding, held{h, d.Session})
			} else if err := lab.Release(h, d.Session); err != nil {
				t.Fatal(err)
			}
		}
		for u := range newUsers {
			admit(host(day, u), fmt.Sprintf("d%d-u%d", day, u), u%10 == 0)
		}
		if day > 1 {
			for u := range returning {
				admit(host(day, u+1), fmt.Sprintf("d%d-u%d", day-1, u), false)
			}
		}
		if err := lab.flushUsage(); err != nil {
			t.Fatal(err)
		}
		if day == 1 || day == 30 || day == 365 || day == years {
			s := sample{day: day, principals: lab.principals.Len()}
			s.rssMB, s.heap, s.goMB = memory()
			s.storeMB = dirMB(dir)
			cp := filepath.Join(tmp, fmt.Sprintf("day%d", day))
			if err := store.DB().Checkpoint(cp); err != nil {
				t.Fatal(err)
			}
			s.startup = measureStartup(t, cp)
			os.RemoveAll(cp)
			samples = append(samples, s)
			t.Logf("day %3d: RSS %6.1f MB (Go heap in use %6.1f MB, Go retained %6.1f MB), %d principals in memory, store %5.1f MB; "+
				"a fresh start: %v (CPU %v), RSS %5.1f MB (%v so far)",
				s.day, s.rssMB, s.heap, s.goMB, s.principals, s.storeMB, s.startup.wall.Round(time.Millisecond),
				s.startup.cpu.Round(time.Millisecond), s.startup.rssMB, time.Since(simStart).Round(time.Second))
		}
		if _, err := lab.AdvanceClock(24 * time.Hour); err != nil {
			t.Fatal(err)
		}
		lab.forgetPrincipals(false)
	}
	// The report still has the whole history, from the store.
	h, _ := lab.Get(host(1, 0))
	from := lab.Clock().Now().Add(-(years + 1) * 24 * time.Hour)
	all, _ := lab.Users([]string{h.Device.SerialNumber()}, from, lab.Clock().Now())
	users := map[string]bool{"warm-up": true}
	for day := 1; day <= years; day++ {
		for u := range newUsers {
			if host(day, u) == host(1, 0) {
				users[fmt.Sprintf("d%d-u%d", day, u)] = true
			}
		}
		for u := range returning {
			if day > 1 && host(day, u+1) == host(1, 0) {
				users[fmt.Sprintf("d%d-u%d", day-1, u)] = true
			}
		}
	}
	if want := len(users); len(all) != want {
		t.Errorf("report for %s over two years: %d users, want %d", host(1, 0), len(all), want)
	}
	base := samples[1]
	over := func(what string, day int, v, b float64) {
		if v > b*1.2 {
			t.Errorf("%s on day %d is %.1f, more than 20%% over day 30's %.1f", what, day, v, b)
		}
	}
	for _, s := range samples[2:] {
		over("RSS (MB)", s.day, s.rssMB, base.rssMB)
		over("RSS after a start (MB)", s.day, s.startup.rssMB, base.startup.rssMB)
		over("start-up CPU time (ms)", s.day, float64(s.startup.cpu.Milliseconds()), float64(base.startup.cpu.Milliseconds()))
	}
	last := samples[len(samples)-1]
	pct := func(a, b float64) float64 { return 100 * (a/b - 1) }
	t.Logf("day 730 against day 30: RSS %+.1f%%, RSS after a start %+.1f%%, start-up CPU %+.1f%%, start-up wall %+.1f%%",
		pct(last.rssMB, base.rssMB), pct(last.startup.rssMB, base.startup.rssMB),
		pct(float64(last.startup.cpu), float64(base.startup.cpu)), pct(float64(last.startup.wall), float64(base.startup.wall)))
}

type startupFigures struct {
	wall, cpu time.Duration
	rssMB     float64
}

// measureStartup runs soakStartup in a fresh process on the store in
// dir and reads its figures.
func measureStartup(t *testing.T, dir string) startupFigures {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "ASALAB_SOAK_STORE="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("start-up run: %v\n%s", err, out)
	}
	var f startupFigures
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "startup "); ok {
			var wall, cpu int64
			if _, err := fmt.Sscanf(rest, "%d %d %f", &wall, &cpu, &f.rssMB); err != nil {
				t.Fatalf("start-up run printed %q: %v", line, err)
			}
			f.wall, f.cpu = time.Duration(wall), time.Duration(cpu)
			return f
		}
	}
	t.Fatalf("start-up run printed no figures:\n%s", out)
	return f
}

// soakStartup is TestSoak's fresh process: it opens the store in dir and
// its lab three times, and prints the best wall time with its CPU time, and
// the resident memory after the first start.
func soakStartup(dir string) error {
	var best startupFigures
	for i := range 3 {
		runtime.GC() // the last start's garbage is not this start's
		t0, c0 := time.Now(), cpuTime()
		store, lab, err := openUsageLabErr(nil, dir)
		if err != nil {
			return err
		}
		wall, cpu := time.Since(t0), cpuTime()-c0
		if i == 0 {
			best.rssMB, _, _ = memory()
		}
		if best.wall == 0 || wall < best.wall {
			best.wall, best.cpu = wall, cpu
		}
		lab.Close()
		store.Close()
	}
	fmt.Printf("startup %d %d %.1f\n", best.wall, best.cpu, best.rssMB)
	return nil
}

// memory is the resident set after a collection that returns what it can
// to the system, the Go heap in use, and what the Go runtime holds from the
// system (the rest of the resident set is the binary and pebble's C
// allocations: memtables and block cache), in MB.
func memory() (rssMB, heapMB, goMB float64) {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	f, err := os.Open("/proc/self/status")
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
				rssMB = float64(kb) / 1024
			}
		}
	}
	return rssMB, float64(m.HeapInuse) / (1 << 20), float64(m.Sys-m.HeapReleased) / (1 << 20)
}

func dirMB(dir string) float64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return float64(n) / (1 << 20)
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
