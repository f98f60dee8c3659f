package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestNetworkIndexRandom drives random sequences of everything that changes
// which addresses a headend holds (interface configuration, write memory, a
// reload dropping unsaved lines, a rename, RMA, delete, a restart) and checks
// after each step that the lab network answers as the headends' running
// configurations say: an address replies exactly when some headend has it on
// an interface that is up and named, under that headend's hostname.
func TestNetworkIndexRandom(t *testing.T) {
	addrs := []string{"10.0.0.1", "10.0.1.1", "10.0.2.1", "192.0.2.1"}
	for seed := range uint64(10) {
		dir := t.TempDir()
		lab, closeLab := consoleLab(t, dir, nil)
		r := rand.New(rand.NewPCG(seed, 9))
		names := []string{"a", "b", "c"}
		pick := func() string { return names[r.IntN(len(names))] }
		var trace []string
		for step := range 120 {
			var op string
			switch n := r.IntN(10); n {
			case 0:
				op = "create " + pick()
				if _, err := lab.Create("ASA5516", op[7:], ""); err != nil && !errors.Is(err, ErrHostnameTaken) {
					t.Fatalf("seed %d: %s: %v", seed, op, err)
				}
			case 1, 2, 3:
				h, port, a := pick(), 1+r.IntN(2), addrs[r.IntN(len(addrs))]
				lines := []string{"configure terminal", fmt.Sprintf("interface gi1/%d", port)}
				switch r.IntN(4) {
				case 0:
					lines = append(lines, "no nameif")
				case 1:
					lines = append(lines, "shutdown")
				default:
					lines = append(lines, fmt.Sprintf("nameif n%d", port), "ip address "+a+" 255.255.255.0", "no shutdown")
				}
				op = h + ": " + strings.Join(lines[1:], "; ")
				_, _ = lab.Exec(h, append(lines, "end"))
			case 4:
				h, to := pick(), pick()
				op = "hostname " + h + " -> " + to
				_, _ = lab.Exec(h, []string{"configure terminal", "hostname " + to, "end"})
			case 5:
				op = "write memory " + pick()
				_, _ = lab.Exec(op[13:], []string{"write memory"})
			case 6:
				op = "reload " + pick()
				if _, err := lab.Reload(op[7:], false); err != nil && !errors.Is(err, ErrHeadendNotFound) {
					t.Fatalf("seed %d: %s: %v", seed, op, err)
				}
			case 7:
				op = "rma " + pick()
				if _, _, err := lab.ReturnForRepair(op[4:], ""); err != nil && !errors.Is(err, ErrHeadendNotFound) {
					t.Fatalf("seed %d: %s: %v", seed, op, err)
				}
			case 8:
				op = "delete " + pick()
				_ = lab.Delete(op[7:])
			case 9:
				op = "restart"
				lab, closeLab = reopen(t, dir, lab, closeLab)
			}
			trace = append(trace, op)
			if err := checkNetwork(lab, addrs); err != nil {
				t.Fatalf("seed %d step %d: %v\n%s", seed, step, err, strings.Join(trace, "\n"))
			}
		}
		closeLab()
	}
}

// checkNetwork compares what the lab network answers for each address with
// the running configurations of the headends.
func checkNetwork(lab *Lab, addrs []string) error {
	ss, _ := lab.List("", 1000)
	want := map[netip.Addr][]string{}
	for _, s := range ss {
		for _, a := range s.Device.Addresses() {
			want[a] = append(want[a], s.Device.Hostname())
		}
	}
	from, err := lab.Headend("a")
	if err != nil {
		from = nil // any vantage point: every path is up
	}
	for _, as := range addrs {
		a := netip.MustParseAddr(as)
		holders := want[a]
		slices.Sort(holders)
		host, ok := lab.Reachable(from, a)
		switch {
		case len(holders) == 0 && ok:
			return fmt.Errorf("%s answers from %s, which holds no such address", a, host)
		case len(holders) > 0 && (!ok || host != holders[0]):
			return fmt.Errorf("%s: reachable %q %v, want %q (holders %v)", a, host, ok, holders[0], holders)
		}
	}
	n := lab.net.Holdings()
	m := 0
	for _, hs := range want {
		m += len(hs)
	}
	if n != m {
		return fmt.Errorf("the network holds %d addresses, the headends %d", n, m)
	}
	return nil
}
