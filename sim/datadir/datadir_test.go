package datadir

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/asalab/asalab/keygen"
)

// writeReadable writes a file at path that others can read, whatever the
// umask.
func writeReadable(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPrepareTightens(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	for _, d := range []string{dir, filepath.Join(dir, "store")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil { // whatever the umask
			t.Fatal(err)
		}
	}
	for _, f := range []string{keygen.SecretFile, "store/000001.sst", "notes.txt"} {
		writeReadable(t, filepath.Join(dir, f))
	}
	core, logs := observer.New(zapcore.InfoLevel)
	if _, marked, err := Prepare(dir, zap.New(core)); err != nil || marked {
		t.Fatalf("Prepare: marked %v, %v", marked, err)
	}
	for f, want := range map[string]os.FileMode{"": 0o700, "store": 0o700, keygen.SecretFile: 0o600, "store/000001.sst": 0o600, "notes.txt": 0o644} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%q: mode %#o, want %#o", f, fi.Mode().Perm(), want)
		}
	}
	if e := logs.FilterMessage("data dir made readable by its owner only").All(); len(e) != 1 || len(e[0].ContextMap()["changed"].([]any)) != 4 {
		t.Errorf("log: %v", logs.All())
	}
	// Already tight: nothing to say.
	core, logs = observer.New(zapcore.InfoLevel)
	if _, _, err := Prepare(dir, zap.New(core)); err != nil || logs.Len() != 0 {
		t.Errorf("second Prepare: %v, logs %v", err, logs.All())
	}
}

func TestDataDirMarker(t *testing.T) {
	dir := t.TempDir()
	if _, marked, err := Prepare(dir, nil); err != nil || marked {
		t.Fatalf("fresh dir: marked %v, %v", marked, err)
	}
	if err := WriteMarker(dir, Marker{SecretFrom: keygen.SecretFile}); err != nil {
		t.Fatal(err)
	}
	info, marked, err := Prepare(dir, nil)
	if err != nil || !marked || info.SecretFrom != keygen.SecretFile {
		t.Fatalf("marked dir: %+v, %v, %v", info, marked, err)
	}
	fi, err := os.Stat(filepath.Join(dir, MarkerFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("marker: %v, %v", fi, err)
	}
	if _, err := LoadSecret(dir); !errors.Is(err, ErrSecretMissing) {
		t.Errorf("LoadSecret without lab.secret: %v", err)
	}
}

// The marker tells the secret last used from another, and a marker
// written before it kept that accepts any.
func TestDataDirMarkerSecretCheck(t *testing.T) {
	dir := t.TempDir()
	one, other := []byte("the lab secret used before 01234"), []byte("another lab secret 0123456789abc")
	if err := WriteMarker(dir, Marker{SecretFrom: "ASALAB_SECRET", SecretCheck: SecretCheck(one)}); err != nil {
		t.Fatal(err)
	}
	info, _, err := Prepare(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := info.CheckSecret(one); err != nil {
		t.Errorf("the same secret: %v", err)
	}
	if err := info.CheckSecret(other); !errors.Is(err, ErrSecretChanged) || !strings.Contains(err.Error(), "last given by ASALAB_SECRET") {
		t.Errorf("another secret: %v, want ErrSecretChanged", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, MarkerFile)); strings.Contains(string(b), hex.EncodeToString(one)) || strings.Contains(string(b), string(one)) {
		t.Errorf("the marker holds the secret: %s", b)
	}
	if err := (Marker{SecretFrom: keygen.SecretFile}).CheckSecret(other); err != nil {
		t.Errorf("a marker without a check: %v", err)
	}
}

// A shared directory such as /tmp keeps its permissions; the daemon's files
// in it are still made the owner's.
func TestPrepareShared(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, os.ModeSticky|0o777); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, keygen.SecretFile)
	writeReadable(t, secret)
	core, logs := observer.New(zapcore.InfoLevel)
	if _, _, err := Prepare(dir, zap.New(core)); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode()&(os.ModeSticky|os.ModePerm) != os.ModeSticky|0o777 {
		t.Errorf("shared dir: %v, %v; want it left 1777", fi.Mode(), err)
	}
	if fi, err := os.Stat(secret); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("lab.secret: %v, %v; want 0600", fi.Mode(), err)
	}
	if logs.FilterLevelExact(zapcore.WarnLevel).Len() != 1 {
		t.Errorf("logs: %v", logs.All())
	}
}
