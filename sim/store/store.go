package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/storefiles"
)

// Errors of a store that cannot be opened as it is. Those found in the
// store's files before pebble opens them are storefiles' own, so that
// errors.Is matches whichever of the two names a caller uses.
var (
	ErrStoreMissing = errors.New("sim: the store is missing")
	ErrStoreDamaged = storefiles.ErrDamaged
	ErrStoreLocked  = storefiles.ErrLocked
	// ErrWALDamaged: records at the end of the store's write-ahead log cannot
	// be read back, so writes made before the last stop would be lost.
	ErrWALDamaged = storefiles.ErrWALDamaged
	// ErrManifestDamaged: records of the store's current MANIFEST cannot be
	// read back, so tables written before the last stop would be lost. It
	// is an ErrStoreDamaged too.
	ErrManifestDamaged = storefiles.ErrManifestDamaged
	// ErrStoreNewer: the store was written by a newer headendd, in a layout
	// this one does not know.
	ErrStoreNewer = errors.New("sim: the store is of a newer layout")
)

// Store is the lab's durable state in an embedded pebble database. Every
// change is one batch committed with Sync before the caller acknowledges
// it (sim.Lab.commit). Its keys are listed in keys.go.
type Store struct {
	db   *pebble.DB
	lock *pebble.Lock
	// schema is the layout version found at open (0: none stored);
	// MigrateUsage brings an older one to SchemaVersion.
	schema uint64
}

// Options are the options of OpenWith.
type Options struct {
	Log *zap.Logger
	// MustExist refuses to create the store: where a store was kept before,
	// a missing one is lost data, not a first start.
	MustExist bool
	// AcceptDataLoss opens a store whose write-ahead log has a damaged end,
	// without the writes in it; a copy of the log is kept beside the store
	// as <dir>.<log>.damaged. Without it the store does not open
	// (ErrWALDamaged).
	AcceptDataLoss bool
}

// Open opens or creates the store in dir.
func Open(dir string, log *zap.Logger) (*Store, error) {
	return OpenWith(dir, Options{Log: log})
}

// OpenBare opens the store on fs, bare, without the checks of the disk
// that OpenWith makes: tests use pebble's crashable in-memory file
// system to see what a crash keeps.
func OpenBare(dir string, fs vfs.FS, log *zap.Logger) (*Store, error) {
	if log == nil {
		log = zap.NewNop()
	}
	db, err := pebble.Open(dir, pebbleOptions(fs, log))
	if err != nil {
		return nil, fmt.Errorf("sim: open store %s: %w", dir, err)
	}
	st := &Store{db: db}
	if err := st.readSchema(dir); err != nil {
		_ = db.Close()
		return nil, err
	}
	return st, nil
}

// pebbleOptions are the options both opens share, so that what the tests
// open is the store the daemon runs.
func pebbleOptions(fs vfs.FS, log *zap.Logger) *pebble.Options {
	return &pebble.Options{
		FS:                 fs,
		Logger:             pebbleLogger{log.Named("pebble").Sugar()},
		FormatMajorVersion: pebble.FormatNewest,
	}
}

// OpenWith opens the store in dir, or creates it unless o.MustExist.
// Whatever pebble would repair silently by dropping data is refused
// instead: a store's files without its MANIFEST marker (ErrStoreDamaged), a
// damaged end of the write-ahead log (ErrWALDamaged). The store's files are
// created readable by the owner only.
func OpenWith(dir string, o Options) (_ *Store, err error) {
	log := o.Log
	if log == nil {
		log = zap.NewNop()
	}
	exists, err := storefiles.Exists(dir)
	if err != nil {
		return nil, err
	}
	if !exists && o.MustExist {
		return nil, fmt.Errorf("%w: %s holds no pebble store (no marker.manifest.* file)", ErrStoreMissing, dir)
	}
	fs := storefiles.PrivateFS{FS: vfs.Default}
	if err := fs.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sim: create store %s: %w", dir, err)
	}
	lock, err := storefiles.Lock(dir, fs)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = lock.Close()
		}
	}()
	if exists {
		err := storefiles.Recover(dir, fs, storefiles.Options{Log: log, AcceptDataLoss: o.AcceptDataLoss, DescribeKey: DescribeKey})
		if err != nil {
			return nil, err
		}
	}
	opts := pebbleOptions(fs, log)
	opts.Lock = lock
	opts.ErrorIfNotExists = exists // never a new store over one just seen
	db, err := pebble.Open(dir, opts)
	if errors.Is(err, pebble.ErrCorruption) {
		return nil, fmt.Errorf("%w: %s: %w", ErrStoreDamaged, dir, err)
	}
	if exists && errors.Is(err, os.ErrNotExist) {
		// Pebble fails so when a table its MANIFEST lists is gone.
		return nil, fmt.Errorf("%w: %s: a file the store's MANIFEST lists is missing (%w); "+
			"the store cannot be opened without it: restore the store from a backup", ErrStoreDamaged, dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("sim: open store %s: %w", dir, err)
	}
	st := &Store{db: db, lock: lock}
	if err := st.readSchema(dir); err != nil {
		_ = db.Close()
		return nil, err
	}
	return st, nil
}

