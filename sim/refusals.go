package sim

import (
	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/sim/refusals"
)

// Refused connections reach the event log sampled (package refusals): at
// most one refusal event per headend per flush of the usage records.

// RefusalSyslog is the line the headend logs for the refused connection d
// of kind k from user on device; "" when it logs none (a headend that is
// down).
func (h *Headend) RefusalSyslog(d admission.Decision, k headend.Kind, user, device string) string {
	line := h.fam.RefusalSyslog(d, k, h.adm.Policy(), user, device)
	// Every refusal reaches the syslog collectors, as an ASA sends each
	// line to its logging host; the event log keeps a sample of them.
	h.lab.Syslog(h.Now(), h.Hostname(), line)
	return line
}

// refusalEvents takes the pending samples of every headend as events.
func (l *Lab) refusalEvents() []Event {
	var evs []Event
	l.names.Range(func(k string, h *Headend) bool {
		s, n := h.refusals.Take()
		if s == nil {
			return true
		}
		line := h.fam.RefusalSyslog(s.Decision, s.Kind, s.Policy, s.Principal.User(), s.Principal.Device())
		evs = append(evs, Event{At: s.At, Headend: k, Kind: EventRefusal, Syslog: line, Text: s.Text(n)})
		return true
	})
	return evs
}

// flushRefusals commits the pending refusal samples as events, and with
// them the lines the headends logged as the lab time passed and the Smart
// Licensing attempts that fell due (timers.go): on a real clock, an
// attempt is made at most one flush interval after it falls due.
func (l *Lab) flushRefusals() error {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	now := l.clock.Now()
	cu, err := l.catchUp(b, now)
	if err != nil {
		return err
	}
	defer cu.done()
	evs := append(l.refusalEvents(), cu.evs...)
	if len(evs) == 0 && !cu.changed() {
		return nil
	}
	return l.commit(b, evs, cu.apply)
}

// RefusalCount is how many refused connections the refusal event e stands
// for (the log keeps one event per headend per flush, with the count of
// the others in its text); 0 for an event of another kind.
func RefusalCount(e *Event) uint64 {
	if e.Kind != EventRefusal {
		return 0
	}
	return refusals.Count(e.Text)
}
