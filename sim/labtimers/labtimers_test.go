package labtimers

import (
	"slices"
	"testing"
	"time"
)

type unit struct {
	name string
	slot Slot
}

// TestHeapTakesDueInOrder: the headends due by a time come out earliest
// first; a rescheduled one moves, one with no line due leaves, and those
// not yet due stay.
func TestHeapTakesDueInOrder(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var h Heap[*unit]
	a, b, c, d := &unit{name: "a"}, &unit{name: "b"}, &unit{name: "c"}, &unit{name: "d"}
	h.Schedule(a, &a.slot, t0.Add(3*time.Hour), true)
	h.Schedule(b, &b.slot, t0.Add(1*time.Hour), true)
	h.Schedule(c, &c.slot, t0.Add(2*time.Hour), true)
	h.Schedule(d, &d.slot, t0.Add(5*time.Hour), true)
	h.Schedule(a, &a.slot, t0.Add(30*time.Minute), true) // moved earlier
	h.Schedule(c, &c.slot, time.Time{}, false)           // nothing due any more
	var got []string
	for _, u := range h.TakeDue(t0.Add(4 * time.Hour)) {
		got = append(got, u.name)
	}
	if want := []string{"a", "b"}; !slices.Equal(got, want) {
		t.Fatalf("due by 04:00: %v, want %v", got, want)
	}
	if a.slot.idx != 0 || c.slot.idx != 0 || d.slot.idx == 0 {
		t.Fatalf("places: a %d, c %d, d %d", a.slot.idx, c.slot.idx, d.slot.idx)
	}
	if hs := h.TakeDue(t0.Add(4 * time.Hour)); len(hs) != 0 {
		t.Fatalf("taken twice: %d", len(hs))
	}
	if hs := h.TakeDue(t0.Add(5 * time.Hour)); len(hs) != 1 || hs[0] != d {
		t.Fatalf("due at 05:00: %v", hs)
	}
}
