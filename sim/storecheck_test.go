package sim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	simstore "github.com/asalab/asalab/sim/store"
)

// writeHeadends opens a store in dir, writes headends 1 to n (raw values,
// each in its own synced batch, as the lab does) and closes it. Closing
// leaves them in the write-ahead log: pebble flushes nothing at close.
func writeHeadends(t *testing.T, dir string, n int) { writeHeadendsSized(t, dir, n, 200) }

func writeHeadendsSized(t *testing.T, dir string, n, size int) {
	t.Helper()
	writeHeadendSizes(t, dir, slices.Repeat([]int{size}, n)...)
}

// writeHeadendSizes is writeHeadends with a value of sizes[i] bytes for
// headend i+1.
func writeHeadendSizes(t *testing.T, dir string, sizes ...int) {
	t.Helper()
	s, err := OpenStore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, size := range sizes {
		if err := s.DB().Set(simstore.HeadendKey(DefaultLab, uint64(i+1)), []byte(strings.Repeat("v", size)), pebble.Sync); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// storedIDs opens the store in dir and lists the headend ids it holds.
func storedIDs(t *testing.T, dir string, o StoreOptions) ([]uint64, error) {
	t.Helper()
	s, err := OpenStoreWith(dir, o)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var ids []uint64
	p := simstore.HeadendPrefix(DefaultLab)
	err = s.Scan(p, func(k, _ []byte) error {
		ids = append(ids, uint64(k[len(p)+7])) // small ids: the last byte
		return nil
	})
	return ids, err
}

func storeFiles(t *testing.T, dir, glob string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, glob))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readWAL is the path and the bytes of the store's newest write-ahead log.
func readWAL(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	wal := newestWAL(t, dir)
	b, err := os.ReadFile(wal)
	if err != nil {
		t.Fatal(err)
	}
	return wal, b
}

// olderLog is the write-ahead log of another store holding headends 1 to n
// of size bytes, under a log number other than wal's: what a file reused
// from an older log holds past the end of the new one.
func olderLog(t *testing.T, wal string, n, size int) []byte {
	t.Helper()
	other := filepath.Join(t.TempDir(), "other")
	writeHeadends(t, other, 0) // a log with another number
	writeHeadendsSized(t, other, n, size)
	otherWAL := newestWAL(t, other)
	if filepath.Base(otherWAL) == filepath.Base(wal) {
		t.Fatalf("the other log has this log's number: %s", otherWAL)
	}
	old, err := os.ReadFile(otherWAL)
	if err != nil {
		t.Fatal(err)
	}
	return old
}

// newestWAL is the path of the store's newest write-ahead log.
func newestWAL(t *testing.T, dir string) string {
	t.Helper()
	logs := storeFiles(t, dir, "*.log")
	if len(logs) == 0 {
		t.Fatal("no write-ahead log")
	}
	slices.Sort(logs)
	return logs[len(logs)-1]
}

func TestStoreRefusesMissingManifestMarker(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	writeHeadends(t, dir, 3)
	markers := storeFiles(t, dir, "marker.manifest.*")
	if len(markers) != 1 {
		t.Fatalf("markers: %v", markers)
	}
	if err := os.Remove(markers[0]); err != nil {
		t.Fatal(err)
	}
	before := storeFiles(t, dir, "*")
	_, err := storedIDs(t, dir, StoreOptions{})
	if !errors.Is(err, ErrStoreDamaged) || !strings.Contains(err.Error(), "no marker.manifest.* file") {
		t.Fatalf("open without the marker: %v, want ErrStoreDamaged naming the marker", err)
	}
	if after := storeFiles(t, dir, "*"); !slices.Equal(before, after) {
		t.Errorf("a refused open changed the store's files:\nbefore %v\nafter  %v", before, after)
	}
	// Put back, the store opens whole.
	if err := os.WriteFile(markers[0], nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if ids, err := storedIDs(t, dir, StoreOptions{}); err != nil || len(ids) != 3 {
		t.Fatalf("with the marker restored: ids %v, %v", ids, err)
	}
}

func TestStoreRefusesMissingManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	writeHeadends(t, dir, 1)
	for _, m := range storeFiles(t, dir, "MANIFEST-*") {
		if err := os.Remove(m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := storedIDs(t, dir, StoreOptions{}); !errors.Is(err, ErrStoreDamaged) || !strings.Contains(err.Error(), "is missing") {
		t.Fatalf("open without the MANIFEST: %v, want ErrStoreDamaged", err)
	}
}

// A table the MANIFEST lists is gone: the error says the store is damaged
// and what to do, not only pebble's words.
func TestStoreRefusesMissingTable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	flushedStore(t, dir, 1)
	ssts := storeFiles(t, dir, "*.sst")
	if len(ssts) == 0 {
		t.Fatal("no table written")
	}
	for _, f := range ssts {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	_, err := storedIDs(t, dir, StoreOptions{MustExist: true})
	if !errors.Is(err, ErrStoreDamaged) || !strings.Contains(err.Error(), "restore the store from a backup") {
		t.Fatalf("open without its table: %v, want ErrStoreDamaged saying to restore the store", err)
	}
}

// flushedStore writes rounds of 19 headends to a store in dir, flushing
// each round to a table, so that the tables are listed only by the
// MANIFEST (pebble deletes the logs they came from), and closes it.
func flushedStore(t *testing.T, dir string, rounds int) (manifest string) {
	t.Helper()
	s, err := OpenStore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for r := range rounds {
		for i := 1; i < 20; i++ {
			if err := s.DB().Set(simstore.HeadendKey(DefaultLab, uint64(r*100+i)), []byte(strings.Repeat("v", 200)), pebble.Sync); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DB().Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	m := storeFiles(t, dir, "MANIFEST-*")
	slices.Sort(m)
	return m[len(m)-1]
}

// Pebble opens a store whose MANIFEST cannot be read to its end with the
// tables listed before the damage, and deletes the others, without a word:
// such a store is refused, but for the end a crash leaves.
func TestStoreManifestDamaged(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(b []byte) []byte
		want   string
	}{
		{"cut", func(b []byte) []byte { return b[:len(b)-120] }, "(the file ends inside a record)"},
		{"flipped", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }, "(a record there fails its checksum)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			m := flushedStore(t, dir, 12)
			b, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(m, tc.damage(b), 0o600); err != nil {
				t.Fatal(err)
			}
			damaged, _ := os.ReadFile(m)
			_, err = storedIDs(t, dir, StoreOptions{MustExist: true})
			if !errors.Is(err, ErrManifestDamaged) || !errors.Is(err, ErrStoreDamaged) ||
				!strings.Contains(err.Error(), m+": the records from offset") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("open: %v; want ErrManifestDamaged naming %s and saying %q", err, m, tc.want)
			}
			if now, _ := os.ReadFile(m); !slices.Equal(now, damaged) {
				t.Error("a refused open changed the MANIFEST")
			}
			core, logs := observer.New(zapcore.InfoLevel)
			ids, err := storedIDs(t, dir, StoreOptions{MustExist: true, AcceptDataLoss: true, Log: zap.New(core)})
			if err != nil || len(ids) >= 12*19 {
				t.Fatalf("with AcceptDataLoss: %d headends, %v; want fewer than %d", len(ids), err, 12*19)
			}
			if e := logs.FilterMessage("store MANIFEST damaged: the tables listed at its end are dropped").All(); len(e) != 1 || e[0].Level != zapcore.ErrorLevel {
				t.Errorf("log of the loss: %v", e)
			}
			if kept, err := os.ReadFile(dir + "." + filepath.Base(m) + ".damaged"); err != nil || !slices.Equal(kept, damaged) {
				t.Errorf("the copy of the damaged MANIFEST: %d bytes, %v", len(kept), err)
			}
		})
	}
	// Cut at a page boundary, as a crash cuts a write, the same MANIFEST
	// opens: the record cut was never synced.
	dir := filepath.Join(t.TempDir(), "store")
	m := flushedStore(t, dir, 60)
	if fi, err := os.Stat(m); err != nil || fi.Size() <= 4096 {
		t.Fatalf("MANIFEST: %v, %v; want more than 4096 bytes", fi, err)
	}
	if err := os.Truncate(m, 4096); err != nil {
		t.Fatal(err)
	}
	if _, err := storedIDs(t, dir, StoreOptions{MustExist: true}); err != nil {
		t.Fatalf("MANIFEST cut at 4096: %v", err)
	}
}

func TestStoreMustExist(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	_, err := OpenStoreWith(dir, StoreOptions{MustExist: true})
	if !errors.Is(err, ErrStoreMissing) {
		t.Fatalf("MustExist on no store: %v, want ErrStoreMissing", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused open created %s: %v", dir, err)
	}
	// An empty directory (say, the store's files deleted) is no store either.
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenStoreWith(dir, StoreOptions{MustExist: true}); !errors.Is(err, ErrStoreMissing) {
		t.Fatalf("MustExist on an empty dir: %v, want ErrStoreMissing", err)
	}
	writeHeadends(t, dir, 1)
	if ids, err := storedIDs(t, dir, StoreOptions{MustExist: true}); err != nil || len(ids) != 1 {
		t.Fatalf("MustExist on a store: ids %v, %v", ids, err)
	}
}

func TestStoreLockedByAnother(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := OpenStore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = OpenStore(dir, nil)
	if !errors.Is(err, ErrStoreLocked) || !strings.Contains(err.Error(), "pebble LOCK file held") {
		t.Fatalf("second open: %v, want ErrStoreLocked", err)
	}
}

func TestStoreFilesOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	writeHeadends(t, dir, 1)
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("store dir mode %#o, want 0700", fi.Mode().Perm())
	}
	for _, p := range storeFiles(t, dir, "*") {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s mode %#o: readable by others", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

// The tail of the newest log is damaged two ways a disk or a careless hand
// damages it: cut short, and a byte changed. Pebble would open without the
// last write; the store refuses, naming it, and with AcceptDataLoss opens
// without it and keeps a copy of the log.
func TestStoreWALDamaged(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(b []byte) []byte
		want   string   // in the error
		left   []uint64 // the headends left with AcceptDataLoss
	}{
		// The log holds three writes of about 250 bytes each and ends with
		// an 11-byte end-of-log trailer.
		{"cut", func(b []byte) []byte { return b[:len(b)-11-100] },
			"(the file ends inside a record); they hold 1 write(s): set headend id 3 of lab default (cut short)", []uint64{1, 2}},
		{"flipped", func(b []byte) []byte { b[len(b)-11-50] ^= 0x40; return b },
			"(a record there fails its checksum); they hold 1 write(s): set headend id 3 of lab default", []uint64{1, 2}},
		// Damage in the first write, followed by intact ones: pebble
		// itself refuses this log.
		{"first", func(b []byte) []byte { b[100] ^= 0x40; return b },
			"they hold 3 write(s): set headend id 1 of lab default; set headend id 2 of lab default; set headend id 3 of lab default", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			writeHeadends(t, dir, 3)
			wal, b := readWAL(t, dir)
			if err := os.WriteFile(wal, tc.damage(b), 0o600); err != nil {
				t.Fatal(err)
			}
			damaged, _ := os.ReadFile(wal)

			_, err := storedIDs(t, dir, StoreOptions{})
			if !errors.Is(err, ErrWALDamaged) {
				t.Fatalf("open: %v, want ErrWALDamaged", err)
			}
			for _, want := range []string{filepath.Base(wal), "cannot be read back", tc.want} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q: %v", want, err)
				}
			}
			if now, _ := os.ReadFile(wal); string(now) != string(damaged) {
				t.Error("a refused open changed the log")
			}

			core, logs := observer.New(zapcore.InfoLevel)
			ids, err := storedIDs(t, dir, StoreOptions{AcceptDataLoss: true, Log: zap.New(core)})
			if err != nil || !slices.Equal(ids, tc.left) {
				t.Fatalf("with AcceptDataLoss: ids %v, %v; want %v", ids, err, tc.left)
			}
			e := logs.FilterMessage("store write-ahead log damaged: its end is dropped").All()
			if len(e) != 1 || e[0].Level != zapcore.ErrorLevel || e[0].ContextMap()["writes_lost"] != int64(3-len(tc.left)) {
				t.Errorf("log of the loss: %v", e)
			}
			if kept, err := os.ReadFile(dir + "." + filepath.Base(wal) + ".damaged"); err != nil || string(kept) != string(damaged) {
				t.Errorf("the copy of the damaged log: %d bytes, %v; want the %d damaged bytes", len(kept), err, len(damaged))
			}
			// What is left is whole: the next open needs no flag.
			if ids, err := storedIDs(t, dir, StoreOptions{}); err != nil || !slices.Equal(ids, tc.left) {
				t.Fatalf("reopened: ids %v, %v", ids, err)
			}
		})
	}
}

