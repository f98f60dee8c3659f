package labnet

import (
	"net/netip"
	"testing"
	"time"
)

type node struct {
	id   uint64
	name string
}

func TestReachability(t *testing.T) {
	n := New(func(h *node) uint64 { return h.id })
	a, b, c := &node{1, "a"}, &node{2, "b"}, &node{3, "c"}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	addr := netip.MustParseAddr("10.0.0.9")
	n.Set(a, []netip.Addr{netip.MustParseAddr("10.0.0.1")}, "a", t0)
	n.Set(c, []netip.Addr{addr}, "c", t0)
	n.Set(b, []netip.Addr{addr}, "b", t0.Add(time.Minute)) // reloading until then
	if host, ok := n.Reachable(a, addr, t0); !ok || host != "c" {
		t.Fatalf("with b reloading: %q %v, want c", host, ok)
	}
	if host, _ := n.Reachable(a, addr, t0.Add(time.Minute)); host != "b" {
		t.Fatalf("both up: %q, want b (the first by hostname)", host)
	}
	n.SetCut(b, a, t0)
	if host, _ := n.Reachable(a, addr, t0.Add(time.Minute)); host != "c" || n.PathUp(a, b) || !n.PathUp(a, c) {
		t.Fatalf("a-b cut: %q, path a-b %v", host, n.PathUp(a, b))
	}
	if cs := n.CutsOf(a); len(cs) != 1 || cs[0].A != b {
		t.Fatalf("cuts of a: %+v", cs)
	}
	n.SetOff(c, true)
	if _, ok := n.Reachable(a, addr, t0.Add(time.Minute)); ok {
		t.Fatal("c off and a-b cut: reachable")
	}
	if rs := n.Holders(a, addr); len(rs) != 2 || rs[0].H != b || rs[0].Path || rs[1].Path {
		t.Fatalf("holders: %+v", rs)
	}
	n.Restore(a, b)
	n.Drop(b)
	if n.Holdings() != 2 || len(n.HeldBy(addr)) != 1 || len(n.Cuts()) != 0 {
		t.Fatalf("after b dropped: %d holdings, %d cuts", n.Holdings(), len(n.Cuts()))
	}
}
