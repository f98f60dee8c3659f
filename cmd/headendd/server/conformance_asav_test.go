package server

import (
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestASAvShowVersionConformance: an ASAv10's show version, unlicensed
// and in evaluation, parses with the ntc-templates template with no
// rejected line and the values automation reads (model, license mode and
// state, serial).
func TestASAvShowVersionConformance(t *testing.T) {
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASAv10", Hostname: "v1", Serial: "9AT1L9EX0DF"}); err != nil {
		t.Fatal(err)
	}
	fsm := loadTextFSM(t, ntcTemplate(t, ntcVersion))
	if _, err := fsm.parse(ntcSample(t, "cisco_asa_show_version1.raw")); err != nil {
		t.Fatalf("the real ASAv10 sample: %v", err)
	}
	want := map[string]string{"VERSION": "9.20(3)", "HOSTNAME": "v1", "HARDWARE": "ASAv, 2048 MB RAM, CPU Xeon E5 series 3491 MHz",
		"MODEL": "ASAv10", "LICENSE_MODE": "Smart Licensing", "LICENSE_STATE": "Unlicensed", "MAX_VLANS": "50",
		"FAILOVER": "Active/Standby", "SERIAL": "9AT1L9EX0DF", "IMAGE": "boot:/asa9-20-3-smp-k8.bin"}
	for _, step := range [][]string{
		{"show version"},
		{"configure terminal", "license smart", "feature tier standard", "throughput level 1G", "end", "show version"},
	} {
		resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "v1", Lines: step})
		if err != nil {
			t.Fatal(err)
		}
		res := resp.GetResults()
		out := res[len(res)-1].GetOutput()
		got, err := fsm.parse(out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for k, v := range want {
			if len(got[k]) == 0 || got[k][0] != v {
				t.Errorf("%s: %s = %q, want %q", step[0], k, got[k], v)
			}
		}
		checkWithPythonTextFSM(t, "asav-"+strings.ReplaceAll(step[0], " ", "-"), out, want)
	}
}

// asavLicenseAll is the output of the n-th `show license all` of a
// transcript the console's tests keep (headend/asa/console, run with
// -update to rewrite them): those set every state of the Smart Agent
// with a Smart Software Manager of their own.
func asavLicenseAll(t *testing.T, file string, n int) string {
	t.Helper()
	text := pairOutput(t, file)
	parts := strings.Split(text, "# show license all\n")
	if n >= len(parts)-1 {
		t.Fatalf("%s: no show license all #%d", file, n)
	}
	var out []string
	for _, l := range strings.SplitAfter(parts[n+1], "\n") {
		if strings.HasPrefix(l, "asav1") || strings.HasPrefix(l, "[") {
			break
		}
		out = append(out, l)
	}
	return strings.Join(out, "")
}

// TestASAvShowLicenseAllConformance: show license all of an ASAv in each
// state of its Smart Agent parses with the ntc-templates template (which
// reads the real registered, failed-renewal and evaluation samples too),
// into the fields automation reads.
func TestASAvShowLicenseAllConformance(t *testing.T) {
	tmpl := ntcTemplate(t, "cisco_asa_show_license_all.textfsm")
	fsm := loadTextFSM(t, tmpl)
	for _, s := range []string{"cisco_asa_show_license_all.raw", "cisco_asa_show_license_all2.raw", "cisco_asa_show_license_all3.raw"} {
		if _, err := fsm.parse(ntcSample(t, s)); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for _, c := range []struct {
		name, file string
		n          int
		want       map[string]string
	}{
		{"unlicensed", "asav_states.txt", 0, map[string]string{"SMART_STATUS": "ENABLED", "REGISTRATION_STATUS": "UNREGISTERED",
			"EXPORT_CONTROLLED": "Not Allowed", "AUTH_STATUS": "No Licenses in Use", "PID": "ASAv", "SN": "9A6PGB43PJC", "SMART_AGENT_VERSION": "1.6.14_rel/129"}},
		{"eval", "asav_states.txt", 1, map[string]string{"REGISTRATION_STATUS": "UNREGISTERED", "AUTH_STATUS": "EVAL MODE",
			"EVAL_REMAINING": "89 days, 1 hours, 33 minutes, 51 seconds", "LICENSE_PID": "ASAv-STD-1G", "LICENSE_STATUS": "EVAL MODE"}},
		{"registered", "asav_states.txt", 2, map[string]string{"REGISTRATION_STATUS": "REGISTERED", "SMART_ACCOUNT": "Acme",
			"VIRTUAL_ACCOUNT": "DEFAULT", "EXPORT_CONTROLLED": "Allowed", "REGISTRATION_INITIAL_STATUS": "SUCCEEDED",
			"REGISTRATION_INITIAL_DATE": "Dec 04 15:09:57 2018 UTC", "REGISTRATION_LAST_RENEWAL": "None",
			"REGISTRATION_NEXT_RENEWAL_DATE": "Jun 02 15:09:57 2019 UTC", "REGISTRATION_EXPIRATION_DATE": "Dec 04 15:09:57 2019 UTC",
			"AUTH_STATUS": "AUTHORIZED", "AUTH_DATE": "Dec 04 15:09:57 2018 UTC", "AUTH_LAST_COMMUNICATION": "SUCCESS",
			"AUTH_NEXT_COMMUNICATION_DATE": "Jan 03 15:09:57 2019 UTC", "AUTH_DEADLINE": "Mar 04 15:09:57 2019 UTC",
			"LICENSE": "ASAv10 Standard - 1G", "LICENSE_PID": "ASAv-STD-1G", "LICENSE_COUNT": "1", "LICENSE_STATUS": "AUTHORIZED"}},
		{"failed-renewal", "asav_states.txt", 3, map[string]string{"AUTH_STATUS": "AUTHORIZED", "AUTH_LAST_COMMUNICATION": "FAILED",
			"AUTH_FAIL_ERROR": "Communication message send error", "AUTH_NEXT_COMMUNICATION_DATE": "Jan 03 15:10:27 2019 UTC"}},
		{"authorization-expired", "asav_states.txt", 4, map[string]string{"AUTH_STATUS": "AUTHORIZATION EXPIRED",
			"LICENSE_STATUS": "AUTHORIZATION EXPIRED"}},
		{"deregistered", "asav_states.txt", 5, map[string]string{"REGISTRATION_STATUS": "UNREGISTERED", "AUTH_STATUS": "EVAL MODE"}},
		{"out-of-compliance", "asav_out_of_compliance.txt", 0, map[string]string{"REGISTRATION_STATUS": "REGISTERED",
			"AUTH_STATUS": "OUT OF COMPLIANCE", "LICENSE_STATUS": "OUT OF COMPLIANCE", "SN": "9AT1L9EX0DF"}},
		{"reserved", "asav_reservation.txt", 0, map[string]string{"REGISTRATION_STATUS": "REGISTERED - UNIVERSAL LICENSE RESERVATION",
			"AUTH_STATUS": "AUTHORIZED - RESERVED", "LICENSE_PID": "ASAv-STD-1G", "LICENSE_RESERVATION": "ENABLED", "SN": "9A5BHB00D2D"}},
	} {
		out := asavLicenseAll(t, c.file, c.n)
		got, err := fsm.parse(out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, out)
		}
		for k, v := range c.want {
			if len(got[k]) == 0 || got[k][0] != v {
				t.Errorf("%s: %s = %q, want %q", c.name, k, got[k], v)
			}
		}
		checkWithPythonTemplate(t, tmpl, "asav-license-"+c.name, out, c.want)
	}
}