// A write the process was killed in the middle of was never acknowledged:
// Linux cuts it at a page boundary, and pebble writes a record that crosses
// a 32 KiB block in one write per block. The store opens without it,
// saying at error level what is dropped.
func TestStoreWALCutByCrash(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, size    int
		cut        int
		reusedFile bool // the log file held an older log, whose bytes follow the cut
		left       []uint64
	}{
		// Each write 1854 bytes: the third spans offset 4096.
		{"page", 3, 1800, 4096, false, []uint64{1, 2}},
		// Each write about 40 KB: the second spans offset 65536.
		{"block of a reused file", 2, 40000, 65536, true, []uint64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			writeHeadendsSized(t, dir, tc.n, tc.size)
			wal, b := readWAL(t, dir)
			b = b[:tc.cut]
			if tc.reusedFile {
				b = append(b, olderLog(t, wal, tc.n+1, tc.size)[tc.cut:]...)
			}
			if err := os.WriteFile(wal, b, 0o600); err != nil {
				t.Fatal(err)
			}
			core, logs := observer.New(zapcore.InfoLevel)
			ids, err := storedIDs(t, dir, StoreOptions{Log: zap.New(core)})
			if err != nil || !slices.Equal(ids, tc.left) {
				t.Fatalf("open: ids %v, %v; want %v", ids, err, tc.left)
			}
			e := logs.FilterLevelExact(zapcore.ErrorLevel).All()
			want := fmt.Sprintf("1 write(s): set headend id %d of lab default (cut short)", tc.n)
			if len(e) != 1 || !strings.Contains(e[0].Message, "cut off by a crash") ||
				!strings.Contains(e[0].ContextMap()["lost"].(string), want) {
				t.Errorf("error log: %v", e)
			}
		})
	}
	// In a reused file whose older log ends inside the cut record, after
	// the page boundary the write was cut at, the file ends with the older
	// log's end-of-log trailer.
	t.Run("page of a reused file ending inside the record", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "store")
		writeHeadendsSized(t, dir, 3, 1800) // the third write spans 3708 to 5562
		wal, b := readWAL(t, dir)
		old := olderLog(t, wal, 3, 1750)
		if len(old) <= 4096 || len(old) >= 5562 {
			t.Fatalf("the older log is %d bytes; want it to end inside the third write", len(old))
		}
		if err := os.WriteFile(wal, append(b[:4096], old[4096:]...), 0o600); err != nil {
			t.Fatal(err)
		}
		core, logs := observer.New(zapcore.InfoLevel)
		ids, err := storedIDs(t, dir, StoreOptions{Log: zap.New(core)})
		if err != nil || !slices.Equal(ids, []uint64{1, 2}) {
			t.Fatalf("open: ids %v, %v; want [1 2]", ids, err)
		}
		if e := logs.FilterLevelExact(zapcore.ErrorLevel).All(); len(e) != 1 || !strings.Contains(e[0].Message, "cut off by a crash") {
			t.Errorf("error log: %v", e)
		}
	})
	// Cut anywhere else, the same log is damage.
	dir := filepath.Join(t.TempDir(), "store")
	writeHeadendsSized(t, dir, 3, 1800)
	if err := os.Truncate(newestWAL(t, dir), 4097); err != nil {
		t.Fatal(err)
	}
	if _, err := storedIDs(t, dir, StoreOptions{}); !errors.Is(err, ErrWALDamaged) {
		t.Fatalf("cut at 4097: %v, want ErrWALDamaged", err)
	}
}

