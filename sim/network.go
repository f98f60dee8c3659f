package sim

import (
	"net/netip"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/labnet"
)

// network is the lab network (package labnet) of the lab's headends.
type network struct {
	*labnet.Network[*Headend]
}

func newNetwork() network {
	return network{labnet.New(func(h *Headend) uint64 { return h.id })}
}

// set makes the addresses of h those of its device d: those it answers
// on (a standby failover unit answers on its standby addresses).
func (n network) set(h *Headend, d family.Device) {
	n.Set(h, h.answersOn(d), d.Hostname(), d.UpSince())
}

// pathUp reports whether packets pass between two headends (faults.go).
func pathUp(from, to *Headend) bool { return from.lab.net.PathUp(from, to) }

// Reachable reports whether addr answers from's pings across the lab
// network, and the hostname of the headend that holds it. Whether from has
// an interface to send from is its own configuration's business (the
// console's ping checks it).
func (l *Lab) Reachable(from *Headend, addr netip.Addr) (string, bool) {
	return l.net.Reachable(from, addr, l.clock.Now())
}

// Reachable is the lab network seen from this headend (family.Host).
func (h *Headend) Reachable(addr netip.Addr) (string, bool) { return h.lab.Reachable(h, addr) }
