package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
)

// Errors of the VPN configuration. The console prints each in the ASA's
// wording; nothing is changed when one is returned.
var (
	ErrUnknownNameif       = errors.New("headend: no interface has that name")
	ErrGroupPolicyNotFound = errors.New("headend: no such group-policy")
	ErrGroupPolicyInUse    = errors.New("headend: the group-policy is the default of a tunnel-group")
	ErrInvalidTimezone     = errors.New("headend: invalid clock timezone")
	ErrInvalidLimit        = errors.New("headend: session limit out of range")
	ErrInvalidVPNName      = errors.New("headend: invalid group-policy or tunnel-group name")
)

// VPN is the remote-access VPN configuration that decides what a
// headend admits: the webvpn service, group policies and the session caps
// below the license (tunnel groups are grammar lines, Config.Lines). The
// zero value is a factory configuration. Its slices are never changed in place (running and saved configurations
// share them); every change goes through a copy.
type VPN struct {
	// WebVPNIfs are the nameifs of `webvpn` / `enable IFNAME`, in the order
	// they were enabled.
	WebVPNIfs []string `json:"webvpn_ifs,omitempty"`
	// Images are the `anyconnect image PATH ORDER` lines, by order.
	Images []AnyConnectImage `json:"images,omitempty"`
	// AnyConnect is `anyconnect enable` under webvpn.
	AnyConnect bool `json:"anyconnect,omitempty"`
	// TunnelGroupList is `tunnel-group-list enable` under webvpn.
	TunnelGroupList bool `json:"tunnel_group_list,omitempty"`
	// MaxAnyConnect and MaxOther are `vpn-sessiondb
	// max-anyconnect-premium-or-essentials-limit N` and `vpn-sessiondb
	// max-other-vpn-limit N`; 0: not configured (the ASA's range starts
	// at 1).
	MaxAnyConnect int `json:"max_anyconnect,omitempty"`
	MaxOther      int `json:"max_other,omitempty"`
	// GroupPolicies in the order they were created; DfltGrpPolicy is
	// listed only once one of its attributes changed.
	GroupPolicies []GroupPolicy `json:"group_policies,omitempty"`
}

// AnyConnectImage is one `anyconnect image` line.
type AnyConnectImage struct {
	Path  string `json:"path"`
	Order int    `json:"order"`
}

// GroupPolicy is a `group-policy NAME internal` and its attributes. Unset
// attributes are inherited from DfltGrpPolicy.
type GroupPolicy struct {
	Name string `json:"name"`
	// Protocols is `vpn-tunnel-protocol ...` in the ASA's order (see
	// TunnelProtocols); nil: inherited.
	Protocols []string `json:"protocols,omitempty"`
	// Logins is `vpn-simultaneous-logins N` when LoginsSet; 0 is a valid
	// value (nobody may log in).
	Logins    int  `json:"logins,omitempty"`
	LoginsSet bool `json:"logins_set,omitempty"`
}

// DefaultGroupPolicy is the group policy every other inherits from.
const DefaultGroupPolicy = "DfltGrpPolicy"

// DefaultLogins is DfltGrpPolicy's `vpn-simultaneous-logins 3`, the ASA's
// default (Cisco ASA VPN configuration guide, "Specify the Maximum Number of
// Simultaneous Logins": "The default is 3").
const DefaultLogins = 3

// TunnelProtocols are the values of `vpn-tunnel-protocol`, in the order the
// ASA prints them whatever order they were typed in.
var TunnelProtocols = []string{"ikev1", "ikev2", "l2tp-ipsec", "ssl-client", "ssl-clientless"}

// Equal reports whether two VPN configurations are the same.
func (v VPN) Equal(o VPN) bool {
	return slices.Equal(v.WebVPNIfs, o.WebVPNIfs) && slices.Equal(v.Images, o.Images) &&
		v.AnyConnect == o.AnyConnect && v.TunnelGroupList == o.TunnelGroupList &&
		v.MaxAnyConnect == o.MaxAnyConnect && v.MaxOther == o.MaxOther &&
		slices.EqualFunc(v.GroupPolicies, o.GroupPolicies, func(a, b GroupPolicy) bool {
			return a.Name == b.Name && slices.Equal(a.Protocols, b.Protocols) && a.Logins == b.Logins && a.LoginsSet == b.LoginsSet
		})
}

// Clone copies the slices a change may write to.
func (v VPN) Clone() VPN {
	v.WebVPNIfs = slices.Clone(v.WebVPNIfs)
	v.Images = slices.Clone(v.Images)
	v.GroupPolicies = slices.Clone(v.GroupPolicies)
	for i := range v.GroupPolicies {
		v.GroupPolicies[i].Protocols = slices.Clone(v.GroupPolicies[i].Protocols)
	}
	return v
}

// WebVPNConfigured reports whether webvpn was set up at all: an interface
// enabled or AnyConnect enabled. A configuration without either admits as a
// factory lab always has (see AdmissionPolicy).
func (v *VPN) WebVPNConfigured() bool { return len(v.WebVPNIfs) > 0 || v.AnyConnect }

