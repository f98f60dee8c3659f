package keygen

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/asalab/asalab/keygen/atomicfile"
)

// SecretFile is the name of the lab signing secret in headendd's data
// directory. A secret file holds the secret in hex on one line, readable
// by its owner only: whoever reads it can mint every key of the lab.
const SecretFile = "lab.secret"

// NewSecret returns a new random lab signing secret of 32 bytes.
func NewSecret() ([]byte, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("keygen: new secret: %w", err)
	}
	return secret, nil
}

// ParseSecret decodes a secret written in hex (surrounding white space
// ignored), such as the ASALAB_SECRET environment variable.
func ParseSecret(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("keygen: the secret must be hexadecimal: %w", err)
	}
	if len(b) < MinSecretLen {
		return nil, ErrInvalidSecret
	}
	return b, nil
}

// ReadSecretFile reads a secret file. The error of a missing file wraps
// fs.ErrNotExist.
func ReadSecretFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keygen: read secret: %w", err)
	}
	return ParseSecret(string(b))
}

// WriteSecretFile writes secret to path in hex, readable by its owner
// only (0600), atomically: a crash leaves the old file or the new one,
// never half a secret.
func WriteSecretFile(path string, secret []byte) error {
	if len(secret) < MinSecretLen {
		return ErrInvalidSecret
	}
	if err := atomicfile.Write(path, []byte(hex.EncodeToString(secret)+"\n")); err != nil {
		return fmt.Errorf("keygen: write secret: %w", err)
	}
	return nil
}
