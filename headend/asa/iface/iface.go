// Package iface is the ASA's interfaces: how the console's names resolve
// to a platform's ports, the interface lines (`nameif`, `security-level`,
// `ip address ... standby`, ...) and their checks on a configuration, the
// address rules failover links share, and what the ASA prints of them
// (`show running-config interface`, `show interface`, `show interface ip
// brief`, `ping`). It is pure logic on a platform and a configuration.
package iface

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/config"
)

// Resolve finds the interface of platform p the user means: its full name or the
// ASA's abbreviations of the type, in any case, with or without a space
// before the number ("gig0/0", "Gi 0/0", "m0/0", "te0/8").
func Resolve(p *headend.Platform, typed string) (string, error) {
	typed = strings.ReplaceAll(typed, " ", "")
	kind, num := splitIfName(typed)
	if kind == "" || num == "" {
		return "", fmt.Errorf("%w: %q", config.ErrUnknownInterface, typed)
	}
	var found []string
	for _, n := range p.InterfaceNames() {
		k, nn := splitIfName(n)
		if nn == num && strings.HasPrefix(strings.ToLower(k), strings.ToLower(kind)) {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%w: %q", config.ErrUnknownInterface, typed)
	}
	return found[0], nil
}

// splitIfName cuts "GigabitEthernet0/1" into its type and its number.
func splitIfName(s string) (kind, num string) {
	i := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// The replies of an ASA to `nameif`: a new name gets a default security
// level, 100 for "inside" and 0 for every other (Cisco ASA CLI configuration
// guide, "Configure the Interface Name and Security Level": "the inside
// interface defaults to security level 100", others to 0).
func levelInfo(nameif string, level int) string {
	return fmt.Sprintf("INFO: Security level for %q set to %d by default.", nameif, level)
}

// SetNameif is `nameif NAME` on an interface of configuration c.
// It returns the ASA's INFO line when the interface gets its default
// security level.
func SetNameif(c *config.Config, ifname, nameif string) (string, error) {
	if !config.ValidNameif(nameif) {
		return "", fmt.Errorf("%w: %q", config.ErrInvalidNameif, nameif)
	}
	if f := c.Failover; ifname == f.LAN.Iface || ifname == f.Link.Iface {
		return "", fmt.Errorf("%w: %s", config.ErrFailoverIfNameif, ifname)
	}
	if o, ok := c.InterfaceByNameif(nameif); ok && o.Name != ifname {
		return "", fmt.Errorf("%w: %s has %q", config.ErrNameifInUse, o.Name, nameif)
	}
	i := c.Interface(ifname)
	i.Nameif = nameif
	info := ""
	if !i.LevelSet {
		i.SecurityLevel, i.LevelSet = 0, true
		if nameif == "inside" {
			i.SecurityLevel = 100
		}
		info = levelInfo(nameif, i.SecurityLevel)
	}
	c.SetInterface(i)
	return info, nil
}

// ClearNameif is `no nameif`: the name goes, and the security level with it.
func ClearNameif(c *config.Config, ifname string) {
	i := c.Interface(ifname)
	i.Nameif, i.SecurityLevel, i.LevelSet = "", 0, false
	c.SetInterface(i)
}

// SetSecurityLevel is `security-level N`, or `no security-level` with
// clear.
func SetSecurityLevel(c *config.Config, ifname string, level int, clear bool) error {
	if !clear && (level < 0 || level > 100) {
		return fmt.Errorf("%w: %d", config.ErrSecurityLevel, level)
	}
	i := c.Interface(ifname)
	i.SecurityLevel, i.LevelSet = level, !clear
	if clear {
		i.SecurityLevel = 0
	}
	c.SetInterface(i)
	return nil
}

// SetShutdown is `shutdown` (true) or `no shutdown`.
func SetShutdown(c *config.Config, ifname string, down bool) {
	i := c.Interface(ifname)
	i.Up = !down
	c.SetInterface(i)
}

// SetDescription is `description TEXT`; an empty text is `no
// description`.
func SetDescription(c *config.Config, ifname, text string) {
	i := c.Interface(ifname)
	i.Description = text
	c.SetInterface(i)
}

// SetAddress is `ip address A M [standby S]` (standby invalid: none). The
// mask must be contiguous, the address a host of its subnet (not the subnet
// or its broadcast, for subnets that have those), the standby address
// another host of the same subnet, and the subnet must not overlap another
// interface's: an ASA routes each connected subnet out of one interface.
func SetAddress(c *config.Config, ifname string, addr, mask, standby netip.Addr) error {
	p, err := HostPrefix(addr, mask, standby)
	if err != nil {
		return err
	}
	for _, o := range c.Interfaces {
		if o.Name != ifname && o.Address.IsValid() && o.Address.Masked().Overlaps(p.Masked()) {
			return &config.OverlapError{Interface: ifname, Other: o.Name}
		}
	}
	i := c.Interface(ifname)
	i.Address, i.Standby = p, standby
	c.SetInterface(i)
	return nil
}

// HostPrefix is addr with its contiguous mask, the address a host of the
// subnet and standby (when valid) another host of it: what an interface's
// and a failover link's `ip address ... standby` both require.
func HostPrefix(addr, mask, standby netip.Addr) (netip.Prefix, error) {
	bits, ok := config.ParseMask(mask)
	if !ok {
		return netip.Prefix{}, fmt.Errorf("%w %s", config.ErrInvalidNetmask, mask)
	}
	p := netip.PrefixFrom(addr, bits)
	if !hostOf(p, addr) {
		return netip.Prefix{}, fmt.Errorf("%w: %s is not a host address of %s", config.ErrInvalidAddress, addr, p.Masked())
	}
	if standby == addr {
		return netip.Prefix{}, fmt.Errorf("%w: %s", config.ErrStandbySame, standby)
	}
	if standby.IsValid() && !hostOf(p, standby) {
		return netip.Prefix{}, StandbyError(standby, p)
	}
	return p, nil
}

// StandbyError is the error of a standby address that is not another host
// of the subnet p.
func StandbyError(standby netip.Addr, p netip.Prefix) error {
	return fmt.Errorf("%w: standby %s, interface %s", config.ErrStandbySubnet, standby, p)
}

// hostOf reports whether a is a host address of subnet p: inside it, and
// neither its network nor its broadcast address when it has them (/31 and
// /32 have none).
func hostOf(p netip.Prefix, a netip.Addr) bool {
	if !a.Is4() || !p.Contains(a) || a.IsUnspecified() || a.IsMulticast() || a.IsLoopback() {
		return false
	}
	if p.Bits() >= 31 {
		return true
	}
	b := a.As4()
	host := binary.BigEndian.Uint32(b[:]) &^ (^uint32(0) << (32 - p.Bits()))
	return host != 0 && host != ^uint32(0)>>p.Bits()
}

// ClearAddress is `no ip address`.
func ClearAddress(c *config.Config, ifname string) {
	i := c.Interface(ifname)
	i.Address, i.Standby = netip.Prefix{}, netip.Addr{}
	c.SetInterface(i)
}
