package sim

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/sim/twin"
)

func twinCapture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("twin", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func showVersion(t *testing.T, l *Lab, host string) string {
	t.Helper()
	r, err := l.Exec(host, []string{"show version"})
	if err != nil {
		t.Fatal(err)
	}
	return r.Results[0].Output
}

// A twin of the real ASA 5520 8.4(1) output: named as the box when no
// hostname is given, its time-based keys counting down on the lab clock,
// all of it durable across a daemon restart.
func TestCreateTwin(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	snap, err := tl.lab.CreateTwin("", twinCapture(t, "genie_golden_output2.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	if d := snap.Device; d.Hostname() != "asa3" || d.SerialNumber() != "JMX0938K0C0" || d.SoftwareVersion() != "8.4(1)" || d.Platform().Model != "ASA5520" {
		t.Fatalf("twin %s %s %s %s, want asa3 JMX0938K0C0 8.4(1) ASA5520", d.Hostname(), d.SerialNumber(), d.SoftwareVersion(), d.Platform().Model)
	}
	out := showVersion(t, tl.lab, "asa3")
	for _, want := range []string{
		"  Shared AnyConnect Premium Peers : 12000          perpetual",
		"Total UC Proxy Sessions           : 12             62 days",
		"Botnet Traffic Filter             : Enabled        646 days",
		"This platform has a Base license.",
	} {
		if !strings.Contains(out, "\n"+want+"\n") {
			t.Errorf("no line %q in the twin's show version:\n%s", want, out)
		}
	}
	if _, err := tl.lab.AdvanceClock(24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	tl.close()
	tl = openTestLab(t, dir)
	if out := showVersion(t, tl.lab, "asa3"); !strings.Contains(out, "\nBotnet Traffic Filter             : Enabled        645 days\n") {
		t.Errorf("a day later, after a restart:\n%s", out)
	}
	// The box's serial is the twin's: a second twin of it is refused.
	if _, err := tl.lab.CreateTwin("asa3b", twinCapture(t, "genie_golden_output2.txt"), ""); !errors.Is(err, ErrSerialTaken) {
		t.Errorf("second twin of the box: err %v, want ErrSerialTaken", err)
	}
}

// A refused twin creates nothing and keeps neither its hostname nor its
// serial.
func TestCreateTwinRefusedLeavesNothing(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	sample := twinCapture(t, "genie_golden_output4.txt")
	bad := strings.Replace(sample, "Other VPN Peers                   : 5000 ", "Other VPN Peers                   : 4000 ", 1)
	if _, err := tl.lab.CreateTwin("fw09", bad, ""); !errors.Is(err, twin.ErrNotReproducible) {
		t.Fatalf("err %v, want twin.ErrNotReproducible", err)
	}
	if _, err := tl.lab.CreateTwin("fw09", "not a show version", ""); !errors.Is(err, twin.ErrNotShowVersion) {
		t.Fatalf("err %v, want twin.ErrNotShowVersion", err)
	}
	if n := tl.lab.Len(); n != 0 {
		t.Fatalf("%d headends after refusals, want 0", n)
	}
	if _, err := tl.lab.CreateTwin("fw09", sample, ""); err != nil {
		t.Fatalf("the real capture after the refusals: %v", err)
	}
	if _, err := tl.lab.CreateTwin("x", strings.Repeat("x", MaxCaptureBytes+1), ""); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("oversized capture: err %v, want ErrInvalidArgument", err)
	}
}

// A capture whose serial was blanked out gets a serial drawn by the lab,
// and keys minted for it.
func TestCreateTwinBlankSerial(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	sample := twinCapture(t, "genie_golden_output2.txt")
	blank := strings.Replace(sample, "Serial Number: JMX0938K0C0", "Serial Number:", 1)
	snap, err := tl.lab.CreateTwin("asa3", blank, "")
	if err != nil {
		t.Fatal(err)
	}
	serial := snap.Device.SerialNumber()
	if serial == "" || serial == "JMX0938K0C0" {
		t.Fatalf("serial %q, want one drawn by the lab", serial)
	}
	if out := showVersion(t, tl.lab, "asa3"); !strings.Contains(out, "\nSerial Number: "+serial+"\n") ||
		!strings.Contains(out, "\nBotnet Traffic Filter             : Enabled        646 days\n") {
		t.Errorf("twin with a drawn serial:\n%s", out)
	}
}