// readSchema reads the store's layout version. A store of a newer layout
// than this code writes is refused: its records would be misread, and
// writes of the old layout would damage it. A new, empty store gets the
// current version at once; a store written before versions were stored is
// version 1, which sim.OpenLab migrates (MigrateUsage).
func (s *Store) readSchema(dir string) error {
	v, closer, err := s.db.Get(schemaKey)
	if err == nil {
		defer closer.Close()
		if len(v) != 8 {
			return fmt.Errorf("%w: %s: malformed schema version %x", ErrStoreDamaged, dir, v)
		}
		s.schema = binary.BigEndian.Uint64(v)
		if s.schema > SchemaVersion {
			return fmt.Errorf("%w: %s has layout version %d; this headendd reads versions up to %d: "+
				"run the newer headendd that wrote it", ErrStoreNewer, dir, s.schema, SchemaVersion)
		}
		return nil
	}
	if !errors.Is(err, pebble.ErrNotFound) {
		return err
	}
	empty := true
	if err := s.ScanRange(nil, nil, func(_, _ []byte) error { empty = false; return errStopScan }); err != nil && !errors.Is(err, errStopScan) {
		return err
	}
	if !empty {
		s.schema = 1
		return nil
	}
	s.schema = SchemaVersion
	return s.db.Set(schemaKey, SchemaValue(SchemaVersion), pebble.Sync)
}

var errStopScan = errors.New("stop")

// Close flushes and closes the store.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.lock == nil { // OpenBare: pebble took its own
		return err
	}
	if lerr := s.lock.Close(); err == nil {
		err = lerr
	}
	return err
}

// Schema is the store's layout version: SchemaVersion, or an older one
// until MigrateUsage brings it to SchemaVersion.
func (s *Store) Schema() uint64 { return s.schema }

// DB is the pebble database under the store, for the tests that inspect or
// damage it on purpose; writes to it bypass the lab's change pipeline.
func (s *Store) DB() *pebble.DB { return s.db }

// pebbleLogger sends pebble's chatter to debug level, but for what it says
// of the write-ahead log it replays at open, which is where data is lost.
type pebbleLogger struct{ s *zap.SugaredLogger }

func (l pebbleLogger) Infof(format string, args ...any) {
	if strings.Contains(format, "WAL") && strings.Contains(format, "stopped reading") {
		l.s.Infof(format, args...)
		return
	}
	l.s.Debugf(format, args...)
}

// PebbleLogger is the logger the store gives pebble, for a benchmark that
// opens pebble bare as the store does.
func PebbleLogger(log *zap.Logger) pebble.Logger { return pebbleLogger{log.Named("pebble").Sugar()} }

func (l pebbleLogger) Errorf(format string, args ...any) { l.s.Errorf(format, args...) }
func (l pebbleLogger) Fatalf(format string, args ...any) { l.s.Fatalf(format, args...) }

// Scan calls fn with every key of the prefix and its value, in key order,
// until fn fails. k and v are valid only during the call.
func (s *Store) Scan(prefix []byte, fn func(k, v []byte) error) error {
	return s.ScanRange(prefix, PrefixEnd(prefix), fn)
}

// ScanRange calls fn with every key in [lo, hi) and its value, as scan.
func (s *Store) ScanRange(lo, hi []byte, fn func(k, v []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		if err = fn(it.Key(), it.Value()); err != nil {
			break
		}
	}
	if cerr := it.Close(); err == nil {
		err = cerr // the iterator's error, if any
	}
	return err
}

