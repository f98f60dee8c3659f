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
)

// A port belongs to a headend, not to a hostname: a rename keeps it. It is
// chosen when the headend is created (or, for a headend created while SSH was
// off or no port was free, when the lab opens) and stored in the same synced
// batch as the headend, so it is the same after a daemon restart. Ports are
// unique within a lab; a daemon serves one lab.

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
}

// NewTable makes the table of the range r, none given yet.
func NewTable[H comparable](r *Range) Table[H] {
	return Table[H]{cfg: r, ports: map[int]H{}}
}

// Range is the table's range, nil without SSH.
func (t *Table[H]) Range() *Range { return t.cfg }

// Take gives the port p to h.
func (t *Table[H]) Take(p int, h H) { t.ports[p] = h }

// Free takes the port p back.
func (t *Table[H]) Free(p int) { delete(t.ports, p) }

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
	return t.ports[p] != zero
}

// Alloc draws the lowest free usable port, 0 when there is none.
func (t *Table[H]) Alloc() int {
	c := t.cfg
	if c == nil {
		return 0
	}
	for p := c.Base; p < c.Base+c.Count; p++ {
		if !t.held(p) && (c.Usable == nil || c.Usable(p)) {
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
		if !ok || !t.inRange(p) || t.held(p) {
			missing = append(missing, h)
			continue
		}
		set(h, p)
		t.ports[p] = h
	}
	for _, h := range missing {
		p := t.Alloc()
		if p == 0 {
			none = append(none, h)
			continue
		}
		set(h, p)
		t.ports[p] = h
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
