package asa

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/asalab/asalab/headend"
)

// Errors of interface configuration. The console prints each in the ASA's
// wording; nothing is changed when one is returned.
var (
	ErrUnknownInterface = errors.New("headend: no such interface on this model")
	ErrNameifInUse      = errors.New("headend: the interface name is used by another interface")
	ErrInvalidNameif    = errors.New("headend: invalid interface name")
	ErrInvalidNetmask   = errors.New("headend: invalid netmask")
	ErrInvalidAddress   = errors.New("headend: invalid interface address")
	ErrAddressOverlap   = errors.New("headend: the network overlaps with another interface")
	ErrStandbySubnet    = errors.New("headend: the standby address is not in the interface's subnet")
	ErrSecurityLevel    = errors.New("headend: security level out of range 0-100")
)

// Interface is the configuration of one interface of the model, by its
// hardware name. A new unit has every interface shut down, with no name,
// security level or address, as an ASA whose configuration was cleared shows
// them; only interfaces that differ from that are stored.
type Interface struct {
	Name        string `json:"name"` // "GigabitEthernet0/0"
	Description string `json:"description,omitempty"`
	// Up is `no shutdown`.
	Up     bool   `json:"up,omitempty"`
	Nameif string `json:"nameif,omitempty"`
	// SecurityLevel counts only when LevelSet: an interface without
	// `security-level` shows `no security-level`.
	SecurityLevel int          `json:"security_level,omitempty"`
	LevelSet      bool         `json:"level_set,omitempty"`
	Address       netip.Prefix `json:"address,omitzero"` // host address and mask length
	Standby       netip.Addr   `json:"standby,omitzero"`
}

// isDefault reports whether the interface is as a new unit has it.
func (i Interface) isDefault() bool { return i == Interface{Name: i.Name} }

// Active reports whether the interface carries traffic: not shut down, named,
// with an address. Only such an address answers pings.
func (i Interface) Active() bool { return i.Up && i.Nameif != "" && i.Address.IsValid() }

// Interface is the configuration of the interface with that hardware name.
func (c *Config) Interface(name string) Interface {
	for _, i := range c.Interfaces {
		if i.Name == name {
			return i
		}
	}
	return Interface{Name: name}
}

// setInterface stores i. The slice is copied, never changed in place,
// because a running and a saved configuration may share it.
func (c *Config) setInterface(i Interface) {
	out := slices.DeleteFunc(slices.Clone(c.Interfaces), func(x Interface) bool { return x.Name == i.Name })
	if !i.isDefault() {
		out = append(out, i)
		slices.SortFunc(out, func(a, b Interface) int { return strings.Compare(a.Name, b.Name) })
	}
	if len(out) == 0 {
		out = nil
	}
	c.Interfaces = out
}

// ActiveAddresses are the addresses of the configuration that answer on the
// network: those of interfaces that are up, named and addressed.
func (c *Config) ActiveAddresses() []netip.Addr {
	var out []netip.Addr
	for _, i := range c.Interfaces {
		if i.Active() {
			out = append(out, i.Address.Addr())
		}
	}
	return out
}

// InterfaceByNameif finds the interface with that nameif.
func (c *Config) InterfaceByNameif(nameif string) (Interface, bool) {
	for _, i := range c.Interfaces {
		if i.Nameif == nameif {
			return i, true
		}
	}
	return Interface{}, false
}

