package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
)

// flashDevice is the fake family with a small flash file system, standing
// in for an IOS router to show the lab writes files through family.Flash
// alone.
type flashDevice struct {
	fakeDevice
	Flash map[string]flashFile `json:"flash"`
}

type flashFile struct {
	Data     []byte    `json:"data"`
	Modified time.Time `json:"modified"`
}

// flashCapacity is the fake flash's size, small enough to fill.
const flashCapacity = 4096

func newFlashFake(p *headend.Platform, serial, hostname string, now time.Time) (family.Device, error) {
	d, err := newFake(p, serial, hostname, now)
	if err != nil {
		return nil, err
	}
	return &flashDevice{fakeDevice: *d.(*fakeDevice), Flash: map[string]flashFile{}}, nil
}

func decodeFlashFake(b []byte) (family.Device, error) {
	d := new(flashDevice)
	if err := json.Unmarshal(b, d); err != nil {
		return nil, err
	}
	d.platform, _ = headend.LookupPlatform(d.Model)
	return d, nil
}

func (d *flashDevice) Copy() family.Device {
	c := *d
	c.Flash = maps.Clone(d.Flash)
	return &c
}

func (d *flashDevice) PutFile(name string, data []byte, now time.Time) error {
	name, err := family.FlashFileName(name)
	if err != nil {
		return err
	}
	used := len(data)
	for n, f := range d.Flash {
		if n != name {
			used += len(f.Data)
		}
	}
	if used > flashCapacity {
		return family.ErrFlashFull
	}
	d.Flash[name] = flashFile{Data: slices.Clone(data), Modified: now}
	return nil
}

func (d *flashDevice) File(name string) ([]byte, bool) {
	f, ok := d.Flash[strings.TrimPrefix(name, "flash:")]
	return f.Data, ok
}

func (d *flashDevice) Files() []family.FileInfo {
	var out []family.FileInfo
	for _, n := range slices.Sorted(maps.Keys(d.Flash)) {
		out = append(out, family.FileInfo{Name: n, Size: len(d.Flash[n].Data), Modified: d.Flash[n].Modified})
	}
	return out
}

// withFlashFamily registers the fake flash family for the IOS models, ahead
// of any other, for the test; not in parallel (it changes the table).
func withFlashFamily(t *testing.T) {
	saved := families
	families = append([]family.Family{{
		Licensing: headend.LicensingIOS, New: newFlashFake, Decode: decodeFlashFake,
		ViewSession: func(s admission.SessionInfo, p *admission.Principal) family.SessionView {
			return family.SessionView{Info: s}
		},
		RefusalSyslog: func(admission.Decision, headend.Kind, *admission.Policy, string, string) string { return "" },
	}}, saved...)
	t.Cleanup(func() { families = saved })
}

// fileEvents are the texts of the lab's config_changed events of hostname.
func fileEvents(t *testing.T, l *Lab, hostname string) []string {
	t.Helper()
	evs, _, _, err := l.ListEvents(0, 1000, EventFilter{Headends: []string{hostname}, Kinds: []EventKind{EventConfigChanged}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Text)
	}
	return out
}

// TestPutFile: a file put on a router's flash is one durable change with
// one event naming it and its size, and reads back after a restart; a bad
// path, a file too large for the request or for the flash, an unknown
// headend, a family without flash and a headend switched off are refused
// and change nothing.
func TestPutFile(t *testing.T) {
	withFlashFamily(t)
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	if _, err := tl.lab.Create("CISCO2911", "r1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.lab.Create("ASA5525", "asa1", ""); err != nil {
		t.Fatal(err)
	}
	lic := []byte("<license>ten seats</license>\n")
	fi, err := tl.lab.PutFile("r1", "flash:ssl10.lic", lic)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Name != "ssl10.lic" || fi.Size != len(lic) || !fi.Modified.Equal(tl.lab.Clock().Now()) {
		t.Errorf("PutFile: %+v", fi)
	}
	want := []string{"file flash:ssl10.lic written, 29 bytes"}
	if got := fileEvents(t, tl.lab, "r1"); !slices.Equal(got, want) {
		t.Fatalf("events: %q, want %q", got, want)
	}

	for _, tc := range []struct {
		host, path string
		data       []byte
		want       error
	}{
		{"r1", "ssl10.lic", lic, ErrFileName},
		{"r1", "bootflash:ssl10.lic", lic, ErrFileName},
		{"r1", "flash:", lic, ErrFileName},
		{"r1", "flash:lic/ssl10.lic", lic, ErrFileName},
		{"r1", "flash:..", lic, ErrFileName},
		{"r1", "flash:ssl 10.lic", lic, ErrFileName},
		{"r1", "flash:" + strings.Repeat("x", family.MaxFileNameLen+1), lic, ErrFileName},
		{"r1", "flash:big.bin", make([]byte, MaxFileBytes+1), ErrFileTooLarge},
		{"r1", "flash:full.bin", make([]byte, flashCapacity), ErrFlashFull},
		{"r9", "flash:ssl10.lic", lic, ErrHeadendNotFound},
		{"asa1", "flash:ssl10.lic", lic, ErrNotSupported},
	} {
		if _, err := tl.lab.PutFile(tc.host, tc.path, tc.data); !errors.Is(err, tc.want) {
			t.Errorf("PutFile(%s, %.20q, %d bytes): %v, want %v", tc.host, tc.path, len(tc.data), err, tc.want)
		}
	}
	if got := fileEvents(t, tl.lab, "r1"); !slices.Equal(got, want) {
		t.Fatalf("refused puts changed the events: %q", got)
	}

	// A file of that name is replaced: one more event.
	if _, err := tl.lab.AdvanceClock(time.Minute); err != nil {
		t.Fatal(err)
	}
	lic = []byte("<license>twenty-five seats</license>\n")
	if _, err := tl.lab.PutFile("r1", "flash:ssl10.lic", lic); err != nil {
		t.Fatal(err)
	}
	want = append(want, "file flash:ssl10.lic written, 37 bytes")
	if got := fileEvents(t, tl.lab, "r1"); !slices.Equal(got, want) {
		t.Fatalf("events after a replacement: %q, want %q", got, want)
	}

	// A router switched off takes no file.
	if _, _, err := tl.lab.PowerOff("r1"); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.lab.PutFile("r1", "flash:off.lic", lic); !errors.Is(err, ErrPoweredOff) {
		t.Errorf("PutFile on a router switched off: %v", err)
	}
	if _, err := tl.lab.PowerOn("r1"); err != nil {
		t.Fatal(err)
	}

	tl.close()
	tl = openTestLab(t, dir)
	data, fi, err := tl.lab.GetFile("r1", "flash:ssl10.lic")
	if err != nil || !bytes.Equal(data, lic) || fi.Size != len(lic) {
		t.Fatalf("after a restart: %q %+v %v", data, fi, err)
	}
	if _, _, err := tl.lab.GetFile("r1", "flash:none.lic"); !errors.Is(err, ErrFileNotFound) {
		t.Errorf("GetFile of a missing file: %v", err)
	}
	if _, _, err := tl.lab.GetFile("asa1", "flash:ssl10.lic"); !errors.Is(err, ErrNotSupported) {
		t.Errorf("GetFile on an ASA: %v", err)
	}
}
