// Package consoleports is the table of a lab's SSH console ports: the
// range the consoles listen in, which headend holds each port, the choice
// of a free one; and the events that tell the SSH server when a console
// comes or goes (Event, Watch). The lab (package sim) stores the ports
// with the headends.
package consoleports

import (
	"fmt"
	"net"
	"strconv"
	"sync"
)

// A port belongs to a headend, not to a hostname: a rename keeps it. It is
// chosen when the headend is created (or, for a headend created while SSH was
// off or no port was free, when the lab opens) and stored in the same synced
// batch as the headend, so it is the same after a daemon restart. Ports are
// unique within a daemon: the labs of a daemon share one *Range, whose
// claims say which lab's table holds each port.

// Range is the range of console ports of a lab.
type Range struct {
	// Host is the address the consoles listen on, e.g. "127.0.0.1".
	Host string
	// Base and Count: the ports [Base, Base+Count).
	Base, Count int
	// Usable, if not nil, is asked before a port is given to a headend
	// (headendd checks that it can be bound, so that a port another
	// program holds is skipped).
	Usable func(port int) bool

	// claims: the table holding each port, over every table of the range.
	mu     sync.Mutex
	claims map[int]*byte
}

// claim gives p to the table owner unless another holds it.
func (r *Range) claim(p int, owner *byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if o, ok := r.claims[p]; ok {
		return o == owner
	}
	if r.claims == nil {
		r.claims = map[int]*byte{}
	}
	r.claims[p] = owner
	return true
}

// unclaim takes p back from owner.
func (r *Range) unclaim(p int, owner *byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.claims[p] == owner {
		delete(r.claims, p)
	}
}

// claimedElsewhere: another table than owner holds p.
func (r *Range) claimedElsewhere(p int, owner *byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	o, ok := r.claims[p]
	return ok && o != owner
}

// Validate checks that the range holds TCP ports.
func (r *Range) Validate() error {
	if r.Base < 1 || r.Count < 1 || r.Base+r.Count-1 > 65535 {
		return fmt.Errorf("SSH ports %d+%d are not within 1-65535", r.Base, r.Count)
	}
	return nil
}

// Table is the ports given to the headends H of a lab. The zero Table has
// no range and gives no port. The caller serialises its use.
type Table[H comparable] struct {
	cfg   *Range
	ports map[int]H
	owner *byte // the table's identity in the range's claims
}

// NewTable makes the table of the range r, none given yet.
func NewTable[H comparable](r *Range) Table[H] {
	return Table[H]{cfg: r, ports: map[int]H{}, owner: new(byte)}
}

// Range is the table's range, nil without SSH.
func (t *Table[H]) Range() *Range { return t.cfg }

// Take gives the port p to h.
func (t *Table[H]) Take(p int, h H) {
	t.ports[p] = h
	t.cfg.claim(p, t.owner)
}

// Free takes the port p back.
func (t *Table[H]) Free(p int) {
	delete(t.ports, p)
	t.cfg.unclaim(p, t.owner)
}

// Release gives every port of the table back to the range, for the other
// tables that share it: the lab closes.
func (t *Table[H]) Release() {
	if t.cfg == nil {
		return
	}
	for p := range t.ports {
		t.cfg.unclaim(p, t.owner)
	}
	clear(t.ports)
}

// Each calls fn with every port given and its headend.
func (t *Table[H]) Each(fn func(p int, h H)) {
	for p, h := range t.ports {
		fn(p, h)
	}
}

func (t *Table[H]) inRange(p int) bool {
	c := t.cfg
	return p >= c.Base && p < c.Base+c.Count
}

func (t *Table[H]) held(p int) bool {
	var zero H
	return t.ports[p] != zero || t.cfg.claimedElsewhere(p, t.owner)
}

// Alloc draws the lowest free usable port, 0 when there is none. The port
// is claimed for the table at once, so that another table sharing the
// range cannot draw it before Take.
func (t *Table[H]) Alloc() int {
	c := t.cfg
	if c == nil {
		return 0
	}
	for p := c.Base; p < c.Base+c.Count; p++ {
		if !t.held(p) && (c.Usable == nil || c.Usable(p)) && c.claim(p, t.owner) {
			return p
		}
	}
	return 0
}

// Place gives each headend of hs (in id order) its stored port, where it
// has one in the range that no earlier headend holds, or else a free one:
// port(h) reads h's stored port (ok false: none), set records the port
// given. It returns the headends given a new port, and those for which no
// port was free.
func (t *Table[H]) Place(hs []H, port func(H) (int, bool), set func(H, int)) (given, none []H) {
	var missing []H
	for _, h := range hs {
		p, ok := port(h)
		if !ok || !t.inRange(p) || t.held(p) || !t.cfg.claim(p, t.owner) {
			missing = append(missing, h)
			continue
		}
		set(h, p)
		t.Take(p, h)
	}
	for _, h := range missing {
		p := t.Alloc()
		if p == 0 {
			none = append(none, h)
			continue
		}
		set(h, p)
		t.Take(p, h)
		given = append(given, h)
	}
	return given, none
}

// Address is the console address of the port p, "" without SSH or port.
func (t *Table[H]) Address(p int) string {
	c := t.cfg
	if c == nil || p == 0 {
		return ""
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(p))
}
