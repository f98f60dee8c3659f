package sim

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/asalab/asalab/keygen"
)

// BenchmarkReachable: a lookup of the lab network, which the console's
// ping and the services between headends make, with no fault (the
// baseline) and with 1,000 links cut and a headend off among 100 headends.
func BenchmarkReachable(b *testing.B) {
	store, err := OpenStore(filepath.Join(b.TempDir(), "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	master, _ := keygen.NewSigner([]byte("asalab-test-secret-0123456789abcdef"))
	cfg := simConfig()
	cfg.Store, cfg.Signer = store, master.ForLab(DefaultLab)
	lab, err := OpenLab(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer lab.Close()
	const n = 100
	for i := range n {
		name := fmt.Sprintf("h%03d", i)
		must(lab.Create("ASA5516", name, ""))
		must(lab.Exec(name, []string{"configure terminal", "interface gi1/1", "nameif outside",
			fmt.Sprintf("ip address 10.0.%d.1 255.255.255.0", i), "no shutdown", "end"}))
	}
	from := must(lab.Headend("h000"))
	to := netip.MustParseAddr("10.0.99.1")
	run := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := lab.Reachable(from, to); !ok {
				b.Fatal("unreachable")
			}
		}
	}
	b.Run("baseline-no-faults", run)
	cuts := 0
	for i := 1; i < n && cuts < 1000; i++ {
		for j := i + 1; j < n && cuts < 1000; j++ {
			if j != 99 {
				must(lab.CutLink(fmt.Sprintf("h%03d", i), fmt.Sprintf("h%03d", j)))
				cuts++
			}
		}
	}
	must2(lab.PowerOff("h050"))
	b.Run(fmt.Sprintf("%d-cuts-1-off", cuts), run)
}
