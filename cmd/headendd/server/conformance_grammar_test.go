package server

import (
	"slices"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestTunnelGroupConformance: `show running-config tunnel-group` parses with
// the ntc-templates template: one record per group, its type, its default
// group policy and the masked pre-shared key.
func TestTunnelGroupConformance(t *testing.T) {
	tmpl := ntcTemplate(t, "cisco_asa_show_running-config_tunnel-group.textfsm")
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "fw1", Serial: "FCH1947V0GY"}); err != nil {
		t.Fatal(err)
	}
	resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "fw1", Lines: []string{
		"configure terminal",
		"tunnel-group 192.0.2.1 type ipsec-l2l", "tunnel-group 192.0.2.1 ipsec-attributes", "ikev1 pre-shared-key abc123",
		"group-policy GP1 internal",
		"tunnel-group RA type remote-access", "tunnel-group RA general-attributes", "default-group-policy GP1",
		"tunnel-group RA webvpn-attributes", "group-alias RA enable", "group-alias OLD disable", "end",
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
	if !slices.Equal(got["NAME"], []string{"192.0.2.1", "RA"}) || !slices.Equal(got["TYPE"], []string{"ipsec-l2l", "remote-access"}) {
		t.Errorf("parsed %v from\n%s", got, out)
	}
	if !slices.Equal(got["GROUP_POLICY"], []string{"GP1"}) {
		t.Errorf("GROUP_POLICY = %q\n%s", got["GROUP_POLICY"], out)
	}
	checkWithPythonTemplate(t, tmpl, "show running-config tunnel-group", out, map[string]string{
		"NAME": "192.0.2.1", "TYPE": "ipsec-l2l", "IKEV1_PSK": "*****"})
}
