package labnet

import (
	"time"
)

// linkKey is the unordered pair of headend ids a link joins, lower first.
type linkKey struct{ lo, hi uint64 }

func (n *Network[H]) keyOf(a, b H) linkKey {
	x, y := n.id(a), n.id(b)
	return linkKey{min(x, y), max(x, y)}
}

// Cut is a cut link as the network holds it: the headends it joins, in
// the order it was cut, and since when.
type Cut[H comparable] struct {
	A, B  H
	Since time.Time
}

// CutOf is the cut of the link between a and b, if it is cut.
func (n *Network[H]) CutOf(a, b H) (Cut[H], bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	c, ok := n.cuts[n.keyOf(a, b)]
	return c, ok
}

// SetCut cuts the link between a and b since t.
func (n *Network[H]) SetCut(a, b H, t time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cuts == nil {
		n.cuts = map[linkKey]Cut[H]{}
	}
	n.cuts[n.keyOf(a, b)] = Cut[H]{A: a, B: b, Since: t}
	n.paths++
}

// Restore ends the cut of the link between a and b.
func (n *Network[H]) Restore(a, b H) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.cuts, n.keyOf(a, b))
	n.paths++
}

// Cuts lists the cut links, in no order.
func (n *Network[H]) Cuts() []Cut[H] {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := make([]Cut[H], 0, len(n.cuts))
	for _, c := range n.cuts {
		out = append(out, c)
	}
	return out
}

// CutsOf lists the cut links of h, in no order.
func (n *Network[H]) CutsOf(h H) []Cut[H] {
	n.mu.RLock()
	defer n.mu.RUnlock()
	var out []Cut[H]
	for _, c := range n.cuts {
		if c.A == h || c.B == h {
			out = append(out, c)
		}
	}
	return out
}
