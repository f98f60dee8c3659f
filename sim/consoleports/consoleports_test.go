package consoleports

import (
	"slices"
	"testing"
)

type unit struct {
	id   uint64
	port int
}

// TestPlaceKeepsStoredPorts: stored ports in the range stay with their
// headends; a port outside the range, or one an earlier headend holds, is
// replaced by the lowest free usable port; without one left, none.
func TestPlaceKeepsStoredPorts(t *testing.T) {
	r := &Range{Host: "127.0.0.1", Base: 2200, Count: 4, Usable: func(p int) bool { return p != 2201 }}
	tab := NewTable[*unit](r)
	hs := []*unit{{id: 1}, {id: 2}, {id: 3}, {id: 4}, {id: 5}}
	stored := map[uint64]int{1: 2202, 2: 2202, 3: 9999}
	given, none := tab.Place(hs, func(u *unit) (int, bool) {
		p, ok := stored[u.id]
		return p, ok
	}, func(u *unit, p int) { u.port = p })
	var ports []int
	for _, u := range hs {
		ports = append(ports, u.port)
	}
	if want := []int{2202, 2200, 2203, 0, 0}; !slices.Equal(ports, want) {
		t.Fatalf("ports %v, want %v", ports, want)
	}
	if len(given) != 2 || given[0] != hs[1] || given[1] != hs[2] {
		t.Fatalf("given %v", given)
	}
	if len(none) != 2 {
		t.Fatalf("none %v", none)
	}
	tab.Free(2200)
	if p := tab.Alloc(); p != 2200 {
		t.Fatalf("after a free: %d", p)
	}
	if a := tab.Address(2203); a != "127.0.0.1:2203" {
		t.Fatalf("address %q", a)
	}
	var zero Table[*unit]
	if zero.Alloc() != 0 || zero.Address(2200) != "" {
		t.Fatal("a table without a range gives ports")
	}
	if err := (&Range{Base: 65535, Count: 2}).Validate(); err == nil {
		t.Fatal("65535+2 accepted")
	}
}

// TestTablesShareTheirRange: two tables of one range (two labs of a
// daemon) never give the same port; a stored port another table holds is
// replaced; a released table's ports are free to the other.
func TestTablesShareTheirRange(t *testing.T) {
	r := &Range{Host: "127.0.0.1", Base: 2200, Count: 3}
	a, b := NewTable[*unit](r), NewTable[*unit](r)
	ua := &unit{id: 1}
	if p := a.Alloc(); p != 2200 {
		t.Fatalf("a: %d", p)
	} else {
		a.Take(p, ua)
	}
	if p := b.Alloc(); p != 2201 {
		t.Fatalf("b drew %d, want 2201 (2200 is a's)", p)
	}
	ub := &unit{id: 1}
	_, none := b.Place([]*unit{ub}, func(*unit) (int, bool) { return 2200, true }, func(u *unit, p int) { u.port = p })
	if len(none) != 0 || ub.port != 2201 {
		t.Fatalf("b placed its stored 2200 (a's) at %d, none %v", ub.port, none)
	}
	if p := b.Alloc(); p != 2202 {
		t.Fatalf("b: %d", p)
	}
	if p := a.Alloc(); p != 0 {
		t.Fatalf("a drew %d from a full range", p)
	}
	b.Release()
	if p := a.Alloc(); p != 2201 {
		t.Fatalf("after b released: a drew %d, want 2201", p)
	}
}
