package server

import (
	"maps"
	"os"
	"path/filepath"
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

// pairOutput is an output of a unit of a failover pair as the ASA console
// renders it, kept by the console's own tests (headend/asa/console, run
// with -update to rewrite them): the daemon's lab forms pairs, but these
// outputs come from a pair whose states the console's tests set, so that
// every state is checked here whatever the lab does.
func pairOutput(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "headend", "asa", "console", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestShowFailoverPairConformance: show failover of a unit that is
// Active, Standby Ready, alone with its mate not detected, negotiating, or
// off parses with the ntc-templates template, in Go and in Python
// TextFSM, with no rejected line and the values automation reads (states,
// LAN link, versions, monitored interfaces). The template reads the real
// samples it was written for too.
func TestShowFailoverPairConformance(t *testing.T) {
	tmpl := ntcTemplate(t, "cisco_asa_show_failover.textfsm")
	fsm := loadTextFSM(t, tmpl)
	for _, s := range []string{"cisco_asa_show_failover1.raw", "cisco_asa_show_failover_firepower.raw", "cisco_asa_show_failover_ips.raw"} {
		if _, err := fsm.parse(ntcSample(t, s)); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	lan := map[string]string{"STATE": "On", "LAN_INTF_NAME": "folink", "LAN_INTF": "GigabitEthernet0/7"}
	for _, c := range []struct {
		file string
		want map[string]string
	}{
		{"show_failover_active.txt", map[string]string{"ROLE": "Secondary", "LAN_INTF_STATE": "up", "SW_VERSION": "9.14(4)", "SW_VERSION_MATE": "9.14(4)",
			"SERVICE_STATE": "Active", "SERVICE_STATE_MATE": "Standby Ready", "INTERFACES": "outside", "INTERFACES_STATUS": "Normal",
			"INTERFACES_STATE": "Monitored", "INTERFACES_MATE": "outside", "LAST_FAILOVER_YEAR": "2027"}},
		{"show_failover_standby.txt", map[string]string{"ROLE": "Primary", "SERVICE_STATE": "Standby Ready", "SERVICE_STATE_MATE": "Active"}},
		{"show_failover_alone.txt", map[string]string{"ROLE": "Primary", "SERVICE_STATE": "Active", "SERVICE_STATE_MATE": "Not Detected",
			"SW_VERSION_MATE": "Unknown", "INTERFACES_STATUS_MATE": "Unknown", "INTERFACES_STATE": "Waiting"}},
		{"show_failover_negotiation.txt", map[string]string{"ROLE": "Secondary", "SERVICE_STATE": "Negotiation", "SERVICE_STATE_MATE": "Not Detected"}},
		{"show_failover_off.txt", map[string]string{"STATE": "Off", "ROLE": "Secondary", "LAN_INTF_STATE": "down"}},
	} {
		out := pairOutput(t, c.file)
		got, err := fsm.parse(out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.file, err, out)
		}
		want := maps.Clone(lan)
		maps.Copy(want, c.want)
		for k, v := range want {
			if len(got[k]) == 0 || got[k][0] != v {
				t.Errorf("%s: %s = %q, want %q", c.file, k, got[k], v)
			}
		}
		checkWithPythonTemplate(t, tmpl, strings.TrimSuffix(c.file, ".txt"), out, want)
	}
}

// TestShowVersionPairConformance: show version of a unit of a pair, with
// its "failover cluster up" line and its two license blocks, parses with
// the ntc-templates template, in Go and in Python TextFSM; the template
// reads the uptime of the unit, not the cluster's.
func TestShowVersionPairConformance(t *testing.T) {
	out := pairOutput(t, "show_version_pair.txt")
	want := map[string]string{"HOSTNAME": "fo1", "UPTIME": "83 days 17 hours", "FAILOVER": "Active/Active", "SERIAL": "FCH1947V0GZ", "CLUSTER": "Enabled"}
	got, err := loadTextFSM(t, ntcTemplate(t, ntcVersion)).parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for k, v := range want {
		if len(got[k]) == 0 || got[k][0] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if !strings.Contains(out, "\nfailover cluster up 83 days 17 hours\n") || !strings.Contains(out, "\nFailover cluster licensed features for this platform:\n") {
		t.Errorf("no failover cluster lines:\n%s", out)
	}
	checkWithPythonTextFSM(t, "version-pair", out, want)
}
