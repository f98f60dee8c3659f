package sim

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strconv"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/family"
)

// This file gives each headend of a lab its SSH console port and tells the
// SSH server (cmd/headendd/sshd) when a console appears, goes away, or must
// drop its sessions because the headend reloads.
//
// A port belongs to a headend, not to a hostname: a rename keeps it. It is
// chosen when the headend is created (or, for a headend created while SSH was
// off or no port was free, when the lab opens) and stored in the same synced
// batch as the headend, so it is the same after a daemon restart. Ports are
// unique within a lab; a daemon serves one lab.

// SSHPorts is the range of console ports of a lab.
type SSHPorts struct {
	// Host is the address the consoles listen on, e.g. "127.0.0.1".
	Host string
	// Base and Count: the ports [Base, Base+Count).
	Base, Count int
	// Usable, if not nil, is asked before a port is given to a headend
	// (headendd checks that it can be bound, so that a port another
	// program holds is skipped).
	Usable func(port int) bool
}

// ConsoleEventKind is what happened to a headend's console.
type ConsoleEventKind int

// Console events.
const (
	// ConsoleAdded: a headend with a port exists (created, or there at
	// start): listen on the port.
	ConsoleAdded ConsoleEventKind = iota + 1
	// ConsoleRemoved: the headend was deleted: stop listening, drop its
	// sessions.
	ConsoleRemoved
	// ConsoleReloaded: the headend reloads (or was replaced by RMA): drop
	// its sessions.
	ConsoleReloaded
)

// ConsoleEvent is a change the SSH server follows.
type ConsoleEvent struct {
	Kind    ConsoleEventKind
	Headend *Headend
	// Port is the headend's console port (0: none).
	Port int
}

// consoles is the lab's console state; ports is guarded by the lab's mu.
type consoles struct {
	cfg   *SSHPorts
	ports map[int]*Headend
}

// openConsoles loads the stored ports and gives one to every headend of hs
// (in id order) that has none. Called by OpenLab before the lab is shared.
func (l *Lab) openConsoles(cfg *SSHPorts, hs []*Headend) error {
	if cfg == nil {
		return nil
	}
	if cfg.Base < 1 || cfg.Count < 1 || cfg.Base+cfg.Count-1 > 65535 {
		return fmt.Errorf("%w: SSH ports %d+%d are not within 1-65535", ErrInvalidArgument, cfg.Base, cfg.Count)
	}
	l.con = consoles{cfg: cfg, ports: map[int]*Headend{}}
	stored, err := l.store.Ports(l.name)
	if err != nil {
		return err
	}
	var missing []*Headend
	for _, h := range hs {
		p, ok := stored[h.id]
		if !ok || !l.inRange(p) || l.con.ports[p] != nil {
			missing = append(missing, h)
			continue
		}
		h.sshPort = p
		l.con.ports[p] = h
	}
	// One synced batch for them all: a fleet stored while SSH was off gets
	// its ports at the next start, and a sync per headend made that start
	// take seconds.
	given := map[uint64]int{}
	for _, h := range missing {
		p := l.allocPort()
		if p == 0 {
			l.log.Warn("no free SSH port for a headend: it has no console",
				zap.String("lab", l.name), zap.String("hostname", h.dev.Hostname()), zap.Int("ports", cfg.Count))
			continue
		}
		h.sshPort = p
		l.con.ports[p] = h
		given[h.id] = p
	}
	return l.store.PutPorts(l.name, given)
}

func (l *Lab) inRange(p int) bool {
	c := l.con.cfg
	return p >= c.Base && p < c.Base+c.Count
}

// allocPort draws the lowest free usable port, 0 when there is none. Called
// with l.mu held (or before the lab is shared).
func (l *Lab) allocPort() int {
	c := l.con.cfg
	if c == nil {
		return 0
	}
	for p := c.Base; p < c.Base+c.Count; p++ {
		if l.con.ports[p] == nil && (c.Usable == nil || c.Usable(p)) {
			return p
		}
	}
	return 0
}

// consoleCreated registers a new headend's port and announces it. Called
// with l.mu held, after the headend is stored.
func (l *Lab) consoleCreated(h *Headend) {
	if h.sshPort == 0 {
		if l.con.cfg != nil {
			l.log.Warn("no free SSH port for a new headend: it has no console (see --ssh-ports)",
				zap.String("lab", l.name), zap.String("hostname", h.dev.Hostname()), zap.Int("ports", l.con.cfg.Count))
		}
		return
	}
	l.con.ports[h.sshPort] = h
	l.notify(ConsoleEvent{Kind: ConsoleAdded, Headend: h, Port: h.sshPort})
}

// consoleDeleted frees a deleted headend's port. Called with h.mu and l.mu
// held.
func (l *Lab) consoleDeleted(h *Headend) {
	if h.sshPort == 0 {
		return
	}
	delete(l.con.ports, h.sshPort)
	l.notify(ConsoleEvent{Kind: ConsoleRemoved, Headend: h, Port: h.sshPort})
	h.sshPort = 0
}

// consoleReloaded tells the SSH server to drop the sessions of a headend
// that goes down. Called with h.mu held.
func (l *Lab) consoleReloaded(h *Headend) {
	if port := h.sshPort; port != 0 {
		l.notify(ConsoleEvent{Kind: ConsoleReloaded, Headend: h, Port: port})
	}
}

// notify calls the watcher. It runs under the lab's or the headend's lock,
// so a watcher must not call back into the lab; it only starts or stops
// listeners and signals sessions.
func (l *Lab) notify(ev ConsoleEvent) {
	if fn := l.conWatch.Load(); fn != nil {
		(*fn)(ev)
	}
}

// WatchConsoles registers the SSH server's watcher and returns a
// ConsoleAdded event for every headend that has a port now; later changes
// reach fn. Without SSHPorts in the lab's Config there are none.
func (l *Lab) WatchConsoles(fn func(ConsoleEvent)) []ConsoleEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conWatch.Store(&fn)
	var evs []ConsoleEvent
	for p, h := range l.con.ports {
		if !h.pending.Load() { // announced when Create has stored it
			evs = append(evs, ConsoleEvent{Kind: ConsoleAdded, Headend: h, Port: p})
		}
	}
	slices.SortFunc(evs, func(a, b ConsoleEvent) int { return cmp.Compare(a.Port, b.Port) })
	return evs
}

// sshAddress is the headend's console address, "" without one. Called with
// h.mu or the lab's mu held.
func (h *Headend) sshAddress() string {
	c := h.lab.con.cfg
	if c == nil || h.sshPort == 0 {
		return ""
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(h.sshPort))
}

// Hostname is the headend's current hostname.
func (h *Headend) Hostname() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.dev.Hostname()
}

// Available fails if the headend was deleted, is powered off or is
// reloading: a console refuses new sessions then.
func (h *Headend) Available() error { return h.available() }

// CreateOption sets up a new headend.
type CreateOption func(d family.Device) error

// WithLogin replaces the factory login (admin/admin, enable admin) of a new
// headend; empty values keep the defaults.
func WithLogin(username, password, enablePassword string) CreateOption {
	return func(d family.Device) error { return d.SetFactoryLogin(username, password, enablePassword) }
}

// WithSoftwareVersion loads a new headend with that software version instead
// of its model's default; empty keeps the default.
func WithSoftwareVersion(version string) CreateOption {
	return func(d family.Device) error { return d.SetSoftwareVersion(version) }
}

// SSHHost is the address the consoles listen on, "" without SSH.
func (l *Lab) SSHHost() string {
	if l.con.cfg == nil {
		return ""
	}
	return l.con.cfg.Host
}
