// Package devlog is the lab's bookkeeping of a device's log: how many
// lines a device has logged (also those its buffer no longer holds), the
// lines it logged after a count of them, and the events of a change (the
// lines logged before it, what the device's family says it did, the lines
// the change logged). The change pipeline and the lab's services use it to
// give every line a device logs one event, in the batch of its change.
package devlog

import (
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/eventlog"
)

// Mark is where a change starts in a device's log: the lines it logged
// as it caught up with the lab time (Device.Advance), which no stored
// event holds yet, and its count of lines logged then. A change may empty
// the buffer (a reload does): those lines are taken before it.
type Mark struct {
	Evs   []eventlog.Event
	Count int
}

// MarkOf marks the log of c, a device brought to the lab time, before a
// change; logged is the count of its lines that stored events hold.
func MarkOf(c family.Device, logged int) Mark {
	return Mark{Evs: Events(c, logged), Count: Count(c)}
}

// ChangeEvents are the events of a change of a device from old to c at
// now: the lines logged before the change (m), what the change did as its
// family tells it (a reload, new activation keys, configuration), the
// files it wrote on the device's flash (FileEvents), the lines the change
// logged.
func ChangeEvents(old, c family.Device, now time.Time, m Mark) []eventlog.Event {
	name := c.Hostname()
	evs := m.Evs
	lines := Events(c, m.Count)
	for _, ch := range c.ChangesFrom(old) {
		if ch.Kind == family.ChangeSmart && ch.Syslog == "" && len(lines) > 0 {
			// A Smart Licensing transition is told with the line the
			// agent logged for it, the last of the change.
			ch.Syslog = lines[len(lines)-1].Syslog
		}
		evs = append(evs, eventlog.Event{At: now, Headend: name, Kind: changeKinds[ch.Kind], Syslog: ch.Syslog, Text: ch.Text})
	}
	evs = append(evs, FileEvents(old, c, now)...)
	return append(evs, lines...)
}

// BootLine is the syslog line the family logs as c boots after old; "" if
// none.
func BootLine(old, c family.Device) string {
	for _, ch := range c.ChangesFrom(old) {
		if ch.Kind == family.ChangeReloaded {
			return ch.Syslog
		}
	}
	return ""
}

// changeKinds are the event kinds of what a family says a change did.
var changeKinds = map[family.ChangeKind]eventlog.Kind{
	family.ChangeReloaded:   eventlog.Reloaded,
	family.ChangeKeys:       eventlog.KeyInstalled,
	family.ChangeEssentials: eventlog.Essentials,
	family.ChangeConfig:     eventlog.ConfigChanged,
	family.ChangeSmart:      eventlog.Smart,
}

// TimedSmartEvents are the events of the Smart Licensing transitions a
// device made as time passed (Device.Advance) from old to c, which logged
// the lines lines: each at the time of the line it logged (its Syslog;
// when it names none, the last line), or at now when it logged none. A transition in a
// change has its event from ChangeEvents instead.
func TimedSmartEvents(old, c family.Device, lines []eventlog.Event, now time.Time) []eventlog.Event {
	var evs []eventlog.Event
	for _, ch := range c.ChangesFrom(old) {
		if ch.Kind != family.ChangeSmart {
			continue
		}
		at := now
		if len(lines) > 0 {
			at = lines[len(lines)-1].At
			if ch.Syslog == "" {
				ch.Syslog = lines[len(lines)-1].Syslog
			}
		}
		for _, l := range lines {
			if l.Syslog == ch.Syslog {
				at = l.At
				break
			}
		}
		evs = append(evs, eventlog.Event{At: at, Headend: c.Hostname(), Kind: eventlog.Smart, Syslog: ch.Syslog, Text: ch.Text})
	}
	return evs
}

// Events are the lines c logged after it had logged since of them.
func Events(c family.Device, since int) []eventlog.Event {
	log := Since(c, since)
	if len(log) == 0 {
		return nil
	}
	evs := make([]eventlog.Event, 0, len(log))
	for _, e := range log {
		evs = append(evs, eventlog.Event{At: e.Time, Headend: c.Hostname(), Kind: eventlog.Syslog, Syslog: e.Msg})
	}
	return evs
}

// Since is what d's buffer holds of the lines it logged after it had
// logged since of them, oldest first.
func Since(d family.Device, since int) []family.LogEntry {
	log, count := d.LogEntries()
	n := count - since
	if n < 0 { // the count started again (a boot empties the buffer): every line is new
		n = count
	}
	return log[len(log)-min(n, len(log)):]
}

// Count is how many lines d has logged, also those its buffer no longer
// holds.
func Count(d family.Device) int {
	_, n := d.LogEntries()
	return n
}
