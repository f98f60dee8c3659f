package labnet

import (
	"cmp"
	"slices"
	"time"
)

// The lab's Smart Software Manager is not a headend: it is the lab's own
// service, reached by every headend over the routed core. A fault cuts one
// headend's path to it (SetSmartCut) without touching the headend's paths
// to other headends.

// SmartCut is a cut of a headend's path to the manager, since when.
type SmartCut[H comparable] struct {
	H     H
	Since time.Time
}

// SetSmartCut cuts h's path to the manager since t.
func (n *Network[H]) SetSmartCut(h H, t time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.smart == nil {
		n.smart = map[H]time.Time{}
	}
	n.smart[h] = t
}

// RestoreSmart ends the cut of h's path to the manager.
func (n *Network[H]) RestoreSmart(h H) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.smart, h)
}

// SmartCutOf is when h's path to the manager was cut, if it is.
func (n *Network[H]) SmartCutOf(h H) (time.Time, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	t, ok := n.smart[h]
	return t, ok
}

// SmartCuts lists the cut paths to the manager, by headend id.
func (n *Network[H]) SmartCuts() []SmartCut[H] {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := make([]SmartCut[H], 0, len(n.smart))
	for h, t := range n.smart {
		out = append(out, SmartCut[H]{H: h, Since: t})
	}
	slices.SortFunc(out, func(x, y SmartCut[H]) int { return cmp.Compare(n.id(x.H), n.id(y.H)) })
	return out
}

// SmartPathUp reports whether h reaches the manager at now: it is powered
// on, up (not reloading) and its path to the manager is not cut.
func (n *Network[H]) SmartPathUp(h H, now time.Time) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.off[h] {
		return false
	}
	if _, cut := n.smart[h]; cut {
		return false
	}
	return !now.Before(n.up[h])
}
