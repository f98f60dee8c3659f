package sshd

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"

	"github.com/asalab/asalab/internal/atomicfile"
)

// Host key files in the data directory, in OpenSSH's format, so that
// `ssh-keygen -lf` shows the fingerprints clients see.
const (
	ed25519KeyFile = "ssh_host_ed25519_key"
	rsaKeyFile     = "ssh_host_rsa_key"
	rsaKeyBits     = 2048 // the ASA's default `crypto key generate rsa modulus`
)

// LoadOrCreateHostKeys returns the daemon's SSH host keys, ed25519 then RSA,
// from dir. A missing key is created once and written atomically (temporary
// file, fsync, rename, fsync of the directory), so that clients see the same
// keys after every restart and a crash never leaves half a key.
func LoadOrCreateHostKeys(dir string) ([]ssh.Signer, error) {
	gens := []struct {
		file string
		gen  func() (crypto.Signer, error)
	}{
		{ed25519KeyFile, func() (crypto.Signer, error) {
			_, k, err := ed25519.GenerateKey(rand.Reader)
			return k, err
		}},
		{rsaKeyFile, func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, rsaKeyBits) }},
	}
	var signers []ssh.Signer
	for _, g := range gens {
		path := filepath.Join(dir, g.file)
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			b, err = createKey(path, g.gen)
		}
		if err != nil {
			return nil, fmt.Errorf("ssh host key %s: %w", path, err)
		}
		s, err := ssh.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("ssh host key %s: %w", path, err)
		}
		signers = append(signers, s)
	}
	return signers, nil
}

func createKey(path string, gen func() (crypto.Signer, error)) ([]byte, error) {
	k, err := gen()
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(k, "asalab headendd")
	if err != nil {
		return nil, err
	}
	b := pem.EncodeToMemory(block)
	return b, atomicfile.Write(path, b)
}
