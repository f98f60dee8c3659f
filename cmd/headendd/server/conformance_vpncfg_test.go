package server

import (
	"slices"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestTunnelGroupConformance: `show running-config tunnel-group` parses with
// the ntc-templates template: each group's name and type, its default group
// policy and its group aliases.
func TestTunnelGroupConformance(t *testing.T) {
	tmpl := ntcTemplate(t, "cisco_asa_show_running-config_tunnel-group.textfsm")
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "fw1", Serial: "FCH1947V0GY"}); err != nil {
		t.Fatal(err)
	}
	resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "fw1", Lines: []string{
		"configure terminal", "group-policy GP-AC internal",
		"tunnel-group TG-AC type remote-access", "tunnel-group TG-AC general-attributes", "default-group-policy GP-AC",
		"tunnel-group TG-AC webvpn-attributes", "group-alias AC enable", "group-alias OLD disable",
		"tunnel-group 198.51.100.7 type ipsec-l2l", "end",
		"show running-config tunnel-group",
	}})
	if err != nil {
		t.Fatal(err)
	}
	res := resp.GetResults()
	out := res[len(res)-1].GetOutput()
	got, err := loadTextFSM(t, tmpl).parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
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
