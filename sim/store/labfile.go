package store

import (
	"errors"

	"github.com/cockroachdb/pebble/v2"
)

// LabFileKey is the key of what the lab files applied to the lab made
// (package labfile keeps its encoding): the portal orders it placed, by
// the file's names, so that a second apply places none again.
func LabFileKey(lab string) []byte { return append(LabPrefix(lab), "labfile"...) }

// PutLabFile writes the lab's lab-file record.
func (b *Batch) PutLabFile(v []byte) error { return b.b.Set(LabFileKey(b.lab), v, nil) }

// LabFile reads the lab's lab-file record; ok is false when it has none.
func (s *Store) LabFile(lab string) (v []byte, ok bool, err error) {
	got, closer, err := s.db.Get(LabFileKey(lab))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer closer.Close()
	return append([]byte(nil), got...), true, nil
}
