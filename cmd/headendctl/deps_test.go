package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/asalab/asalab/cmd/headendd/server"
	"github.com/asalab/asalab/headend"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// The client is small: it speaks the API and mints keys with keygen. It
// links neither the lab (sim and its pebble store) nor the device logic
// (headend and its console).
func TestClientImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, banned := range []string{"github.com/cockroachdb/pebble", "github.com/asalab/asalab/sim", "github.com/asalab/asalab/headend"} {
		var deps []string
		for _, p := range strings.Fields(string(out)) {
			if p == banned || strings.HasPrefix(p, banned+"/") {
				deps = append(deps, p)
			}
		}
		if len(deps) > 0 {
			t.Errorf("headendctl depends on %s (%d packages: %s ...)", banned, len(deps), deps[0])
		}
	}
}

// What headendctl knows of the daemon without importing it: the name of
// the default lab, the kind words, which it reads from the API's
// ConnectionKind names, and the trailer that says why an event stream
// ended.
func TestClientAgreesWithDaemon(t *testing.T) {
	if defaultLab != sim.DefaultLab {
		t.Errorf("defaultLab = %q, the daemon's is %q", defaultLab, sim.DefaultLab)
	}
	if len(kinds) != headend.NumKinds-1 {
		t.Errorf("kinds = %q, the daemon has %d", kinds, headend.NumKinds-1)
	}
	for k := headend.KindAnyConnect; k.Valid(); k++ {
		pb := headendv1.ConnectionKind(k)
		if got := kindWord(pb); got != k.String() {
			t.Errorf("kindWord(%v) = %q, want %q", pb, got, k.String())
		}
		if got, err := parseKind(k.String()); err != nil || got != pb {
			t.Errorf("parseKind(%q) = %v, %v; want %v", k.String(), got, err, pb)
		}
	}
	for _, k := range []headendv1.ConnectionKind{0, headendv1.ConnectionKind(headend.NumKinds)} {
		if got := kindWord(k); got != k.String() {
			t.Errorf("kindWord(%d) = %q, want %q", k, got, k.String())
		}
	}
	if streamEndTrailer != server.StreamEndTrailer || streamEndLabDeleted != sim.WatchEndLabDeleted ||
		streamEndLabReset != sim.WatchEndLabReset || streamEndStopping != sim.WatchEndDaemonStopping {
		t.Errorf("the event stream's end: trailer %q: %q, %q, %q; the daemon's %q: %q, %q, %q",
			streamEndTrailer, streamEndLabDeleted, streamEndLabReset, streamEndStopping,
			server.StreamEndTrailer, sim.WatchEndLabDeleted, sim.WatchEndLabReset, sim.WatchEndDaemonStopping)
	}
	if maxFileBytes != sim.MaxFileBytes {
		t.Errorf("maxFileBytes = %d, the daemon's is %d", maxFileBytes, sim.MaxFileBytes)
	}
	if _, err := parseKind("ssl"); err == nil || !strings.Contains(err.Error(), "--kind must be one of anyconnect, clientless, ikev2-third-party, ipsec-ikev1, site-to-site, phone, mobile") {
		t.Errorf("parseKind(ssl): %v", err)
	}
}
