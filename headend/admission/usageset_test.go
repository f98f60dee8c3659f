package admission

import "testing"

// each calls fn for every principal in u and its flags.
func (u *usageSet) each(fn func(prin uint32, flags uint8)) {
	for _, e := range u.table {
		if e != 0 {
			fn(e&usagePrinMask-1, uint8(e>>24))
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
