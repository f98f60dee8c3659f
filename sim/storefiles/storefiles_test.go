package storefiles

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// quiet discards pebble's log.
type quiet struct{}

func (quiet) Infof(string, ...any)           {}
func (quiet) Errorf(string, ...any)          {}
func (q quiet) Fatalf(f string, args ...any) { panic(f) }

func TestExists(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		exists  bool
		damaged string // in the error, if any
	}{
		{"no dir", nil, false, ""},
		{"empty", map[string]string{}, false, ""},
		{"an empty log only", map[string]string{"000002.log": ""}, false, ""},
		{"no marker", map[string]string{"000002.log": "x", "MANIFEST-000001": "x"}, false, "no marker.manifest.* file"},
		{"no MANIFEST", map[string]string{"marker.manifest.000001.MANIFEST-000001": ""}, false, "the current MANIFEST MANIFEST-000001"},
		{"a store", map[string]string{"marker.manifest.000001.MANIFEST-000001": "", "MANIFEST-000001": "x"}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			if tc.files != nil {
				if err := os.Mkdir(dir, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			for n, c := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			exists, err := Exists(dir)
			if exists != tc.exists || (tc.damaged == "") != (err == nil) ||
				err != nil && (!errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), tc.damaged)) {
				t.Errorf("Exists: %v, %v; want %v and an ErrDamaged saying %q", exists, err, tc.exists, tc.damaged)
			}
		})
	}
}

func TestLockHeld(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir, vfs.Default)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := Lock(dir, vfs.Default); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: %v, want ErrLocked", err)
	}
}

// Without a way to name them, the keys of lost writes are quoted.
func TestRecoverQuotesKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	db, err := pebble.Open(dir, &pebble.Options{FormatMajorVersion: pebble.FormatNewest, Logger: quiet{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"k1", "k2"} {
		if err := db.Set([]byte(k), []byte(strings.Repeat("v", 200)), pebble.Sync); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(logs) != 1 {
		t.Fatalf("logs: %v", logs)
	}
	fi, err := os.Stat(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(logs[0], fi.Size()-11-100); err != nil { // into the last write
		t.Fatal(err)
	}
	err = Recover(dir, vfs.Default, Options{})
	if !errors.Is(err, ErrWALDamaged) || !strings.Contains(err.Error(), `they hold 1 write(s): set "k2" (cut short)`) {
		t.Fatalf("Recover: %v, want ErrWALDamaged naming \"k2\"", err)
	}
}

// BenchmarkRecover checks a store whose write-ahead log holds 2,000 writes
// of 1 KB, as after a crash, and, as the baseline, opens it with pebble.Open
// alone. The store's tests, which open stores through these checks, are in
// package sim.
func BenchmarkRecover(b *testing.B) {
	src := filepath.Join(b.TempDir(), "src")
	opts := func() *pebble.Options {
		return &pebble.Options{FormatMajorVersion: pebble.FormatNewest, Logger: quiet{}}
	}
	db, err := pebble.Open(src, opts())
	if err != nil {
		b.Fatal(err)
	}
	v := []byte(strings.Repeat("v", 1000))
	for id := range 2000 {
		if err := db.Set([]byte("l/default/h/"+strconv.Itoa(id)), v, pebble.NoSync); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		open func(dir string) (func() error, error)
	}{
		{"pebble.Open", func(dir string) (func() error, error) {
			db, err := pebble.Open(dir, opts())
			if err != nil {
				return nil, err
			}
			return db.Close, nil
		}},
		{"checkWAL", func(dir string) (func() error, error) {
			d, err := checkWAL(dir, vfs.Default, func(k []byte) string { return string(k) })
			if d != nil {
				err = d
			}
			return func() error { return nil }, err
		}},
		{"Recover", func(dir string) (func() error, error) {
			return func() error { return nil }, Recover(dir, vfs.Default, Options{})
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
				b.StopTimer()
				if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
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
