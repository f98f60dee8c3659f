package asa

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
)

// FailoverConfig is the failover lines a unit keeps before it is paired:
// which unit it is, its LAN (control) and state links and their addresses,
// the shared key, HTTP replication. Failover itself stays off (`no
// failover`): pairs are not simulated, so nothing here changes what the
// unit does, only what it shows.
type FailoverConfig struct {
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
	defaultUnitPoll      = Polltime{Poll: 1, Hold: 15}
	defaultInterfacePoll = Polltime{Poll: 5, Hold: 25}
)

// UnitPolltime is the unit poll and hold time in force.
func (c FailoverConfig) UnitPolltime() Polltime {
	if c.UnitPoll == (Polltime{}) {
		return defaultUnitPoll
	}
	return c.UnitPoll
}

// InterfacePolltime is the interface poll and hold time in force.
func (c FailoverConfig) InterfacePolltime() Polltime {
	if c.InterfacePoll == (Polltime{}) {
		return defaultInterfacePoll
	}
	return c.InterfacePoll
}

// SetFailoverPolltime is `failover polltime [unit|interface] POLL
// [holdtime HOLD]` (hold 0: not given, the default or the least the poll
// allows); iface chooses the interface poll. A zero poll is the `no` form.
func (d *Device) SetFailoverPolltime(iface bool, poll, hold int) error {
	f := &d.Running.Failover
	target, def, minHold, maxHold, times := &f.UnitPoll, defaultUnitPoll, 3, 45, 3
	if iface {
		target, def, minHold, maxHold, times = &f.InterfacePoll, defaultInterfacePoll, 5, 75, 5
	}
	if poll == 0 {
		*target = Polltime{}
		return nil
	}
	if poll < 1 || poll > 15 {
		return fmt.Errorf("%w: poll time %d must be 1 to 15 seconds", ErrFailoverPolltime, poll)
	}
	if hold == 0 {
		hold = max(def.Hold, times*poll)
	}
	if hold < minHold || hold > maxHold || hold < times*poll {
		return fmt.Errorf("%w: holdtime %d must be %d to %d seconds and at least %d times the poll time", ErrFailoverPolltime, hold, minHold, maxHold, times)
	}
	*target = Polltime{Poll: poll, Hold: hold}
	if *target == def {
		*target = Polltime{}
	}
	return nil
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
func (c FailoverConfig) Equal(o FailoverConfig) bool {
	return c.Unit == o.Unit && c.LAN == o.LAN && c.Link == o.Link && slices.Equal(c.IPs, o.IPs) &&
		c.Key == o.Key && c.ReplicationHTTP == o.ReplicationHTTP &&
		c.UnitPoll == o.UnitPoll && c.InterfacePoll == o.InterfacePoll
}

// The descriptions an ASA gives the physical interfaces of the failover
// links (its `show running-config interface` prints them under the
// interface; recalled from published configurations, no stored real output
// has them).
const (
	descLAN      = "LAN Failover Interface"
	descState    = "STATE Failover Interface"
	descLANState = "LAN/STATE Failover Interface"
)

// checkFailoverIface: a failover link's physical interface is not a data
// interface: it has no nameif.
func (d *Device) checkFailoverIface(ifname string) error {
	if n := d.Running.Interface(ifname).Nameif; n != "" {
		return fmt.Errorf("%w: %s is %q", ErrFailoverIfNamed, ifname, n)
	}
	return nil
}

// SetFailoverUnit is `failover lan unit primary|secondary`; "" is the
// `no` form.
func (d *Device) SetFailoverUnit(unit string) { d.Running.Failover.Unit = unit }

// SetFailoverLAN is `failover lan interface NAME PHYSICAL-IF`.
func (d *Device) SetFailoverLAN(name, ifname string) error {
	f := &d.Running.Failover
	if !ValidNameif(name) {
		return fmt.Errorf("%w: %q", ErrInvalidNameif, name)
	}
	if err := d.checkFailoverIface(ifname); err != nil {
		return err
	}
	if f.Link.Iface == ifname && f.Link.Name != name {
		return fmt.Errorf("%w: %s carries %s", ErrFailoverIfInUse, ifname, f.Link.Name)
	}
	old := f.LAN
	f.LAN = FailoverLink{Name: name, Iface: ifname}
	d.failoverDescriptions(old, f.Link)
	return nil
}

// ClearFailoverLAN is `no failover lan interface`.
func (d *Device) ClearFailoverLAN() {
	f := &d.Running.Failover
	old := f.LAN
	f.LAN = FailoverLink{}
	f.IPs = slices.DeleteFunc(slices.Clone(f.IPs), func(ip FailoverIP) bool {
		return ip.Name == old.Name && old.Name != f.Link.Name
	})
	d.failoverDescriptions(old, f.Link)
}

// SetFailoverLink is `failover link NAME [PHYSICAL-IF]`: without the
// interface, NAME must be the LAN link's, which then carries the state too.
func (d *Device) SetFailoverLink(name, ifname string) error {
	f := &d.Running.Failover
	if !ValidNameif(name) {
		return fmt.Errorf("%w: %q", ErrInvalidNameif, name)
	}
	switch {
	case name == f.LAN.Name && (ifname == "" || ifname == f.LAN.Iface):
		ifname = f.LAN.Iface
	case ifname == "":
		return fmt.Errorf("%w: %q", ErrFailoverLinkIface, name)
	case ifname == f.LAN.Iface:
		return fmt.Errorf("%w: %s carries %s", ErrFailoverIfInUse, ifname, f.LAN.Name)
	default:
		if err := d.checkFailoverIface(ifname); err != nil {
			return err
		}
	}
	old := f.Link
	f.Link = FailoverLink{Name: name, Iface: ifname}
	d.failoverDescriptions(f.LAN, old)
	return nil
}

// ClearFailoverLink is `no failover link`.
func (d *Device) ClearFailoverLink() {
	f := &d.Running.Failover
	old := f.Link
	f.Link = FailoverLink{}
	f.IPs = slices.DeleteFunc(slices.Clone(f.IPs), func(ip FailoverIP) bool {
		return ip.Name == old.Name && old.Name != f.LAN.Name
	})
	d.failoverDescriptions(f.LAN, old)
}

// failoverDescriptions gives the physical interfaces of the links their
// ASA descriptions, and takes them from interfaces that no longer carry a
// link (oldLAN, oldLink: what the links were before the change).
func (d *Device) failoverDescriptions(oldLAN, oldLink FailoverLink) {
	f := d.Running.Failover
	for _, ifname := range []string{oldLAN.Iface, oldLink.Iface} {
		if ifname != "" && ifname != f.LAN.Iface && ifname != f.Link.Iface {
			d.SetDescription(ifname, "")
		}
	}
	switch {
	case f.LAN.Iface != "" && f.LAN.Iface == f.Link.Iface:
		d.SetDescription(f.LAN.Iface, descLANState)
	default:
		if f.LAN.Iface != "" {
			d.SetDescription(f.LAN.Iface, descLAN)
		}
		if f.Link.Iface != "" {
			d.SetDescription(f.Link.Iface, descState)
		}
	}
}

// SetFailoverIP is `failover interface ip NAME A M standby S`: NAME is a
// failover link's, S another host of A's subnet.
func (d *Device) SetFailoverIP(name string, addr, mask, standby netip.Addr) error {
	f := &d.Running.Failover
	if name == "" || (name != f.LAN.Name && name != f.Link.Name) {
		return fmt.Errorf("%w: %q", ErrFailoverName, name)
	}
	bits, ok := ParseMask(mask)
	if !ok {
		return fmt.Errorf("%w %s", ErrInvalidNetmask, mask)
	}
	p := netip.PrefixFrom(addr, bits)
	if !hostOf(p, addr) {
		return fmt.Errorf("%w: %s is not a host address of %s", ErrInvalidAddress, addr, p.Masked())
	}
	if standby == addr || !hostOf(p, standby) {
		return fmt.Errorf("%w: standby %s, interface %s", ErrStandbySubnet, standby, p)
	}
	ips := slices.DeleteFunc(slices.Clone(f.IPs), func(ip FailoverIP) bool { return ip.Name == name })
	ips = append(ips, FailoverIP{Name: name, Address: p, Standby: standby})
	slices.SortFunc(ips, func(a, b FailoverIP) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	f.IPs = ips
	return nil
}

// ClearFailoverIP is `no failover interface ip NAME ...`; it reports
// whether NAME had an address.
func (d *Device) ClearFailoverIP(name string) bool {
	f := &d.Running.Failover
	n := len(f.IPs)
	f.IPs = slices.DeleteFunc(slices.Clone(f.IPs), func(ip FailoverIP) bool { return ip.Name == name })
	return len(f.IPs) != n
}

// SetFailoverKey is `failover key SECRET`: 1 to 63 characters (Cisco ASA
// command reference, "failover key"); "" is the `no` form.
func (d *Device) SetFailoverKey(key string) error {
	if len(key) > 63 {
		return fmt.Errorf("%w: 1 to 63 characters", ErrFailoverKey)
	}
	d.Running.Failover.Key = key
	return nil
}

// SetFailoverReplicationHTTP is `[no] failover replication http`.
func (d *Device) SetFailoverReplicationHTTP(on bool) { d.Running.Failover.ReplicationHTTP = on }

// failoverLines writes the failover lines of the running configuration
// after the factory `no failover`, in the order an ASA prints them: unit,
// LAN interface, poll times, key, replication, state link, addresses (as recalled from
// published ASA configurations; no stored real output has them).
func failoverLines(c *Config, line func(string)) {
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

// RenderFailover renders `show running-config failover`: the factory `no
// failover` and the failover lines after it.
func RenderFailover(c Config) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line("no failover")
	failoverLines(&c, line)
	return b.String()
}
