package ios_test

import (
	"time"

	"encoding/json"
	"github.com/asalab/asalab/headend/ios"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The ntc-templates project's TextFSM templates (networktocode/
// ntc-templates, Apache-2.0) are read from the folder ASALAB_NTC_TEMPLATES
// names, and run by the real parser, Debian's python3-textfsm: they are
// not kept in the repository.
const debianPython = "/usr/bin/python3"

// parseScript parses stdin with the template argv[1] and prints the
// records as JSON, or the parser's error and exit status 1.
const parseScript = `
import json, sys, textfsm
with open(sys.argv[1]) as f:
    fsm = textfsm.TextFSM(f)
try:
    rows = fsm.ParseText(sys.stdin.read())
except Exception as e:
    print(e); sys.exit(1)
print(json.dumps([dict(zip(fsm.header, r)) for r in rows]))
`

// ntcParse parses text with the cisco_ios template name; the test fails
// when the templates or the parser are missing (make test and .ci/deps
// provide both).
func ntcParse(t *testing.T, name, text string) []map[string]any {
	t.Helper()
	root := os.Getenv("ASALAB_NTC_TEMPLATES")
	if root == "" {
		t.Fatal("ASALAB_NTC_TEMPLATES is not set: it names the ntc-templates folder the conformance tests read; make test sets it")
	}
	if err := exec.Command(debianPython, "-c", "import textfsm").Run(); err != nil {
		t.Fatalf("python3-textfsm is missing (%v): apt-get install python3-textfsm (.ci/deps installs it)", err)
	}
	cmd := exec.Command(debianPython, "-c", parseScript, filepath.Join(root, "templates", name))
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s rejects the output: %v: %s\n%s", name, err, out, text)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("%s: %v: %s", name, err, out)
	}
	return rows
}

// TestNTCTemplates: the ntc-templates cisco_ios parsers read show
// version, show inventory, show ip interface brief, show logging and show
// clock as the router prints them, with the values a script would look
// for.
func TestNTCTemplates(t *testing.T) {
	d := newRouter(t, "CISCO2911", "FTX1628A1B2", "R1")
	now := t0.Add(3*24*time.Hour + 4*time.Hour + 5*time.Minute)
	mustConfigure(t, d, "GigabitEthernet0/1", "192.0.2.1/24", false)

	v := ntcParse(t, "cisco_ios_show_version.textfsm", d.ShowVersion(now))
	if len(v) != 1 {
		t.Fatalf("show version: %d records", len(v))
	}
	for k, want := range map[string]any{
		"VERSION": "15.5(3)M", "SOFTWARE_IMAGE": "C2900-UNIVERSALK9-M", "HOSTNAME": "R1", "RELEASE": "fc1",
		"UPTIME_DAYS": "3", "UPTIME_HOURS": "4", "UPTIME_MINUTES": "5", "RUNNING_IMAGE": "c2900-universalk9-mz.SPA.155-3.M.bin",
		"CONFIG_REGISTER": "0x2102", "RELOAD_REASON": "power-on",
	} {
		if v[0][k] != want {
			t.Errorf("show version %s = %v, want %v", k, v[0][k], want)
		}
	}
	if hw, sn := v[0]["HARDWARE"].([]any), v[0]["SERIAL"].([]any); len(hw) != 1 || hw[0] != "CISCO2911/K9" || len(sn) != 1 || sn[0] != "FTX1628A1B2" {
		t.Errorf("show version hardware %v, serial %v", v[0]["HARDWARE"], v[0]["SERIAL"])
	}

	inv := ntcParse(t, "cisco_ios_show_inventory.textfsm", d.ShowInventory())
	if len(inv) != 1 || inv[0]["PID"] != "CISCO2911/K9" || inv[0]["SN"] != "FTX1628A1B2" || inv[0]["NAME"] != "CISCO2911/K9 chassis" {
		t.Errorf("show inventory: %v", inv)
	}

	br := ntcParse(t, "cisco_ios_show_ip_interface_brief.textfsm", d.ShowIPInterfaceBrief())
	if len(br) != 3 || br[1]["INTERFACE"] != "GigabitEthernet0/1" || br[1]["IP_ADDRESS"] != "192.0.2.1" ||
		br[1]["STATUS"] != "up" || br[0]["STATUS"] != "administratively down" || br[0]["PROTO"] != "down" {
		t.Errorf("show ip interface brief: %v", br)
	}

	lg := ntcParse(t, "cisco_ios_show_logging.textfsm", d.ShowLogging(nil))
	if len(lg) != 1 || lg[0]["FACILITY"] != "SYS" || lg[0]["MNEMONIC"] != "RESTART" || lg[0]["SEVERITY"] != "5" || lg[0]["MONTH"] != "Nov" {
		t.Errorf("show logging: %v", lg)
	}

	clk := ntcParse(t, "cisco_ios_show_clock.textfsm", ios.ShowClock(now))
	if len(clk) != 1 || clk[0]["TIME"] != "16:05:00.000" || clk[0]["TIMEZONE"] != "UTC" || clk[0]["DAYWEEK"] != "Mon" ||
		clk[0]["MONTH"] != "Nov" || clk[0]["DAY"] != "30" || clk[0]["YEAR"] != "2026" {
		t.Errorf("show clock: %v", clk)
	}
}
