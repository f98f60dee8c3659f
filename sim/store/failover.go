package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// Failover units: one record per headend that has failover enabled or once
// had it, with its pair as the lab last decided it.
//
//	l/<lab>/fo/<headend 8 bytes>   JSON FailoverRecord

// FailoverRecord is a failover unit's state in the lab.
type FailoverRecord struct {
	// Name is the unit's name in the lab while it is pinned: a failover
	// unit keeps the name it had when failover was enabled, whatever
	// hostname the pair's configuration gives it. "" when not pinned.
	Name string `json:"name,omitempty"`
	// Active: the unit was the active one (of its pair, or alone).
	Active bool `json:"active,omitempty"`
	// Mate is the id of the headend it is paired with, 0 when none.
	Mate uint64 `json:"mate,omitempty"`
	// Since is when the pair formed; LastFailover when it last changed
	// active unit.
	Since        time.Time `json:"since,omitzero"`
	LastFailover time.Time `json:"last_failover,omitzero"`
	// ActiveFor is how long the unit was active before ActiveSince, when
	// it last became active (zero while it is not).
	ActiveFor   time.Duration `json:"active_for,omitempty"`
	ActiveSince time.Time     `json:"active_since,omitzero"`
}

// FailoverPrefix is where a lab's failover records are.
func FailoverPrefix(lab string) []byte { return append(LabPrefix(lab), "fo/"...) }

// FailoverKey is the key of a headend's failover record.
func FailoverKey(lab string, id uint64) []byte {
	return binary.BigEndian.AppendUint64(FailoverPrefix(lab), id)
}

// PutFailover writes a headend's failover record.
func (b *Batch) PutFailover(id uint64, r FailoverRecord) error {
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sim: encode failover record: %w", err)
	}
	return b.b.Set(FailoverKey(b.lab, id), v, nil)
}

// DeleteFailover removes a headend's failover record.
func (b *Batch) DeleteFailover(id uint64) error {
	return b.b.Delete(FailoverKey(b.lab, id), nil)
}

// Failovers reads a lab's failover records by headend id.
func (s *Store) Failovers(lab string) (map[uint64]FailoverRecord, error) {
	out := map[uint64]FailoverRecord{}
	p := FailoverPrefix(lab)
	err := s.Scan(p, func(k, v []byte) error {
		if len(k) != len(p)+8 {
			return fmt.Errorf("sim: failover record key %q", k)
		}
		var r FailoverRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("sim: failover record %q: %w", k, err)
		}
		out[binary.BigEndian.Uint64(k[len(p):])] = r
		return nil
	})
	return out, err
}
