// Package journal is the one way a lab's change reaches its store: the
// change's writes and its events (package eventlog), numbered, in one
// batch committed with Sync, then applied in memory, then the events
// published to the lab's subscribers. It also reads the lab's stored
// events back for the log.
package journal

import (
	"time"

	"github.com/asalab/asalab/sim/eventlog"
	"github.com/asalab/asalab/sim/metrics"
	"github.com/asalab/asalab/sim/store"
)

// Journal is a lab's event log joined to its part of the store.
type Journal struct {
	st      *store.Store
	lab     string
	metrics *metrics.Metrics
	ev      *eventlog.Log
}

// Open finds where the lab's log ends in the store. m, if not nil, counts
// the commits.
func Open(st *store.Store, lab string, m *metrics.Metrics) (*Journal, error) {
	j := &Journal{st: st, lab: lab, metrics: m}
	last, err := st.LastEvent(lab)
	if err != nil {
		return nil, err
	}
	j.ev = eventlog.New(last, j.scan)
	return j, nil
}

// Log is the lab's event log in memory (listing, subscriptions).
func (j *Journal) Log() *eventlog.Log { return j.ev }

// Commit is the one way a change reaches the store: b (the change's
// writes) and the events evs, which it numbers, in one batch committed
// with Sync; then apply (nil: nothing) makes the change in memory; then
// the events are published. It returns once the change is durable and
// applied, or failed and not applied. Only the ordering into the
// write-ahead log is serialised: concurrent changes wait for their syncs
// together.
func (j *Journal) Commit(b *store.Batch, evs []eventlog.Event, apply func()) error {
	start := time.Now()
	bodies := make([][]byte, len(evs))
	for i := range evs {
		v, err := eventlog.Encode(&evs[i])
		if err != nil {
			return err
		}
		bodies[i] = v
	}
	first, err := j.ev.Append(evs, func() error {
		for i := range evs {
			if err := b.PutEvent(evs[i].Seq, bodies[i]); err != nil {
				return err
			}
		}
		return j.st.ApplyOrdered(b)
	})
	if err != nil {
		return err
	}
	err = j.st.SyncWait(b)
	j.metrics.ObservePersist(time.Since(start))
	if err == nil && apply != nil {
		apply()
	}
	// Published even when the sync failed: the events are in the log
	// before those of later changes, whose syncs may yet succeed, and
	// holding them back would stop every subscriber. Pebble does not go
	// on writing after a failed sync of its log.
	j.ev.Publish(first, uint64(len(evs)))
	if err == nil {
		j.metrics.CountEvents(evs)
	}
	return err
}

// scan calls fn with the lab's stored events after `after` up to through,
// in order, until fn returns false.
func (j *Journal) scan(after, through uint64, fn func(eventlog.Event) bool) error {
	return j.st.ScanEvents(j.lab, after, through, func(seq uint64, v []byte) (bool, error) {
		e, err := eventlog.Decode(seq, v)
		if err != nil {
			return false, err
		}
		return fn(e), nil
	})
}
