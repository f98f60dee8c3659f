package datadir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/atomicfile"
)

// MarkerFile marks a directory as a data directory a daemon has started
// on, so that a later start can tell a first start from one whose secret or
// store has gone missing, where starting afresh would lose the lab.
const MarkerFile = "asalab-datadir.json"

// ErrSecretMissing is returned for a data directory used before whose
// signing secret is missing: a new one would make every key issued for the
// lab invalid.
var ErrSecretMissing = errors.New("sim: the lab signing secret is missing")

// ErrSecretChanged is returned for a data directory used before with
// another signing secret: every key issued for the lab would be invalid.
var ErrSecretChanged = errors.New("sim: the lab signing secret differs from the one the data dir was used with")

// Marker is what MarkerFile holds.
type Marker struct {
	Format int `json:"format"`
	// SecretFrom says where the daemon took the signing secret from:
	// keygen.SecretFile, or the flag or environment variable that gave it.
	SecretFrom string `json:"secret_from"`
	// SecretCheck tells the secret last used from another (SecretCheck);
	// empty in markers written before it was kept.
	SecretCheck string `json:"secret_check,omitempty"`
}

// SecretCheck is a one-way digest of a signing secret, kept in the marker
// to tell a secret from another without keeping the secret. A SHA-256
// digest of a random secret of 16 bytes or more reveals nothing usable of
// it.
func SecretCheck(secret []byte) string {
	h := sha256.Sum256(append([]byte("asalab lab secret check\x00"), secret...))
	return hex.EncodeToString(h[:16])
}

// CheckSecret fails with ErrSecretChanged if the marker info records a
// secret other than secret.
func (info Marker) CheckSecret(secret []byte) error {
	if info.SecretCheck != "" && info.SecretCheck != SecretCheck(secret) {
		return fmt.Errorf("%w (last given by %s)", ErrSecretChanged, info.SecretFrom)
	}
	return nil
}

// Prepare creates dir, or makes an existing one and the daemon's
// files in it readable by the owner only (the store holds users' password hashes and
// the secret signs activation keys), logging what it changes. It returns
// the marker's contents and whether there is one.
func Prepare(dir string, log *zap.Logger) (info Marker, marked bool, err error) {
	if log == nil {
		log = zap.NewNop()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return info, false, fmt.Errorf("sim: create data dir: %w", err)
	}
	if err := tightenDir(dir, log); err != nil {
		return info, false, err
	}
	b, err := os.ReadFile(filepath.Join(dir, MarkerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return info, false, nil
	}
	if err != nil {
		return info, false, fmt.Errorf("sim: data dir: %w", err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, false, fmt.Errorf("sim: data dir: %s is damaged: %w", filepath.Join(dir, MarkerFile), err)
	}
	return info, true, nil
}

// StoreDir is the store's directory in the data directory.
const StoreDir = "store"

// Files of the daemon's credentials in the data directory: the admin's
// bearer token, and the self-signed TLS certificate and its key that
// headendd --tls makes.
const (
	AdminTokenFile = "admin.token"
	TLSCertFile    = "tls.crt"
	TLSKeyFile     = "tls.key"
)

// ours reports whether a name in the data directory is a file the daemon
// keeps there: the secret, the marker, the SSH host keys, the credentials,
// the copies of a damaged log beside the store.
func ours(name string) bool {
	return name == keygen.SecretFile || name == MarkerFile ||
		name == AdminTokenFile || name == TLSCertFile || name == TLSKeyFile ||
		strings.HasPrefix(name, "ssh_host_") || strings.HasPrefix(name, StoreDir+".")
}

// tightenDir takes every permission but the owner's from dir, the files the
// daemon keeps in it and the store. Other files are left alone (the data
// dir may be a directory with other uses), and so is a directory with the
// sticky bit, such as /tmp, which is meant to be shared.
func tightenDir(dir string, log *zap.Logger) error {
	var changed []string
	chmod := func(path string, fi fs.FileInfo) error {
		mode := fi.Mode().Perm()
		want := mode &^ 0o077
		if fi.IsDir() {
			want = 0o700
		}
		if mode == want {
			return nil
		}
		if err := os.Chmod(path, want); err != nil {
			return fmt.Errorf("sim: data dir: restrict %s to its owner: %w", path, err)
		}
		changed = append(changed, fmt.Sprintf("%s %#o→%#o", path, mode, want))
		return nil
	}
	// each calls fn for the regular files and directories of d that keep
	// is true of.
	each := func(d string, keep func(string) bool, fn func(string, fs.FileInfo) error) error {
		ents, err := os.ReadDir(d)
		if err != nil {
			return fmt.Errorf("sim: data dir: %w", err)
		}
		for _, e := range ents {
			if !keep(e.Name()) || !e.Type().IsRegular() && !e.IsDir() {
				continue // symbolic links and the like are not ours to change
			}
			fi, err := e.Info()
			if err != nil {
				return fmt.Errorf("sim: data dir: %w", err)
			}
			if err := fn(filepath.Join(d, e.Name()), fi); err != nil {
				return err
			}
		}
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("sim: data dir: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("sim: data dir %s is not a directory", dir)
	}
	if fi.Mode()&fs.ModeSticky != 0 {
		log.Warn("data dir is a shared directory (sticky bit): its permissions are left as they are; use a directory of its own",
			zap.String("data_dir", dir))
	} else if err := chmod(dir, fi); err != nil {
		return err
	}
	err = each(dir, func(n string) bool { return ours(n) || n == StoreDir }, func(p string, fi fs.FileInfo) error {
		if err := chmod(p, fi); err != nil {
			return err
		}
		if fi.IsDir() {
			return each(p, func(string) bool { return true }, func(p string, fi fs.FileInfo) error {
				if fi.IsDir() {
					return nil
				}
				return chmod(p, fi)
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(changed) > 0 {
		log.Info("data dir made readable by its owner only", zap.String("data_dir", dir), zap.Strings("changed", changed))
	}
	return nil
}

// WriteFileAtomic replaces path with data, owner-only: a crash leaves the
// old file or the new one (the SSH host keys are written with it).
func WriteFileAtomic(path string, data []byte) error { return atomicfile.Write(path, data) }

// WriteMarker writes MarkerFile: to a temporary file, synced, then
// renamed, so a crash leaves the old marker or the new one.
func WriteMarker(dir string, info Marker) error {
	info.Format = 1
	b, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, MarkerFile), append(b, '\n')); err != nil {
		return fmt.Errorf("sim: data dir: write %s: %w", MarkerFile, err)
	}
	return nil
}

// LoadSecret reads dir/lab.secret, failing with ErrSecretMissing if
// there is none.
func LoadSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, keygen.SecretFile)
	s, err := keygen.ReadSecretFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrSecretMissing, path)
	}
	return s, err
}
