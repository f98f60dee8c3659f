package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim/syslogout/rsyslogtest"
)

// TestEndToEndSyslogForward: with --syslog-forward to Debian's rsyslogd
// over UDP and TCP, a refusal made over gRPC reaches both, with the
// headend's hostname and the lab time, and the line the API returned.
func TestEndToEndSyslogForward(t *testing.T) {
	c := rsyslogtest.Start(t)
	headendd, headendctl := buildBinaries(t)
	d := startDaemon(t, headendd, filepath.Join(t.TempDir(), "data"),
		"--syslog-forward", "udp://"+c.UDP, "--syslog-forward", "tcp://"+c.TCP+"?format=rfc5424")
	mustCtl(t, headendctl, "--addr", d.grpc, "create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V0GY")

	// An unlicensed ASA admits 2 AnyConnect Premium peers.
	hc := headendv1.NewHeadendServiceClient(d.dial(t))
	var refusal string
	for i := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		resp, err := hc.AdmitConnection(ctx, &headendv1.AdmitConnectionRequest{Headend: "asa1", User: fmt.Sprint("u", i),
			ClientDevice: fmt.Sprint("u", i, "-pc"), Kind: headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetAdmitted() != (i < 2) {
			t.Fatalf("attempt %d: admitted %v", i, resp.GetAdmitted())
		}
		refusal = resp.GetSyslog()
	}
	if !strings.HasPrefix(refusal, "%ASA-4-113029: Group <DfltGrpPolicy> User <u2> IP <") {
		t.Fatalf("refusal syslog %q", refusal)
	}

	got := c.WaitFor(t, 2, 15*time.Second, func(r rsyslogtest.Received) bool { return r.Hostname == "asa1" })
	// Over UDP in the ASA's default header, over TCP with `logging
	// timestamp rfc5424`; at the lab time (labStart), not the machine's.
	want := []rsyslogtest.Received{
		{Pri: 164, Time: "2026-01-05T09:00:00+00:00", Hostname: "asa1", Tag: ":", Msg: " " + refusal},
		{Pri: 164, Time: "2026-01-05T09:00:00Z", Hostname: "asa1", Tag: ":", Msg: " " + refusal},
	}
	slices.SortFunc(got, func(a, b rsyslogtest.Received) int { return strings.Compare(a.Time, b.Time) })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rsyslog received\n%v\nwant\n%v", got, want)
	}
}

// TestEndToEndSyslogForwardFlag: a collector headendd cannot use stops it at
// start, with a usage error.
func TestEndToEndSyslogForwardFlag(t *testing.T) {
	headendd, _ := buildBinaries(t)
	for arg, why := range map[string]string{
		"udp://127.0.0.1:0":              "the port must be 1-65535",
		"syslog.example:514":             "the scheme must be udp:// or tcp://",
		"udp://127.0.0.1?framing=lf":     "framing applies to tcp:// only",
		"tcp://127.0.0.1?format=rfc3164": `format must be bsd or rfc5424, not "rfc3164"`,
	} {
		cmd := exec.Command(headendd, "--data-dir", filepath.Join(t.TempDir(), "data"), "--syslog-forward", arg)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "headendd: invalid value \""+arg+"\" for flag -syslog-forward") ||
			!strings.Contains(string(out), why) {
			t.Errorf("--syslog-forward %s: %v\n%s\nwant exit 2 saying %q", arg, err, out, why)
		}
	}
}
