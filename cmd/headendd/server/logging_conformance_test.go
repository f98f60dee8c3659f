package server

import (
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestShowLoggingConformance: show logging after refusals parses with the
// ntc-templates template, one message per refusal, with and without
// timestamps, and with trap logging to a server (its header lines).
func TestShowLoggingConformance(t *testing.T) {
	tmpl := ntcTemplate(t, "cisco_asa_show_logging.textfsm")
	fsm := loadTextFSM(t, tmpl)
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "fw1", Serial: "FCH1947V0GY"}); err != nil {
		t.Fatal(err)
	}
	for i, k := range []headendv1.ConnectionKind{
		headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT, headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT,
		headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT, headendv1.ConnectionKind_CONNECTION_KIND_CLIENTLESS,
		headendv1.ConnectionKind_CONNECTION_KIND_PHONE, headendv1.ConnectionKind_CONNECTION_KIND_IKEV2_THIRD_PARTY,
	} {
		user := "user" + string(rune('a'+i))
		if _, err := e.hc.AdmitConnection(ctxT(), &headendv1.AdmitConnectionRequest{Headend: "fw1", User: user, ClientDevice: user + "-pc", Kind: k}); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "fw1", Lines: []string{
		"show logging", "configure terminal", "no logging timestamp", "end", "show logging",
		"configure terminal", "interface GigabitEthernet0/0", "nameif outside", "exit",
		"logging host outside 192.0.2.10", "logging trap informational", "end", "show logging"}})
	if err != nil {
		t.Fatal(err)
	}
	res := resp.GetResults()
	for _, c := range []struct {
		name, out string
		stamped   bool
	}{{"timestamps", res[0].GetOutput(), true}, {"plain", res[4].GetOutput(), false}, {"trap", res[12].GetOutput(), false}} {
		if c.name == "trap" && !strings.Contains(c.out, "\n        Logging to outside 192.0.2.10, UDP TX:0 errors: 0  dropped: 0\n") {
			t.Errorf("trap: no Logging to line:\n%s", c.out)
		}
		got, err := fsm.parse(c.out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, c.out)
		}
		if want := []string{"113029", "716023", "113035", "751019"}; strings.Join(got["MNEMONIC"], ",") != strings.Join(want, ",") {
			t.Errorf("%s: MNEMONIC = %v, want %v\n%s", c.name, got["MNEMONIC"], want, c.out)
		}
		if strings.Join(got["SEVERITY"], "") != "4444" || len(got["FACILITY"]) != 4 || got["FACILITY"][0] != "ASA" {
			t.Errorf("%s: SEVERITY %v FACILITY %v", c.name, got["SEVERITY"], got["FACILITY"])
		}
		if stamped := len(got["YEAR"]) == 4 && got["YEAR"][0] == "2026" && got["TIME"][0] == "12:00:00"; stamped != c.stamped {
			t.Errorf("%s: YEAR %v TIME %v", c.name, got["YEAR"], got["TIME"])
		}
		if len(got["MESSAGE"]) != 4 || !strings.HasPrefix(got["MESSAGE"][0], "Group <DfltGrpPolicy> User <userc>") {
			t.Errorf("%s: MESSAGE %q", c.name, got["MESSAGE"])
		}
		checkWithPythonTemplate(t, tmpl, "show_logging_"+c.name, c.out, map[string]string{"MNEMONIC": "113029", "SEVERITY": "4"})
	}
}
