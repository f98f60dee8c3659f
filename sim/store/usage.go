package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/cockroachdb/pebble/v2"
)

// UsageWriter writes the usage records of one flush in batches of a bounded
// size (a million new users at once must not make a batch of a hundred
// megabytes), and syncs once at the end: a user admitted before a flush
// survives a crash of the machine, not only of the process, and one sync
// covers the whole flush however many records it holds.
type UsageWriter struct {
	s         *Store
	prefix    []byte
	b         *pebble.Batch // indexed: a merge reads the records of its own batch too
	n         int
	committed bool
	total     int
	key, val  []byte // reused for every record: Batch.Set copies them
}

const usagePerBatch = 4096

// NewUsageWriter starts a flush of the lab's usage records.
func (s *Store) NewUsageWriter(lab string) *UsageWriter {
	return &UsageWriter{s: s, prefix: UsagePrefix(lab), b: s.db.NewIndexedBatch()}
}

// Put writes the record of a user on a headend on a lab day. merge ORs in
// the flags stored already (see admission.Use.Merge): a use that may have a
// record must not take an Apex-only flag from the day.
func (w *UsageWriter) Put(headendID uint64, day int64, user, device string, flags byte, merge bool) error {
	w.key = AppendUsageKey(append(w.key[:0], w.prefix...), headendID, day)
	w.key = append(append(append(w.key, user...), 0), device...)
	w.val = append(w.val[:0], flags)
	if merge {
		v, closer, err := w.b.Get(w.key)
		switch {
		case errors.Is(err, pebble.ErrNotFound):
		case err != nil:
			return err
		default:
			if len(v) == 1 {
				w.val[0] |= v[0]
			}
			if err := closer.Close(); err != nil {
				return err
			}
		}
	}
	if err := w.b.Set(w.key, w.val, nil); err != nil {
		return err
	}
	w.total++
	if w.n++; w.n >= usagePerBatch {
		// The final commit's sync makes this one durable too.
		if err := w.b.Commit(pebble.NoSync); err != nil {
			return err
		}
		_ = w.b.Close()
		w.b, w.n, w.committed = w.s.db.NewIndexedBatch(), 0, true
	}
	return nil
}

// Finish commits what is left and syncs.
func (w *UsageWriter) Finish() error {
	switch {
	case w.n > 0:
		return w.b.Commit(pebble.Sync)
	case w.committed:
		return w.s.db.LogData(nil, pebble.Sync)
	}
	return nil
}

// Close releases the writer.
func (w *UsageWriter) Close() { _ = w.b.Close() }

// Total is the number of records written.
func (w *UsageWriter) Total() int { return w.total }

// ScanUsage calls fn with the user and flags of every usage record of a
// headend on the lab days first to last, in key order; user is valid only
// during the call.
func (s *Store) ScanUsage(lab string, headendID uint64, first, last int64, fn func(user []byte, flags byte)) error {
	up := UsagePrefix(lab)
	lo := AppendUsageKey(slices.Clone(up), headendID, first)
	hi := AppendUsageKey(slices.Clone(up), headendID, last+1)
	return s.ScanRange(lo, hi, func(k, v []byte) error {
		rest := k[len(up):]
		if len(rest) < 16+3 || len(v) != 1 {
			return fmt.Errorf("sim: malformed usage record %q", k)
		}
		user, device, ok := bytes.Cut(rest[16:], []byte{0})
		if !ok || len(user) == 0 || len(device) == 0 {
			return fmt.Errorf("sim: malformed usage record %q", k)
		}
		fn(user, v[0])
		return nil
	})
}

// DropUsageAfter deletes the usage records of headend numbers above last:
// they are a deleted headend's, and the next headend created takes that
// number (they continue from the highest stored), so it must not inherit
// them. No sync: the new headend's synced creation comes after in the log.
func (s *Store) DropUsageAfter(lab string, last uint64) error {
	up := UsagePrefix(lab)
	return s.db.DeleteRange(binary.BigEndian.AppendUint64(slices.Clone(up), last+1), PrefixEnd(up), pebble.NoSync)
}

// MigrateUsage brings a store of an older layout (Store.schema) to the
// current one: it rewrites the usage records of schema version 1, keyed by
// principal number, by principal names, deletes the old keys, and stores
// the schema version in the final synced batch, so that a migration cut
// short runs again in full at the next open. It returns the number of
// principals named.
func (s *Store) MigrateUsage(lab string) (int, error) {
	pp, op := OldPrincipalPrefix(lab), OldUsagePrefix(lab)
	names := map[uint32]string{}
	err := s.Scan(pp, func(k, v []byte) error {
		if len(k) != len(pp)+4 || bytes.IndexByte(v, 0) < 1 {
			return fmt.Errorf("sim: malformed principal record %q", k)
		}
		names[binary.BigEndian.Uint32(k[len(pp):])] = string(v)
		return nil
	})
	if err != nil {
		return 0, err
	}
	b := s.db.NewBatch()
	defer func() { b.Close() }()
	up := UsagePrefix(lab)
	var key []byte
	if len(names) > 0 {
		err = s.Scan(op, func(k, v []byte) error {
			rest := k[len(op):]
			if len(rest) != 20 || len(v) != 1 {
				return fmt.Errorf("sim: malformed usage record %q", k)
			}
			name, ok := names[binary.BigEndian.Uint32(rest[16:])]
			if !ok {
				return nil // its principal was never written: nothing to name
			}
			key = append(append(append(key[:0], up...), rest[:16]...), name...)
			if err := b.Set(key, v, nil); err != nil {
				return err
			}
			if b.Len() >= 4<<20 {
				if err := b.Commit(pebble.NoSync); err != nil {
					return err
				}
				b.Close()
				b = s.db.NewBatch()
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	for _, p := range [][]byte{pp, op} {
		if err := b.DeleteRange(p, PrefixEnd(p), nil); err != nil {
			return 0, err
		}
	}
	if err := b.Set(schemaKey, SchemaValue(SchemaVersion), nil); err != nil {
		return 0, err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return 0, err
	}
	s.schema = SchemaVersion
	return len(names), nil
}
