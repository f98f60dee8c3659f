package datadir

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/asalab/asalab/keygen"
)

// SecretFile is the name of the lab signing secret in the data directory.
const SecretFile = "lab.secret"

// ReadSecretFile reads a signing secret written as hex.
func ReadSecretFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sim: read secret: %w", err)
	}
	return ParseSecret(string(b))
}

// ParseSecret decodes a hex secret (surrounding white space ignored).
func ParseSecret(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("sim: the secret must be hexadecimal: %w", err)
	}
	if len(b) < keygen.MinSecretLen {
		return nil, keygen.ErrInvalidSecret
	}
	return b, nil
}

// LoadOrCreateSecret reads dir/lab.secret, creating it with 32 random bytes
// on first start, atomically: a crash never leaves a half-written secret.
func LoadOrCreateSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, SecretFile)
	s, err := ReadSecretFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sim: create data dir: %w", err)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(path, []byte(hex.EncodeToString(secret)+"\n")); err != nil {
		return nil, fmt.Errorf("sim: create secret: %w", err)
	}
	return secret, nil
}
