package storefiles

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/batchrepr"
	"github.com/cockroachdb/pebble/v2/record"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/wal"
	"go.uber.org/zap"
)

// Errors of a store that cannot be opened as it is.
var (
	ErrDamaged = errors.New("sim: the store is damaged")
	ErrLocked  = errors.New("sim: the store is in use by another process")
	// ErrWALDamaged: records at the end of the store's write-ahead log cannot
	// be read back, so writes made before the last stop would be lost.
	ErrWALDamaged = errors.New("sim: the store's write-ahead log is damaged")
	// ErrManifestDamaged: records of the store's current MANIFEST cannot be
	// read back, so tables written before the last stop would be lost. It
	// is an ErrDamaged too.
	ErrManifestDamaged = errors.New("sim: the store's MANIFEST is damaged")
)

// Pebble's file names. A store's current MANIFEST (the list of its tables)
// is named by an empty marker file, marker.manifest.<seq>.<MANIFEST name>;
// without the marker pebble takes the directory for a new store and deletes
// the tables it does not know as obsolete.
var (
	manifestMarkerRE = regexp.MustCompile(`^marker\.manifest\.[0-9]+\.(MANIFEST-[0-9]+)$`)
	storeDataRE      = regexp.MustCompile(`^(MANIFEST-[0-9]+|[0-9]+\.(sst|blob|log))$`)
	walRE            = regexp.MustCompile(`^([0-9]+)\.log$`)
)

// Exists reports whether dir holds a pebble store. It fails with
// ErrDamaged if dir holds a store's data but not what says which
// MANIFEST is current, since opening it would start an empty store.
func Exists(dir string) (bool, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sim: store %s: %w", dir, err)
	}
	var markers, data []string
	names := map[string]bool{}
	for _, e := range ents {
		n := e.Name()
		names[n] = true
		if manifestMarkerRE.MatchString(n) {
			markers = append(markers, n)
			continue
		}
		if storeDataRE.MatchString(n) {
			if walRE.MatchString(n) {
				if fi, err := e.Info(); err == nil && fi.Size() == 0 {
					continue // a log created and never written holds nothing
				}
			}
			data = append(data, n)
		}
	}
	if len(markers) == 0 {
		if len(data) == 0 {
			return false, nil
		}
		sort.Strings(data)
		return false, fmt.Errorf("%w: %s holds a store's files (%s) but no marker.manifest.* file, "+
			"which names the current MANIFEST; opening it would start an empty store and delete its tables. "+
			"Restore the marker (an empty file named marker.manifest.000001.<the newest MANIFEST-* file>) "+
			"or start with an empty directory", ErrDamaged, dir, strings.Join(data, ", "))
	}
	sort.Strings(markers) // pebble removes obsolete markers; the newest sorts last
	m := manifestMarkerRE.FindStringSubmatch(markers[len(markers)-1])[1]
	if !names[m] {
		return false, fmt.Errorf("%w: %s: the current MANIFEST %s, named by %s, is missing",
			ErrDamaged, dir, m, markers[len(markers)-1])
	}
	return true, nil
}

// Lock takes pebble's lock on dir, telling a lock held elsewhere
// (ErrLocked) from other failures.
func Lock(dir string, fs vfs.FS) (*pebble.Lock, error) {
	l, err := pebble.LockDirectory(dir, fs)
	if err == nil {
		return l, nil
	}
	// fcntl(F_SETLK) fails with EAGAIN or EACCES when another process holds
	// the lock (fcntl(2)), where opening the file fails with an
	// *os.PathError; pebble refuses a second lock in the same process with
	// its own message.
	var pe *os.PathError
	if !errors.As(err, &pe) && (errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES)) ||
		strings.Contains(err.Error(), "lock held by current process") {
		return nil, fmt.Errorf("%w: %s (pebble LOCK file held)", ErrLocked, dir)
	}
	return nil, fmt.Errorf("sim: lock store %s: %w", dir, err)
}

