package sim

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
)

// Refused connections reach the event log sampled: a headend turning away a
// flood of users must cost the admission path no write and the log no
// event per attempt. Each headend keeps the first refusal since the last
// flush of the usage records (every 500 ms by default) and counts the
// others; the flush turns each sample into one event, with the count of
// those it stands for, and commits them together. The log thus gets at
// most one refusal event per headend per flush, and a refusal costs the
// admission path an atomic load and an add, or, for the first of a flush
// interval, one small allocation.

// refusalSampler is a headend's pending refusal sample.
type refusalSampler struct {
	first      atomic.Pointer[refusalSample]
	suppressed atomic.Uint64
}

type refusalSample struct {
	at   time.Time
	dec  admission.Decision
	kind headend.Kind
	pol  *admission.Policy
	p    *admission.Principal
}

// noteRefusal samples a refused connection.
func (h *Headend) noteRefusal(p *admission.Principal, k headend.Kind, d admission.Decision, now time.Time) {
	r := &h.refusals
	if r.first.Load() == nil &&
		r.first.CompareAndSwap(nil, &refusalSample{at: now, dec: d, kind: k, pol: h.adm.Policy(), p: p}) {
		return
	}
	r.suppressed.Add(1)
}

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
	l.byName.Range(func(k, v any) bool {
		h := v.(*Headend)
		s := h.refusals.first.Swap(nil)
		if s == nil {
			return true
		}
		n := h.refusals.suppressed.Swap(0)
		line := h.fam.RefusalSyslog(s.dec, s.kind, s.pol, s.p.User(), s.p.Device())
		text := fmt.Sprintf("connection of %s from %s refused: %s", s.p.User(), s.p.Device(), s.dec.Reason)
		if n > 0 {
			text += fmt.Sprintf(" (%d similar refusals suppressed)", n)
		}
		evs = append(evs, Event{At: s.at, Headend: k.(string), Kind: EventRefusal, Syslog: line, Text: text})
		return true
	})
	return evs
}

// flushRefusals commits the pending refusal samples as events, and with
// them the lines the headends logged as the lab time passed (timers.go).
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
	if len(evs) == 0 {
		return nil
	}
	return l.commit(b, evs, func() { cu.apply(now) })
}
