// Package labtimers is the heap of a lab's headends by the time their
// next timed line is due (a time-based key's warnings and expiry), so that
// a move of the lab clock touches only the headends with a line due,
// however many the lab holds; and the catch-up's order, which brings the
// headends due to the lab time on copies of their devices, making their
// Smart Licensing attempts at their lab times on the way (Step). It is
// generic over the lab's headend, which carries its place in the heap
// (Slot).
package labtimers

import (
	"container/heap"
	"sync"
	"time"
)

// Slot is a headend's place in a Heap: when it is due, and its position
// plus one (0: not in the heap). Guarded by the heap's lock.
type Slot struct {
	due time.Time
	idx int
}

// Heap holds headends H by the time their next timed line is due. The
// zero Heap is empty and ready.
type Heap[H any] struct {
	mu sync.Mutex
	q  queue[H]
}

// entry is a headend in the heap, with its slot.
type entry[H any] struct {
	h H
	s *Slot
}

// queue orders headends by due.
type queue[H any] []entry[H]

func (q queue[H]) Len() int           { return len(q) }
func (q queue[H]) Less(i, j int) bool { return q[i].s.due.Before(q[j].s.due) }
func (q queue[H]) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].s.idx, q[j].s.idx = i+1, j+1
}
func (q *queue[H]) Push(x any) {
	e := x.(entry[H])
	e.s.idx = len(*q) + 1
	*q = append(*q, e)
}
func (q *queue[H]) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = entry[H]{}
	*q = old[:len(old)-1]
	e.s.idx = 0
	return e
}

// Schedule puts h, whose slot is s, in the heap due at, or takes it out
// when ok is false (it has no line due).
func (t *Heap[H]) Schedule(h H, s *Slot, at time.Time, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case !ok:
		if s.idx > 0 {
			heap.Remove(&t.q, s.idx-1)
		}
	case s.idx > 0:
		if !s.due.Equal(at) {
			s.due = at
			heap.Fix(&t.q, s.idx-1)
		}
	default:
		s.due = at
		heap.Push(&t.q, entry[H]{h, s})
	}
}

// TakeDue takes the headends due at or before now out of the heap,
// earliest first.
func (t *Heap[H]) TakeDue(now time.Time) []H {
	t.mu.Lock()
	defer t.mu.Unlock()
	var hs []H
	for len(t.q) > 0 && !t.q[0].s.due.After(now) {
		hs = append(hs, heap.Pop(&t.q).(entry[H]).h)
	}
	return hs
}

// Next is the earliest due time in the heap; ok is false when it is
// empty.
func (t *Heap[H]) Next() (at time.Time, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.q) == 0 {
		return time.Time{}, false
	}
	return t.q[0].s.due, true
}
