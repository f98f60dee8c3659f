// Package atomicfile replaces small files so that a crash leaves the old
// file or the new one, never half of it: the data directory's marker, the
// lab signing secret, the SSH host keys and headendctl's contexts file.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data, readable by the owner only (0600):
// written to a temporary file in the same directory, synced, renamed over
// path, and the directory synced.
func Write(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err == nil {
		if _, err = f.Write(data); err == nil {
			err = f.Sync()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
