package asa

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
)

func TestSoftwareVersionShowsAndStays(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	d, err := NewDevice("ASA5520", "JMX1234A0BC", "old1", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetSoftwareVersion("9.14(4)"); !errors.Is(err, headend.ErrUnsupportedVersion) || d.Version != "9.1(7)" {
		t.Fatalf("refused version: err %v, version now %s", err, d.Version)
	}
	if err := d.SetSoftwareVersion("8.4(7)"); err != nil {
		t.Fatal(err)
	}
	out := d.ShowVersion(now)
	for _, want := range []string{
		"\nCisco Adaptive Security Appliance Software Version 8.4(7)\nDevice Manager Version 6.4(9)\n",
		`System image file is "disk0:/asa847-k8.bin"`,
		"\nVPN-DES                           : Enabled        perpetual\nVPN-3DES-AES                      : Disabled       perpetual\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show version lacks %q:\n%s", want, out)
		}
	}

	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back Device
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Bind(); err != nil {
		t.Fatal(err)
	}
	if back.Version != "8.4(7)" || back.DeviceManagerVersion() != "6.4(9)" {
		t.Errorf("stored device: version %s, ASDM %s", back.Version, back.DeviceManagerVersion())
	}

	if err := back.ReturnForRepair("JMX1234A0BD", now, 0); err != nil {
		t.Fatal(err)
	}
	if back.Version != "8.4(7)" {
		t.Errorf("replacement unit runs %s, want the same image 8.4(7)", back.Version)
	}
}

// 8.x images are named without dashes, also on the 5500-X, whose 9.x images
// have them.
func TestImageFileOf8x(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	d, err := NewDevice("ASA5525", "FCH1947V0GY", "x1", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetSoftwareVersion("8.6(1)"); err != nil {
		t.Fatal(err)
	}
	if out, want := d.ShowVersion(now), `System image file is "disk0:/asa861-smp-k8.bin"`; !strings.Contains(out, want) {
		t.Errorf("show version lacks %q:\n%s", want, out)
	}
}

// Image names as real boxes print them: packed digits up to 9.10, dashed
// from 9.12, the interim build after a dash in both.
func TestImageFileOf9x(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ model, version, image string }{
		{"ASA5516", "9.8(2)", "disk0:/asa982-lfbff-k8.SPA"},
		{"ASA5516", "9.9(2)32", "disk0:/asa992-32-lfbff-k8.SPA"},
		{"ASA5555", "9.8(3)21", "disk0:/asa983-21-smp-k8.bin"},
		{"ASA5555", "9.12(3)9", "disk0:/asa9-12-3-9-smp-k8.bin"},
		{"ASA5555", "9.12(4)", "disk0:/asa9-12-4-smp-k8.bin"},
		{"ASA5555", "9.14(2)14", "disk0:/asa9-14-2-14-smp-k8.bin"},
	} {
		d, err := NewDevice(c.model, "FCH1947V0GY", "x1", now)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetSoftwareVersion(c.version); err != nil {
			t.Fatalf("%s %s: %v", c.model, c.version, err)
		}
		if out, want := d.ShowVersion(now), `System image file is "`+c.image+`"`; !strings.Contains(out, want) {
			t.Errorf("%s %s: show version lacks %q", c.model, c.version, want)
		}
	}
}
