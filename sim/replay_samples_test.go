package sim

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sample reads a real output kept in testdata/replay (SOURCES.md there
// names where each comes from), with a line end after its last line.
func sample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "replay", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(b), "\n") + "\n"
}

// TestReplayRealInventoryNetmiko: the real show inventory of an ASA
// 5515-X, in the session log Netmiko writes for it (a prompt found with a
// bare Enter, enable with its password not shown, terminal pager 0,
// terminal width 511 in configuration mode, CR LF line ends, the prompt it
// ends on), replays identical on a lab 5515-X with the same serial: the
// chassis line is the real one, and the power supply's own serial is the
// one field the serial rule leaves out.
func TestReplayRealInventoryNetmiko(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	must(tl.lab.Create("ASA5515", "fw1", "FTX1930101U"))
	log := "fw1> \nfw1> enable\nPassword: ********\nfw1# terminal pager 0\nfw1# \nfw1# configure terminal\n" +
		"fw1(config)# terminal width 511\nfw1(config)# end\nfw1# show inventory\n" + sample(t, "cisco_asa_show_inventory.raw") + "fw1# \nfw1# exit\n\nLogoff\n\n"
	rep, err := tl.lab.Replay("fw1", strings.ReplaceAll(log, "\n", "\r\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Differs() || rep.Summary() != "replay on fw1: 7 commands, 6 the same, 0 differ, 1 not compared" {
		t.Fatalf("%s", rep.Text())
	}
}

// TestReplayRealSamplesDiffer: real outputs the lab does not reproduce
// line for line yet, replayed on headends set up like the boxes they come
// from; the diffs are exactly the lines that still differ, each for a
// reason this test names.
func TestReplayRealSamplesDiffer(t *testing.T) {
	tl := openTestLab(t, t.TempDir())

	// An ASA 5506-X whose SSD reports no serial: the lab gives every part
	// one, so the SSD's line differs (the real box prints `SN:` with
	// nothing after it). The real chassis serial has 12 characters, which
	// the lab refuses; the serial rule leaves it out anyway.
	must(tl.lab.Create("ASA5506", "fw2", "JMX8318372G"))
	rep := must(tl.lab.Replay("fw2", "fw2# show inventory\n"+sample(t, "cisco_asa_show_inventory_empty_sn.raw")+"fw2# ", nil))
	want := `--- fw2# show inventory (transcript line 1)
+++ show inventory (replayed on fw2)
@@ -2,4 +2,4 @@
 PID: ASA5506           , VID: V01     , SN: <serial>
 
 Name: "Storage Device 1", DESCR: "ASA 5506-X SSD"
-PID: ASA5506-SSD       , VID: N/A     , SN:
+PID: ASA5506-SSD       , VID: N/A     , SN: <serial>
`
	if got := rep.Results[0].Diff; got != want {
		t.Errorf("5506-X show inventory:\n%s\nwant\n%s", got, want)
	}
}

// TestReplayRealShowVersionOnTwins: real show version captures, each
// replayed on a twin made from it (the model, release, serial, hostname and
// licensed features of the box), with the documented rules. The lines that
// still differ are kept in testdata/replay/*.diff; why each differs:
//
//   - every capture: the Device Manager (ASDM) image the box has
//     installed, where the lab pairs each release with one; and the
//     `Firepower Extensible Operating System` or `SSP Operating System`
//     line some of these boxes print, which the lab does not;
//   - ASA 5555-X 9.14(2)14 (genieparser golden output 4): four
//     GigabitEthernet ports on irq 10, where the lab gives all irq 5;
//   - ASA 5516-X 9.9(2)32 (ntc-templates show_version3), the active unit
//     of a failover pair: the failover cluster's uptime and licensed
//     features block (a twin is a single unit), and no platform line,
//     which the lab prints for a single unit (the twin notes these), and
//     no running key line, which other real boxes print even keyless; the
//     same box's own view (ntc-templates show_version, a copy trimmed by
//     hand: six interfaces of the fourteen, no configuration register
//     line) differs in those and in what was trimmed;
//   - ASA 5520 8.4(1) (genieparser golden output 2, the command
//     reference's example): the box's own memory, flash, image and
//     configuration file, the microcode lines without indentation, the
//     licensed features indented by one space (which the twin notes:
//     no other real capture indents them), and the flash key and time-based key listing
//     8.4 prints in show version, which the lab prints in show
//     activation-key only.
func TestReplayRealShowVersionOnTwins(t *testing.T) {
	for _, c := range []struct{ capture, diff string }{
		{"genie_golden_output4.txt", "twin-asa5555-9.14.diff"},
		{"ntc_cisco_asa_show_version3.txt", "twin-asa5516-pair-9.9.diff"},
		{"ntc_cisco_asa_show_version.txt", "twin-asa5516-9.9.diff"},
		{"genie_golden_output2.txt", "twin-asa5520-8.4.diff"},
	} {
		t.Run(c.capture, func(t *testing.T) {
			tl := openTestLab(t, t.TempDir())
			b, err := os.ReadFile(filepath.Join("twin", "testdata", c.capture))
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			snap := must(tl.lab.CreateTwin("", text, ""))
			h := snap.Device.Hostname()
			if !strings.Contains(text, "# sho") { // a capture of the output alone
				text = h + "# show version\n" + text
			}
			rep := must(tl.lab.Replay(h, strings.TrimSuffix(text, "\n")+"\n"+h+"# ", nil))
			golden := filepath.Join("testdata", "replay", c.diff)
			if *updateReplayDiffs {
				if err := os.WriteFile(golden, []byte(rep.Text()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got := rep.Text(); got != string(want) {
				t.Errorf("replay on the twin of %s:\n%s\nwant (%s)\n%s", c.capture, got, golden, want)
			}
		})
	}
}

// updateReplayDiffs rewrites testdata/replay/*.diff from the replays (go
// test -run TestReplayRealShowVersionOnTwins -update-replay-diffs): review
// the change before committing it.
var updateReplayDiffs = flag.Bool("update-replay-diffs", false, "rewrite testdata/replay/*.diff")
