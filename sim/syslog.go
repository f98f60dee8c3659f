package sim

import (
	"time"

	"github.com/asalab/asalab/headend/family"
)

// Syslog hands a syslog line of the headend named hostname, logged at lab
// time at, to the lab's Config.Syslog, if any: the front-ends give it the
// refusals they report (%ASA-4-113029 and the like); the lab gives it the
// headends' own log entries itself. An empty line is none.
func (l *Lab) Syslog(at time.Time, hostname, line string) {
	if l.syslog != nil && line != "" {
		l.syslog(at, hostname, line)
	}
}

// logCount is how many messages d has logged, also those its buffer no
// longer holds.
func logCount(d family.Device) int {
	_, n := d.LogEntries()
	return n
}

// forwardLog hands the entries d logged since it had logged n messages to
// the lab's Config.Syslog, oldest first. Called with the headend locked.
func (l *Lab) forwardLog(n int, d family.Device) {
	if l.syslog == nil {
		return
	}
	log, count := d.LogEntries()
	fresh := min(count-n, len(log))
	for _, e := range log[len(log)-max(fresh, 0):] {
		l.syslog(e.Time, d.Hostname(), e.Msg)
	}
}
