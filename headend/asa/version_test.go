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
