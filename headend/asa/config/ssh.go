package config

import (
	"errors"
	"net/netip"
	"slices"
)

// Errors of the `ssh` configuration lines. The console prints each in the
// ASA's wording; nothing is changed when one is returned.
var (
	ErrSSHNotSupported = errors.New("headend: this software version has no such ssh setting")
	ErrSSHPermitPair   = errors.New("headend: the address has bits outside the mask")
	ErrSSHNameif       = errors.New("headend: no interface has that name")
	ErrSSHTimeout      = errors.New("headend: ssh timeout out of range 1-60")
	ErrSSHAlgorithm    = errors.New("headend: unknown ssh algorithm")
)

// SSHPermit is `ssh A M IFNAME`: SSH is accepted from the addresses of Net
// arriving on the interface named Nameif.
type SSHPermit struct {
	Net    netip.Prefix `json:"net"`
	Nameif string       `json:"nameif"`
}

// SSH is the `ssh ...` lines of a configuration; the zero value is
// the factory one, so that a configuration stored before these lines
// existed loads unchanged.
type SSH struct {
	// Permits in the order they were entered; none: the lab accepts
	// every client (see SSHPermitted).
	Permits []SSHPermit `json:"permits,omitempty"`
	// Timeout is `ssh timeout N` in minutes, 1-60; 0: the factory 5.
	Timeout int `json:"timeout,omitempty"`
	// Version is `ssh version N` as typed; 0: not typed (version 2 on the
	// trains that have no SSH version 1).
	Version int `json:"version,omitempty"`
	// KeyExchange is the group of `ssh key-exchange group`
	// ("dh-group14-sha256"); "": the train's default.
	KeyExchange string `json:"key_exchange,omitempty"`
	// Encryption and Integrity are the arguments of `ssh cipher encryption`
	// and `ssh cipher integrity` ("high", "custom aes256-ctr"); "": the
	// train's default.
	Encryption string `json:"encryption,omitempty"`
	Integrity  string `json:"integrity,omitempty"`
}

func (s SSH) Equal(o SSH) bool {
	return slices.Equal(s.Permits, o.Permits) && s.Timeout == o.Timeout && s.Version == o.Version &&
		s.KeyExchange == o.KeyExchange && s.Encryption == o.Encryption && s.Integrity == o.Integrity
}

// DefaultSSHTimeout is the factory `ssh timeout 5`, in minutes.
const DefaultSSHTimeout = 5

// TimeoutMinutes is the idle timeout of new SSH sessions.
func (s SSH) TimeoutMinutes() int {
	if s.Timeout == 0 {
		return DefaultSSHTimeout
	}
	return s.Timeout
}

// SSHPermitted reports whether a client at addr may open an SSH connection.
// An ASA accepts SSH only from the networks of its `ssh A M IFNAME` lines,
// on an interface that carries traffic (named, up, addressed). A lab's
// clients all come from the daemon's host, not from the lab network, so a
// permit line is matched against that address, whatever interface it names
// (the interface must still be active); and a configuration without any
// permit line accepts every client, so that a new headend can be driven at
// once (a real ASA would accept none).
func (c *Config) SSHPermitted(addr netip.Addr) bool {
	if len(c.SSH.Permits) == 0 {
		return true
	}
	addr = addr.Unmap()
	for _, p := range c.SSH.Permits {
		if !p.Net.Contains(addr) {
			continue
		}
		if i, ok := c.InterfaceByNameif(p.Nameif); ok && i.Active() {
			return true
		}
	}
	return false
}
