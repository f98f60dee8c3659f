package server

import (
	"strings"
	"testing"
)

// TestShowFailoverConfiguredConformance: a unit given its failover LAN
// link and made the secondary prints show failover in the real layout, and
// the ntc-templates template reads its role and LAN link (name, physical
// interface, state) with no rejected line, in Go and in Python TextFSM.
func TestShowFailoverConfiguredConformance(t *testing.T) {
	for model, c := range map[string]struct{ serial, phys string }{
		"ASA5525": {"FCH1947V0GY", "GigabitEthernet0/7"},
		"ASA5520": {"JMX1628X0P9", "GigabitEthernet0/3"},
		"ASA5506": {"JAD222605K8", "GigabitEthernet1/8"},
	} {
		tmpl := ntcTemplate(t, "cisco_asa_show_failover.textfsm")
		got, out := parseLast(t, tmpl, model, c.serial,
			"configure terminal",
			"failover lan unit secondary",
			"failover lan interface folink "+c.phys,
			"failover link folink",
			"failover interface ip folink 10.255.255.1 255.255.255.252 standby 10.255.255.2",
			"failover replication http",
			"end",
			"show failover")
		want := map[string]string{"STATE": "Off", "ROLE": "Secondary", "LAN_INTF_NAME": "folink", "LAN_INTF": c.phys, "LAN_INTF_STATE": "down"}
		for k, v := range want {
			if len(got[k]) != 1 || got[k][0] != v {
				t.Errorf("%s show failover: %s = %v, want %s\n%s", model, k, got[k], v, out)
			}
		}
		if !strings.Contains(out, "\nfailover replication http\n") {
			t.Errorf("%s show failover lacks the replication line:\n%s", model, out)
		}
		checkWithPythonTemplate(t, tmpl, "failover-configured-"+model, out, want)
	}
}
