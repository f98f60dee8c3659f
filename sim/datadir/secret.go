package datadir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/asalab/asalab/keygen"
)

// LoadOrCreateSecret reads dir/lab.secret, creating it with a new random
// secret on first start.
func LoadOrCreateSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, keygen.SecretFile)
	s, err := keygen.ReadSecretFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sim: create data dir: %w", err)
	}
	secret, err := keygen.NewSecret()
	if err != nil {
		return nil, err
	}
	if err := keygen.WriteSecretFile(path, secret); err != nil {
		return nil, fmt.Errorf("sim: create secret: %w", err)
	}
	return secret, nil
}
