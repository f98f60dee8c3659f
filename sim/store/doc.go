// Package store is the lab's durable state in an embedded pebble database:
// opening it (refusing what pebble would repair by dropping data), the key
// layout and its schema version in one place (keys.go), the migration of
// older layouts, the batches a change is written in, and the records'
// encodings. Package sim decides what a change writes and when; this
// package only knows how it lies on disk.
package store
