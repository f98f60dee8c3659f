package asa

import (
	"fmt"
	"strings"
	"time"
)

// The VPN configuration in `show running-config`: the lines, their order and
// indentation as an ASA 9.x prints them (webvpn's `enable`, then the
// Essentials switch, then the AnyConnect lines; each group policy's
// `internal` line before its attributes). Tunnel groups are the grammar's
// (render_grammar.go).

// clockLine is `clock timezone`, or "" when the clock runs in UTC.
func clockLine(c Config) string {
	z := c.Timezone
	switch {
	case z.Name == "":
		return ""
	case z.Minutes != 0:
		return fmt.Sprintf("clock timezone %s %d %d", z.Name, z.Hours, z.Minutes)
	}
	return fmt.Sprintf("clock timezone %s %d", z.Name, z.Hours)
}

// sessiondbLines are the caps below the license.
func sessiondbLines(v *VPNConfig, line func(string)) {
	if v.MaxAnyConnect > 0 {
		line(fmt.Sprintf("vpn-sessiondb max-anyconnect-premium-or-essentials-limit %d", v.MaxAnyConnect))
	}
	if v.MaxOther > 0 {
		line(fmt.Sprintf("vpn-sessiondb max-other-vpn-limit %d", v.MaxOther))
	}
}

// webvpnEnableLines are the interfaces webvpn listens on.
func webvpnEnableLines(v *VPNConfig, line func(string)) {
	for _, n := range v.WebVPNIfs {
		line(" enable " + n)
	}
}

// anyconnectLines are the AnyConnect lines of the webvpn block.
func anyconnectLines(v *VPNConfig, line func(string)) {
	for _, im := range v.Images {
		line(fmt.Sprintf(" anyconnect image %s %d", im.Path, im.Order))
	}
	if v.AnyConnect {
		line(" anyconnect enable")
	}
	if v.TunnelGroupList {
		line(" tunnel-group-list enable")
	}
}

// hasWebVPNLines reports whether the webvpn block has lines of v.
func (v *VPNConfig) hasWebVPNLines() bool {
	return len(v.WebVPNIfs) > 0 || len(v.Images) > 0 || v.AnyConnect || v.TunnelGroupList
}

// groupPolicyLines are the group policies: DfltGrpPolicy's changed
// attributes first, then each policy made with `internal`.
func groupPolicyLines(v *VPNConfig, name string, line func(string)) {
	emit := func(g GroupPolicy) {
		if g.Name != DefaultGroupPolicy {
			line("group-policy " + g.Name + " internal")
		}
		if !g.LoginsSet && g.Protocols == nil {
			return
		}
		line("group-policy " + g.Name + " attributes")
		if g.LoginsSet {
			line(fmt.Sprintf(" vpn-simultaneous-logins %d", g.Logins))
		}
		if g.Protocols != nil {
			line(" vpn-tunnel-protocol " + strings.Join(g.Protocols, " "))
		}
	}
	for _, dflt := range []bool{true, false} {
		for _, g := range v.GroupPolicies {
			if (g.Name == DefaultGroupPolicy) == dflt && (name == "" || g.Name == name) {
				emit(g)
			}
		}
	}
}

// VPNSection is a part of the VPN configuration `show running-config` shows
// alone.
type VPNSection int

// VPN sections of `show running-config`.
const (
	SectionGroupPolicy VPNSection = iota
	SectionSessionDB
	SectionClock
)

// RenderVPNConfig prints one VPN section of c as `show running-config
// group-policy [NAME]`, `vpn-sessiondb` or `clock`
// does.
func RenderVPNConfig(c Config, section VPNSection, name string) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	switch section {
	case SectionGroupPolicy:
		groupPolicyLines(&c.VPN, name, line)
	case SectionSessionDB:
		sessiondbLines(&c.VPN, line)
	case SectionClock:
		if l := clockLine(c); l != "" {
			line(l)
		}
	}
	return b.String()
}

// L2LNameWarning is what the ASA prints when a LAN-to-LAN tunnel group is
// named other than by its peer's address (`tunnel-group NAME type
// ipsec-l2l`).
var L2LNameWarning = []string{
	"WARNING: For IKEv1, L2L tunnel-groups that have names which are not an IP",
	"address may only be used if the tunnel authentication",
	"method is Digital Certificates and/or The peer is",
	"configured to use Aggressive Mode",
}

// ShowClockIn renders `show clock` in the zone of `clock timezone`: the
// lab time at the zone's offset, with the zone's name.
func ShowClockIn(now time.Time, z Timezone) string {
	return now.In(z.Location()).Format(clockLayout) + "\n"
}
