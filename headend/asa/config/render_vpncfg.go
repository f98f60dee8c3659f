package config

import (
	"fmt"
	"strings"
)

// The VPN configuration in `show running-config`: the lines, their order and
// indentation as an ASA 9.x prints them (webvpn's `enable`, then the
// Essentials switch, then the AnyConnect lines; each group policy's
// `internal` line before its attributes). Tunnel groups are the grammar's
// (render_grammar.go).

// ClockLine is `clock timezone`, or "" when the clock runs in UTC.
func ClockLine(c Config) string {
	z := c.Timezone
	switch {
	case z.Name == "":
		return ""
	case z.Minutes != 0:
		return fmt.Sprintf("clock timezone %s %d %d", z.Name, z.Hours, z.Minutes)
	}
	return fmt.Sprintf("clock timezone %s %d", z.Name, z.Hours)
}

// WebVPNLines is the webvpn block: what differs from the defaults and what
// was typed (the ASA keeps an `anyconnect-essentials` that was entered, and
// tools that push it compare against it), or all of it with all (`show
// running-config all`).
func WebVPNLines(c Config, all bool, line func(string)) {
	essentials := ""
	switch {
	case !c.Essentials:
		essentials = " no anyconnect-essentials"
	case all || c.EssentialsTyped:
		essentials = " anyconnect-essentials"
	}
	if essentials == "" && !c.VPN.hasWebVPNLines() {
		return
	}
	line("webvpn")
	webvpnEnableLines(&c.VPN, line)
	if essentials != "" {
		line(essentials)
	}
	anyconnectLines(&c.VPN, line)
}

// SessionDBLines are the caps below the license.
func SessionDBLines(v *VPN, line func(string)) {
	if v.MaxAnyConnect > 0 {
		line(fmt.Sprintf("vpn-sessiondb max-anyconnect-premium-or-essentials-limit %d", v.MaxAnyConnect))
	}
	if v.MaxOther > 0 {
		line(fmt.Sprintf("vpn-sessiondb max-other-vpn-limit %d", v.MaxOther))
	}
}

// webvpnEnableLines are the interfaces webvpn listens on.
func webvpnEnableLines(v *VPN, line func(string)) {
	for _, n := range v.WebVPNIfs {
		line(" enable " + n)
	}
}

// anyconnectLines are the AnyConnect lines of the webvpn block.
func anyconnectLines(v *VPN, line func(string)) {
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
func (v *VPN) hasWebVPNLines() bool {
	return len(v.WebVPNIfs) > 0 || len(v.Images) > 0 || v.AnyConnect || v.TunnelGroupList
}

// GroupPolicyLines are the group policies: DfltGrpPolicy's changed
// attributes first, then each policy made with `internal`.
func GroupPolicyLines(v *VPN, name string, line func(string)) {
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

// RenderVPN prints one VPN section of c as `show running-config
// group-policy [NAME]`, `vpn-sessiondb` or `clock`
// does.
func RenderVPN(c Config, section VPNSection, name string) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	switch section {
	case SectionGroupPolicy:
		GroupPolicyLines(&c.VPN, name, line)
	case SectionSessionDB:
		SessionDBLines(&c.VPN, line)
	case SectionClock:
		if l := ClockLine(c); l != "" {
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