// Batch is the writes of one change. sim.Lab.commit commits it, with the
// change's events, in one synced batch; nothing else writes a change.
type Batch struct {
	b   *pebble.Batch
	lab string
}

// NewBatch starts a change of the lab's records.
func (s *Store) NewBatch(lab string) *Batch { return &Batch{b: s.db.NewBatch(), lab: lab} }

// Close releases the batch; a committed one too.
func (b *Batch) Close() { _ = b.b.Close() }

// PutHeadend writes a headend and, if port is not 0, its console port.
func (b *Batch) PutHeadend(id uint64, d family.Device, port int) error {
	v, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("sim: encode headend: %w", err)
	}
	if err := b.b.Set(HeadendKey(b.lab, id), v, nil); err != nil {
		return err
	}
	if port != 0 {
		return b.PutPort(id, port)
	}
	return nil
}

// PutPort writes a headend's console port.
func (b *Batch) PutPort(id uint64, port int) error {
	return b.b.Set(PortKey(b.lab, id), binary.BigEndian.AppendUint16(nil, uint16(port)), nil)
}

// DeleteHeadend removes a headend and its console port.
func (b *Batch) DeleteHeadend(id uint64) error {
	if err := b.b.Delete(HeadendKey(b.lab, id), nil); err != nil {
		return err
	}
	return b.b.Delete(PortKey(b.lab, id), nil)
}

// PutClock writes the simulated clock.
func (b *Batch) PutClock(t time.Time) error {
	return b.b.Set(ClockKey(b.lab), EncodeClock(t), nil)
}

// PutEvent writes one event of the lab's log, v its encoded body.
func (b *Batch) PutEvent(seq uint64, v []byte) error {
	return b.b.Set(EventKey(b.lab, seq), v, nil)
}

// ApplyOrdered writes b to the write-ahead log and the memtable and asks
// for a sync without waiting for it: sim.Lab.commit calls it under the lock
// that orders events, so that the log holds changes in sequence order, and
// waits for the sync (SyncWait) after releasing it, so that concurrent
// changes share syncs.
func (s *Store) ApplyOrdered(b *Batch) error {
	return s.db.ApplyNoSyncWait(b.b, pebble.Sync)
}

// SyncWait waits until b, applied by ApplyOrdered, is durable.
func (s *Store) SyncWait(b *Batch) error { return b.b.SyncWait() }

// Commit writes b durably, outside the event order: for writes that carry
// no event (the console ports a lab gives at open, migrations).
func (s *Store) Commit(b *Batch) error { return b.b.Commit(pebble.Sync) }

// Headends calls fn for every stored headend of the lab, in id order, with
// its record as PutHeadend wrote it; v is valid only during the call.
func (s *Store) Headends(lab string, fn func(id uint64, v []byte) error) error {
	p := HeadendPrefix(lab)
	return s.Scan(p, func(k, v []byte) error {
		if len(k) != len(p)+8 {
			return fmt.Errorf("sim: malformed headend key %q", k)
		}
		return fn(binary.BigEndian.Uint64(k[len(p):]), v)
	})
}

type storedClock struct {
	Now time.Time `json:"now"`
}

// record reads the value of key, a copy the caller keeps (pebble's is
// valid only until its closer is closed); ok is false when there is none.
func (s *Store) record(key []byte) (v []byte, ok bool, err error) {
	got, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer closer.Close()
	return append([]byte(nil), got...), true, nil
}

// EncodeClock is the record of the simulated clock at t.
func EncodeClock(t time.Time) []byte {
	v, _ := json.Marshal(storedClock{Now: t.UTC()})
	return v
}

// Clock reads the stored simulated clock; ok is false when none is stored.
func (s *Store) Clock(lab string) (t time.Time, ok bool, err error) {
	v, closer, err := s.db.Get(ClockKey(lab))
	if errors.Is(err, pebble.ErrNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	defer closer.Close()
	var c storedClock
	if err := json.Unmarshal(v, &c); err != nil {
		return time.Time{}, false, fmt.Errorf("sim: decode clock: %w", err)
	}
	return c.Now, true, nil
}

// SyncWrite writes one small key with Sync: the baseline the benchmarks
// compare an acknowledged change against.
func (s *Store) SyncWrite(key, value []byte) error {
	return s.db.Set(append([]byte("bench/"), key...), value, pebble.Sync)
}
