package sim

// CommitEvents commits events with no change, as the refusal flush does:
// the fast producer of the event benchmarks in package sim_test.
func CommitEvents(l *Lab, evs []Event) error {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	return l.commit(b, evs, nil)
}
