package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWrite: the file is made or replaced whole, owner-only whatever mode
// the old one had, and no temporary file stays beside it; a write that
// cannot happen leaves the old file and nothing else.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	if err := Write(path, []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	if err := Write(path, []byte("two\n")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); string(b) != "two\n" || err != nil {
		t.Errorf("%s holds %q, %v", path, b, err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, %v; want 0600", path, st.Mode(), err)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "*")); len(names) != 1 {
		t.Errorf("the directory holds %q", names)
	}
	hidden, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(hidden) != 0 {
		t.Errorf("temporary files left: %q", hidden)
	}

	// A directory where the file would go cannot be replaced by a file:
	// the rename fails after the temporary file is written.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o700)
	os.WriteFile(filepath.Join(sub, "keep"), nil, 0o600)
	if err := Write(sub, []byte("x")); err == nil {
		t.Errorf("Write over a directory: no error")
	}
	if names, _ := filepath.Glob(filepath.Join(dir, ".*")); len(names) != 0 {
		t.Errorf("a failed write left %q", names)
	}
	if err := Write(filepath.Join(dir, "missing", "f"), []byte("x")); err == nil {
		t.Errorf("Write into a missing directory: no error")
	}
}
