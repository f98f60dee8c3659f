package web

import (
	"time"

	"github.com/asalab/asalab/sim"
)

// refusalSlack is how far before the hour the search for its first event
// starts: a refusal event carries the lab time of its first refusal, which
// a concurrent flush may commit a moment after an event of a later time.
const refusalSlack = time.Minute

// refusalsLastHour counts each headend's refused connections in the hour
// of lab time up to now, (now-1h, now], from the lab's event log: the
// refusals pending since the last flush are committed first, the first
// event of the hour is found by a binary search on the events' lab times,
// and the scan reads that hour's events only. The log is the lab's
// durable record, so the count is the same after a restart or a clock
// step of any size.
//
// Events are in commit order, their lab times nearly so: a refusal event
// has the time of the first refusal it stands for, committed at the next
// flush, which a clock move may precede; it is then older than the
// move's events, never newer than an event committed before it. So an
// event at or before the hour's start (less the slack) has no refusal of
// the hour before it.
func (s *Server) refusalsLastHour(lab *sim.Lab, now time.Time) map[string]uint64 {
	_ = lab.FlushRefusals() // a failed flush leaves them pending: counted at the next
	last := lab.LastEvent()
	// The same log at the same lab time counts the same: the last count
	// serves (the map is read only).
	s.cmu.Lock()
	c, ok := s.counted[lab]
	s.cmu.Unlock()
	if ok && c.last == last && c.now.Equal(now) {
		return c.n
	}
	n := countRefusals(lab, last, now)
	s.cmu.Lock()
	if s.counted == nil {
		s.counted = map[*sim.Lab]refusalCount{}
	}
	s.counted[lab] = refusalCount{last: last, now: now, n: n}
	s.cmu.Unlock()
	return n
}

// refusalCount is a lab's refusals in the hour up to now, counted with
// its log up to the event last.
type refusalCount struct {
	last uint64
	now  time.Time
	n    map[string]uint64
}

// countRefusals counts the refusals of the lab's log up to the event last
// in the hour up to now (refusalsLastHour).
func countRefusals(lab *sim.Lab, last uint64, now time.Time) map[string]uint64 {
	cut := now.Add(-time.Hour)
	// after: the last event known to be before the hour (0: none).
	after, hi := uint64(0), last
	for after < hi {
		mid := after + (hi-after+1)/2
		evs, _, _, err := lab.ListEvents(mid-1, 1, sim.EventFilter{})
		if err != nil || len(evs) == 0 {
			hi = mid - 1
			continue
		}
		if evs[0].At.After(cut.Add(-refusalSlack)) {
			hi = mid - 1
		} else {
			after = mid
		}
	}
	n := map[string]uint64{}
	f := sim.EventFilter{Kinds: []sim.EventKind{sim.EventRefusal}}
	for after < last {
		evs, next, more, err := lab.ListEvents(after, 10_000, f)
		if err != nil {
			break
		}
		for i := range evs {
			if at := evs[i].At; at.After(cut) && !at.After(now) {
				n[evs[i].Headend] += sim.RefusalCount(&evs[i])
			}
		}
		if !more || next <= after {
			break
		}
		after = next
	}
	return n
}
