package config

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Errors of the failover configuration.
var (
	ErrFailoverIfNamed   = errors.New("headend: a failover interface must have no nameif")
	ErrFailoverIfInUse   = errors.New("headend: the interface is the other failover link")
	ErrFailoverIfNameif  = errors.New("headend: a failover link's interface takes no nameif")
	ErrFailoverName      = errors.New("headend: no failover link has that name")
	ErrFailoverLinkIface = errors.New("headend: a stateful link of its own name needs its physical interface")
	ErrFailoverKey       = errors.New("headend: invalid failover key")
	ErrFailoverPolltime  = errors.New("headend: invalid failover poll or hold time")
	// The checks before `failover` turns failover on.
	ErrFailoverNoKey     = errors.New("headend: failover needs a valid (non-zero) permanent activation key")
	ErrFailoverLicense   = errors.New("headend: the running license does not support failover")
	ErrFailoverNoUnit    = errors.New("headend: no failover lan unit")
	ErrFailoverNoLAN     = errors.New("headend: no failover LAN interface")
	ErrFailoverNoLANAddr = errors.New("headend: the failover LAN interface has no IP address")
)

// Failover is the failover lines of a unit: which unit it is, its LAN
// (control) and state links and their addresses, the shared key, HTTP
// replication, and `failover` itself. With failover on, the lab pairs the
// unit with the one whose LAN link meets it on the lab network.
type Failover struct {
	// Enabled is `failover` (the factory state is `no failover`).
	Enabled bool `json:"enabled,omitempty"`
	// Unit is `failover lan unit primary|secondary`; "" until typed.
	Unit string       `json:"unit,omitempty"`
	LAN  FailoverLink `json:"lan,omitzero"`
	// Link is `failover link NAME [PHYSICAL-IF]`, the stateful link; it
	// may be the LAN link itself.
	Link FailoverLink `json:"link,omitzero"`
	// IPs are the `failover interface ip` lines, sorted by link name;
	// never changed in place.
	IPs []FailoverIP `json:"ips,omitempty"`
	// Key is `failover key`, shown as *****.
	Key             string `json:"key,omitempty"`
	ReplicationHTTP bool   `json:"replication_http,omitempty"`
	// Unit and Interface are `failover polltime [unit|interface] N
	// holdtime M`; zero: the defaults.
	UnitPoll      Polltime `json:"unit_poll,omitzero"`
	InterfacePoll Polltime `json:"interface_poll,omitzero"`
}

// Polltime is a poll period and its hold time, in seconds.
type Polltime struct {
	Poll int `json:"poll"`
	Hold int `json:"hold"`
}

// The polltime defaults and ranges, in seconds (Cisco ASA command
// reference, "failover polltime", as recalled: unit 1 to 15 s polls with
// a 3 to 45 s hold time of at least three polls, default 1 and 15;
// interface 1 to 15 s polls with a 5 to 75 s hold time of at least five
// polls, default 5 and 25). The millisecond forms are not accepted.
var (
	DefaultUnitPoll      = Polltime{Poll: 1, Hold: 15}
	DefaultInterfacePoll = Polltime{Poll: 5, Hold: 25}
)

// UnitPolltime is the unit poll and hold time in force.
func (c Failover) UnitPolltime() Polltime {
	if c.UnitPoll == (Polltime{}) {
		return DefaultUnitPoll
	}
	return c.UnitPoll
}

// InterfacePolltime is the interface poll and hold time in force.
func (c Failover) InterfacePolltime() Polltime {
	if c.InterfacePoll == (Polltime{}) {
		return DefaultInterfacePoll
	}
	return c.InterfacePoll
}

// FailoverLink is a failover link: its name and physical interface.
type FailoverLink struct {
	Name  string `json:"name"`
	Iface string `json:"iface"`
}

// FailoverIP is `failover interface ip NAME A M standby S`.
type FailoverIP struct {
	Name    string       `json:"name"`
	Address netip.Prefix `json:"address"`
	Standby netip.Addr   `json:"standby"`
}

// Equal reports whether two failover configurations are the same.
func (c Failover) Equal(o Failover) bool {
	return c.Enabled == o.Enabled && c.Unit == o.Unit && c.LAN == o.LAN && c.Link == o.Link && slices.Equal(c.IPs, o.IPs) &&
		c.Key == o.Key && c.ReplicationHTTP == o.ReplicationHTTP &&
		c.UnitPoll == o.UnitPoll && c.InterfacePoll == o.InterfacePoll
}

// The descriptions an ASA gives the physical interfaces of the failover
// links (its `show running-config interface` prints them under the
// interface; recalled from published configurations, no stored real output
// has them).
const (
	DescLAN      = "LAN Failover Interface"
	DescState    = "STATE Failover Interface"
	DescLANState = "LAN/STATE Failover Interface"
)

// FailoverLines writes the failover lines of the running configuration
// after `failover` (or the factory `no failover`), in the order an ASA
// prints them: unit, LAN interface, poll times, key, replication, state
// link, addresses (as recalled from published ASA configurations; no
// stored real output has them).
func FailoverLines(c *Config, line func(string)) {
	f := &c.Failover
	if f.Unit != "" {
		line("failover lan unit " + f.Unit)
	}
	if f.LAN.Name != "" {
		line("failover lan interface " + f.LAN.Name + " " + f.LAN.Iface)
	}
	if p := f.UnitPoll; p != (Polltime{}) {
		line(fmt.Sprintf("failover polltime unit %d holdtime %d", p.Poll, p.Hold))
	}
	if p := f.InterfacePoll; p != (Polltime{}) {
		line(fmt.Sprintf("failover polltime interface %d holdtime %d", p.Poll, p.Hold))
	}
	if f.Key != "" {
		line("failover key *****")
	}
	if f.ReplicationHTTP {
		line("failover replication http")
	}
	if f.Link.Name != "" {
		line("failover link " + f.Link.Name + " " + f.Link.Iface)
	}
	for _, ip := range f.IPs {
		line(fmt.Sprintf("failover interface ip %s %s %s standby %s", ip.Name, ip.Address.Addr(), MaskString(ip.Address.Bits()), ip.Standby))
	}
}

// EnableLine is `failover` or the factory `no failover`, as the running
// configuration prints it before the other failover lines.
func (c Failover) EnableLine() string {
	if c.Enabled {
		return "failover"
	}
	return "no failover"
}

// RenderFailover renders `show running-config failover`: `failover` (or
// the factory `no failover`) and the failover lines after it.
func RenderFailover(c Config) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line(c.Failover.EnableLine())
	FailoverLines(&c, line)
	return b.String()
}
