package config

import (
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
	ErrStandbySame      = errors.New("headend: the standby address is the active address")
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

// SetInterface stores i. The slice is copied, never changed in place,
// because a running and a saved configuration may share it.
func (c *Config) SetInterface(i Interface) {
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

// OverlapError names the interface whose subnet an address overlaps.
type OverlapError struct{ Interface, Other string }

func (e *OverlapError) Error() string {
	return fmt.Sprintf("headend: the address of %s overlaps the network of %s", e.Interface, e.Other)
}

// Unwrap makes an OverlapError an ErrAddressOverlap.
func (e *OverlapError) Unwrap() error { return ErrAddressOverlap }
