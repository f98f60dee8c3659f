package store

import (
	"errors"

	"github.com/cockroachdb/pebble/v2"
)

// PutScenario writes the lab's scenario record; nil deletes it.
func (b *Batch) PutScenario(v []byte) error {
	if v == nil {
		return b.b.Delete(ScenarioKey(b.lab), nil)
	}
	return b.b.Set(ScenarioKey(b.lab), v, nil)
}

// Scenario reads the lab's scenario record; ok is false when it has none.
func (s *Store) Scenario(lab string) (v []byte, ok bool, err error) {
	return s.record(ScenarioKey(lab))
}

// PutClockSimulated marks the lab's clock as switched to a simulated one.
func (b *Batch) PutClockSimulated() error { return b.b.Set(ClockModeKey(b.lab), []byte("sim"), nil) }

// ClockSimulated reports whether the lab's clock was switched to a
// simulated one (PutClockSimulated).
func (s *Store) ClockSimulated(lab string) (bool, error) {
	_, closer, err := s.db.Get(ClockModeKey(lab))
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, closer.Close()
}
