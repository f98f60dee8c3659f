package sim

import (
	"time"

	"github.com/asalab/asalab/headend/family"
)

// logMark is where a change starts in a device's log: the lines it logged
// as it caught up with the lab time (Device.Advance), which no stored
// event holds yet, and its count of lines logged then. A change may empty
// the buffer (a reload does): those lines are taken before it.
type logMark struct {
	evs   []Event
	count int
}

// markLog marks the log of c, a copy of the headend's device brought to the
// lab time, before a change. Called with h.mu held.
func (h *Headend) markLog(c family.Device) logMark {
	return logMark{evs: logEvents(c, h.logged), count: loggedCount(c)}
}

// changeEvents are the events of a change of the headend from old to c at
// now: the lines logged before the change (m), what the change did as its
// family tells it (a reload, new activation keys, configuration), the
// lines the change logged. Called with h.mu held.
func (h *Headend) changeEvents(old, c family.Device, now time.Time, m logMark) []Event {
	name := c.Hostname()
	evs := m.evs
	for _, ch := range c.ChangesFrom(old) {
		evs = append(evs, Event{At: now, Headend: name, Kind: changeKinds[ch.Kind], Syslog: ch.Syslog, Text: ch.Text})
	}
	return append(evs, logEvents(c, m.count)...)
}

// bootLine is the syslog line the family logs as c boots after old; "" if
// none.
func bootLine(old, c family.Device) string {
	for _, ch := range c.ChangesFrom(old) {
		if ch.Kind == family.ChangeReloaded {
			return ch.Syslog
		}
	}
	return ""
}

// changeKinds are the event kinds of what a family says a change did.
var changeKinds = map[family.ChangeKind]EventKind{
	family.ChangeReloaded:   EventReloaded,
	family.ChangeKeys:       EventKeyInstalled,
	family.ChangeEssentials: EventEssentials,
	family.ChangeConfig:     EventConfigChanged,
}

// logEvents are the lines c logged after it had logged since of them.
func logEvents(c family.Device, since int) []Event {
	log := logSince(c, since)
	if len(log) == 0 {
		return nil
	}
	evs := make([]Event, 0, len(log))
	for _, e := range log {
		evs = append(evs, Event{At: e.Time, Headend: c.Hostname(), Kind: EventSyslog, Syslog: e.Msg})
	}
	return evs
}

// logSince is what d's buffer holds of the lines it logged after it had
// logged since of them, oldest first.
func logSince(d family.Device, since int) []family.LogEntry {
	log, count := d.LogEntries()
	n := count - since
	if n < 0 { // the count started again (a boot empties the buffer): every line is new
		n = count
	}
	return log[len(log)-min(n, len(log)):]
}

// loggedCount is how many lines d has logged, also those its buffer no
// longer holds.
func loggedCount(d family.Device) int {
	_, n := d.LogEntries()
	return n
}