// GroupPolicy finds a group policy by name; DfltGrpPolicy always exists.
func (v *VPN) GroupPolicy(name string) (GroupPolicy, bool) {
	for _, g := range v.GroupPolicies {
		if g.Name == name {
			return g, true
		}
	}
	return GroupPolicy{Name: name}, name == DefaultGroupPolicy
}

// SimultaneousLogins is the `vpn-simultaneous-logins` in force for sessions
// of the group policy name: its own, else DfltGrpPolicy's, else 3.
func (v *VPN) SimultaneousLogins(name string) int {
	if g, _ := v.GroupPolicy(name); g.LoginsSet {
		return g.Logins
	}
	if g, _ := v.GroupPolicy(DefaultGroupPolicy); g.LoginsSet {
		return g.Logins
	}
	return DefaultLogins
}

// ValidVPNName applies the ASA's rule for group-policy and tunnel-group
// names as far as the simulator needs it: 1 to 64 printable characters
// without blanks.
func ValidVPNName(n string) bool {
	if len(n) == 0 || len(n) > 64 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] <= ' ' || n[i] > '~' {
			return false
		}
	}
	return true
}

// Timezone is `clock timezone NAME HOURS [MINUTES]`; the zero value is UTC
// (no such line).
type Timezone struct {
	Name    string `json:"name,omitempty"`
	Hours   int    `json:"hours,omitempty"`
	Minutes int    `json:"minutes,omitempty"`
}

// ParseTimezone validates `clock timezone ZONE HOURS [MINUTES]` as the ASA
// takes it: a zone name, hours -23 to 23, minutes 0 to 59.
func ParseTimezone(name string, hours, minutes int) (Timezone, error) {
	if name == "" || len(name) > 32 || strings.ContainsAny(name, " \t") {
		return Timezone{}, fmt.Errorf("%w: zone name %q", ErrInvalidTimezone, name)
	}
	if hours < -23 || hours > 23 || minutes < 0 || minutes > 59 {
		return Timezone{}, fmt.Errorf("%w: offset %d %d", ErrInvalidTimezone, hours, minutes)
	}
	return Timezone{Name: name, Hours: hours, Minutes: minutes}, nil
}

// Location is the zone `show clock` prints the lab time in.
func (z Timezone) Location() *time.Location {
	if z.Name == "" {
		return time.UTC
	}
	off := z.Hours*3600 + z.Minutes*60
	if z.Hours < 0 {
		off = z.Hours*3600 - z.Minutes*60
	}
	return time.FixedZone(z.Name, off)
}

// CapLimits lowers the class limits of a policy to the vpn-sessiondb caps:
// the AnyConnect cap holds for the sessions counted as AnyConnect Premium
// (clientless included) or Essentials, the other cap for Other VPN. A cap
// above the license changes nothing ("limit sessions below the license").
func (v *VPN) CapLimits(limit *[admission.NumClasses]uint32) {
	if n := uint32(v.MaxAnyConnect); n > 0 {
		limit[admission.ClassPremium] = min(limit[admission.ClassPremium], n)
		limit[admission.ClassEssentials] = min(limit[admission.ClassEssentials], n)
	}
	if n := uint32(v.MaxOther); n > 0 {
		limit[admission.ClassOther] = min(limit[admission.ClassOther], n)
	}
}

// webvpnKinds are the connections the webvpn service answers: AnyConnect
// over SSL/DTLS on every platform, and the clientless portal.
var webvpnKinds = [...]headend.Kind{headend.KindAnyConnect, headend.KindMobile, headend.KindPhone, headend.KindClientless}

// GateWebVPN applies webvpn's switches to a policy. An ASA answers
// AnyConnect and clientless connections only on an interface webvpn is
// enabled on, and AnyConnect only with `anyconnect enable`; without it the
// client is told so (%ASA-4-113035, "AnyConnect not enabled or invalid
// AnyConnect image on the ASA"). The rule holds once webvpn is set up (an
// interface or AnyConnect enabled): a lab's factory configuration has no
// interface to enable it on, and admits as it always did. IPsec connections
// (IKEv1, LAN-to-LAN, third-party IKEv2) do not go through webvpn.
func (c *Config) GateWebVPN(p *admission.Rules) {
	v := &c.VPN
	if !v.WebVPNConfigured() {
		return
	}
	listening := slices.ContainsFunc(v.WebVPNIfs, func(n string) bool {
		i, ok := c.InterfaceByNameif(n)
		return ok && i.Active()
	})
	if !listening {
		// Nothing answers on port 443: the box logs nothing.
		p.NoPortal = true
		for _, k := range webvpnKinds {
			p.Class[k] = admission.ClassNone
		}
		return
	}
	if !v.AnyConnect {
		for _, k := range webvpnKinds[:3] {
			p.Class[k] = admission.ClassNone
		}
	}
}
