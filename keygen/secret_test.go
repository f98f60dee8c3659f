package keygen

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The secret file round-trips, is the owner's only whatever the umask, and
// replaces an older file that others could read.
func TestSecretFile(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), SecretFile)
	if err := os.WriteFile(path, []byte("not a secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	secret, err := NewSecret()
	if err != nil || len(secret) != 32 {
		t.Fatalf("NewSecret: %d bytes, %v", len(secret), err)
	}
	if err := WriteSecretFile(path, secret); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v, %v; want 0600", fi.Mode(), err)
	}
	b, _ := os.ReadFile(path)
	if want := strings.ToLower(string(b)); string(b) != want || !strings.HasSuffix(want, "\n") || len(b) != 65 {
		t.Errorf("file holds %q, want 64 lower-case hex digits and a newline", b)
	}
	got, err := ReadSecretFile(path)
	if err != nil || !bytes.Equal(got, secret) {
		t.Errorf("ReadSecretFile = %x, %v; want %x", got, err, secret)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestSecretFileRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadSecretFile(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	for text, want := range map[string]error{
		"0123456789abcdef0123456789abcdef\n":  nil,
		"  0123456789ABCDEF0123456789abcdef ": nil,
		"0123456789abcdef":                    ErrInvalidSecret, // 8 bytes
		"":                                    ErrInvalidSecret,
	} {
		if _, err := ParseSecret(text); !errors.Is(err, want) {
			t.Errorf("ParseSecret(%q) = %v, want %v", text, err, want)
		}
	}
	if _, err := ParseSecret("not hex at all, not hex at all!!"); err == nil || !strings.Contains(err.Error(), "hexadecimal") {
		t.Errorf("ParseSecret of text: %v", err)
	}
	path := filepath.Join(dir, SecretFile)
	if err := WriteSecretFile(path, []byte("short")); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("WriteSecretFile of 5 bytes: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused write left a file: %v", err)
	}
}
