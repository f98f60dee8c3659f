package headend

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestPrincipals(t *testing.T) {
	var added []string
	ps := NewPrincipals(nil)
	a, err := ps.Get("alice", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ps.Get("alice", "phone")
	a2, _ := ps.Get("alice", "laptop")
	if a != a2 || a == b || a.Index() == b.Index() {
		t.Fatalf("interning: %p %p %p", a, a2, b)
	}
	if a.User() != "alice" || a.Device() != "laptop" || ps.ByIndex(b.Index()) != b || ps.ByIndex(99) != nil {
		t.Fatal("names or ByIndex wrong")
	}
	// "ab"+"c" and "a"+"bc" are different principals.
	x, _ := ps.Get("ab", "c")
	y, _ := ps.Get("a", "bc")
	if x == y || x.User() != "ab" || y.Device() != "bc" {
		t.Fatal("name boundaries")
	}
	for _, bad := range [][2]string{{"", "d"}, {"u", ""}, {"has space", "d"}, {"u", "tab\there"}, {string(make([]byte, 65)), "d"}} {
		if _, err := ps.Get(bad[0], bad[1]); !errors.Is(err, ErrInvalidPrincipal) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
	ps.DrainNew(func(p *Principal) { added = append(added, p.User()+"/"+p.Device()) })
	if len(added) != 4 || ps.Len() != 4 {
		t.Fatalf("added %v, len %d", added, ps.Len())
	}
	// Restored numbers stay, and new ones continue after them.
	r := NewPrincipals(nil)
	if err := r.Restore(7, "bob", "mac"); err != nil {
		t.Fatal(err)
	}
	p, _ := r.Get("bob", "mac")
	q, _ := r.Get("carol", "mac")
	if p.Index() != 7 || q.Index() != 8 {
		t.Fatalf("restore: %d, next %d", p.Index(), q.Index())
	}
}

// TestPrincipalsMany: the table grows and finds every principal, from many
// goroutines at once.
func TestPrincipalsMany(t *testing.T) {
	ps := NewPrincipals(nil)
	const workers, each = 8, 5000
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				u := fmt.Sprintf("user%d", i) // shared by all workers: races on insertion
				p, err := ps.Get(u, "dev")
				if err != nil || p.User() != u {
					t.Errorf("worker %d: %v %v", w, p, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if ps.Len() != each {
		t.Fatalf("%d principals, want %d", ps.Len(), each)
	}
	for i := range each {
		p, _ := ps.Get(fmt.Sprintf("user%d", i), "dev")
		if got := ps.ByIndex(p.Index()); got != p {
			t.Fatalf("ByIndex(%d) = %p, want %p", p.Index(), got, p)
		}
	}
}

func TestUsageSet(t *testing.T) {
	var u usageSet
	for i := range uint32(5000) {
		if m, old := u.or(i*7, UsedAny); m != UsedAny || old != 0 {
			t.Fatalf("first sight of %d: %d %d", i, m, old)
		}
	}
	if m, old := u.or(14, UsedApexOnly); m != UsedAny|UsedApexOnly || old != UsedAny {
		t.Fatalf("merge: %d %d", m, old)
	}
	seen := map[uint32]uint8{}
	u.each(func(p uint32, f uint8) { seen[p] = f })
	if len(seen) != 5000 || u.n != 5000 || seen[14] != UsedAny|UsedApexOnly || seen[0] != UsedAny {
		t.Fatalf("%d entries, n %d, 14: %d", len(seen), u.n, seen[14])
	}
}
