package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/asalab/asalab/sim/datadir"
)

// AdminTokenPrefix starts every admin token headendd makes, so that a
// token found in a log or a repository says what it is.
const AdminTokenPrefix = "asalab_admin_"

// minAdminTokenLen refuses an admin token file someone shortened to
// something guessable; the daemon's own are 56 characters.
const minAdminTokenLen = 24

// LoadOrCreateAdminToken returns the admin token kept in dir's
// admin.token, making it on first start: 32 random bytes, base64url,
// after AdminTokenPrefix, written owner-only (0600) and atomically. The
// token stays the same across restarts, so scripts can keep reading the
// file. created says the file is new.
func LoadOrCreateAdminToken(dir string) (token, path string, created bool, err error) {
	path = filepath.Join(dir, datadir.AdminTokenFile)
	b, err := os.ReadFile(path)
	if err == nil {
		token = strings.TrimSpace(string(b))
		if len(token) < minAdminTokenLen || strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return "", path, false, fmt.Errorf("%s is not an admin token (one line of %d or more printable characters without spaces): "+
				"remove it to have a new one made", path, minAdminTokenLen)
		}
		return token, path, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", path, false, fmt.Errorf("admin token: %w", err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", path, false, fmt.Errorf("admin token: %w", err)
	}
	token = AdminTokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	if err := datadir.WriteFileAtomic(path, []byte(token+"\n")); err != nil {
		return "", path, false, fmt.Errorf("admin token: write %s: %w", path, err)
	}
	return token, path, true, nil
}
