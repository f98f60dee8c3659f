package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEndCreateVersion: headendctl create --version loads the unit
// with that image, which get and show version print; a version the model
// cannot run exits 1 with the trains it can, and creates nothing.
func TestEndToEndCreateVersion(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	d := startDaemon(t, headendd, filepath.Join(t.TempDir(), "data"))
	addr := []string{"--addr", d.grpc}

	out := mustCtl(t, headendctl, append(addr, "create", "--model", "ASA5520", "--hostname", "old1", "--version", "8.4(7)")...)
	if !strings.Contains(out, "ASA5520 (software 8.4(7))") {
		t.Errorf("create --version 8.4(7):\n%s", out)
	}
	out = mustCtl(t, headendctl, append(addr, "exec", "old1", "show version | include Version")...)
	if want := "Cisco Adaptive Security Appliance Software Version 8.4(7)\nDevice Manager Version 6.4(9)\n"; !strings.Contains(out, want) {
		t.Errorf("show version:\n%s\nwant it to contain\n%s", out, want)
	}

	out, errOut, code := ctl(t, headendctl, append(addr, "create", "--model", "ASA5525", "--hostname", "bad1", "--version", "8.4(7)")...)
	if code != 1 || out != "" || !strings.Contains(errOut, "ASA5525 runs 8.6, 9.0, 9.1, 9.2, 9.3, 9.4, 9.5, 9.6, 9.7, 9.8, 9.9, 9.10, 9.12, 9.13, 9.14, not 8.4(7)") {
		t.Errorf("create --version 8.4(7) on an ASA5525: exit %d\n%s%s", code, out, errOut)
	}
	if _, _, code := ctl(t, headendctl, append(addr, "get", "bad1")...); code == 0 {
		t.Error("the refused headend exists")
	}
}
