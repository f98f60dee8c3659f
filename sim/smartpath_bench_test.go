package sim

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/smart"
)

// BenchmarkSmartYear moves the simulated clock a year over 1,000 fake
// Smart-licensed headends (the fake family of smartpath_test.go: a renewal
// every 30 days, a retry a week after a failure), registered an hour
// apart in groups of ten. "registered" renews through the manager (one
// synced record of the manager's per renewal); "cut" has every path to the
// manager cut (the attempts fail, the deadline passes); "unregistered" is
// the baseline: the same headends with nothing due. Run with
// -benchtime=1x: each round builds its lab.
func BenchmarkSmartYear(b *testing.B) {
	for _, mode := range []string{"unregistered", "registered", "cut"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				lab := benchSmartLab(b, 1000, mode)
				b.StartTimer()
				if _, err := lab.AdvanceClock(365 * 24 * time.Hour); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
			}
		})
	}
}

func benchSmartLab(b *testing.B, n int, mode string) *Lab {
	withFakeSmartFamily(b)
	lab := benchOpenLab(b)
	s := lab.Smart()
	must(s.CreateAccount("Acme"))
	must(s.AddEntitlement("Acme", "", smart.TagASAv1G, n, time.Time{}))
	tok := must(s.CreateToken("Acme", "", 0, 0)).Token
	for i := range n {
		name := fmt.Sprintf("v%d", i)
		must(lab.Create("ASAv10", name, ""))
		if mode != "unregistered" {
			h := must(lab.Headend(name))
			if err := h.Update(func(d family.Device) error { return d.(*fakeSmart).register(h.Now(), h.Smart(), tok) }); err != nil {
				b.Fatal(err)
			}
		}
		if mode == "cut" {
			must(lab.CutLink(name, SmartPeer))
		}
		if i%10 == 9 {
			must(lab.AdvanceClock(time.Hour))
		}
	}
	return lab
}

// BenchmarkASAvYear is BenchmarkSmartYear over the real ASAv family (its
// Smart Agent: renewals every 30 days; with its path cut, retries from 30
// s doubling to one a day): a year over 1,000 ASAv10 registered on their
// consoles, ten an hour apart. Skipped while the lab has no ASAv family.
// Run with -benchtime=1x.
func BenchmarkASAvYear(b *testing.B) {
	p, ok := headend.LookupPlatform("ASAv10")
	if !ok || !Simulated(p) {
		b.Skip("the ASAv family is not in the lab's families yet")
	}
	n := 1000
	if testing.Short() {
		n = 100
	}
	for _, mode := range []string{"unregistered", "registered", "cut"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				lab := benchASAvLab(b, n, mode)
				b.StartTimer()
				if _, err := lab.AdvanceClock(365 * 24 * time.Hour); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
			}
		})
	}
}

func benchASAvLab(b *testing.B, n int, mode string) *Lab {
	lab := benchOpenLab(b)
	s := lab.Smart()
	must(s.CreateAccount("Acme"))
	must(s.AddEntitlement("Acme", "", smart.TagASAv1G, n, time.Time{}))
	tok := must(s.CreateToken("Acme", "", 0, 0)).Token
	lines := []string{"configure terminal", "license smart", "feature tier standard", "throughput level 1G", "exit", "end"}
	if mode != "unregistered" {
		lines = append(lines, "license smart register idtoken "+tok)
	}
	for i := range n {
		name := fmt.Sprintf("v%d", i)
		must(lab.Create("ASAv10", name, ""))
		must(lab.Exec(name, lines))
		if mode == "cut" {
			must(lab.CutLink(name, SmartPeer))
		}
		if i%10 == 9 {
			must(lab.AdvanceClock(time.Hour))
		}
	}
	return lab
}

// benchOpenLab opens a lab on a simulated clock with a store in a
// temporary directory, closed when the benchmark ends.
func benchOpenLab(b *testing.B) *Lab {
	master, err := keygen.NewSigner([]byte("asalab-test-secret-0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	st, err := OpenStore(filepath.Join(b.TempDir(), "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	lab, err := OpenLab(Config{Store: st, Signer: master.ForLab(DefaultLab), ClockMode: ClockSimulated, RealNow: simNow,
		PAKActivationDelay: DefaultPAKActivationDelay, BootTime: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lab.Close(); st.Close() })
	return lab
}
