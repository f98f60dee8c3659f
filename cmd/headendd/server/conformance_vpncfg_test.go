package server

import (
	"slices"
	"testing"
)

// TestTunnelGroupConformance: `show running-config tunnel-group` parses with
// the ntc-templates template: each group's name and type, its default group
// policy and its group aliases.
func TestTunnelGroupConformance(t *testing.T) {
	tmpl := ntcTemplate(t, "cisco_asa_show_running-config_tunnel-group.textfsm")
	got, out := parseLast(t, tmpl, "ASA5525", "FCH1947V0GY",
		"configure terminal", "group-policy GP-AC internal",
		"tunnel-group TG-AC type remote-access", "tunnel-group TG-AC general-attributes", "default-group-policy GP-AC",
		"tunnel-group TG-AC webvpn-attributes", "group-alias AC enable", "group-alias OLD disable",
		"tunnel-group 198.51.100.7 type ipsec-l2l", "end",
		"show running-config tunnel-group")
	if want := []string{"TG-AC", "198.51.100.7"}; !slices.Equal(got["NAME"], want) {
		t.Errorf("NAME = %q, want %q\n%s", got["NAME"], want, out)
	}
	if want := []string{"remote-access", "ipsec-l2l"}; !slices.Equal(got["TYPE"], want) {
		t.Errorf("TYPE = %q, want %q", got["TYPE"], want)
	}
	if got["GROUP_POLICY"][0] != "GP-AC" {
		t.Errorf("GROUP_POLICY = %q", got["GROUP_POLICY"])
	}
	checkWithPythonTemplate(t, tmpl, "show running-config tunnel-group", out, map[string]string{
		"NAME": "TG-AC", "TYPE": "remote-access", "GROUP_POLICY": "GP-AC"})
}