// ResolveInterface finds the interface the user means: its full name or the
// ASA's abbreviations of the type, in any case, with or without a space
// before the number ("gig0/0", "Gi 0/0", "m0/0", "te0/8").
func (d *Device) ResolveInterface(typed string) (string, error) {
	typed = strings.ReplaceAll(typed, " ", "")
	kind, num := splitIfName(typed)
	if kind == "" || num == "" {
		return "", fmt.Errorf("%w: %q", ErrUnknownInterface, typed)
	}
	var found []string
	for _, n := range d.platform.InterfaceNames() {
		k, nn := splitIfName(n)
		if nn == num && strings.HasPrefix(strings.ToLower(k), strings.ToLower(kind)) {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%w: %q", ErrUnknownInterface, typed)
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

// ValidNameif applies the ASA rule for interface names: 1 to 48 characters,
// no spaces.
func ValidNameif(n string) bool {
	if n == "" || len(n) > 48 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] <= ' ' || n[i] >= 0x7f {
			return false
		}
	}
	return true
}

// SetNameif is `nameif NAME` on an interface of the running configuration.
// It returns the ASA's INFO line when the interface gets its default
// security level.
func (d *Device) SetNameif(ifname, nameif string) (string, error) {
	if !ValidNameif(nameif) {
		return "", fmt.Errorf("%w: %q", ErrInvalidNameif, nameif)
	}
	c := &d.Running
	if f := c.Failover; ifname == f.LAN.Iface || ifname == f.Link.Iface {
		return "", fmt.Errorf("%w: %s", ErrFailoverIfNameif, ifname)
	}
	if o, ok := c.InterfaceByNameif(nameif); ok && o.Name != ifname {
		return "", fmt.Errorf("%w: %s has %q", ErrNameifInUse, o.Name, nameif)
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
	c.setInterface(i)
	return info, nil
}

// ClearNameif is `no nameif`: the name goes, and the security level with it.
func (d *Device) ClearNameif(ifname string) {
	i := d.Running.Interface(ifname)
	i.Nameif, i.SecurityLevel, i.LevelSet = "", 0, false
	d.Running.setInterface(i)
}

// SetSecurityLevel is `security-level N`, or `no security-level` with
// clear.
func (d *Device) SetSecurityLevel(ifname string, level int, clear bool) error {
	if !clear && (level < 0 || level > 100) {
		return fmt.Errorf("%w: %d", ErrSecurityLevel, level)
	}
	i := d.Running.Interface(ifname)
	i.SecurityLevel, i.LevelSet = level, !clear
	if clear {
		i.SecurityLevel = 0
	}
	d.Running.setInterface(i)
	return nil
}

// SetShutdown is `shutdown` (true) or `no shutdown`.
func (d *Device) SetShutdown(ifname string, down bool) {
	i := d.Running.Interface(ifname)
	i.Up = !down
	d.Running.setInterface(i)
}

// SetDescription is `description TEXT`; an empty text is `no
// description`.
func (d *Device) SetDescription(ifname, text string) {
	i := d.Running.Interface(ifname)
	i.Description = text
	d.Running.setInterface(i)
}

// ParseMask reads a dotted netmask; it must be contiguous ones, then zeros,
// and at least one bit long.
func ParseMask(m netip.Addr) (int, bool) {
	if bits, ok := headend.MaskLen(m); ok && bits > 0 {
		return bits, true
	}
	return 0, false
}

// MaskString prints a mask length as the dotted netmask.
func MaskString(bits int) string {
	v := ^uint32(0) << (32 - bits)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

// SetAddress is `ip address A M [standby S]` (standby invalid: none). The
// mask must be contiguous, the address a host of its subnet (not the subnet
// or its broadcast, for subnets that have those), the standby address
// another host of the same subnet, and the subnet must not overlap another
// interface's: an ASA routes each connected subnet out of one interface.
func (d *Device) SetAddress(ifname string, addr, mask, standby netip.Addr) error {
	bits, ok := ParseMask(mask)
	if !ok {
		return fmt.Errorf("%w %s", ErrInvalidNetmask, mask)
	}
	p := netip.PrefixFrom(addr, bits)
	if !hostOf(p, addr) {
		return fmt.Errorf("%w: %s is not a host address of %s", ErrInvalidAddress, addr, p.Masked())
	}
	if standby.IsValid() && (standby == addr || !hostOf(p, standby)) {
		return fmt.Errorf("%w: standby %s, interface %s", ErrStandbySubnet, standby, p)
	}
	for _, o := range d.Running.Interfaces {
		if o.Name != ifname && o.Address.IsValid() && o.Address.Masked().Overlaps(p.Masked()) {
			return &OverlapError{Interface: ifname, Other: o.Name}
		}
	}
	i := d.Running.Interface(ifname)
	i.Address, i.Standby = p, standby
	d.Running.setInterface(i)
	return nil
}

// OverlapError names the interface whose subnet an address overlaps.
type OverlapError struct{ Interface, Other string }

func (e *OverlapError) Error() string {
	return fmt.Sprintf("headend: the address of %s overlaps the network of %s", e.Interface, e.Other)
}

// Unwrap makes an OverlapError an ErrAddressOverlap.
func (e *OverlapError) Unwrap() error { return ErrAddressOverlap }

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
func (d *Device) ClearAddress(ifname string) {
	i := d.Running.Interface(ifname)
	i.Address, i.Standby = netip.Prefix{}, netip.Addr{}
	d.Running.setInterface(i)
}
