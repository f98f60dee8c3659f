package labtest

import (
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap/zapcore"
)

// maxLogLines bounds the daemon log kept for a failing test: the last
// lines are the ones that tell what went wrong.
const maxLogLines = 2000

// logBuffer keeps the daemon's recent log lines, so that a test that fails
// shows them and a test that passes stays quiet. It does not write to the
// test's log as lines come: a daemon logs from its own goroutines, which
// may run after the test has returned, where t.Log panics.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
	first int // lines dropped before lines[0]
}

func newLogBuffer() *logBuffer { return &logBuffer{} }

// core is a zap core writing console-encoded lines into b.
func (b *logBuffer) core() zapcore.Core {
	enc := zapcore.NewConsoleEncoder(zapcore.EncoderConfig{
		TimeKey: "T", LevelKey: "L", MessageKey: "M", NameKey: "N",
		EncodeTime: zapcore.RFC3339NanoTimeEncoder, EncodeLevel: zapcore.CapitalLevelEncoder,
		EncodeDuration: zapcore.StringDurationEncoder, ConsoleSeparator: " ",
	})
	return zapcore.NewCore(enc, zapcore.AddSync(b), zapcore.InfoLevel)
}

// Write takes one encoded entry (zap writes each whole).
func (b *logBuffer) Write(p []byte) (int, error) {
	line := strings.TrimRight(string(p), "\n")
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.lines) == maxLogLines {
		b.lines = append(b.lines[:0], b.lines[1:]...)
		b.first++
	}
	b.lines = append(b.lines, line)
	return len(p), nil
}

// dumpIfFailed writes the kept lines to t's log if t failed: all of them,
// or with lab set those that name the lab (a shared daemon's other lines
// are other tests').
func (b *logBuffer) dumpIfFailed(t testing.TB, lab string) {
	if !t.Failed() {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.first > 0 {
		t.Logf("headendd log (the last %d lines):", len(b.lines))
	} else {
		t.Logf("headendd log:")
	}
	want := `"lab": "` + lab + `"`
	for _, l := range b.lines {
		if lab == "" || strings.Contains(l, want) {
			t.Log(l)
		}
	}
}
