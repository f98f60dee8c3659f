package store

import (
	"encoding/binary"
	"fmt"
)

// Shared licensing records: one per headend that takes part, what the lab
// keeps of the service between the units across a restart (the blocks a
// server lent and to whom, high usage, message counts, a backup's days),
// as sim encodes it.
//
//	l/<lab>/shlic/<headend 8 bytes>   record

// SharedPrefix is where a lab's shared licensing records start.
func SharedPrefix(lab string) []byte { return append(LabPrefix(lab), "shlic/"...) }

// SharedKey is the key of a headend's shared licensing record.
func SharedKey(lab string, id uint64) []byte {
	return binary.BigEndian.AppendUint64(SharedPrefix(lab), id)
}

// PutShared writes a headend's shared licensing record.
func (b *Batch) PutShared(id uint64, v []byte) error {
	return b.b.Set(SharedKey(b.lab, id), v, nil)
}

// DeleteShared removes a headend's shared licensing record.
func (b *Batch) DeleteShared(id uint64) error {
	return b.b.Delete(SharedKey(b.lab, id), nil)
}

// Shared calls fn for every shared licensing record of the lab, in headend
// id order; v is valid only during the call.
func (s *Store) Shared(lab string, fn func(id uint64, v []byte) error) error {
	p := SharedPrefix(lab)
	return s.Scan(p, func(k, v []byte) error {
		if len(k) != len(p)+8 {
			return fmt.Errorf("sim: malformed shared licensing key %q", k)
		}
		return fn(binary.BigEndian.Uint64(k[len(p):]), v)
	})
}
