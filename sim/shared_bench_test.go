package sim

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
)

// openBenchLab opens a lab with a simulated clock on a new store in dir.
func openBenchLab(b *testing.B, dir string) (*Lab, func()) {
	b.Helper()
	master, err := keygen.NewSigner([]byte("asalab-test-secret-0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	st, err := OpenStore(filepath.Join(dir, "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	lab, err := OpenLab(Config{Store: st, Signer: master.ForLab(DefaultLab), ClockMode: ClockSimulated, RealNow: simNow})
	if err != nil {
		st.Close()
		b.Fatal(err)
	}
	return lab, func() {
		if err := lab.Close(); err != nil {
			b.Error(err)
		}
		st.Close()
	}
}

// BenchmarkSharedFleet30Days: 1,000 participants of one server, each
// refreshing every 30 s of lab time, for 30 simulated days, the clock
// moved an hour at a time and the server cut off for 2 hours on day 15
// (1,000 losses and registrations). The baseline is the same lab with no
// license-server lines: the same clock moves with nothing to evaluate.
// The refreshes are not events: they are counted from the intervals, so
// the run costs the clock moves and the steps that change something.
//
//	go test -run '^$' -bench SharedFleet30Days -benchtime 1x ./sim
func BenchmarkSharedFleet30Days(b *testing.B) {
	for _, c := range []struct {
		name  string
		plain bool
	}{{"baseline", true}, {"shared", false}} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				lab, done := openBenchLab(b, b.TempDir())
				f := newShFleet(b, lab, 1000, false, c.plain)
				b.StartTimer()
				start := time.Now()
				for hour := range 30 * 24 {
					switch hour {
					case 15 * 24:
						f.exec("srv", "configure terminal", "interface GigabitEthernet0/1", "shutdown", "end")
					case 15*24 + 2:
						f.exec("srv", "configure terminal", "interface GigabitEthernet0/1", "no shutdown", "end")
					}
					f.advance(time.Hour)
				}
				wall := time.Since(start)
				b.StopTimer()
				var polls uint64
				if !c.plain {
					for _, p := range f.parts {
						st := f.status(p)
						polls += st.Registration.Tx
						if !st.Active {
							b.Fatalf("%s not registered after 30 days: %+v", p, st)
						}
					}
					if want := uint64(1000 * (30*2880 + 1)); polls < want-1000*(2*120+2) {
						b.Fatalf("%d refreshes, want about %d", polls, want)
					}
				}
				evs, _, _, err := lab.ListEvents(0, 1<<30, EventFilter{Kinds: []EventKind{EventShared}})
				if err != nil {
					b.Fatal(err)
				}
				if !c.plain && len(evs) != 3000 { // registered, lost, registered again
					b.Fatalf("%d shared licensing events, want 3,000", len(evs))
				}
				b.ReportMetric(float64(polls), "refreshes")
				b.ReportMetric(wall.Seconds(), "wall-s")
				done()
			}
		})
	}
}

// BenchmarkSharedBlock: a participant's admission asking the server for a
// block, in-process (the pool's lock, the grant, the admission's borrowed
// count, the step queued for the log), and giving it back; next to an
// admission and release that need no block on the same headend
// (participant), and on a headend outside shared licensing with the same
// key but the participant license (baseline).
//
//	go test -run '^$' -bench SharedBlock -benchmem ./sim
func BenchmarkSharedBlock(b *testing.B) {
	lab, done := openBenchLab(b, b.TempDir())
	defer done()
	f := newShFleet(b, lab, 1, false, false)
	h, err := lab.headend("p1")
	if err != nil {
		b.Fatal(err)
	}
	s := lab.shared.svc
	now := lab.clock.Now()
	plain := newPlainASA(b, lab)
	for _, c := range []struct {
		name string
		h    *Headend
	}{{"baseline", plain}, {"participant", h}} {
		b.Run(c.name, func(b *testing.B) {
			p, err := lab.Principal("alice", "mac")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for range b.N {
				d := c.h.Admit(p, KindAnyConnect)
				if !d.Admitted {
					b.Fatalf("%+v", d)
				}
				c.h.Release(d.Session)
			}
		})
	}
	b.Run("block", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if ok, _ := s.Borrow(h.id, now); !ok {
				b.Fatal("block refused")
			}
			s.Unborrow(h.id)
		}
	})
	_ = f
}

// newPlainASA is an ASA 5525-X with 25 Premium peers and no shared
// licensing.
func newPlainASA(b *testing.B, lab *Lab) *Headend {
	b.Helper()
	if _, err := lab.Create("ASA5525", "plain", "FCH1999X001"); err != nil {
		b.Fatal(err)
	}
	w, err := lab.signer.Encode(keygen.Key{Serial: "FCH1999X001", Features: keygen.Features{PremiumPeers: 25}})
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := lab.InstallKey("plain", w.String(), KeyActivate); err != nil {
		b.Fatal(err)
	}
	h, err := lab.headend("plain")
	if err != nil {
		b.Fatal(err)
	}
	return h
}
