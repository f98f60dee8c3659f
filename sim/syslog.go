package sim

import (
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/devlog"
)

// Syslog hands a syslog line of the headend named hostname, logged at lab
// time at, to the lab's Config.Syslog, if any: every refusal reported
// (%ASA-4-113029 and the like, see Headend.RefusalSyslog) and the headends'
// own log entries as they are logged, so the collectors get each line at
// once (the event log samples refusals). An empty line is none.
func (l *Lab) Syslog(at time.Time, hostname, line string) {
	if l.syslog != nil && line != "" {
		l.syslog(at, hostname, line)
	}
}

// forwardLog hands the entries d logged since it had logged n messages to
// the lab's Config.Syslog, oldest first. Called with the headend locked.
func (l *Lab) forwardLog(n int, d family.Device) {
	if l.syslog == nil {
		return
	}
	for _, e := range devlog.Since(d, n) {
		l.syslog(e.Time, d.Hostname(), e.Msg)
	}
}
