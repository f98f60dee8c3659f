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
type network struct {
	mu     sync.RWMutex
	byAddr map[netip.Addr][]holder // sorted by hostname, then id
	held   map[*Headend][]netip.Addr
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
	addrs := d.Addresses()
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

// drop removes the addresses of a deleted headend.
func (n *network) drop(h *Headend) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.dropLocked(h)
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
// path to; the first by hostname when several hold it.
func (n *network) reachable(from *Headend, addr netip.Addr, now time.Time) (string, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, ho := range n.byAddr[addr] {
		if !now.Before(ho.upAt) && pathUp(from, ho.h) {
			return ho.host, true
		}
	}
	return "", false
}

// pathUp reports whether packets pass between two headends. Every path of
// the routed core is up; a lab fault that cuts one decides it here.
func pathUp(from, to *Headend) bool { return true }

// Reachable reports whether addr answers from's pings across the lab
// network, and the hostname of the headend that holds it. Whether from has
// an interface to send from is its own configuration's business (the
// console's ping checks it).
func (l *Lab) Reachable(from *Headend, addr netip.Addr) (string, bool) {
	return l.net.reachable(from, addr, l.clock.Now())
}

// Reachable is the lab network seen from this headend (family.Host).
func (h *Headend) Reachable(addr netip.Addr) (string, bool) { return h.lab.Reachable(h, addr) }
