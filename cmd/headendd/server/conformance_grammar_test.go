package server

import (
	"slices"
	"testing"
)

// TestTunnelGroupConformance: `show running-config tunnel-group` parses with
// the ntc-templates template: one record per group, its type, its default
// group policy and the masked pre-shared key.
func TestTunnelGroupConformance(t *testing.T) {
	tmpl := ntcTemplate(t, "cisco_asa_show_running-config_tunnel-group.textfsm")
	got, out := parseLast(t, tmpl, "ASA5525", "FCH1947V0GY",
		"configure terminal",
		"tunnel-group 192.0.2.1 type ipsec-l2l", "tunnel-group 192.0.2.1 ipsec-attributes", "ikev1 pre-shared-key abc123",
		"group-policy GP1 internal",
		"tunnel-group RA type remote-access", "tunnel-group RA general-attributes", "default-group-policy GP1",
		"tunnel-group RA webvpn-attributes", "group-alias RA enable", "group-alias OLD disable", "end",
		"show running-config tunnel-group")
	if !slices.Equal(got["NAME"], []string{"192.0.2.1", "RA"}) || !slices.Equal(got["TYPE"], []string{"ipsec-l2l", "remote-access"}) {
		t.Errorf("parsed %v from\n%s", got, out)
	}
	if !slices.Equal(got["GROUP_POLICY"], []string{"GP1"}) {
		t.Errorf("GROUP_POLICY = %q\n%s", got["GROUP_POLICY"], out)
	}
	checkWithPythonTemplate(t, tmpl, "show running-config tunnel-group", out, map[string]string{
		"NAME": "192.0.2.1", "TYPE": "ipsec-l2l", "IKEV1_PSK": "*****"})
}