// Damage no crash leaves is refused even where it looks like a torn write:
// a record that fails its checksum after a page boundary but is whole in
// the file, or is followed by the log's end-of-log trailer; and a damaged
// record after the zeros the writer leaves at the end of a block too short
// for a WAL-sync chunk header. Pebble itself replays each of these logs
// up to the damage and drops the rest without an error.
func TestStoreWALDamageNoCrashLeaves(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int // of the values written, one synced batch each
		// reopened: written on a second open, whose log is in the WAL-sync
		// encoding (the first log of a new store is not).
		reopened bool
		flip     int  // offset of the byte damaged
		trailer  bool // keep the end-of-log trailer of the clean close
		want     string
		left     []uint64
	}{
		// Writes of 1854 bytes: the third spans offset 4096.
		{"past a page boundary, closed", []int{1800, 1800, 1800}, false, 4096 + 100, true,
			"(a record there fails its checksum); they hold 1 write(s): set headend id 3 of lab default", []uint64{1, 2}},
		{"past a page boundary, whole", []int{1800, 1800, 1800}, false, 4096 + 100, false,
			"(a record there fails its checksum); they hold 1 write(s): set headend id 3 of lab default", []uint64{1, 2}},
		// The first write ends 15 bytes before the end of the first block:
		// the second starts at offset 32768.
		{"after a block's zeroed end", []int{32697, 100}, true, 32768 + 60, true,
			"(a record there fails its checksum); they hold 1 write(s): set headend id 2 of lab default", []uint64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			if tc.reopened {
				writeHeadends(t, dir, 0)
			}
			writeHeadendSizes(t, dir, tc.sizes...)
			wal, b := readWAL(t, dir)
			// The block's last 15 bytes zeroed, and the next chunk in
			// the WAL-sync encoding (9 to 12).
			if tc.reopened && (!slices.Equal(b[32753:32768], make([]byte, 15)) || b[32768+6] < 9) {
				t.Fatalf("the log's layout is not the one this case is made for: %v", b[32750:32768+19])
			}
			b[tc.flip] ^= 0x40
			if !tc.trailer {
				b = b[:len(b)-11] // the end-of-log trailer
			}
			if err := os.WriteFile(wal, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := storedIDs(t, dir, StoreOptions{})
			if !errors.Is(err, ErrWALDamaged) || !strings.Contains(err.Error(), filepath.Base(wal)) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("open: %v; want ErrWALDamaged naming %s and saying %q", err, filepath.Base(wal), tc.want)
			}
			if ids, err := storedIDs(t, dir, StoreOptions{AcceptDataLoss: true}); err != nil || !slices.Equal(ids, tc.left) {
				t.Fatalf("with AcceptDataLoss: ids %v, %v; want %v", ids, err, tc.left)
			}
		})
	}
}

