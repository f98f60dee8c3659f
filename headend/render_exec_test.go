package headend

import (
	"strings"
	"testing"
	"time"

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
	for _, p := range Platforms() {
		if !p.Simulated() {
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
	for _, p := range Platforms() {
		if !p.Simulated() {
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
