package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// The registry of a daemon's labs (package sim/labs): one record per lab,
// beside the lab's own keys,
//
//	labs/<lab>   the lab's record (LabRecord), JSON
//
// so that deleting a lab's keys (the range l/<lab>/) and its record is one
// synced batch.

var labsPrefix = []byte("labs/")

// LabKey is the key of a lab's registry record.
func LabKey(lab string) []byte { return append([]byte(nil), "labs/"+lab...) }

// LabRecord is a lab's registry record: how it was created, what a reset
// keeps, and the SHA-256 of its tokens (never the tokens).
type LabRecord struct {
	// ClockMode is "real" or "simulated".
	ClockMode  string    `json:"clock_mode"`
	ClockStart time.Time `json:"clock_start,omitzero"`
	Created    time.Time `json:"created"`
	// Tokens are the SHA-256 of the lab's bearer tokens, in hex.
	Tokens []string `json:"token_sha256,omitempty"`
}

// Labs calls fn with every lab's registry record, in name order.
func (s *Store) Labs(fn func(name string, r LabRecord) error) error {
	return s.Scan(labsPrefix, func(k, v []byte) error {
		var r LabRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%w: lab record %q: %w", ErrStoreDamaged, k, err)
		}
		return fn(string(k[len(labsPrefix):]), r)
	})
}

// PutLab writes a lab's registry record, durably.
func (s *Store) PutLab(name string, r LabRecord) error {
	v, err := encodeLab(r)
	if err != nil {
		return err
	}
	return s.db.Set(LabKey(name), v, pebble.Sync)
}

func encodeLab(r LabRecord) ([]byte, error) {
	v, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("sim: encode lab record: %w", err)
	}
	return v, nil
}

// CreateLab writes a new lab's registry record and clears whatever keys
// of the lab's range a write racing a past deletion of the same name left,
// in one synced batch.
func (s *Store) CreateLab(name string, r LabRecord) error {
	v, err := encodeLab(r)
	if err != nil {
		return err
	}
	return s.clearLab(name, func(b *pebble.Batch) error { return b.Set(LabKey(name), v, nil) })
}

// ClearLab removes every key of the lab's range (its headends, clock,
// portal, Smart accounts, event log...), keeping its registry record, in
// one synced batch: a reset.
func (s *Store) ClearLab(name string) error { return s.clearLab(name, nil) }

// DeleteLab removes every key of the lab's range and its registry record,
// tokens included, in one synced batch.
func (s *Store) DeleteLab(name string) error {
	return s.clearLab(name, func(b *pebble.Batch) error { return b.Delete(LabKey(name), nil) })
}

// clearLab removes every key of the lab's range and, in the same synced
// batch, does to its registry record what record does (nil: nothing).
func (s *Store) clearLab(name string, record func(*pebble.Batch) error) error {
	if name == "" || strings.Contains(name, "/") {
		return errors.New("sim: delete lab: bad name") // a range of other labs' keys
	}
	b := s.db.NewBatch()
	defer b.Close()
	p := LabPrefix(name)
	if err := b.DeleteRange(p, PrefixEnd(p), nil); err != nil {
		return err
	}
	if record != nil {
		if err := record(b); err != nil {
			return err
		}
	}
	return b.Commit(pebble.Sync)
}

// LabsWithKeys lists the labs that have keys in the store, in name order,
// with one seek per lab rather than a read of every key.
func (s *Store) LabsWithKeys() ([]string, error) {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte("l/"), UpperBound: PrefixEnd([]byte("l/"))})
	if err != nil {
		return nil, err
	}
	var names []string
	for ok := it.First(); ok; {
		rest := it.Key()[len("l/"):]
		i := bytes.IndexByte(rest, '/')
		if i < 0 {
			ok = it.Next()
			continue
		}
		name := string(rest[:i])
		names = append(names, name)
		ok = it.SeekGE(PrefixEnd(LabPrefix(name)))
	}
	return names, it.Close()
}
