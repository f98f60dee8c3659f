package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestEndToEndIOSSSLVPNSeats is the IOS headends' acceptance, with
// headendctl against the real daemon on a simulated clock: a CISCO2911
// boots with ipbasek9 only and refuses AnyConnect over SSL; the securityk9
// evaluation, its EULA accepted, takes effect at the reload, and SSL VPN is
// still refused for want of seats (IKEv2 is admitted); a 10-seat SSL VPN
// license file from the portal, bound to the router's UDI, is put on its
// flash and installed on the console; ten AnyConnect sessions are admitted
// and the eleventh refused with the router's line in the event log; show
// license counts the seats and parses with the ntc template; all of it
// still there after a SIGKILL.
func TestEndToEndIOSSSLVPNSeats(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	run := func(args ...string) string {
		t.Helper()
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	exec := func(lines ...string) string {
		t.Helper()
		return run(append([]string{"exec", "r1"}, lines...)...)
	}
	admit := func(user, kind string) string {
		t.Helper()
		return run("admit", "r1", "--user", user, "--kind", kind)
	}
	wantIn := func(what, out string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q:\n%s", what, w, out)
			}
		}
	}

	// The router has no activation keys: create prints its IOS license
	// (technology packages, seats) and no key lines.
	want := "hostname:       r1\nmodel:          CISCO2911 (software 15.5(3)M)\nserial:         FTX1628838P\n" +
		"state:          up since 2026-01-05T09:00:00Z\n" +
		"ios license:    udi CISCO2911/K9:FTX1628838P, module c2900\n" +
		"technology:     ipbase ipbasek9: running Permanent; next reboot on\n" +
		"technology:     security securityk9: not running, evaluation 60 days left; next reboot off\n" +
		"technology:     uc uck9: not running, evaluation 60 days left; next reboot off\n" +
		"technology:     data datak9: not running, evaluation 60 days left; next reboot off\n" +
		"ssl vpn seats:  0 in use of 0\n" +
		"config unsaved: no\nssh:            none\n"
	if got := run("create", "--model", "CISCO2911", "--hostname", "r1", "--serial", "FTX1628838P"); got != want {
		t.Errorf("create:\n%s\nwant:\n%s", got, want)
	}
	const udi = "CISCO2911/K9:FTX1628838P"
	wantIn("show license udi", exec("show license udi"), udi)
	// The SSL VPN service: a gateway on an interface that is up, and a
	// context on it, both in service.
	exec("configure terminal", "interface GigabitEthernet0/0", "ip address 192.0.2.1 255.255.255.0", "no shutdown", "exit",
		"webvpn gateway gw1", "ip address 192.0.2.1 port 443", "inservice", "exit",
		"webvpn context ctx1", "gateway gw1", "inservice", "end", "write memory")

	// ipbasek9 only: no SSL VPN. (Each refusal's event is waited for: the
	// event log samples refusals, one event per flush standing for those
	// after it.)
	const noLicense = "%SSLVPN-3-LICENSE_NO_LICENSE: No valid license available to use IOS SSLVPN service"
	const noSeat = "%SSLVPN-6-LICENSE_NO_FREE_LICENSE: All available SSLVPN session licenses are in use"
	out := admit("alice", "anyconnect")
	if out != "refused kind_not_licensed\n"+noLicense+"\n" {
		t.Fatalf("AnyConnect on ipbasek9 alone: %q", out)
	}
	waitRefusalEvent(t, d, "r1", "alice", syslogOf(out))
	techRow := func(out, row string) {
		t.Helper()
		if !regexp.MustCompile(`(?m)^` + strings.ReplaceAll(row, " ", `\s+`) + `\s*$`).MatchString(out) {
			t.Errorf("show version lacks the technology package row %q:\n%s", row, out)
		}
	}
	out = exec("show version")
	techRow(out, "ipbase ipbasek9 Permanent ipbasek9")
	techRow(out, "security None None None")

	// The securityk9 evaluation, EULA accepted, for the next boot, and a
	// FlexVPN profile for IKEv2 peers.
	out = exec("configure terminal", "license accept end user agreement", "yes",
		"license boot module c2900 technology-package securityk9",
		"crypto ikev2 profile FLEX", "match identity remote any", "authentication remote pre-share",
		"authentication local pre-share", "end", "write memory")
	wantIn("license boot module", out, "securityk9")
	run("reload", "r1")
	techRow(exec("show version"), "security securityk9 EvalRightToUse securityk9")
	if out = admit("alice", "anyconnect"); out != "refused premium_limit\n"+noSeat+"\n" {
		t.Fatalf("AnyConnect with securityk9 and no seats: %q", out)
	}
	waitRefusalEvent(t, d, "r1", "alice", syslogOf(out))
	// The router's own buffer has the line too, as the events do.
	wantIn("show logging", exec("show logging | include SSLVPN"), syslogOf(out))
	if out := admit("bob", "ikev2-third-party"); !strings.HasPrefix(out, "admitted ") {
		t.Fatalf("IKEv2 with securityk9: %q", out)
	}

	// Ten seats from the portal, bound to the UDI.
	pak := firstWord(t, run("portal", "order", "--sku", "FL-SSLVPN10-K9", "--customer", "Acme Corp"))
	run("clock", "advance", "4h")
	licFile := filepath.Join(t.TempDir(), "FTX1628838P_ssl10.lic")
	out = run("portal", "register", "--pak", pak, "--udi", udi, "--out", licFile)
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(licFile) + `: license file FTX1628838P_\d{17}\.lic for ` + regexp.QuoteMeta(udi) + `, \d+ bytes$`).MatchString(out) {
		t.Errorf("portal register --udi does not say what it wrote:\n%s", out)
	}
	if st, err := os.Stat(licFile); err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("license file: %v %v", st, err)
	}
	out = run("put", "r1", "flash:FTX1628838P_ssl10.lic", licFile)
	if !regexp.MustCompile(`^r1: flash:FTX1628838P_ssl10\.lic, \d+ bytes\n$`).MatchString(out) {
		t.Errorf("put: %q", out)
	}
	wantIn("dir", exec("dir flash:"), "FTX1628838P_ssl10.lic")
	wantIn("the event log", run("events", "--headend", "r1", "--kind", "config_changed"),
		"config_changed file flash:FTX1628838P_ssl10.lic written, "+strings.TrimSuffix(strings.Fields(out)[2], ",")+" bytes")
	out = exec("license install flash:FTX1628838P_ssl10.lic")
	wantIn("license install", out, "SSL_VPN", "1/1 licenses were successfully installed")

	// Ten sessions, and no eleventh.
	for i := 1; i <= 10; i++ {
		if out := admit(fmt.Sprintf("user%02d", i), "anyconnect"); !strings.HasPrefix(out, "admitted ") {
			t.Fatalf("session %d of 10: %q", i, out)
		}
	}
	if out = admit("user11", "anyconnect"); out != "refused premium_limit\n"+noSeat+"\n" {
		t.Fatalf("the eleventh session: %q", out)
	}
	waitRefusalEvent(t, d, "r1", "user11", syslogOf(out))

	lic := exec("show license")
	wantIn("show license", lic, "Feature: SSL_VPN", "License Count: 10/10/0  (Active/In-use/Violation)")
	// The transcript without its command line and closing prompt.
	body := strings.TrimSuffix(strings.TrimRight(lic[strings.Index(lic, "\n")+1:], "\n"), "r1#")
	checkIOSLicense(t, body)

	// Acknowledged, so durable: the seats and the file after a SIGKILL.
	d.kill()
	d = startDaemon(t, headendd, dataDir)
	wantIn("show license after a restart", exec("show license"), "Feature: SSL_VPN", "License Count: 10/")
	wantIn("dir after a restart", exec("dir flash:"), "FTX1628838P_ssl10.lic")
	if got, err := os.ReadFile(licFile); err != nil || run("get-file", "r1", "flash:FTX1628838P_ssl10.lic") != string(got) {
		t.Errorf("get-file after a restart differs from the file put (%v)", err)
	}
}

