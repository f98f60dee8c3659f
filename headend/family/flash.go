package family

import "time"

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