// Tails a crash leaves on an intact log are no damage: zeros (a file
// extended and never written) and the chunks of an older log in a reused
// file.
func TestStoreWALHarmlessTails(t *testing.T) {
	for _, tc := range []struct {
		name string
		tail func(old []byte) []byte
	}{
		{"zeros", func([]byte) []byte { return make([]byte, 4096) }},
		{"older log", func(old []byte) []byte { return old }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			writeHeadends(t, dir, 3)
			wal, b := readWAL(t, dir)
			// Older log: the same writes under another log number, as if
			// the file had been reused from a log before this one.
			old := olderLog(t, wal, 9, 200)
			cut := b[:len(b)-11] // no end-of-log trailer: the process died
			damaged := append(cut, tc.tail(old[len(cut):])...)
			if err := os.WriteFile(wal, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			if ids, err := storedIDs(t, dir, StoreOptions{}); err != nil || len(ids) != 3 {
				t.Fatalf("open: ids %v, %v; want 3 headends", ids, err)
			}
		})
	}
}

// BenchmarkOpenStore opens a store whose write-ahead log holds 2,000
// headend writes of 1 KB, as after a crash, with OpenStore's checks and,
// as the baseline, with pebble.Open alone. BenchmarkRecover in storefiles
// measures the checks alone.
func BenchmarkOpenStore(b *testing.B) {
	src := filepath.Join(b.TempDir(), "src")
	s, err := OpenStore(src, nil)
	if err != nil {
		b.Fatal(err)
	}
	v := []byte(strings.Repeat("v", 1000))
	for id := range uint64(2000) {
		if err := s.DB().Set(simstore.HeadendKey(DefaultLab, id), v, pebble.NoSync); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	// copyDir stops the timer of the sub-benchmark it is given: stopping
	// the outer one's leaves the copy in the figures.
	copyDir := func(b *testing.B, dst string) {
		b.StopTimer()
		defer b.StartTimer()
		if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name string
		open func(dir string) (func() error, error)
	}{
		{"pebble.Open", func(dir string) (func() error, error) {
			db, err := pebble.Open(dir, &pebble.Options{FormatMajorVersion: pebble.FormatNewest, Logger: simstore.PebbleLogger(zap.NewNop())})
			if err != nil {
				return nil, err
			}
			return db.Close, nil
		}},
		{"OpenStoreWith", func(dir string) (func() error, error) {
			s, err := OpenStoreWith(dir, StoreOptions{MustExist: true})
			if err != nil {
				return nil, err
			}
			return s.Close, nil
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
				copyDir(b, dir)
				closeDB, err := bc.open(dir)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := closeDB(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
