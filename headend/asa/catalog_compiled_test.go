package asa

import (
	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The "Compiled on" line follows the release the unit runs, not its
// hardware: an 8.4(7) and a 9.8(4) 5500-series box print their own stamps
// (8.x without a zone, as the real 8.4(1) output), and the real stamps are
// printed for the releases they were copied from.
func TestCompiledOnFollowsTheRelease(t *testing.T) {
	for _, c := range []struct{ model, version, want string }{
		{"ASA5520", "8.4(7)", "Compiled on Fri 26-Jul-13 09:46 by builders\n"},
		{"ASA5520", "9.1(7)", "Compiled on Mon 30-Nov-15 08:04 PST by builders\n"},
		{"ASA5525", "9.8(4)", "Compiled on Tue 20-Aug-19 12:46 PDT by builders\n"},
		{"ASA5525", "9.8(3)21", "Compiled on Tue 07-Aug-18 23:18 PDT by builders\n"},
		{"ASA5525", "9.14(2)14", "Compiled on Wed 14-Apr-21 05:25 GMT by builders\n"},
		{"ASA5516", "9.8(4)", "Compiled on Tue 20-Aug-19 12:46 PDT by builders\n"},
		{"ASA5516", "9.9(2)32", "Compiled on Mon 05-Nov-18 13:32 PST by builders\n"},
		{"ASA5516", "9.16(3)19", "Compiled on Wed 03-Aug-22 03:28 GMT by builders\n"},
	} {
		d := newTestDevice(t, c.model, keygen.Features{})
		if err := d.SetSoftwareVersion(c.version); err != nil {
			t.Fatal(err)
		}
		if out := d.ShowVersion(t0); !strings.Contains(out, "\n\n"+c.want+"System image file") {
			t.Errorf("%s %s: show version lacks %q:\n%s", c.model, c.version, c.want, out)
		}
	}
}

// Every train a model runs has a stamp in the ASA's format, with a weekday
// that fits its date and a zone that fits its era.
func TestCompiledStampsAreWellFormed(t *testing.T) {
	form := regexp.MustCompile(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [0-3][0-9]-[A-Z][a-z]{2}-[0-9]{2} [0-2][0-9]:[0-5][0-9]( (PST|PDT|GMT))?$`)
	check := func(key, s string) {
		if !form.MatchString(s) {
			t.Errorf("%s: stamp %q is not in the ASA's form", key, s)
			return
		}
		if strings.HasPrefix(key, "8.") != (strings.Count(s, " ") == 2) {
			t.Errorf("%s: stamp %q: 8.x prints no zone, 9.x does", key, s)
		}
		// The 8.4(1) example is copied as printed: its weekday fits 2011.
		if key == "8.4(1)" {
			return
		}
		at := compiledTime(s)
		if got := at.Format("Mon"); got != s[:3] {
			t.Errorf("%s: stamp %q: that date is a %s", key, s, got)
		}
	}
	for v, s := range compiledOn {
		check(v, s)
	}
	for _, p := range headend.Platforms() {
		for _, tr := range p.SoftwareTrains() {
			s, ok := compiledOfTrain[tr]
			if !ok {
				t.Errorf("%s runs %s, which has no stamp", p.Model, tr)
				continue
			}
			check(tr, s)
		}
	}
}

// `dir` lists the image `show version` boots from, and dates it after the
// image's build, for every train of every model.
func TestDirAndShowVersionAgreeOnTheImage(t *testing.T) {
	imageLine := regexp.MustCompile(`System image file is "disk0:/([^"]+)"`)
	dirLine := regexp.MustCompile(`(?m)^101 +-rwx +[0-9]+ +([0-9:]+ [A-Z][a-z]{2} [0-9]{2} [0-9]{4}) +(\S+)$`)
	for _, p := range headend.Platforms() {
		if p.Licensing != headend.LicensingPAK {
			continue
		}
		for _, tr := range p.SoftwareTrains() {
			d := newTestDevice(t, p.Model, keygen.Features{})
			v := tr + "(1)"
			if err := d.SetSoftwareVersion(v); err != nil {
				t.Fatal(err)
			}
			img := imageLine.FindStringSubmatch(d.ShowVersion(t0))
			dir, _ := d.ShowDir("")
			entry := dirLine.FindStringSubmatch(dir)
			if img == nil || entry == nil || img[1] != entry[2] {
				t.Errorf("%s %s: show version boots %v, dir lists %v:\n%s", p.Model, v, img, entry, dir)
				continue
			}
			at, err := time.Parse("15:04:05 Jan 02 2006", entry[1])
			if built := compiledTime(d.CompiledOn()); err != nil || !at.After(built) {
				t.Errorf("%s %s: image dated %s, built %s", p.Model, v, entry[1], d.CompiledOn())
			}
		}
	}
}
