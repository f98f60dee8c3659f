// Package labflash is the files the lab's API puts on a headend's flash
// and gets back (a license file, a configuration): the path's checks, the
// size limit, the write on a copy of the device that the lab stores as a
// change of the headend, and the read. The device's family keeps the
// files (family.Flash); a family without a flash the lab writes to has
// none.
package labflash

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/family"
)

// MaxBytes is the largest file Put takes: 1 MiB, far more than a license
// file (a few kilobytes), and well inside one gRPC message.
const MaxBytes = 1 << 20

// Errors of the files on headends' flash; the texts are the lab's (package
// sim names them).
var (
	// ErrTooLarge: the file is over MaxBytes.
	ErrTooLarge = errors.New("sim: file too large")
	// ErrNotFound: no file of that name on the headend's flash.
	ErrNotFound = errors.New("sim: no such file")
)

// Name is the file name of a lab path, which names its file system:
// "flash:NAME".
func Name(path string) (string, error) {
	if !strings.HasPrefix(path, "flash:") {
		return "", fmt.Errorf("%w: %q: a path is flash:NAME", family.ErrFileName, path)
	}
	return family.FlashFileName(path)
}

// Check is the file name of path for a file of n bytes, which Put takes.
func Check(path string, n int) (string, error) {
	name, err := Name(path)
	if err != nil {
		return "", err
	}
	if n > MaxBytes {
		return "", fmt.Errorf("%w: %d bytes (at most %d)", ErrTooLarge, n, MaxBytes)
	}
	return name, nil
}

// Put writes data to the file name (Check) on d's flash at now, and gives
// the file as d lists it.
func Put(d family.Device, name string, data []byte, now time.Time) (family.FileInfo, error) {
	f, err := flashOf(d)
	if err != nil {
		return family.FileInfo{}, err
	}
	if err := f.PutFile("flash:"+name, data, now); err != nil {
		return family.FileInfo{}, err
	}
	fi, ok := fileInfo(f, name)
	if !ok {
		return family.FileInfo{}, fmt.Errorf("%w: flash:%s was not written", ErrNotFound, name)
	}
	return fi, nil
}

// Get reads the file name (Name) back from d's flash, a copy; ok is false
// when d has no such file.
func Get(d family.Device, name string) (data []byte, fi family.FileInfo, ok bool, err error) {
	f, err := flashOf(d)
	if err != nil {
		return nil, family.FileInfo{}, false, err
	}
	b, ok := f.File(name)
	info, listed := fileInfo(f, name)
	if !ok || !listed {
		return nil, family.FileInfo{}, false, nil
	}
	return append([]byte(nil), b...), info, true, nil
}

// flashOf is d's flash, if its family has one.
func flashOf(d family.Device) (family.Flash, error) {
	if f, ok := d.(family.Flash); ok {
		return f, nil
	}
	return nil, fmt.Errorf("%w: %s headends have no flash the lab writes to (%s licensing)", family.ErrNotSupported,
		d.Platform().Model, d.Platform().Licensing)
}

// fileInfo finds a file in f's listing, named without its file system.
func fileInfo(f family.Flash, name string) (family.FileInfo, bool) {
	for _, fi := range f.Files() {
		if fi.Name == name || fi.Name == "flash:"+name {
			fi.Name = name
			return fi, true
		}
	}
	return family.FileInfo{}, false
}
