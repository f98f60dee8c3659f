package sim

import (
	"cmp"
	"fmt"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/labflash"
)

// MaxFileBytes is the largest file PutFile takes (labflash.MaxBytes).
const MaxFileBytes = labflash.MaxBytes

// Errors of the lab's files on headends' flash.
var (
	// ErrFileName: a path that is not "flash:NAME" with a plain file name.
	ErrFileName = family.ErrFileName
	// ErrFlashFull: the file is larger than the flash's free space.
	ErrFlashFull = family.ErrFlashFull
	// ErrFileTooLarge: the file is over MaxFileBytes.
	ErrFileTooLarge = labflash.ErrTooLarge
	// ErrFileNotFound: no file of that name on the headend's flash.
	ErrFileNotFound = labflash.ErrNotFound
)

// FileInfo is one file on a headend's flash.
type FileInfo = family.FileInfo

// PutFile writes data to path ("flash:NAME") on the headend's flash, as
// one durable change of the headend whose event names the file and its
// size. A headend whose family has no flash answers ErrNotSupported; a bad
// path, data over MaxFileBytes or over the flash's free space change
// nothing.
func (l *Lab) PutFile(hostname, path string, data []byte) (FileInfo, error) {
	name, err := labflash.Check(path, len(data))
	if err != nil {
		return FileInfo{}, err
	}
	h, err := l.headend(hostname)
	if err != nil {
		return FileInfo{}, err
	}
	var fi FileInfo
	err = h.Update(func(d family.Device) error {
		fi, err = labflash.Put(d, name, data, l.clock.Now())
		return err
	})
	if err != nil {
		return FileInfo{}, err
	}
	return fi, nil
}

// GetFile reads a file back from the headend's flash.
func (l *Lab) GetFile(hostname, path string) ([]byte, FileInfo, error) {
	name, err := labflash.Name(path)
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
		var ok bool
		data, fi, ok, ferr = labflash.Get(d, name)
		if ferr == nil && !ok {
			ferr = fmt.Errorf("%w: flash:%s on %s", ErrFileNotFound, name, hostname)
		}
	})
	return data, fi, cmp.Or(err, ferr)
}