// PrivateFS creates pebble's files and directories readable by the owner
// only: the store holds users' password hashes and activation keys.
type PrivateFS struct{ vfs.FS }

func (fs PrivateFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, c)
	return ownerOnly(name, f, err)
}

func (fs PrivateFS) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := fs.FS.OpenReadWrite(name, c, opts...)
	return ownerOnly(name, f, err)
}

// ownerOnly makes the file f just opened as name, unless that failed with
// err, readable by the owner only.
func ownerOnly(name string, f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(name, 0o600); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (fs PrivateFS) MkdirAll(dir string, _ os.FileMode) error { return fs.FS.MkdirAll(dir, 0o700) }

func (fs PrivateFS) Lock(name string) (io.Closer, error) {
	c, err := fs.FS.Lock(name)
	if err == nil {
		_ = os.Chmod(name, 0o600) // the lock file holds nothing
	}
	return c, err
}

// walDamage describes the unreadable end of a store's newest write-ahead
// log.
type walDamage struct {
	file   string // path of the log file
	offset int64  // where reading stopped: every record before it is intact
	size   int64  // of the file
	walTail
}

// lostBatch is one write found, whole or in part, after the damage: what
// it sets or deletes, described for a reader.
type lostBatch []string

func (d *walDamage) Error() string {
	var b strings.Builder
	why := "a record there cannot be read"
	switch {
	case d.bad:
		why = "a record there fails its checksum"
	case d.cut:
		why = "the file ends inside a record"
	}
	fmt.Fprintf(&b, "%s: the records from offset %d of %d bytes cannot be read back (%s)", d.file, d.offset, d.size, why)
	if len(d.lost) == 0 {
		b.WriteString("; no write could be made out in them")
		return b.String()
	}
	fmt.Fprintf(&b, "; they hold %d write(s):", len(d.lost))
	for i, l := range d.lost {
		if i == 10 {
			fmt.Fprintf(&b, " and %d more;", len(d.lost)-i)
			break
		}
		fmt.Fprintf(&b, " %s;", strings.Join(l, ", "))
	}
	return strings.TrimSuffix(b.String(), ";")
}

// checkWAL reads the newest write-ahead log of dir the way pebble replays
// it. Pebble stops at the first unreadable record of the newest log and
// opens without it, saying so only at info level, because a crash in the
// middle of a write leaves such a tail. Two such tails are harmless: zeros
// (a file extended but never written) and chunks of an older log (pebble
// reuses old log files, and every chunk carries its log's number). Anything
// else carrying this log's number is a write that was made, and possibly
// acknowledged, and would be dropped. checkWAL returns that, or nil;
// describe names the keys of the writes in it.
func checkWAL(dir string, fs vfs.FS, describe func(key []byte) string) (*walDamage, error) {
	logs, err := wal.Scan(wal.Dir{FS: fs, Dirname: dir})
	if err != nil {
		return nil, fmt.Errorf("sim: list write-ahead logs of %s: %w", dir, err)
	}
	if len(logs) == 0 {
		return nil, nil
	}
	ll := logs[len(logs)-1]
	r := ll.OpenForRead()
	defer r.Close()
	var off wal.Offset
	err = readRecords(func() (rec io.Reader, err error) {
		rec, off, err = r.NextRecord()
		return rec, err
	})
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if !errors.Is(err, record.ErrUnexpectedEOF) && !errors.Is(err, record.ErrInvalidChunk) && !errors.Is(err, record.ErrZeroedChunk) {
		return nil, fmt.Errorf("sim: read write-ahead log %s: %w", off.PhysicalFile, err)
	}
	b, rerr := os.ReadFile(off.PhysicalFile)
	if rerr != nil {
		return nil, fmt.Errorf("sim: read write-ahead log: %w", rerr)
	}
	m := walRE.FindStringSubmatch(filepath.Base(off.PhysicalFile))
	if m == nil {
		return nil, nil // a failover segment; this daemon configures none
	}
	num, err := strconv.ParseUint(m[1], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("sim: write-ahead log %s: %w", off.PhysicalFile, err)
	}
	t := readWALTail(b, off.Physical, uint32(num), describe) // chunks carry the low 32 bits
	if !t.ours {
		return nil, nil
	}
	return &walDamage{file: off.PhysicalFile, offset: off.Physical, size: int64(len(b)), walTail: t}, nil
}

// The log's chunk format (pebble's record package): blocks of 32 KiB; a
// chunk is a header (checksum 4, length 2, encoding 1, then in the
// recyclable and WAL-sync encodings the log number 4, and in the WAL-sync
// encoding a synced offset 8) and a payload. A block's tail too short for
// a header is zeros.
const (
	walBlockSize       = 32 << 10
	walLegacyHeader    = 7
	walSyncHeader      = walLegacyHeader + 4 + 8
	walRecyclableStart = 5  // encodings 5-8: recyclable full, first, middle, last
	walSyncStart       = 9  // encodings 9-12: WAL-sync full, first, middle, last
	walEncodings       = 13 // first invalid encoding
)

// walTail is what follows the last readable record of a log.
type walTail struct {
	ours    bool // any chunk of this log (not zeros, an older log's chunks or nothing)
	records int  // of this log that start there
	lost    []lostBatch
	// cut: this log's bytes end inside the last record, at stop; bad: a
	// whole chunk fails its checksum.
	cut, bad bool
	stop     int
	// crossesPage: the first damaged record spans a page boundary.
	crossesPage bool
	// writtenOn: an intact chunk of this log, or its end-of-log trailer,
	// follows the damage, so the writer went on past it: no crash cut it.
	writtenOn bool
	size      int // of the log
	start     int // of the first damaged record
	// olderEnd: the file ends with the end-of-log trailer of a log other
	// than this one and the next: it is a reused file, whose older log ends
	// where this log's last record is cut.
	olderEnd bool
}

// crashTorn reports whether the damage is what a crash leaves when it cuts
// off a write in progress, which was not yet synced, so never acknowledged.
// Linux cuts a write to a file short only at a page boundary when the
// process is killed (generic_perform_write in mm/filemap.c checks for a
// fatal signal before copying each page), and pebble writes a record in one
// write call but for where it crosses a 32 KiB block. So the tail of a crash is one record, the last,
// cut at a 4 KiB boundary: where the file ends, or, in a reused log file,
// where the older log's bytes resume (the chunk then fails its checksum).
//
// A torn record in a reused file is followed by the older log's bytes: a
// record that fails its checksum where the file ends with it, or where
// this log goes on after it, was written whole and damaged since. Where
// the older log ends before the torn record would have, the file ends
// inside it, past the page boundary it was cut at.
func (t walTail) crashTorn() bool {
	pageInside := (t.stop-1)/4096 != t.start/4096
	return t.records == 1 && !t.writtenOn &&
		(t.cut && !t.bad && (t.stop%4096 == 0 || t.olderEnd && pageInside) || t.bad && t.crossesPage && t.stop < t.size)
}

// readWALTail reads the chunks of log num found from off on.
func readWALTail(b []byte, off int64, num uint32, describe func([]byte) string) walTail {
	var t walTail
	p := int(off)
	var rec []byte
	inRec := false
	for p < len(b) {
		left := walBlockSize - p%walBlockSize
		// The writer zeros the end of a block too short for its header:
		// up to 18 bytes in the WAL-sync encoding (pebble's record reader
		// skips them the same way).
		if left < walSyncHeader && allZero(b[p:min(len(b), p+left)]) {
			p += left
			continue
		}
		if len(b)-p < walLegacyHeader+4 {
			// A header cut short: a write in progress unless it is zeros.
			if !allZero(b[p:]) {
				t.ours, t.cut = true, true
				if !inRec {
					t.records++
				}
				p = len(b)
			}
			break
		}
		length := int(binary.LittleEndian.Uint16(b[p+4:]))
		enc := int(b[p+6])
		if enc < walRecyclableStart || enc >= walEncodings || binary.LittleEndian.Uint32(b[p+7:]) != num {
			// Zeros, or bytes of an older log (the writer never writes the
			// legacy encodings 1-4), maybe where a record should go on; or
			// this log's end-of-log trailer, which a clean close writes: a
			// recyclable chunk header with checksum and length 0 carrying
			// the next log's number.
			if enc == walRecyclableStart && length == 0 && binary.LittleEndian.Uint32(b[p:]) == 0 &&
				binary.LittleEndian.Uint32(b[p+7:]) == num+1 {
				t.writtenOn = true
			}
			break
		}
		t.ours = true
		hdr := walLegacyHeader + 4
		if enc >= walSyncStart {
			hdr += 8
		}
		pos := (enc - walRecyclableStart) % 4 // 0 full, 1 first, 2 middle, 3 last
		end := min(len(b), p+hdr+length, p+left)
		if p+hdr+length > len(b) {
			t.cut = true
		} else if p+hdr+length <= p+left {
			if binary.LittleEndian.Uint32(b[p:]) != walChecksum(b[p+6:p+hdr+length]) {
				t.bad = true
			} else if t.bad {
				t.writtenOn = true
			}
		}
		if pos == 0 || pos == 1 {
			if inRec {
				t.lost = appendLost(t.lost, rec, describe)
			}
			rec, inRec = nil, true
			t.records++
		}
		if t.records == 1 && (p+hdr+length-1)/4096 != int(off)/4096 {
			t.crossesPage = true
		}
		rec = append(rec, b[p+hdr:end]...)
		if pos == 0 || pos == 3 {
			t.lost = appendLost(t.lost, rec, describe)
			rec, inRec = nil, false
		}
		p = end
	}
	if inRec {
		t.lost = appendLost(t.lost, rec, describe)
		t.cut = true
	}
	t.stop, t.size, t.start = p, len(b), int(off)
	if n := len(b) - walLegacyHeader - 4; n >= 0 {
		h := b[n:]
		other := binary.LittleEndian.Uint32(h[7:])
		t.olderEnd = binary.LittleEndian.Uint32(h) == 0 && binary.LittleEndian.Uint16(h[4:]) == 0 &&
			h[6] == walRecyclableStart && other != num && other != num+1
	}
	return t
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// walChecksum is a chunk's checksum: CRC-32C of the encoding byte, the rest
// of the header and the payload, masked as LevelDB masks it.
func walChecksum(b []byte) uint32 {
	c := crc32.Checksum(b, castagnoli)
	return (c>>15 | c<<17) + 0xa282ead8
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// appendLost adds the write whose batch (perhaps cut short or damaged) is
// repr, if its header can be read.
func appendLost(lost []lostBatch, repr []byte, describe func([]byte) string) []lostBatch {
	h, ok := batchrepr.ReadHeader(repr)
	if !ok {
		return lost
	}
	var l lostBatch
	r := batchrepr.Read(repr)
	for range h.Count {
		// The key comes first: name it even if what follows is cut off.
		var key []byte
		var kind pebble.InternalKeyKind
		if len(r) > 0 {
			kind = pebble.InternalKeyKind(r[0])
			_, key, _ = batchrepr.DecodeStr(r[1:])
		}
		verb := "set"
		if kind == pebble.InternalKeyKindDelete || kind == pebble.InternalKeyKindSingleDelete {
			verb = "delete"
		}
		if _, _, _, ok, err := r.Next(); !ok || err != nil {
			if key != nil {
				l = append(l, verb+" "+describe(key)+" (cut short)")
			} else {
				l = append(l, "(unreadable)")
			}
			break
		}
		l = append(l, verb+" "+describe(key))
	}
	return append(lost, l)
}

// Options say what Recover does with what it finds.
type Options struct {
	// Log receives, at error level, what is dropped; nil discards it.
	Log *zap.Logger
	// AcceptDataLoss opens a store whose write-ahead log or MANIFEST has a
	// damaged end, without what is in it; a copy of the file is kept
	// beside the store as <dir>.<file>.damaged. Without it Recover fails
	// with ErrWALDamaged or ErrManifestDamaged.
	AcceptDataLoss bool
	// DescribeKey names for a reader what a key of a lost write holds;
	// nil quotes the key.
	DescribeKey func(key []byte) string
}

// Recover checks the store in dir, locked by the caller, before pebble
// opens it: the current MANIFEST, then the newest write-ahead log on fs.
// Where pebble would drop data without an error it refuses the store, or
// with o.AcceptDataLoss leaves it as pebble would open it, keeping a copy
// of what was damaged.
func Recover(dir string, fs vfs.FS, o Options) error {
	log := o.Log
	if log == nil {
		log = zap.NewNop()
	}
	describe := o.DescribeKey
	if describe == nil {
		describe = func(k []byte) string { return fmt.Sprintf("%q", k) }
	}
	if err := recoverManifest(dir, o.AcceptDataLoss, log); err != nil {
		return err
	}
	return recoverWAL(dir, fs, o.AcceptDataLoss, describe, log)
}

// recoverWAL refuses a store whose newest write-ahead log has a damaged
// end, or with accept keeps a copy of the log beside the store, cuts the
// log where its intact records end (what pebble would have replayed), and
// logs what is dropped at error level. A write cut off by a crash is only
// logged: it was never acknowledged.
func recoverWAL(dir string, fs vfs.FS, accept bool, describe func([]byte) string, log *zap.Logger) error {
	d, err := checkWAL(dir, fs, describe)
	if err != nil || d == nil {
		return err
	}
	if d.crashTorn() {
		// Pebble replays the log up to this write and drops it; there is
		// nothing to refuse, but what is dropped is said where it is seen.
		log.Error("store write-ahead log ends in a write cut off by a crash before it was synced, so never acknowledged: it is dropped",
			zap.String("wal", d.file), zap.Int64("offset", d.offset), zap.Int64("size", d.size), zap.String("lost", d.Error()))
		return nil
	}
	if !accept {
		return fmt.Errorf("%w: %w", ErrWALDamaged, d)
	}
	keep := filepath.Clean(dir) + "." + filepath.Base(d.file) + ".damaged"
	if err := copyFileSynced(d.file, keep); err != nil {
		return fmt.Errorf("sim: keep a copy of the damaged log: %w", err)
	}
	if err := truncateSynced(d.file, d.offset); err != nil {
		return fmt.Errorf("sim: cut the damaged log: %w", err)
	}
	log.Error("store write-ahead log damaged: its end is dropped",
		zap.String("wal", d.file), zap.Int64("offset", d.offset), zap.Int64("size", d.size),
		zap.Int("writes_lost", len(d.lost)), zap.String("lost", d.Error()), zap.String("copy", keep))
	return nil
}

func copyFileSynced(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err = f.Write(b); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func truncateSynced(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err = f.Truncate(size); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// manifestDamage describes the unreadable end of a store's current
// MANIFEST.
type manifestDamage struct {
	file         string
	offset, size int64
	bad          bool // a chunk fails its checksum or is no chunk
}

func (d *manifestDamage) Error() string {
	why := "the file ends inside a record"
	if d.bad {
		why = "a record there fails its checksum"
	}
	return fmt.Sprintf("%s: the records from offset %d of %d bytes cannot be read back (%s); "+
		"pebble would open the store without the tables they list, and delete those tables",
		d.file, d.offset, d.size, why)
}

// checkManifest reads the current MANIFEST of dir, the list of the store's
// tables, the way pebble loads it. Pebble stops at the first record it
// cannot read, wherever it is, opens the store with the tables listed
// before it and deletes the others as obsolete, without a word. A crash
// leaves such a record only at the end, cut short at a page boundary (see
// crashTorn; a MANIFEST file is never reused), or zeros; checkManifest
// returns anything else, or nil.
func checkManifest(dir string) (*manifestDamage, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("sim: store %s: %w", dir, err)
	}
	var markers []string
	for _, e := range ents {
		if manifestMarkerRE.MatchString(e.Name()) {
			markers = append(markers, e.Name())
		}
	}
	if len(markers) == 0 {
		return nil, nil
	}
	sort.Strings(markers)
	path := filepath.Join(dir, manifestMarkerRE.FindStringSubmatch(markers[len(markers)-1])[1])
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sim: read %s: %w", path, err)
	}
	r := record.NewReader(bytes.NewReader(b), 0)
	var off int64
	err = readRecords(func() (io.Reader, error) {
		off = r.Offset()
		return r.Next()
	})
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if !record.IsInvalidRecord(err) {
		return nil, fmt.Errorf("sim: read %s: %w", path, err)
	}
	if allZero(b[off:]) {
		return nil, nil
	}
	d := &manifestDamage{file: path, offset: off, size: int64(len(b))}
	// The legacy chunk format: a 7-byte header (checksum 4, length 2,
	// encoding 1-4), the payload; a block's tail too short for a header is
	// zeros.
	for p := int(off); p < len(b); {
		left := walBlockSize - p%walBlockSize
		if left < walLegacyHeader {
			d.bad = d.bad || !allZero(b[p:min(len(b), p+left)])
			p += left
			continue
		}
		if len(b)-p < walLegacyHeader {
			break // a header cut short
		}
		length := int(binary.LittleEndian.Uint16(b[p+4:]))
		if enc := b[p+6]; enc < 1 || enc >= walRecyclableStart || p+walLegacyHeader+length > p+left {
			d.bad = true
			break
		}
		if p+walLegacyHeader+length > len(b) {
			break // a payload cut short
		}
		if binary.LittleEndian.Uint32(b[p:]) != walChecksum(b[p+6:p+walLegacyHeader+length]) {
			d.bad = true
			break
		}
		p += walLegacyHeader + length
	}
	if !d.bad && len(b)%4096 == 0 {
		return nil, nil // the last record, cut short by a crash before it was synced
	}
	return d, nil
}

// recoverManifest refuses a store whose current MANIFEST has a damaged end,
// or with accept keeps a copy of it beside the store and logs at error
// level what pebble then drops.
func recoverManifest(dir string, accept bool, log *zap.Logger) error {
	d, err := checkManifest(dir)
	if err != nil || d == nil {
		return err
	}
	if !accept {
		return fmt.Errorf("%w: %w: %w", ErrDamaged, ErrManifestDamaged, d)
	}
	keep := filepath.Clean(dir) + "." + filepath.Base(d.file) + ".damaged"
	if err := copyFileSynced(d.file, keep); err != nil {
		return fmt.Errorf("sim: keep a copy of the damaged MANIFEST: %w", err)
	}
	log.Error("store MANIFEST damaged: the tables listed at its end are dropped",
		zap.String("manifest", d.file), zap.Int64("offset", d.offset), zap.Int64("size", d.size),
		zap.String("lost", d.Error()), zap.String("copy", keep))
	return nil
}

// readRecords reads the records next returns, each to its end, until one
// cannot be read, and returns why: io.EOF at a clean end of the file.
func readRecords(next func() (io.Reader, error)) error {
	for {
		rec, err := next()
		if err == nil {
			_, err = io.Copy(io.Discard, rec)
		}
		if err != nil {
			return err
		}
	}
}
