package sim

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
)

// Store is the lab's durable state in an embedded pebble database. Every
// write is one batch committed with Sync before the caller acknowledges the
// change.
//
// Keys, per lab (room for several labs per daemon):
//
//	l/<lab>/h/<id, 8 bytes big-endian>  a headend, JSON
//	l/<lab>/clock                       the simulated clock, JSON
//	l/<lab>/ssh/<id, 8 bytes big-endian> a headend's SSH console port, 2 bytes
//
// A headend is keyed by an internal id rather than its hostname, so that a
// rename (`hostname` then `write memory`, or a reload onto a saved hostname)
// rewrites one key instead of moving it.
type Store struct {
	db   *pebble.DB
	lock *pebble.Lock
}

// StoreOptions are the options of OpenStoreWith.
type StoreOptions struct {
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

// OpenStore opens or creates the store in dir.
func OpenStore(dir string, log *zap.Logger) (*Store, error) {
	return OpenStoreWith(dir, StoreOptions{Log: log})
}

// openStore opens the store on fs, bare, without the checks of the disk
// that OpenStoreWith makes: tests use pebble's crashable in-memory file
// system to see what a crash keeps.
func openStore(dir string, fs vfs.FS, log *zap.Logger) (*Store, error) {
	if log == nil {
		log = zap.NewNop()
	}
	db, err := pebble.Open(dir, pebbleOptions(fs, log))
	if err != nil {
		return nil, fmt.Errorf("sim: open store %s: %w", dir, err)
	}
	return &Store{db: db}, nil
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

// OpenStoreWith opens the store in dir, or creates it unless o.MustExist.
// Whatever pebble would repair silently by dropping data is refused
// instead: a store's files without its MANIFEST marker (ErrStoreDamaged), a
// damaged end of the write-ahead log (ErrWALDamaged). The store's files are
// created readable by the owner only.
func OpenStoreWith(dir string, o StoreOptions) (_ *Store, err error) {
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
		err := storefiles.Recover(dir, fs, storefiles.Options{Log: log, AcceptDataLoss: o.AcceptDataLoss, DescribeKey: describeKey})
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
	return &Store{db: db, lock: lock}, nil
}

// Close flushes and closes the store.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.lock == nil { // openStore: pebble took its own
		return err
	}
	if lerr := s.lock.Close(); err == nil {
		err = lerr
	}
	return err
}

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
func (l pebbleLogger) Errorf(format string, args ...any) { l.s.Errorf(format, args...) }
func (l pebbleLogger) Fatalf(format string, args ...any) { l.s.Fatalf(format, args...) }

func labPrefix(lab string) []byte { return []byte("l/" + lab + "/") }

func headendPrefix(lab string) []byte { return append(labPrefix(lab), "h/"...) }

func headendKey(lab string, id uint64) []byte {
	return binary.BigEndian.AppendUint64(headendPrefix(lab), id)
}

func clockKey(lab string) []byte { return append(labPrefix(lab), "clock"...) }

// describeKey names what a store key holds (see Store), for a reader of
// what a damaged write-ahead log would lose.
func describeKey(k []byte) string {
	s := string(k)
	if !strings.HasPrefix(s, "l/") {
		return fmt.Sprintf("%q", k)
	}
	lab, rest, ok := strings.Cut(s[2:], "/")
	if !ok {
		return fmt.Sprintf("%q", k)
	}
	id := func(p string) (uint64, bool) {
		if len(rest) != len(p)+8 || !strings.HasPrefix(rest, p) {
			return 0, false
		}
		return binary.BigEndian.Uint64([]byte(rest[len(p):])), true
	}
	if n, ok := id("h/"); ok {
		return fmt.Sprintf("headend id %d of lab %s", n, lab)
	}
	if n, ok := id("ssh/"); ok {
		return fmt.Sprintf("console port of headend id %d of lab %s", n, lab)
	}
	if rest == "clock" {
		return "clock of lab " + lab
	}
	kind, _, _ := strings.Cut(rest, "/")
	return fmt.Sprintf("%s record of lab %s", kind, lab)
}

// prefixEnd is the first key after every key with the prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// scan calls fn with every key of the prefix and its value, in key order,
// until fn fails. k and v are valid only during the call.
func (s *Store) scan(prefix []byte, fn func(k, v []byte) error) error {
	return s.scanRange(prefix, prefixEnd(prefix), fn)
}

// scanRange calls fn with every key in [lo, hi) and its value, as scan.
func (s *Store) scanRange(lo, hi []byte, fn func(k, v []byte) error) error {
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

// putHeadend writes a headend and, if port is not 0, its console port in
// one synced batch.
func (s *Store) putHeadend(lab string, id uint64, d family.Device, port int) error {
	v, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("sim: encode headend: %w", err)
	}
	b := s.db.NewBatch()
	defer b.Close()
	if err := b.Set(headendKey(lab, id), v, nil); err != nil {
		return err
	}
	if port != 0 {
		if err := b.Set(portKey(lab, id), portValue(port), nil); err != nil {
			return err
		}
	}
	return b.Commit(pebble.Sync)
}

// deleteHeadend removes a headend and its console port durably.
func (s *Store) deleteHeadend(lab string, id uint64) error {
	b := s.db.NewBatch()
	defer b.Close()
	if err := b.Delete(headendKey(lab, id), nil); err != nil {
		return err
	}
	if err := b.Delete(portKey(lab, id), nil); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

// loadHeadends calls fn for every stored headend of the lab, in id order.
func (s *Store) loadHeadends(lab string, fn func(id uint64, d family.Device) error) error {
	p := headendPrefix(lab)
	return s.scan(p, func(k, v []byte) error {
		if len(k) != len(p)+8 {
			return fmt.Errorf("sim: malformed headend key %q", k)
		}
		id := binary.BigEndian.Uint64(k[len(p):])
		d, err := decodeDevice(v)
		if err != nil {
			return fmt.Errorf("sim: headend %d: %w", id, err)
		}
		return fn(id, d)
	})
}

type storedClock struct {
	Now time.Time `json:"now"`
}

// putClock writes the simulated clock durably.
func (s *Store) putClock(lab string, t time.Time) error {
	v, _ := json.Marshal(storedClock{Now: t.UTC()})
	return s.db.Set(clockKey(lab), v, pebble.Sync)
}

// loadClock reads the stored simulated clock; ok is false when none is stored.
func (s *Store) loadClock(lab string) (t time.Time, ok bool, err error) {
	v, closer, err := s.db.Get(clockKey(lab))
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
