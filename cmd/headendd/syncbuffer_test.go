package main

import (
	"bytes"
	"sync"
)

// syncBuffer is a bytes.Buffer that the daemon's stderr copier and the test
// may use at the same time (the race detector flags a plain Buffer read
// while the process still writes).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
