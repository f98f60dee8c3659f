package sim

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/sim/replay"
)

// captureLines is a session a user might capture: a configuration change,
// a save, the license outputs, a trip to user EXEC and back with enable.
var captureLines = []string{
	"terminal pager 0",
	"show version",
	"configure terminal",
	"webvpn",
	"anyconnect-essentials",
	"exit",
	"interface GigabitEthernet0/1",
	"description to the inside switch",
	"exit",
	"exit",
	"write memory",
	"show running-config",
	"show activation-key",
	"show inventory",
	"show clock",
	"show vpn-sessiondb",
	"disable",
	"enable",
	"admin",
	"show curpriv",
}

// capture runs lines on a headend and returns its transcript, the way a
// terminal capture of the session looks.
func capture(t *testing.T, lab *Lab, hostname string, lines []string) string {
	t.Helper()
	res, err := lab.Exec(hostname, lines)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Results {
		if r.Error {
			t.Fatalf("%q failed: %s", r.Input, r.Output)
		}
	}
	return res.Transcript
}

// TestReplayOwnCapture: a session the lab printed, replayed on the same
// headend three days later (uptime, clock, last-modified changed), is
// identical; every command is compared but the enable whose password the
// capture does not show.
func TestReplayOwnCapture(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	must(tl.lab.Create("ASA5525", "asa1", ""))
	text := capture(t, tl.lab, "asa1", captureLines)
	must(tl.lab.AdvanceClock(3*24*time.Hour + 2*time.Hour + 5*time.Minute + 7*time.Second))

	// As a terminal shows it: CR LF line ends.
	rep, err := tl.lab.Replay("asa1", strings.ReplaceAll(text, "\n", "\r\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Differs() {
		t.Fatalf("own capture differs:\n%s", rep.Text())
	}
	if got, want := rep.Summary(), "replay on asa1: 19 commands, 18 the same, 0 differ, 1 not compared"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if r := rep.Results[17]; r.Input != "enable" || r.Status != replay.NotCompared {
		t.Errorf("enable: %+v", r)
	}
}

// TestReplayEdited: a capture edited in three places (a changed line, a
// missing line, an extra line) reports those lines and nothing else.
func TestReplayEdited(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	must(tl.lab.Create("ASA5525", "asa1", "FCH2648RT6H"))
	text := capture(t, tl.lab, "asa1", captureLines)
	edit := func(old, new string) {
		t.Helper()
		if strings.Count(text, old) < 1 {
			t.Fatalf("%q not in the capture", old)
		}
		text = strings.Replace(text, old, new, 1)
	}
	edit("Maximum VLANs                     : 200            perpetual\n", "Maximum VLANs                     : 300            perpetual\n")
	edit("PID: ASA-180W-PWR-AC   , VID: V01     , SN: ", "PID: ASA-180W-PWR-AC   , VID: V02     , SN: ")
	edit("Current privilege level : 15\n", "")
	edit("The flash permanent activation key is the SAME as the running permanent key.\n",
		"The flash permanent activation key is the SAME as the running permanent key.\nextra line\n")

	rep, err := tl.lab.Replay("asa1", text, nil)
	if err != nil {
		t.Fatal(err)
	}
	var diffs []string
	for _, r := range rep.Results {
		if r.Status == replay.Differs {
			diffs = append(diffs, r.Diff)
		}
	}
	want := []string{
		`--- asa1# show version (transcript line 2)
+++ show version (replayed on asa1)
@@ -37,7 +37,7 @@
 
 Licensed features for this platform:
 Maximum Physical Interfaces       : Unlimited      perpetual
-Maximum VLANs                     : 300            perpetual
+Maximum VLANs                     : 200            perpetual
 Inside Hosts                      : Unlimited      perpetual
 Failover                          : Active/Active  perpetual
 Encryption-DES                    : Enabled        perpetual
`,
		`--- asa1# show activation-key (transcript line 197)
+++ show activation-key (replayed on asa1)
@@ -27,4 +27,3 @@
 This platform has an ASA5525 VPN Premium license.
 
 The flash permanent activation key is the SAME as the running permanent key.
-extra line
`,
		`--- asa1# show inventory (transcript line 228)
+++ show inventory (replayed on asa1)
@@ -2,4 +2,4 @@
 PID: ASA5525           , VID: V03     , SN: <serial>
 
 Name: "power supply", DESCR: "ASA/IPS 180W AC Power Supply"
-PID: ASA-180W-PWR-AC   , VID: V02     , SN: <serial>
+PID: ASA-180W-PWR-AC   , VID: V01     , SN: <serial>
`,
		`--- asa1# show curpriv (transcript line 258)
+++ show curpriv (replayed on asa1)
@@ -1,2 +1,3 @@
 Username : enable_15
+Current privilege level : 15
 Current Mode/s : P_PRIV
`,
	}
	if len(diffs) != len(want) {
		t.Fatalf("%d commands differ, want %d:\n%s", len(diffs), len(want), rep.Text())
	}
	for i := range want {
		if diffs[i] != want[i] {
			t.Errorf("diff %d:\n%s\nwant\n%s", i, diffs[i], want[i])
		}
	}
	if !strings.HasSuffix(rep.Text(), "replay on asa1: 19 commands, 14 the same, 4 differ, 1 not compared\n") {
		t.Errorf("text ends %q", rep.Text()[max(0, len(rep.Text())-120):])
	}
}

// TestReplayModes: one console session carries the modes; where the
// headend ends up in another mode than the capture shows, the diff says
// so.
func TestReplayModes(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	must(tl.lab.Create("ASA5525", "asa1", ""))
	text := "asa1# configure terminal\n" +
		"asa1(config)# interface GigabitEthernet0/2\n" +
		"asa1(config-if)# nameif outside\n" +
		"INFO: Security level for \"outside\" set to 0 by default.\n" +
		"asa1(config-if)# interface GigabitEthernet0/9\n" +
		"asa1(config-if)# end\n" +
		"asa1# "
	rep, err := tl.lab.Replay("asa1", text, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Results {
		if r.Status == replay.Differs {
			got = append(got, r.Diff)
		}
	}
	want := `--- asa1(config-if)# interface GigabitEthernet0/9 (transcript line 5)
+++ interface GigabitEthernet0/9 (replayed on asa1)
@@ -1 +1,3 @@
-(next prompt) asa1(config-if)#
+                           ^
+ERROR: % Invalid input detected at '^' marker.
+(next prompt) asa1(config)#
`
	if len(got) != 1 || got[0] != want {
		t.Errorf("diffs:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
	if !strings.Contains(capture(t, tl.lab, "asa1", []string{"show running-config"}), " nameif outside\n") {
		t.Error("the replay did not configure the interface")
	}
}

// TestReplayRefuses: bad input runs nothing and says what is wrong.
func TestReplayRefuses(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	must(tl.lab.Create("ASA5525", "asa1", ""))
	save := "asa1# configure terminal\nasa1(config)# hostname fw1\nfw1(config)# write memory\n"
	if _, err := tl.lab.Replay("asa1", save, []string{"ok", "up ("}); !errors.Is(err, replay.ErrInvalidIgnore) || !strings.Contains(err.Error(), `pattern 2 "up ("`) {
		t.Errorf("bad pattern: %v", err)
	}
	if _, err := tl.lab.Replay("asa1", "show version\nCisco Adaptive Security Appliance Software Version 9.14(4)\n", nil); !errors.Is(err, replay.ErrNoPrompt) {
		t.Errorf("no prompt: %v", err)
	}
	if _, err := tl.lab.Replay("asa2", save, nil); !errors.Is(err, ErrHeadendNotFound) {
		t.Errorf("unknown headend: %v", err)
	}
	many := strings.Repeat("asa1# show clock\n", MaxExecLines+1)
	if _, err := tl.lab.Replay("asa1", many, nil); !errors.Is(err, replay.ErrTooLarge) {
		t.Errorf("too many commands: %v", err)
	}
	if h := must(tl.lab.Get("asa1")).Device.Hostname(); h != "asa1" {
		t.Errorf("a refused replay ran: hostname %q", h)
	}
}

// TestReplayIgnore: --ignore patterns blank what they match on both
// sides, so an edited field compares equal once ignored.
func TestReplayIgnore(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	must(tl.lab.Create("ASA5525", "asa1", ""))
	text := capture(t, tl.lab, "asa1", []string{"show version"})
	text = strings.Replace(text, "Device Manager Version 7.16(1)150", "Device Manager Version 7.8(2)", 1)
	rep := must(tl.lab.Replay("asa1", text, nil))
	if !rep.Differs() || !strings.Contains(rep.Text(), "-Device Manager Version 7.8(2)\n+Device Manager Version 7.16(1)150\n") {
		t.Fatalf("without --ignore:\n%s", rep.Text())
	}
	rep = must(tl.lab.Replay("asa1", text, []string{`Device Manager Version \S+`}))
	if rep.Differs() {
		t.Fatalf("with --ignore:\n%s", rep.Text())
	}
}

// TestReplayQuestions: a question a command asks ([confirm]) is answered
// with Enter, its text compared with the capture's; a command after the
// session ended (exit) is reported as not run.
func TestReplayQuestions(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	must(tl.lab.Create("ASA5525", "asa1", ""))
	text := capture(t, tl.lab, "asa1", []string{"copy running-config startup-config", "", "", "vpn-sessiondb logoff all", "", "show clock"})
	if !strings.Contains(text, "Destination filename [startup-config]? \n") || !strings.Contains(text, "[confirm]\n") {
		t.Fatalf("capture:\n%s", text)
	}
	rep := must(tl.lab.Replay("asa1", text, nil))
	if rep.Differs() || rep.Summary() != "replay on asa1: 3 commands, 3 the same, 0 differ" {
		t.Fatalf("%s", rep.Text())
	}

	rep = must(tl.lab.Replay("asa1", "asa1# exit\n\nLogoff\n\nasa1# show clock\n12:00:00.000 UTC Fri Nov 27 2026\n", nil))
	want := "--- asa1# show clock (transcript line 5)\n+++ show clock (replayed on asa1)\n" +
		"@@ not run: the headend's console session had ended (exit, logout, reload) @@\n"
	if len(rep.Results) != 2 || rep.Results[0].Status != replay.Same || rep.Results[1].Diff != want {
		t.Errorf("%s", rep.Text())
	}
}

// TestReplayLogin: `login` answered at Username: and Password: goes on as
// the user the capture shows, so show curpriv names them.
func TestReplayLogin(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	must(tl.lab.Create("ASA5525", "asa1", ""))
	text := capture(t, tl.lab, "asa1", []string{"disable", "login", "admin", "admin", "show curpriv"})
	if !strings.Contains(text, "asa1> login\nUsername: admin\nPassword: *****\nasa1# show curpriv\nUsername : admin\n") {
		t.Fatalf("capture:\n%s", text)
	}
	rep := must(tl.lab.Replay("asa1", text, nil))
	if rep.Differs() || rep.Summary() != "replay on asa1: 3 commands, 2 the same, 0 differ, 1 not compared" {
		t.Fatalf("%s", rep.Text())
	}
}
