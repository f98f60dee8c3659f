// Package storefiles looks at the files of the lab's pebble store before
// pebble opens them, where pebble would otherwise repair what it finds by
// dropping data without an error: whether a store is there with the marker
// naming its current MANIFEST, whether another process holds its lock, and
// whether the current MANIFEST and the newest write-ahead log can be read to
// their end. It also gives the file system the store is opened on, which
// creates the store's files readable by the owner only.
//
// It reads pebble's file formats but not the lab's keys: the caller passes
// in how to name a key of a lost write. Its errors read "sim: ...", like
// every error the lab gives the daemon's operator.
package storefiles
