package devlog

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/eventlog"
)

// FileEvents are the events of what a change from old to c did to the
// device's flash, for a family with one: a config_changed event for each
// file written (new, or other bytes or time) and each file deleted, naming
// it and its size. The lab tells it rather than each family, so a file put
// by the lab and one the console wrote (`license save`) read alike.
func FileEvents(old, c family.Device, now time.Time) []eventlog.Event {
	fc, ok := c.(family.Flash)
	if !ok {
		return nil
	}
	fo, _ := old.(family.Flash)
	before := map[string]family.FileInfo{}
	if fo != nil {
		for _, f := range fo.Files() {
			before[f.Name] = f
		}
	}
	var evs []eventlog.Event
	add := func(text string) {
		evs = append(evs, eventlog.Event{At: now, Headend: c.Hostname(), Kind: eventlog.ConfigChanged, Text: text})
	}
	for _, f := range fc.Files() {
		was, had := before[f.Name]
		delete(before, f.Name)
		if had && was.Size == f.Size && was.Modified.Equal(f.Modified) && sameFile(fo, fc, f.Name) {
			continue
		}
		add(fmt.Sprintf("file %s written, %d bytes", flashPath(f.Name), f.Size))
	}
	if len(before) > 0 { // files of old's that c no longer has, in old's order
		for _, f := range fo.Files() {
			if _, gone := before[f.Name]; gone {
				add(fmt.Sprintf("file %s deleted", flashPath(f.Name)))
			}
		}
	}
	return evs
}

// sameFile reports whether the file name holds the same bytes on a and b;
// a file neither lets the lab read (a router's system image) is the same
// while its listing is.
func sameFile(a, b family.Flash, name string) bool {
	x, ok1 := a.File(name)
	y, ok2 := b.File(name)
	return ok1 == ok2 && bytes.Equal(x, y)
}

// flashPath names a file as the lab's API does, "flash:NAME".
func flashPath(name string) string {
	if strings.HasPrefix(name, "flash:") {
		return name
	}
	return "flash:" + name
}
