package server

import (
	"slices"
	"testing"
)

// TestInterfaceIPBriefConformance: `show interface ip brief` parses with the
// ntc-templates template, configured and factory interfaces alike.
func TestInterfaceIPBriefConformance(t *testing.T) {
	tmpl := ntcTemplate(t, "cisco_asa_show_interface_ip_brief.textfsm")
	got, out := parseLast(t, tmpl, "ASA5516", "JAD222605K8",
		"configure terminal", "interface gi1/1", "nameif outside", "ip address 198.51.100.7 255.255.255.0", "no shutdown", "end",
		"show interface ip brief")
	wantIf := []string{"GigabitEthernet1/1", "GigabitEthernet1/2", "GigabitEthernet1/3", "GigabitEthernet1/4",
		"GigabitEthernet1/5", "GigabitEthernet1/6", "GigabitEthernet1/7", "GigabitEthernet1/8", "Management1/1"}
	if !slices.Equal(got["INTERFACE"], wantIf) {
		t.Errorf("INTERFACE = %q, want %q", got["INTERFACE"], wantIf)
	}
	if got["IP_ADDRESS"][0] != "198.51.100.7" || got["STATUS"][0] != "up" || got["PROTO"][0] != "up" ||
		got["IP_ADDRESS"][1] != "unassigned" || got["STATUS"][1] != "administratively down" || got["PROTO"][1] != "down" {
		t.Errorf("parsed %v", got)
	}
	checkWithPythonTemplate(t, tmpl, "show interface ip brief", out, map[string]string{
		"INTERFACE": "GigabitEthernet1/1", "IP_ADDRESS": "198.51.100.7", "STATUS": "up", "PROTO": "up"})
}
