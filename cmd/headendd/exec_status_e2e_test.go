package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEndExecExitStatus: headendctl exec prints the whole transcript
// and exits with status 1 when a line answered with an error, 0 otherwise,
// so that scripts can rely on $?.
func TestEndToEndExecExitStatus(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	d := startDaemon(t, headendd, filepath.Join(t.TempDir(), "data"))
	addr := []string{"--addr", d.grpc}
	mustCtl(t, headendctl, append(addr, "create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V0GY")...)

	out, errOut, code := ctl(t, headendctl, append(addr, "exec", "asa1", "show curpriv", "configure terminal", "logging buffered 9", "end")...)
	if code != 1 || !strings.Contains(out, "asa1(config)# logging buffered 9\n") ||
		!strings.Contains(out, "ERROR: % Invalid input detected at '^' marker.\n") || !strings.HasSuffix(out, "asa1(config)# end\nasa1# \n") {
		t.Errorf("exec with an error: exit %d\n%s", code, out)
	}
	if want := "headendctl: exec: line 3 (\"logging buffered 9\") answered with an error\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	out, errOut, code = ctl(t, headendctl, append(addr, "exec", "asa1", "show curpriv", "show running-config | include nothing")...)
	if code != 0 || errOut != "" || !strings.Contains(out, "Username : enable_15") {
		t.Errorf("exec without an error: exit %d\n%s%s", code, out, errOut)
	}
}
