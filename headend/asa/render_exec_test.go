package asa

import (
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
)

func TestShowClock(t *testing.T) {
	at := time.Date(2026, 11, 30, 2, 39, 12, 345_000_000, time.FixedZone("CET", 3600))
	if got, want := ShowClock(at), "01:39:12.345 UTC Mon Nov 30 2026\n"; got != want {
		t.Errorf("ShowClock = %q, want %q", got, want)
	}
}

// TestShowLicenseFeaturesIsShowVersionBlock: show license features prints
// the very block of show version, for every PAK model, with and without a
// key.
func TestShowLicenseFeaturesIsShowVersionBlock(t *testing.T) {
	for _, p := range headend.Platforms() {
		if p.Licensing != headend.LicensingPAK {
			continue
		}
		for _, f := range []keygen.Features{{}, {PremiumPeers: 25, Mobile: true}} {
			d := newTestDevice(t, p.Model, f)
			lf := d.ShowLicenseFeatures(t0)
			block := strings.TrimPrefix(lf, "Serial Number: "+d.Serial+"\n")
			if block == lf || !strings.Contains(block, "Licensed features for this platform:") {
				t.Fatalf("%s: show license features:\n%s", p.Model, lf)
			}
			if !strings.Contains(d.ShowVersion(t0), block) {
				t.Errorf("%s: show license features is not the block of show version:\n%s", p.Model, block)
			}
		}
	}
}

// TestShowDirFreeBytes: every model lists its running image; a larger saved
// configuration leaves fewer free bytes; an unknown path is an error.
func TestShowDirFreeBytes(t *testing.T) {
	for _, p := range headend.Platforms() {
		if p.Licensing != headend.LicensingPAK {
			continue
		}
		d := newTestDevice(t, p.Model, keygen.Features{})
		before, ok := d.ShowDir("")
		img := strings.TrimPrefix(imageFile(d.platform, d.Version), "disk0:/")
		if !ok || !strings.Contains(before, "  "+img+"\n") {
			t.Fatalf("%s: dir lacks %s:\n%s", p.Model, img, before)
		}
		d.Startup.Hostname = "a-much-longer-hostname-than-before"
		after, _ := d.ShowDir("disk0:")
		if before == after {
			t.Errorf("%s: the free bytes ignore the startup configuration", p.Model)
		}
		if out, ok := d.ShowDir("disk0:/none.cfg"); ok || out != "%Error opening disk0:/none.cfg (No such file or directory)\n" {
			t.Errorf("%s: dir of a missing file: %q", p.Model, out)
		}
	}
}

// TestShowInventory5555X: a 5555-X lists what a real one does (the layout of
// genieparser's ASA ShowInventory golden output): the chassis without ", AC",
// one power supply numbered 1 and the SSD.
func TestShowInventory5555X(t *testing.T) {
	d := newTestDevice(t, "ASA5555", keygen.Features{})
	var names []string
	for _, l := range strings.Split(d.ShowInventory(), "\n") {
		if strings.HasPrefix(l, "Name: ") {
			names = append(names, l)
		}
	}
	want := []string{
		`Name: "Chassis", DESCR: "ASA 5555-X with SW, 8 GE Data, 1 GE Mgmt"`,
		`Name: "power supply 1", DESCR: "ASA 5545-X/5555-X AC Power Supply"`,
		`Name: "Storage Device 1", DESCR: "Micron 128 GB SSD MLC, Model Number: Micron_M550_MTFDDAK128MAY"`,
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("show inventory names:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(d.ShowInventory(), "PID: ASA5555           , VID: V01     , SN: "+d.Serial+"\n") {
		t.Errorf("chassis PID line:\n%s", d.ShowInventory())
	}
}
