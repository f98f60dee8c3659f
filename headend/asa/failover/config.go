// Package failover is what the ASA's failover lines and outputs are: the
// `failover ...` settings of a configuration and their checks (links,
// their addresses and descriptions, poll times, key), the unit's role,
// and `show failover`, alone or in a pair as the lab describes it. Which
// unit is active, and the license a pair shares, are the device's and the
// lab's; this package is pure logic on a configuration and a platform.
package failover

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/iface"
)

// SetPolltime is `failover polltime [unit|interface] POLL
// [holdtime HOLD]` (hold 0: not given, the default or the least the poll
// allows); iface chooses the interface poll. A zero poll is the `no` form.
func SetPolltime(c *config.Config, iface bool, poll, hold int) error {
	f := &c.Failover
	target, def, minHold, maxHold, times := &f.UnitPoll, config.DefaultUnitPoll, 3, 45, 3
	if iface {
		target, def, minHold, maxHold, times = &f.InterfacePoll, config.DefaultInterfacePoll, 5, 75, 5
	}
	if poll == 0 {
		*target = config.Polltime{}
		return nil
	}
	if poll < 1 || poll > 15 {
		return fmt.Errorf("%w: poll time %d must be 1 to 15 seconds", config.ErrFailoverPolltime, poll)
	}
	if hold == 0 {
		hold = max(def.Hold, times*poll)
	}
	if hold < minHold || hold > maxHold || hold < times*poll {
		return fmt.Errorf("%w: holdtime %d must be %d to %d seconds and at least %d times the poll time", config.ErrFailoverPolltime, hold, minHold, maxHold, times)
	}
	*target = config.Polltime{Poll: poll, Hold: hold}
	if *target == def {
		*target = config.Polltime{}
	}
	return nil
}

// checkIface: a failover link's physical interface is not a data
// interface: it has no nameif.
func checkIface(c *config.Config, ifname string) error {
	if n := c.Interface(ifname).Nameif; n != "" {
		return fmt.Errorf("%w: %s is %q", config.ErrFailoverIfNamed, ifname, n)
	}
	return nil
}

// SetLAN is `failover lan interface NAME PHYSICAL-IF`.
func SetLAN(c *config.Config, name, ifname string) error {
	f := &c.Failover
	if !config.ValidNameif(name) {
		return fmt.Errorf("%w: %q", config.ErrInvalidNameif, name)
	}
	if err := checkIface(c, ifname); err != nil {
		return err
	}
	if f.Link.Iface == ifname && f.Link.Name != name {
		return fmt.Errorf("%w: %s carries %s", config.ErrFailoverIfInUse, ifname, f.Link.Name)
	}
	old := f.LAN
	f.LAN = config.FailoverLink{Name: name, Iface: ifname}
	descriptions(c, old, f.Link)
	return nil
}

// ClearLAN is `no failover lan interface`.
func ClearLAN(c *config.Config) {
	f := &c.Failover
	old := f.LAN
	f.LAN = config.FailoverLink{}
	f.IPs = slices.DeleteFunc(slices.Clone(f.IPs), func(ip config.FailoverIP) bool {
		return ip.Name == old.Name && old.Name != f.Link.Name
	})
	descriptions(c, old, f.Link)
}

// SetLink is `failover link NAME [PHYSICAL-IF]`: without the
// interface, NAME must be the LAN link's, which then carries the state too.
func SetLink(c *config.Config, name, ifname string) error {
	f := &c.Failover
	if !config.ValidNameif(name) {
		return fmt.Errorf("%w: %q", config.ErrInvalidNameif, name)
	}
	switch {
	case name == f.LAN.Name && (ifname == "" || ifname == f.LAN.Iface):
		ifname = f.LAN.Iface
	case ifname == "":
		return fmt.Errorf("%w: %q", config.ErrFailoverLinkIface, name)
	case ifname == f.LAN.Iface:
		return fmt.Errorf("%w: %s carries %s", config.ErrFailoverIfInUse, ifname, f.LAN.Name)
	default:
		if err := checkIface(c, ifname); err != nil {
			return err
		}
	}
	old := f.Link
	f.Link = config.FailoverLink{Name: name, Iface: ifname}
	descriptions(c, f.LAN, old)
	return nil
}

// ClearLink is `no failover link`.
func ClearLink(c *config.Config) {
	f := &c.Failover
	old := f.Link
	f.Link = config.FailoverLink{}
	f.IPs = slices.DeleteFunc(slices.Clone(f.IPs), func(ip config.FailoverIP) bool {
		return ip.Name == old.Name && old.Name != f.LAN.Name
	})
	descriptions(c, f.LAN, old)
}

// descriptions gives the physical interfaces of the links their
// ASA descriptions, and takes them from interfaces that no longer carry a
// link (oldLAN, oldLink: what the links were before the change).
func descriptions(c *config.Config, oldLAN, oldLink config.FailoverLink) {
	f := c.Failover
	for _, ifname := range []string{oldLAN.Iface, oldLink.Iface} {
		if ifname != "" && ifname != f.LAN.Iface && ifname != f.Link.Iface {
			iface.SetDescription(c, ifname, "")
		}
	}
	switch {
	case f.LAN.Iface != "" && f.LAN.Iface == f.Link.Iface:
		iface.SetDescription(c, f.LAN.Iface, config.DescLANState)
	default:
		if f.LAN.Iface != "" {
			iface.SetDescription(c, f.LAN.Iface, config.DescLAN)
		}
		if f.Link.Iface != "" {
			iface.SetDescription(c, f.Link.Iface, config.DescState)
		}
	}
}

// SetIP is `failover interface ip NAME A M standby S`: NAME is a
// failover link's, S another host of A's subnet.
func SetIP(c *config.Config, name string, addr, mask, standby netip.Addr) error {
	f := &c.Failover
	if name == "" || (name != f.LAN.Name && name != f.Link.Name) {
		return fmt.Errorf("%w: %q", config.ErrFailoverName, name)
	}
	p, err := iface.HostPrefix(addr, mask, standby)
	if err != nil {
		return err
	}
	if !standby.IsValid() {
		// Unlike an interface's, a failover link's standby address is
		// required.
		return iface.StandbyError(standby, p)
	}
	ips := slices.DeleteFunc(slices.Clone(f.IPs), func(ip config.FailoverIP) bool { return ip.Name == name })
	ips = append(ips, config.FailoverIP{Name: name, Address: p, Standby: standby})
	slices.SortFunc(ips, func(a, b config.FailoverIP) int { return strings.Compare(a.Name, b.Name) })
	f.IPs = ips
	return nil
}

// ClearIP is `no failover interface ip NAME ...`; it reports
// whether NAME had an address.
func ClearIP(c *config.Config, name string) bool {
	f := &c.Failover
	n := len(f.IPs)
	f.IPs = slices.DeleteFunc(slices.Clone(f.IPs), func(ip config.FailoverIP) bool { return ip.Name == name })
	return len(f.IPs) != n
}

// SetKey is `failover key SECRET`: 1 to 63 characters (Cisco ASA
// command reference, "failover key"); "" is the `no` form.
func SetKey(c *config.Config, key string) error {
	if len(key) > 63 {
		return fmt.Errorf("%w: 1 to 63 characters", config.ErrFailoverKey)
	}
	c.Failover.Key = key
	return nil
}
