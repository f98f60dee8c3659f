package server

import (
	"os"
	"regexp"
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// iosDirLine and iosDirTotal are the layout of an IOS 15 `dir` of a flash
// file system (testdata/real/ios_dir_iosv.txt): file number, permissions,
// size, date with its UTC offset, name; then the totals. The conformance
// folder has no TextFSM template for it.
var (
	iosDirLine  = regexp.MustCompile(`^ {0,4}(\d+)  [-d][-r][-w][-x] +(\d+)  [A-Z][a-z]{2} {1,2}\d{1,2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{2}:\d{2}  (\S+)$`)
	iosDirTotal = regexp.MustCompile(`^(\d+) bytes total \((\d+) bytes free\)$`)
)

// parseIOSDir reads the files (name → size) of a `dir` and checks its
// layout line by line.
func parseIOSDir(t *testing.T, name, out string) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[0], "Directory of flash0:/") || lines[1] != "" || lines[len(lines)-2] != "" ||
		!iosDirTotal.MatchString(lines[len(lines)-1]) {
		t.Fatalf("%s: not the layout of an IOS dir:\n%s", name, out)
	}
	files := map[string]string{}
	for _, l := range lines[2 : len(lines)-2] {
		m := iosDirLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("%s: a file line unlike IOS's: %q", name, l)
		}
		files[m[3]] = m[2]
	}
	return files
}

// TestIOSConformance: the outputs of a CISCO2911 read as the real ones do:
// show version, show license, show inventory, show ip interface brief and
// show clock parse with the ntc-templates cisco_ios templates with the
// values tools read; dir has the layout of a real IOS dir (the folder has
// no template for it), listing a file put on flash.
func TestIOSConformance(t *testing.T) {
	real := map[string]string{
		"cisco_ios_show_version.textfsm":            "cisco_ios_show_version.raw",
		"cisco_ios_show_license.textfsm":            "cisco_ios_show_license.raw",
		"cisco_ios_show_inventory.textfsm":          "cisco_ios_show_inventory.raw",
		"cisco_ios_show_ip_interface_brief.textfsm": "cisco_ios_show_ip_interface_brief.raw",
		"cisco_ios_show_clock.textfsm":              "cisco_ios_show_clock.raw",
	}
	for tmpl, sample := range real {
		if _, err := loadTextFSM(t, ntcTemplate(t, tmpl)).parse(ntcSample(t, sample)); err != nil {
			t.Fatalf("%s: %v", sample, err)
		}
	}
	b, err := os.ReadFile("testdata/real/ios_dir_iosv.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := parseIOSDir(t, "the real dir", string(b)); got["e1000_bia.txt"] != "119" || len(got) != 5 {
		t.Fatalf("the real dir: %v", got)
	}

	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "CISCO2911", Hostname: "r1", Serial: "FTX1628838P"}); err != nil {
		t.Fatal(err)
	}
	lic := []byte("not a license, a file\n")
	if _, err := e.hc.PutFile(ctxT(), &headendv1.PutFileRequest{Hostname: "r1", Path: "flash:notes.txt", Data: lic}); err != nil {
		t.Fatal(err)
	}
	resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "r1", Lines: []string{
		"configure terminal", "interface GigabitEthernet0/0", "ip address 192.0.2.1 255.255.255.0", "no shutdown", "end",
		"show version", "show license", "show inventory", "show ip interface brief", "show clock", "dir",
	}})
	if err != nil {
		t.Fatal(err)
	}
	outs := map[string]string{}
	for _, r := range resp.GetResults() {
		outs[r.GetInput()] = r.GetOutput()
	}
	for _, c := range []struct {
		line, tmpl string
		want       map[string]string
	}{
		{"show version", "cisco_ios_show_version.textfsm", map[string]string{
			"VERSION": "15.5(3)M", "SOFTWARE_IMAGE": "C2900-UNIVERSALK9-M", "RELEASE": "fc1", "HOSTNAME": "r1",
			"HARDWARE": "CISCO2911/K9", "SERIAL": "FTX1628838P", "CONFIG_REGISTER": "0x2102",
			"RUNNING_IMAGE": "c2900-universalk9-mz.SPA.155-3.M.bin", "UPTIME": "0 minutes"}},
		{"show license", "cisco_ios_show_license.textfsm", map[string]string{
			"FEATURE": "ipbasek9", "PERIOD_LEFT": "Life time", "LICENSE_TYPE": "Permanent",
			"LICENSE_STATE": "Active, In Use", "LICENSE_COUNT": "Non-Counted", "LICENSE_PRIORITY": "Medium"}},
		{"show inventory", "cisco_ios_show_inventory.textfsm", map[string]string{
			"NAME": "CISCO2911/K9 chassis", "DESCR": "CISCO2911/K9 chassis", "PID": "CISCO2911/K9", "SN": "FTX1628838P"}},
		{"show ip interface brief", "cisco_ios_show_ip_interface_brief.textfsm", map[string]string{
			"INTERFACE": "GigabitEthernet0/0", "IP_ADDRESS": "192.0.2.1", "STATUS": "up", "PROTO": "up"}},
		{"show clock", "cisco_ios_show_clock.textfsm", map[string]string{
			"TIME": "12:00:00.000", "TIMEZONE": "UTC", "DAYWEEK": "Fri", "MONTH": "Nov", "DAY": "27", "YEAR": "2026"}},
	} {
		out := outs[c.line]
		tmpl := ntcTemplate(t, c.tmpl)
		got, err := loadTextFSM(t, tmpl).parse(out)
		if err != nil {
			t.Errorf("%s: %v\n%s", c.line, err, out)
			continue
		}
		for k, v := range c.want {
			if len(got[k]) == 0 || got[k][0] != v {
				t.Errorf("%s: %s = %q, want %q first\n%s", c.line, k, got[k], v, out)
			}
		}
		checkWithPythonTemplate(t, tmpl, strings.ReplaceAll(c.line, " ", "_"), out, c.want)
	}
	// Every feature of show license is a record of the template, SSL_VPN
	// a counted one.
	got, _ := loadTextFSM(t, ntcTemplate(t, "cisco_ios_show_license.textfsm")).parse(outs["show license"])
	var counted bool
	for i, f := range got["FEATURE"] {
		if f == "SSL_VPN" && i < len(got["LICENSE_COUNT"]) {
			counted = strings.HasSuffix(got["LICENSE_COUNT"][i], "(In-use/Violation)")
		}
	}
	if !counted || len(got["FEATURE"]) != len(got["LICENSE_TYPE"]) {
		t.Errorf("show license: SSL_VPN is not a counted feature, or a feature lacks its lines: %v", got)
	}
	files := parseIOSDir(t, "dir", outs["dir"])
	if files["notes.txt"] != "22" || files["c2900-universalk9-mz.SPA.155-3.M.bin"] == "" {
		t.Errorf("dir lists %v, want the system image and notes.txt (22 bytes)", files)
	}
}
