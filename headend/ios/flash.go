package ios

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/family"
)

// Errors of the flash file system. Those the lab's PutFile can meet wrap
// family.Flash's, which the lab answers as a bad name or a full flash.
var (
	// ErrBadFileName: not a plain file name of flash ("flash:NAME" or
	// "NAME": letters, digits, '.', '_', '-', up to 63 characters).
	ErrBadFileName = fmt.Errorf("%w: invalid flash file name", family.ErrFileName)
	// ErrFlashFull: the data does not fit the flash's free space, or the
	// lab's bound on a stored file.
	ErrFlashFull = fmt.Errorf("%w: not enough space on flash", family.ErrFlashFull)
	// ErrNoFile: no such file on flash.
	ErrNoFile = errors.New("headend: no such file on flash")
	// ErrSystemImage: the system image cannot be replaced or read.
	ErrSystemImage = fmt.Errorf("%w: the file is the running system image", family.ErrFileName)
)

// MaxFileSize bounds a file the lab stores on a router's flash: it is kept
// with the device's record, and license files are a few kilobytes.
const MaxFileSize = 1 << 20

// File is one file put on flash.
type File struct {
	Name     string    `json:"name"`
	Data     []byte    `json:"data"`
	Modified time.Time `json:"modified"`
}

// FlashName reads a file name as commands and the lab give it: "NAME",
// "flash:NAME", "flash:/NAME", "flash0:NAME".
func FlashName(name string) (string, error) {
	n := name
	lower := strings.ToLower(n)
	for _, p := range []string{"flash0:", "flash:"} {
		if strings.HasPrefix(lower, p) {
			n = strings.TrimPrefix(n[len(p):], "/")
			break
		}
	}
	if n == "" || len(n) > 63 {
		return "", fmt.Errorf("%w %q", ErrBadFileName, name)
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return "", fmt.Errorf("%w %q", ErrBadFileName, name)
		}
	}
	if n == "." || n == ".." {
		return "", fmt.Errorf("%w %q", ErrBadFileName, name)
	}
	return n, nil
}

// flashBytes is the size of the CompactFlash's file system.
func (d *Device) flashBytes() int { return d.hw.flashKB * 1024 }

// FlashFree is the free space on flash.
func (d *Device) FlashFree() int {
	used := imageSize
	for _, f := range d.Flash {
		used += len(f.Data)
	}
	return max(d.flashBytes()-used, 0)
}

// PutFile writes a file to flash at now, replacing one of that name
// (family.Flash).
func (d *Device) PutFile(name string, data []byte, now time.Time) error {
	n, err := FlashName(name)
	if err != nil {
		return err
	}
	if n == d.hw.imageFile(d.Version) {
		return fmt.Errorf("%w: %s", ErrSystemImage, n)
	}
	old := 0
	i := slices.IndexFunc(d.Flash, func(f File) bool { return f.Name == n })
	if i >= 0 {
		old = len(d.Flash[i].Data)
	}
	if len(data) > MaxFileSize || len(data) > d.FlashFree()+old {
		return fmt.Errorf("%w: %d bytes for %s (%d bytes free, at most %d bytes a file)", ErrFlashFull, len(data), n, d.FlashFree()+old, MaxFileSize)
	}
	f := File{Name: n, Data: slices.Clone(data), Modified: now}
	if i >= 0 {
		d.Flash[i] = f
	} else {
		d.Flash = append(d.Flash, f)
	}
	return nil
}

// File reads a file of flash back (family.Flash).
func (d *Device) File(name string) ([]byte, bool) {
	n, err := FlashName(name)
	if err != nil {
		return nil, false
	}
	for _, f := range d.Flash {
		if f.Name == n {
			return f.Data, true
		}
	}
	return nil, false
}

// DeleteFile is `delete flash:NAME`.
func (d *Device) DeleteFile(name string) error {
	n, err := FlashName(name)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(d.Flash, func(f File) bool { return f.Name == n })
	if i < 0 {
		return fmt.Errorf("%w: %s", ErrNoFile, n)
	}
	d.Flash = slices.Delete(d.Flash, i, i+1)
	return nil
}

// Files lists flash in `dir` order: the system image first, then the
// files in the order they were first written (family.Flash).
func (d *Device) Files() []family.FileInfo {
	out := []family.FileInfo{{Name: d.hw.imageFile(d.Version), Size: imageSize, Modified: d.imageDate()}}
	for _, f := range d.Flash {
		out = append(out, family.FileInfo{Name: f.Name, Size: len(f.Data), Modified: f.Modified})
	}
	return out
}

// imageDate is the system image's date on flash: the day the release was
// built (15.5(3)M: July 2015), as a factory-loaded image keeps it.
func (d *Device) imageDate() time.Time { return imageBuilt }

var imageBuilt = time.Date(2015, time.July, 23, 3, 8, 0, 0, time.UTC)

// ShowDir is `dir flash:` in the ISR G2's layout: the file number, the
// permissions, the size, the date and the name; then the totals.
func (d *Device) ShowDir() string {
	var b strings.Builder
	b.WriteString("Directory of flash0:/\n\n")
	for i, f := range d.Files() {
		fmt.Fprintf(&b, "%5d  -rw- %11d  %s  %s\n", i+1, f.Size, f.Modified.UTC().Format("Jan 2 2006 15:04:05 +00:00"), f.Name)
	}
	fmt.Fprintf(&b, "\n%d bytes total (%d bytes free)\n", d.flashBytes(), d.FlashFree())
	return b.String()
}
