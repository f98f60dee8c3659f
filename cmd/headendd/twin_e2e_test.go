package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// featureBlock is the "Licensed features for this platform:" block and the
// platform line of a show version, as printed.
func featureBlock(out string) string {
	var b []string
	in := false
	for _, l := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "Licensed features for this platform:":
			in = true
		case !in:
		case strings.HasPrefix(t, "This platform has "):
			return strings.Join(append(b, l), "\n")
		case t != "":
			b = append(b, l)
		}
	}
	return strings.Join(b, "\n")
}

// TestEndToEndTwin: headendctl twin on a daemon whose simulated clock starts
// at a fixed time makes the twin of the real ASA 5520 8.4(1) output, and
// says on stderr how the twin's block is laid out unlike the capture's;
// the twin of the real ASA 5555-X output prints the capture's block and
// platform line, with no note; a capture of an ASAv is refused with exit
// status 1 and the reason.
func TestEndToEndTwin(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	d := startDaemon(t, headendd, filepath.Join(t.TempDir(), "data"))
	capture := filepath.Join("..", "..", "sim", "twin", "testdata", "genie_golden_output2.txt")

	out, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "twin", "--hostname", "lab-5520", "--from", capture)
	for _, want := range []string{"hostname:       lab-5520", "model:          ASA5520 (software 8.4(1))", "serial:         JMX0938K0C0", "reload pending: no"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("headendctl twin printed no line %q:\n%s", want, out)
		}
	}
	if code != 0 || !strings.HasPrefix(errOut, `note: the capture indents each licensed feature line by " "`) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("twin of the 8.4(1) capture: exit %d, stderr %q", code, errOut)
	}
	sv := mustCtl(t, headendctl, "--addr", d.grpc, "exec", "lab-5520", "show version")
	if !strings.Contains(sv, "\nlab-5520 up ") || !strings.Contains(sv, "Software Version 8.4(1)\n") ||
		!strings.Contains(sv, "\nBotnet Traffic Filter             : Enabled        646 days\n") {
		t.Errorf("the twin's show version:\n%s", sv)
	}

	capture = filepath.Join("..", "..", "sim", "twin", "testdata", "genie_golden_output4.txt")
	if _, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "twin", "--from", capture); code != 0 || errOut != "" {
		t.Errorf("twin of the 5555-X capture: exit %d, stderr %q", code, errOut)
	}
	sv = mustCtl(t, headendctl, "--addr", d.grpc, "exec", "fw09", "show version")
	want := featureBlock(readFile(t, capture))
	if got := featureBlock(sv); got != want || !strings.HasSuffix(want, "\nThis platform has an ASA5555 VPN Premium license.") {
		t.Errorf("the twin's licensed features:\n%s\nwant the capture's:\n%s", got, want)
	}

	// Twin and replay in two commands on the same file, a bare output:
	// replay takes it with --command.
	pair := filepath.Join("..", "..", "sim", "twin", "testdata", "ntc_cisco_asa_show_version3.txt")
	if _, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "twin", "--hostname", "tw3", "--from", pair); code != 0 ||
		!strings.HasPrefix(errOut, "note: the capture is of a unit of a failover pair; a twin is a single unit") {
		t.Errorf("twin of a unit of a pair: exit %d, stderr %q", code, errOut)
	}
	if _, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "replay", "tw3", pair); code != 2 ||
		!strings.Contains(errOut, "no prompt line") {
		t.Errorf("replay of the bare output without --command: exit %d, stderr %q", code, errOut)
	}
	out, _, code = ctl(t, headendctl, "--addr", d.grpc, "replay", "tw3", pair, "--command", "show version")
	if code != 1 || !strings.HasPrefix(out, "--- tw3# show version (transcript line 1)\n+++ show version (replayed on tw3)\n") ||
		!strings.HasSuffix(out, "replay on tw3: 1 commands, 0 the same, 1 differ\n") {
		t.Errorf("replay --command of the bare output: exit %d:\n%s", code, out)
	}
	if _, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "replay", "fw09", capture, "--command", "show version"); code != 2 ||
		!strings.Contains(errOut, "line 1 is a prompt line (fw09# show version): the text is a transcript, replay it without a command (InvalidArgument, TRANSCRIPT_INVALID)") {
		t.Errorf("replay --command of a transcript: exit %d, stderr %q", code, errOut)
	}

	asav := filepath.Join("..", "..", "sim", "twin", "testdata", "ntc_cisco_asa_show_version1.txt")
	_, errOut, code = ctl(t, headendctl, "--addr", d.grpc, "twin", "--from", asav)
	if code != 1 || !strings.Contains(errOut, "ASAv10 is licensed by smart (InvalidArgument, NOT_ACTIVATION_KEY_MODEL)") {
		t.Errorf("ASAv capture: exit %d, stderr %q", code, errOut)
	}
	if _, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "twin", "--hostname", "x"); code != 2 || !strings.Contains(errOut, "usage: twin") {
		t.Errorf("no --from: exit %d, stderr %q", code, errOut)
	}
	if got := mustCtl(t, headendctl, "--addr", d.grpc, "list"); strings.Count(got, "\n") != 4 {
		t.Errorf("list after one twin and refusals:\n%s", got)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
