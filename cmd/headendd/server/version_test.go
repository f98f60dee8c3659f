package server

import (
	"slices"
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestCreateWithSoftwareVersion: a headend created with an older image runs
// it, shows it, and keeps it across a daemon restart and an RMA; a version
// the model cannot run is refused with the trains it can, and creates
// nothing.
func TestCreateWithSoftwareVersion(t *testing.T) {
	e := newEnv(t)
	resp, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5520", Hostname: "old1", SoftwareVersion: "8.4(7)"})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.GetHeadend().GetSoftwareVersion(); got != "8.4(7)" {
		t.Errorf("created with software %q, want 8.4(7)", got)
	}
	def, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5520", Hostname: "new1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := def.GetHeadend().GetSoftwareVersion(); got != "9.1(7)" {
		t.Errorf("default software %q, want 9.1(7)", got)
	}

	for _, c := range []struct{ model, version, want string }{
		{"ASA5520", "9.14(4)", "error: InvalidArgument UNSUPPORTED_VERSION: software version not supported on this model: ASA5520 runs 8.2, 8.3, 8.4, 9.0, 9.1, not 9.14(4)"},
		{"ASA5506", "8.4(7)", "error: InvalidArgument UNSUPPORTED_VERSION: software version not supported on this model: ASA5506 runs 9.3, 9.4, 9.5, 9.6, 9.7, 9.8, 9.9, 9.10, 9.12, 9.13, 9.14, 9.15, 9.16, not 8.4(7)"},
		{"ASA5520", "8.4", `error: InvalidArgument UNSUPPORTED_VERSION: software version not supported on this model: "8.4" is not an ASA release such as 9.1(7) (ASA5520 runs 8.2, 8.3, 8.4, 9.0, 9.1)`},
	} {
		_, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: c.model, Hostname: "bad1", SoftwareVersion: c.version})
		if got := errText(err); got != c.want {
			t.Errorf("%s %s:\n got %s\nwant %s", c.model, c.version, got, c.want)
		}
	}
	list, err := e.hc.ListHeadends(ctxT(), &headendv1.ListHeadendsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list.GetHeadends()); n != 2 {
		t.Errorf("%d headends after the refusals, want 2", n)
	}

	showVersion := func() string {
		r, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "old1", Lines: []string{"show version | include Version"}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetTranscript()
	}
	const want = "Cisco Adaptive Security Appliance Software Version 8.4(7)\nDevice Manager Version 6.4(9)\n"
	if got := showVersion(); !strings.Contains(got, want) {
		t.Errorf("show version:\n%s\nwant it to contain\n%s", got, want)
	}
	e.restart()
	if got := showVersion(); !strings.Contains(got, want) {
		t.Errorf("after a restart, show version:\n%s", got)
	}
	rma, err := e.hc.ReturnForRepair(ctxT(), &headendv1.ReturnForRepairRequest{Hostname: "old1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := rma.GetHeadend().GetSoftwareVersion(); got != "8.4(7)" {
		t.Errorf("the replacement runs %q, want the same image 8.4(7)", got)
	}

	plats, err := e.hc.ListPlatforms(ctxT(), &headendv1.ListPlatformsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plats.GetPlatforms() {
		if p.GetModel() == "ASA5520" && !slices.Equal(p.GetSoftwareTrains(), []string{"8.2", "8.3", "8.4", "9.0", "9.1"}) {
			t.Errorf("ASA5520 trains %v", p.GetSoftwareTrains())
		}
	}
}

// TestShowVersion8xConformance: an 8.4(7) headend's show version, with the
// 8.x names of the encryption lines, parses with the ntc-templates
// template.
func TestShowVersion8xConformance(t *testing.T) {
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5520", Hostname: "old1", Serial: "JMX1234A0BC", SoftwareVersion: "8.4(7)"}); err != nil {
		t.Fatal(err)
	}
	resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "old1", Lines: []string{"show version"}})
	if err != nil {
		t.Fatal(err)
	}
	out := resp.GetResults()[0].GetOutput()
	want := map[string]string{"VERSION": "8.4(7)", "DEVICE_MGR_VERSION": "6.4(9)", "IMAGE": "disk0:/asa847-k8.bin",
		"HOSTNAME": "old1", "SERIAL": "JMX1234A0BC", "MAX_VLANS": "150"}
	got, err := loadTextFSM(t, ntcTemplate(t, ntcVersion)).parse(out)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if len(got[k]) == 0 || got[k][0] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	checkWithPythonTextFSM(t, "old1", out, want)
}

// TestShowVersionOlderTrainsConformance: a 5525-X on 9.1(7) and on 9.4(4)
// prints the licensed-features block of its train (GTP/GPRS, UC proxy
// lines), and the ntc-templates template still parses it.
func TestShowVersionOlderTrainsConformance(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ host, serial, version, dm, proxyLine string }{
		{"v91", "FCH1947V0GA", "9.1(7)", "7.1(7)", "UC Phone Proxy Sessions           : 2              perpetual"},
		{"v94", "FCH1947V0GB", "9.4(4)", "7.4(3)", "Total UC Proxy Sessions           : 2              perpetual"},
	} {
		if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: c.host, Serial: c.serial, SoftwareVersion: c.version}); err != nil {
			t.Fatal(err)
		}
		resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: c.host, Lines: []string{"show version"}})
		if err != nil {
			t.Fatal(err)
		}
		out := resp.GetResults()[0].GetOutput()
		for _, l := range []string{c.proxyLine, "GTP/GPRS                          : Disabled       perpetual",
			"Encryption-3DES-AES               : Disabled       perpetual"} {
			if !strings.Contains(out, "\n"+l+"\n") {
				t.Errorf("%s: show version lacks %q:\n%s", c.version, l, out)
			}
		}
		want := map[string]string{"VERSION": c.version, "DEVICE_MGR_VERSION": c.dm, "HOSTNAME": c.host,
			"SERIAL": c.serial, "MAX_VLANS": "200", "FAILOVER": "Active/Active", "CLUSTER": "Enabled"}
		got, err := loadTextFSM(t, ntcTemplate(t, ntcVersion)).parse(out)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range want {
			if len(got[k]) == 0 || got[k][0] != v {
				t.Errorf("%s: %s = %q, want %q", c.version, k, got[k], v)
			}
		}
		checkWithPythonTextFSM(t, c.host, out, want)
	}
}
