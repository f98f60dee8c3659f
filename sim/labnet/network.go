// Package labnet is the lab network: the addresses the lab's headends
// hold, reachable from every other headend across subnets as through a
// routed core, the lab's faults that break it (links cut between two
// headends, headends powered off), and the services that run over it
// learning that its paths changed (Watchers). It knows headends only as
// the lab core's handles (H), by their ids: the core tells it what each
// holds and when, and stores the faults.
package labnet

import (
	"cmp"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// Network is the lab network of headends H (the lab core's handles, keyed
// by the id the core gives). It is one truth with the headends: the core
// calls Set wherever a headend's device is replaced (a configuration
// change, reload, RMA), and at creation and loading; Drop at deletion.
// Its lock is a leaf: nothing is called with it held, so it may be taken
// under a headend's or the lab's lock.
//
// The lab's faults live here too, read with the addresses: the links cut,
// by the pair of headends they join, and the headends powered off.
type Network[H comparable] struct {
	id     func(H) uint64
	mu     sync.RWMutex
	byAddr map[netip.Addr][]holder[H] // sorted by hostname, then id
	held   map[H][]netip.Addr
	cuts   map[linkKey]Cut[H]
	off    map[H]bool
	// up is when each headend is up (a reloading one is down until
	// then), smart the headends whose path to the lab's Smart Software
	// Manager is cut, since when (smart.go).
	up    map[H]time.Time
	smart map[H]time.Time
	// paths counts the changes of whether packets pass between two
	// headends (a cut, a restore, a power change, a headend dropped):
	// what a failover pair's forming depends on, unlike addresses.
	paths uint64
}

// PathsGen is the count of the changes of the paths between headends so
// far: equal counts, no path changed in between.
func (n *Network[H]) PathsGen() uint64 {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.paths
}

// New is an empty lab network whose headends have the ids id gives.
func New[H comparable](id func(H) uint64) *Network[H] {
	return &Network[H]{id: id}
}

// holder is a headend holding an address, as of its last change: its
// hostname, and when it is up (a reloading box answers nothing).
type holder[H comparable] struct {
	h    H
	host string
	upAt time.Time
}

// Set makes addrs the addresses h holds, as hostname host, up at upAt.
func (n *Network[H]) Set(h H, addrs []netip.Addr, host string, upAt time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byAddr == nil {
		n.byAddr, n.held, n.up = map[netip.Addr][]holder[H]{}, map[H][]netip.Addr{}, map[H]time.Time{}
	}
	n.dropLocked(h)
	n.up[h] = upAt
	if len(addrs) == 0 {
		return
	}
	n.held[h] = addrs
	for _, a := range addrs {
		hs := append(n.byAddr[a], holder[H]{h: h, host: host, upAt: upAt})
		slices.SortFunc(hs, func(x, y holder[H]) int {
			return cmp.Or(cmp.Compare(x.host, y.host), cmp.Compare(n.id(x.h), n.id(y.h)))
		})
		n.byAddr[a] = hs
	}
}

// Drop removes the addresses of a deleted headend, and its power state.
func (n *Network[H]) Drop(h H) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.dropLocked(h)
	n.paths++
	delete(n.off, h)
	delete(n.up, h)
	delete(n.smart, h)
}

func (n *Network[H]) dropLocked(h H) {
	for _, a := range n.held[h] {
		hs := slices.DeleteFunc(n.byAddr[a], func(x holder[H]) bool { return x.h == h })
		if len(hs) == 0 {
			delete(n.byAddr, a)
		} else {
			n.byAddr[a] = hs
		}
	}
	delete(n.held, h)
}

// Reachable finds a headend up at now that holds addr and that from has a
// path to, and gives its hostname; the first by hostname when several hold
// it. A headend powered off neither sends nor answers.
func (n *Network[H]) Reachable(from H, addr netip.Addr, now time.Time) (string, bool) {
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

// PathUp reports whether packets pass between two headends: every path of
// the routed core is up unless a lab fault cut the link between them.
// Whether either is powered on is Reachable's business.
func (n *Network[H]) PathUp(from, to H) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.pathUpLocked(from, to)
}

// pathUpLocked is PathUp with n.mu held.
func (n *Network[H]) pathUpLocked(from, to H) bool {
	if len(n.cuts) == 0 || from == to {
		return true
	}
	_, isCut := n.cuts[n.keyOf(from, to)]
	return !isCut
}

// Reach is a headend holding an address, as seen from another: whether
// packets pass between them (a link not cut, both powered on), and when
// it is up.
type Reach[H comparable] struct {
	H    H
	UpAt time.Time
	Path bool
}

// Holders are the headends that hold addr, by hostname then id, as seen
// from from.
func (n *Network[H]) Holders(from H, addr netip.Addr) []Reach[H] {
	n.mu.RLock()
	defer n.mu.RUnlock()
	hs := n.byAddr[addr]
	if len(hs) == 0 {
		return nil
	}
	out := make([]Reach[H], 0, len(hs))
	for _, ho := range hs {
		path := !n.off[from] && !n.off[ho.h] && n.pathUpLocked(from, ho.h)
		out = append(out, Reach[H]{H: ho.h, UpAt: ho.upAt, Path: path})
	}
	return out
}

// HeldBy are the headends that hold addr, by hostname then id.
func (n *Network[H]) HeldBy(addr netip.Addr) []H {
	n.mu.RLock()
	defer n.mu.RUnlock()
	var out []H
	for _, ho := range n.byAddr[addr] {
		out = append(out, ho.h)
	}
	return out
}

// Holdings counts the addresses held, each once per headend holding it.
func (n *Network[H]) Holdings() int {
	n.mu.RLock()
	defer n.mu.RUnlock()
	c := 0
	for _, hs := range n.byAddr {
		c += len(hs)
	}
	return c
}

// SetOff records whether h is powered off.
func (n *Network[H]) SetOff(h H, off bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.paths++
	switch {
	case off && n.off == nil:
		n.off = map[H]bool{h: true}
	case off:
		n.off[h] = true
	default:
		delete(n.off, h)
	}
}

// Off reports whether h is powered off.
func (n *Network[H]) Off(h H) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.off[h]
}
