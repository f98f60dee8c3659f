package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEndSharedPool: through headendctl, a participant that used up
// its 25 local Premium peers admits the 26th user on a block of its
// server's pool, and says so; the pool's holdings survive a restart of
// the daemon. (A grant is written within a usage flush of it, not before
// the admission returns: a crash in between loses it with the sessions
// that used it, which live in memory only.)
func TestEndToEndSharedPool(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	run := func(args ...string) string {
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}

	units := []struct{ host, model, serial, addr, key string }{
		{"srv", "ASA5545", "FCH1947V0GY", "10.0.0.1", "shared-server=1000"},
		{"p1", "ASA5525", "FCH1947V0H1", "10.0.0.11", "shared-participant"},
	}
	for _, u := range units {
		run("create", "--model", u.model, "--hostname", u.host, "--serial", u.serial)
		keyArgs := []string{"keygen", "--data-dir", dataDir, "--serial", u.serial, u.key}
		if u.host == "p1" {
			keyArgs = append(keyArgs, "premium=25")
		}
		run("install-key", u.host, strings.TrimSpace(mustCtl(t, headendctl, keyArgs...)))
		lines := []string{"license-server address 10.0.0.1 secret SeKreTkey"}
		if u.host == "srv" {
			lines = []string{"license-server secret SeKreTkey", "license-server enable inside"}
		}
		run(append([]string{"exec", u.host, "configure terminal", "interface GigabitEthernet0/1", "nameif inside",
			"ip address " + u.addr + " 255.255.255.0", "no shutdown", "exit"}, append(lines, "end")...)...)
	}
	var last string
	for i := range 26 {
		last = run("admit", "p1", "--user", fmt.Sprintf("user%02d", i))
	}
	if !strings.HasPrefix(last, "admitted ") || !strings.HasSuffix(strings.TrimSpace(last), "(shared pool of srv)") {
		t.Fatalf("the 26th user: %q", last)
	}
	const utilized = "Utilized          :       50"
	if out := run("exec", "srv", "show shared license"); !strings.Contains(out, utilized) {
		t.Fatalf("show shared license on srv:\n%s", out)
	}
	d.term()

	d = startDaemon(t, headendd, dataDir)
	if out := mustCtl(t, headendctl, "--addr", d.grpc, "exec", "srv", "show shared license"); !strings.Contains(out, utilized) ||
		!strings.Contains(out, "FCH1947V0H1         50      p1") {
		t.Fatalf("show shared license on srv after a restart:\n%s", out)
	}
}
