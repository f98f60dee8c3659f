package family

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Flash is the capability of a family whose headends keep files on a flash
// file system the lab can write to: IOS routers install their license
// files from it (`license install flash:NAME.lic`). The lab puts a file
// there (gRPC PutFile, `headendctl put H flash:NAME FILE`) as a change of
// the device, stored with it.
type Flash interface {
	// PutFile writes data to the file name ("flash:NAME" or "NAME") at
	// lab time now, replacing a file of that name. A name that is not a
	// plain file name of the file system, or data over the file system's
	// free space, is refused and changes nothing.
	PutFile(name string, data []byte, now time.Time) error
	// File reads a file back.
	File(name string) (data []byte, ok bool)
	// Files lists the file system, in `dir` order.
	Files() []FileInfo
}

// FileInfo is one file of a flash file system.
type FileInfo struct {
	Name     string
	Size     int
	Modified time.Time
}

// Errors of a Flash, which a family wraps so that the lab can tell a bad
// name from a full file system.
var (
	ErrFileName  = errors.New("headend: not a file name of the flash file system")
	ErrFlashFull = errors.New("headend: not enough free space on the flash file system")
)

// MaxFileNameLen is the longest file name FlashFileName accepts. IOS
// allows longer ones on some file systems; a license file's name (a UDI and
// a timestamp, "FTX1628838P_20140923143317546.lic") is far shorter, and
// 63 keeps every name one column of `dir`.
const MaxFileNameLen = 63

// FlashFileName is the plain file name of path, "flash:NAME" or "NAME":
// 1 to MaxFileNameLen letters, digits and "._-", not "." or "..". No
// directories: the lab's flash is one flat file system. Anything else is
// ErrFileName.
func FlashFileName(path string) (string, error) {
	name, _ := strings.CutPrefix(path, "flash:")
	name = strings.TrimPrefix(name, "/")
	if name == "" || len(name) > MaxFileNameLen || name == "." || name == ".." {
		return "", fmt.Errorf("%w: %q (1 to %d characters)", ErrFileName, path, MaxFileNameLen)
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("._-", r):
		default:
			return "", fmt.Errorf("%w: %q (letters, digits and ._- only)", ErrFileName, path)
		}
	}
	return name, nil
}
