package sim

import (
	"cmp"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/asalab/asalab/headend/family"
)

// network is the lab network: every address a headend holds on an interface
// that is up, named and addressed in its running configuration, reachable
// from every other headend across subnets, as through a routed core.
//
// It is one truth with the headends: set is called wherever a headend's
// device is replaced (swap: a configuration change, reload, RMA), and at
// creation and loading; drop at deletion. Its lock is a leaf: nothing is
// called with it held, so it may be taken under a headend's or the lab's
// lock.
//
// The lab's faults (faults.go) live here too, read with the addresses:
// the links cut, by the pair of headends they join, and the headends
// powered off.
type network struct {
	mu     sync.RWMutex
	byAddr map[netip.Addr][]holder // sorted by hostname, then id
	held   map[*Headend][]netip.Addr
	cuts   map[linkKey]cut
	off    map[*Headend]bool
}

// holder is a headend holding an address, as of its last change: its
// hostname, and when it is up (a reloading box answers nothing).
type holder struct {
	h    *Headend
	host string
	upAt time.Time
}

// set makes the addresses of h those of its device d.
func (n *network) set(h *Headend, d family.Device) {
	addrs := h.answersOn(d)
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byAddr == nil {
		n.byAddr, n.held = map[netip.Addr][]holder{}, map[*Headend][]netip.Addr{}
	}
	n.dropLocked(h)
	if len(addrs) == 0 {
		return
	}
	n.held[h] = addrs
	for _, a := range addrs {
		hs := append(n.byAddr[a], holder{h: h, host: d.Hostname(), upAt: d.UpSince()})
		slices.SortFunc(hs, func(x, y holder) int { return cmp.Or(cmp.Compare(x.host, y.host), cmp.Compare(x.h.id, y.h.id)) })
		n.byAddr[a] = hs
	}
}

// drop removes the addresses of a deleted headend, and its power state.
func (n *network) drop(h *Headend) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.dropLocked(h)
	delete(n.off, h)
}

func (n *network) dropLocked(h *Headend) {
	for _, a := range n.held[h] {
		hs := slices.DeleteFunc(n.byAddr[a], func(x holder) bool { return x.h == h })
		if len(hs) == 0 {
			delete(n.byAddr, a)
		} else {
			n.byAddr[a] = hs
		}
	}
	delete(n.held, h)
}

// reachable finds a headend up at now that holds addr and that from has a
// path to; the first by hostname when several hold it. A headend powered
// off neither sends nor answers.
func (n *network) reachable(from *Headend, addr netip.Addr, now time.Time) (string, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.off[from] {
		return "", false
	}
	for _, ho := range n.byAddr[addr] {
		if !now.Before(ho.upAt) && !n.off[ho.h] && n.pathUpLocked(from, ho.h) {
			return ho.host, true
		}
	}
	return "", false
}

// pathUp reports whether packets pass between two headends: every path of
// the routed core is up unless a lab fault cut the link between them
// (faults.go). Whether either is powered on is reachable's business.
func pathUp(from, to *Headend) bool {
	n := &from.lab.net
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.pathUpLocked(from, to)
}

// pathUpLocked is pathUp with n.mu held.
func (n *network) pathUpLocked(from, to *Headend) bool {
	if len(n.cuts) == 0 || from == to {
		return true
	}
	_, isCut := n.cuts[keyOf(from, to)]
	return !isCut
}

// cutOf is the cut of the link k, if it is cut.
func (n *network) cutOf(k linkKey) (cut, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	c, ok := n.cuts[k]
	return c, ok
}

// setCut cuts the link k between a and b since t.
func (n *network) setCut(k linkKey, a, b *Headend, t time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cuts == nil {
		n.cuts = map[linkKey]cut{}
	}
	n.cuts[k] = cut{a: a, b: b, since: t}
}

// restore ends the cut of the link k.
func (n *network) restore(k linkKey) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.cuts, k)
}

// setOff records whether h is powered off.
func (n *network) setOff(h *Headend, off bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case off && n.off == nil:
		n.off = map[*Headend]bool{h: true}
	case off:
		n.off[h] = true
	default:
		delete(n.off, h)
	}
}

// Reachable reports whether addr answers from's pings across the lab
// network, and the hostname of the headend that holds it. Whether from has
// an interface to send from is its own configuration's business (the
// console's ping checks it).
func (l *Lab) Reachable(from *Headend, addr netip.Addr) (string, bool) {
	return l.net.reachable(from, addr, l.clock.Now())
}

// Reachable is the lab network seen from this headend (family.Host).
func (h *Headend) Reachable(addr netip.Addr) (string, bool) { return h.lab.Reachable(h, addr) }
