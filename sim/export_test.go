package sim

import "github.com/asalab/asalab/sim/eventlog"

// CommitEvents commits events with no change, as the refusal flush does:
// the fast producer of the event benchmarks in package sim_test.
func CommitEvents(l *Lab, evs []Event) error {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	return l.commit(b, evs, nil)
}

// eventRing is how many events memory holds for subscribers.
const eventRing = eventlog.RingSize
