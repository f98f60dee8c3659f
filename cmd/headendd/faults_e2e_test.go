package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEndFaults: headendctl cuts, lists and restores a link, and
// powers a headend off and on; get and list show the power state, also
// after a daemon restart; a refused fault is exit status 1 with its reason,
// a malformed command status 2.
func TestEndToEndFaults(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	run := func(args ...string) string {
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	run("create", "--model", "ASA5525", "--hostname", "hq", "--serial", "FCH1947V0GY")
	run("create", "--model", "ASA5516", "--hostname", "branch", "--serial", "JAD222605K8")

	for _, c := range []struct{ args, want string }{
		{"link cut branch hq", "link branch - hq cut\n"},
		{"link list", "branch hq cut since " + labStart + "\n"},
		{"power off branch", "branch powered off, 0 VPN sessions ended\n"},
	} {
		if got := run(strings.Fields(c.args)...); got != c.want {
			t.Errorf("%s: %q, want %q", c.args, got, c.want)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{strings.Fields("link cut hq branch"), 1, "headendctl: the link is already cut: between hq and branch (FailedPrecondition, LINK_ALREADY_CUT)\n"},
		{strings.Fields("power off branch"), 1, "headendctl: the headend is already powered off: branch since " + labStart + " (FailedPrecondition, ALREADY_POWERED_OFF)\n"},
		{[]string{"exec", "branch", "show version"}, 1, "headendctl: the headend is powered off: branch was powered off at " + labStart + "; power it on first (Unavailable, HEADEND_POWERED_OFF)\n"},
		{strings.Fields("link cut hq"), 2, "headendctl: usage: link cut A B | link restore A B | link list\n"},
		{strings.Fields("power down branch"), 2, "headendctl: usage: power off HOSTNAME | power on HOSTNAME\n"},
	} {
		out, errOut, code := ctl(t, headendctl, append([]string{"--addr", d.grpc}, c.args...)...)
		if code != c.code || out != "" || errOut != c.want {
			t.Errorf("%s: exit %d, stdout %q\nstderr %q\nwant   %q", c.args, code, out, errOut, c.want)
		}
	}

	d.kill() // the faults were synced when acknowledged
	d = startDaemon(t, headendd, dataDir)
	if got := run("get", "branch"); !strings.Contains(got, "state:          powered off since "+labStart+"\n") {
		t.Errorf("get after the restart:\n%s", got)
	}
	if got := run("list"); !strings.Contains(got, "\nbranch    ASA5516  JAD222605K8  off ") {
		t.Errorf("list after the restart:\n%s", got)
	}
	if got, want := run("power", "on", "branch"), "branch powered on, up at "+labStart+"\n"; got != want {
		t.Errorf("power on: %q, want %q", got, want)
	}
	if got, want := run("link", "restore", "hq", "branch"), "link hq - branch restored\n"; got != want {
		t.Errorf("link restore: %q, want %q", got, want)
	}
	if got := run("link", "list"); got != "" {
		t.Errorf("link list after the restore: %q", got)
	}
	if got := run("list"); !strings.Contains(got, "\nbranch    ASA5516  JAD222605K8  up ") {
		t.Errorf("list after power on:\n%s", got)
	}
}
