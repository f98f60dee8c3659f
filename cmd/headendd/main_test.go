package main

import (
	"path/filepath"
	"testing"
)

// TestEndToEndClockStart: --clock-start sets a new store's lab time; a
// stored clock resumes where it was, whatever the flag says.
func TestEndToEndClockStart(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	if got := mustCtl(t, headendctl, "--addr", d.grpc, "clock"); got != "2026-01-05T09:00:00Z (simulated)\n" {
		t.Fatalf("clock of a new store: %q", got)
	}
	mustCtl(t, headendctl, "--addr", d.grpc, "clock", "advance", "36h")
	d.kill()
	d = startDaemon(t, headendd, dataDir, "--clock-start", "2030-06-01T00:00:00Z")
	if got := mustCtl(t, headendctl, "--addr", d.grpc, "clock"); got != "2026-01-06T21:00:00Z (simulated)\n" {
		t.Fatalf("clock after a restart with another --clock-start: %q", got)
	}
}
