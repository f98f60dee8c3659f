package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEndReplay: headendctl replay on a real daemon. A session that
// headendctl exec printed replays identical on the same headend a day
// later (exit 0, the summary alone); the same capture edited gives the
// diff of the edited command and exit status 1, an --ignore of the edited
// field exit 0 again; a bad pattern, an unknown headend, a missing file
// and a malformed command line exit 2.
func TestEndToEndReplay(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	d := startDaemon(t, headendd, filepath.Join(t.TempDir(), "data"))
	addr := []string{"--addr", d.grpc}
	run := func(args ...string) string { return mustCtl(t, headendctl, append(addr, args...)...) }
	run("create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V0GY")
	capture := run("exec", "asa1", "terminal pager 0", "show version", "configure terminal", "webvpn",
		"anyconnect-essentials", "end", "write memory", "show running-config webvpn", "show activation-key")
	run("clock", "advance", "26h")

	dir := t.TempDir()
	file := filepath.Join(dir, "asa1.log")
	if err := os.WriteFile(file, []byte(capture), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := ctl(t, headendctl, append(addr, "replay", "asa1", file)...)
	if code != 0 || out != "replay on asa1: 9 commands, 9 the same, 0 differ\n" || errOut != "" {
		t.Fatalf("own capture: exit %d\n%s%s", code, out, errOut)
	}

	edited := filepath.Join(dir, "edited.log")
	text := strings.Replace(capture, "AnyConnect Premium Peers          : 2              ", "AnyConnect Premium Peers          : 250            ", 1)
	if err := os.WriteFile(edited, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	want := `--- asa1# show version (transcript line 2)
+++ show version (replayed on asa1)
@@ -44,7 +44,7 @@
 Encryption-3DES-AES               : Enabled        perpetual
 Security Contexts                 : 2              perpetual
 Carrier                           : Disabled       perpetual
-AnyConnect Premium Peers          : 250            perpetual
+AnyConnect Premium Peers          : 2              perpetual
 AnyConnect Essentials             : Disabled       perpetual
 Other VPN Peers                   : 750            perpetual
 Total VPN Peers                   : 750            perpetual
replay on asa1: 9 commands, 8 the same, 1 differ
`
	out, errOut, code = ctl(t, headendctl, append(addr, "replay", "asa1", edited)...)
	if code != 1 || out != want || errOut != "headendctl: replay: outputs differ\n" {
		t.Errorf("edited: exit %d\n%s\nwant\n%s\nstderr %q", code, out, want, errOut)
	}
	out, errOut, code = ctl(t, headendctl, append(addr, "replay", "asa1", edited, "--ignore", `Premium Peers +: \d+ +`)...)
	if code != 0 || out != "replay on asa1: 9 commands, 9 the same, 0 differ\n" {
		t.Errorf("--ignore: exit %d\n%s%s", code, out, errOut)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "asa1", file, "--ignore", "up ("},
			"headendctl: invalid ignore pattern: pattern 1 \"up (\": error parsing regexp: missing closing ): `up (` (InvalidArgument, IGNORE_PATTERN_INVALID)\n"},
		{[]string{"replay", "asa9", file}, "headendctl: headend not found: \"asa9\" (NotFound, HEADEND_NOT_FOUND)\n"},
		{[]string{"replay", "asa1", filepath.Join(dir, "none.log")}, "headendctl: open " + filepath.Join(dir, "none.log") + ": no such file or directory\n"},
		{[]string{"replay", "asa1"}, "headendctl: usage: replay HOSTNAME FILE [--ignore REGEX]... [--command CMD] (FILE: a captured transcript, or with --command the bare output of CMD; - for stdin)\n"},
	} {
		out, errOut, code := ctl(t, headendctl, append(addr, c.args...)...)
		if code != 2 || out != "" || errOut != c.want {
			t.Errorf("%q: exit %d, stdout %q\nstderr %q\nwant   %q", c.args, code, out, errOut, c.want)
		}
	}
}
