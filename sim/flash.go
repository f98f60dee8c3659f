package sim

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend/family"
)

// MaxFileBytes is the largest file PutFile takes: 1 MiB, far more than a
// license file (a few kilobytes), and well inside one gRPC message.
const MaxFileBytes = 1 << 20

// Errors of the lab's files on headends' flash.
var (
	// ErrFileName: a path that is not "flash:NAME" with a plain file name.
	ErrFileName = family.ErrFileName
	// ErrFlashFull: the file is larger than the flash's free space.
	ErrFlashFull = family.ErrFlashFull
	// ErrFileTooLarge: the file is over MaxFileBytes.
	ErrFileTooLarge = errors.New("sim: file too large")
	// ErrFileNotFound: no file of that name on the headend's flash.
	ErrFileNotFound = errors.New("sim: no such file")
)

// FileInfo is one file on a headend's flash.
type FileInfo = family.FileInfo

// PutFile writes data to path ("flash:NAME") on the headend's flash, as
// one durable change of the headend whose event names the file and its
// size. A headend whose family has no flash answers ErrNotSupported; a bad
// path, data over MaxFileBytes or over the flash's free space change
// nothing.
func (l *Lab) PutFile(hostname, path string, data []byte) (FileInfo, error) {
	name, err := flashName(path)
	if err != nil {
		return FileInfo{}, err
	}
	if len(data) > MaxFileBytes {
		return FileInfo{}, fmt.Errorf("%w: %d bytes (at most %d)", ErrFileTooLarge, len(data), MaxFileBytes)
	}
	h, err := l.headend(hostname)
	if err != nil {
		return FileInfo{}, err
	}
	var fi FileInfo
	err = h.Update(func(d family.Device) error {
		f, err := flashOf(d)
		if err != nil {
			return err
		}
		if err := f.PutFile("flash:"+name, data, l.clock.Now()); err != nil {
			return err
		}
		var ok bool
		if fi, ok = fileInfo(f, name); !ok {
			return fmt.Errorf("%w: flash:%s was not written", ErrFileNotFound, name)
		}
		return nil
	})
	if err != nil {
		return FileInfo{}, err
	}
	return fi, nil
}

// GetFile reads a file back from the headend's flash.
func (l *Lab) GetFile(hostname, path string) ([]byte, FileInfo, error) {
	name, err := flashName(path)
	if err != nil {
		return nil, FileInfo{}, err
	}
	h, err := l.headend(hostname)
	if err != nil {
		return nil, FileInfo{}, err
	}
	var data []byte
	var fi FileInfo
	var ferr error
	err = h.View(func(d family.Device) {
		f, err := flashOf(d)
		if err != nil {
			ferr = err
			return
		}
		b, ok := f.File(name)
		info, listed := fileInfo(f, name)
		if !ok || !listed {
			ferr = fmt.Errorf("%w: flash:%s on %s", ErrFileNotFound, name, hostname)
			return
		}
		data, fi = append([]byte(nil), b...), info
	})
	return data, fi, cmp.Or(err, ferr)
}

// flashName is the file name of a lab path, which names its file system:
// "flash:NAME".
func flashName(path string) (string, error) {
	if !strings.HasPrefix(path, "flash:") {
		return "", fmt.Errorf("%w: %q: a path is flash:NAME", ErrFileName, path)
	}
	return family.FlashFileName(path)
}

// flashOf is d's flash, if its family has one.
func flashOf(d family.Device) (family.Flash, error) {
	if f, ok := d.(family.Flash); ok {
		return f, nil
	}
	return nil, fmt.Errorf("%w: %s headends have no flash the lab writes to (%s licensing)", ErrNotSupported,
		d.Platform().Model, d.Platform().Licensing)
}

// fileInfo finds a file in f's listing, named without its file system.
func fileInfo(f family.Flash, name string) (FileInfo, bool) {
	for _, fi := range f.Files() {
		if fi.Name == name || fi.Name == "flash:"+name {
			fi.Name = name
			return fi, true
		}
	}
	return FileInfo{}, false
}
