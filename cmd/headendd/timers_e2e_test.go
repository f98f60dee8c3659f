package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEndToEndTimedEvents: a clock move of 36 days over a headend with a
// 35-day key lists, in `headendctl events`, the clock move and then the
// key's four warnings and its expiry at their lab times, without anyone
// looking at the headend; a restart and a change add none of them again.
func TestEndToEndTimedEvents(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	mustCtl(t, headendctl, "--addr", d.grpc, "create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V0GY")
	key := strings.TrimSpace(mustCtl(t, headendctl, "keygen", "--data-dir", dataDir, "--serial", "FCH1947V0GY", "--days", "35", "premium=500"))
	mustCtl(t, headendctl, "--addr", d.grpc, "exec", "asa1", "activation-key "+key)
	mustCtl(t, headendctl, "--addr", d.grpc, "clock", "advance", "36d")

	// 2026-01-05T09:00:00Z (labStart) plus 5, 21, 28, 34, 35 and 36 days.
	want := regexp.MustCompile(`^\d+ 2026-02-10T09:00:00Z - clock clock set to 2026-02-10T09:00:00Z
\d+ 2026-01-10T09:00:00Z asa1 syslog %ASA-4-444005: Timebased license key [0-9a-fx ]+ will expire in 30 days\.
\d+ 2026-01-26T09:00:00Z asa1 syslog %ASA-4-444005: Timebased license key [0-9a-fx ]+ will expire in 14 days\.
\d+ 2026-02-02T09:00:00Z asa1 syslog %ASA-4-444005: Timebased license key [0-9a-fx ]+ will expire in 7 days\.
\d+ 2026-02-08T09:00:00Z asa1 syslog %ASA-4-444005: Timebased license key [0-9a-fx ]+ will expire in 1 days\.
\d+ 2026-02-09T09:00:00Z asa1 syslog %ASA-2-444007: Timebased activation key [0-9a-fx ]+ has expired\. .*$`)
	events := func() string {
		out := mustCtl(t, headendctl, "--addr", d.grpc, "events", "--kind", "clock", "--kind", "syslog")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return strings.Join(lines[1:], "\n") // after the clock's start
	}
	if got := events(); !want.MatchString(got) {
		t.Fatalf("headendctl events --kind clock --kind syslog after the move:\n%s", got)
	}

	d.kill()
	d = startDaemon(t, headendd, dataDir)
	mustCtl(t, headendctl, "--addr", d.grpc, "exec", "asa1", "configure terminal", "logging buffered informational", "end")
	if got := events(); !want.MatchString(got) {
		t.Errorf("after a restart and a change:\n%s", got)
	}
}