// syslogOf is the syslog line `headendctl admit` prints under a refusal.
func syslogOf(out string) string {
	_, line, _ := strings.Cut(out, "\n")
	return strings.TrimSpace(line)
}

// waitRefusalEvent waits until the lab's event log has the refusal event
// of user's connection to host, with the syslog line: refusals reach the
// log sampled, at the next flush of the usage records.
func waitRefusalEvent(t *testing.T, d *daemon, host, user, line string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stream, err := headendv1.NewEventServiceClient(d.dial(t)).WatchEvents(ctx, &headendv1.WatchEventsRequest{
		Filter: &headendv1.EventFilter{Headends: []string{host}, Kinds: []headendv1.EventKind{headendv1.EventKind_EVENT_KIND_REFUSAL}}})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for {
		resp, err := stream.Recv()
		if err != nil {
			t.Fatalf("no refusal event of %s's connection to %s with %q: %v; refusal events:\n%s", user, host, line, err, strings.Join(seen, "\n"))
		}
		for _, e := range resp.GetEvents() {
			if e.GetSyslog() == line && strings.HasPrefix(e.GetText(), "connection of "+user+" from ") {
				return
			}
			seen = append(seen, e.GetSyslog()+" | "+e.GetText())
		}
	}
}

// checkIOSLicense parses show license with the ntc-templates template and
// the real TextFSM (Debian's python3-textfsm, which .ci/deps installs), as
// Netmiko's use_textfsm would: every feature is a record, SSL_VPN's count
// ten seats of ten in use.
func checkIOSLicense(t *testing.T, out string) {
	t.Helper()
	root := os.Getenv("ASALAB_NTC_TEMPLATES")
	const py = "/usr/bin/python3"
	if root == "" || osexec.Command(py, "-c", "import textfsm").Run() != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("show license not parsed: set ASALAB_NTC_TEMPLATES and install python3-textfsm")
		}
		t.Log("ASALAB_NTC_TEMPLATES unset or python3-textfsm missing: show license not parsed with the ntc template")
		return
	}
	file := filepath.Join(t.TempDir(), "show_license.txt")
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `import json, sys, textfsm
fsm = textfsm.TextFSM(open(sys.argv[1]))
rows = fsm.ParseText(open(sys.argv[2]).read())
print(json.dumps([dict(zip(fsm.header, r)) for r in rows]))`
	res, err := osexec.Command(py, "-c", script, filepath.Join(root, "templates", "cisco_ios_show_license.textfsm"), file).CombinedOutput()
	if err != nil {
		t.Fatalf("textfsm rejects show license: %v\n%s\n%s", err, res, out)
	}
	var rows []map[string]string
	if err := json.Unmarshal(res, &rows); err != nil {
		t.Fatalf("textfsm: %v: %s", err, res)
	}
	for _, r := range rows {
		if r["FEATURE"] == "SSL_VPN" {
			if r["LICENSE_COUNT"] != "10/10/0  (Active/In-use/Violation)" {
				t.Errorf("SSL_VPN License Count %q, want 10/10/0  (Active/In-use/Violation)", r["LICENSE_COUNT"])
			}
			return
		}
	}
	t.Errorf("no SSL_VPN record in %s", res)
}
