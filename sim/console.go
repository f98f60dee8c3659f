package sim

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/consoleports"
)

// This file gives each headend of a lab its SSH console port (package
// consoleports, the table) and tells the SSH server (cmd/headendd/sshd) when
// a console appears, goes away, or must drop its sessions because the
// headend reloads.

// SSHPorts is the range of console ports of a lab.
type SSHPorts = consoleports.Range

// ConsoleEventKind is what happened to a headend's console.
type ConsoleEventKind = consoleports.EventKind

// Console events (package consoleports).
const (
	ConsoleAdded    = consoleports.Added
	ConsoleRemoved  = consoleports.Removed
	ConsoleReloaded = consoleports.Reloaded
)

// ConsoleEvent is a change the SSH server follows.
type ConsoleEvent = consoleports.Event[*Headend]

// openConsoles loads the stored ports and gives one to every headend of hs
// (in id order) that has none. Called by OpenLab before the lab is shared.
func (l *Lab) openConsoles(cfg *SSHPorts, hs []*Headend) error {
	if cfg == nil {
		return nil
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	l.con = consoleports.NewTable[*Headend](cfg)
	stored, err := l.store.Ports(l.name)
	if err != nil {
		return err
	}
	given, none := l.con.Place(hs, func(h *Headend) (int, bool) {
		p, ok := stored[h.id]
		return p, ok
	}, func(h *Headend, p int) { h.sshPort = p })
	for _, h := range none {
		l.log.Warn("no free SSH port for a headend: it has no console",
			zap.String("lab", l.name), zap.String("hostname", h.dev.Hostname()), zap.Int("ports", cfg.Count))
	}
	// One synced batch for them all: a fleet stored while SSH was off gets
	// its ports at the next start, and a sync per headend made that start
	// take seconds.
	ports := map[uint64]int{}
	for _, h := range given {
		ports[h.id] = h.sshPort
	}
	return l.store.PutPorts(l.name, ports)
}

// consoleCreated registers a new headend's port and announces it. Called
// with l.mu held, after the headend is stored.
func (l *Lab) consoleCreated(h *Headend) {
	if h.sshPort == 0 {
		if c := l.con.Range(); c != nil {
			l.log.Warn("no free SSH port for a new headend: it has no console (see --ssh-ports)",
				zap.String("lab", l.name), zap.String("hostname", h.dev.Hostname()), zap.Int("ports", c.Count))
		}
		return
	}
	l.con.Take(h.sshPort, h)
	l.conWatch.Notify(ConsoleEvent{Kind: ConsoleAdded, Headend: h, Port: h.sshPort})
}

// consoleDeleted frees a deleted headend's port. Called with h.mu and l.mu
// held.
func (l *Lab) consoleDeleted(h *Headend) {
	if h.sshPort == 0 {
		return
	}
	l.con.Free(h.sshPort)
	l.conWatch.Notify(ConsoleEvent{Kind: ConsoleRemoved, Headend: h, Port: h.sshPort})
	h.sshPort = 0
}

// consoleReloaded tells the SSH server to drop the sessions of a headend
// that goes down. Called with h.mu held.
func (l *Lab) consoleReloaded(h *Headend) {
	if port := h.sshPort; port != 0 {
		l.conWatch.Notify(ConsoleEvent{Kind: ConsoleReloaded, Headend: h, Port: port})
	}
}

// WatchConsoles registers the SSH server's watcher and returns a
// ConsoleAdded event for every headend that has a port now; later changes
// reach fn. Without SSHPorts in the lab's Config there are none.
func (l *Lab) WatchConsoles(fn func(ConsoleEvent)) []ConsoleEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conWatch.Set(fn)
	// A headend Create has not stored yet is announced once it is.
	return l.con.Added(func(h *Headend) bool { return !h.pending.Load() })
}

// sshAddress is the headend's console address, "" without one. Called with
// h.mu or the lab's mu held.
func (h *Headend) sshAddress() string {
	return h.lab.con.Address(h.sshPort)
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
	if c := l.con.Range(); c != nil {
		return c.Host
	}
	return ""
}
