package devlog

import (
	"slices"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/family"
)

// flashDevice is an ASA with a flash the lab can write to, as an IOS
// router has: the system image is listed but not readable.
type flashDevice struct {
	*asa.Device
	files []family.FileInfo
	data  map[string][]byte
}

func (d *flashDevice) PutFile(string, []byte, time.Time) error { return nil }

func (d *flashDevice) File(name string) ([]byte, bool) {
	b, ok := d.data[name]
	return b, ok
}

func (d *flashDevice) Files() []family.FileInfo { return d.files }

// TestFileEvents: a change tells each file it wrote (new, other bytes)
// and each it deleted, once; files it left alone, the unreadable system
// image among them, tell nothing.
func TestFileEvents(t *testing.T) {
	base, err := asa.NewDevice("ASA5525", "FCH1947V0GY", "r1", simStart)
	if err != nil {
		t.Fatal(err)
	}
	image := family.FileInfo{Name: "c2900-universalk9-mz.SPA.155-3.M.bin", Size: 97794040, Modified: simStart}
	lic := family.FileInfo{Name: "ssl10.lic", Size: 3, Modified: simStart}
	dev := func(data map[string][]byte, files ...family.FileInfo) *flashDevice {
		return &flashDevice{Device: base, files: files, data: data}
	}
	old := dev(map[string][]byte{"ssl10.lic": []byte("abc")}, image, lic)
	for _, c := range []struct {
		name string
		c    *flashDevice
		want []string
	}{
		{"nothing changed", dev(map[string][]byte{"ssl10.lic": []byte("abc")}, image, lic), nil},
		{"other bytes, same size and time", dev(map[string][]byte{"ssl10.lic": []byte("abd")}, image, lic),
			[]string{"0 config_changed r1 |file flash:ssl10.lic written, 3 bytes"}},
		{"a new file", dev(map[string][]byte{"ssl10.lic": []byte("abc"), "sec.lic": []byte("x")}, image, lic,
			family.FileInfo{Name: "sec.lic", Size: 1, Modified: simStart}),
			[]string{"0 config_changed r1 |file flash:sec.lic written, 1 bytes"}},
		{"deleted", dev(nil, image), []string{"0 config_changed r1 |file flash:ssl10.lic deleted"}},
	} {
		evs := FileEvents(old, c.c, simStart)
		if got := eventLines(evs); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
