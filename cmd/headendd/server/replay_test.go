package server

import (
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestReplayRPC: Replay over gRPC: per-command results, the diff text and
// the differs flag; bad input is INVALID_ARGUMENT with its reason, an
// unknown headend NOT_FOUND, too many commands RESOURCE_EXHAUSTED.
func TestReplayRPC(t *testing.T) {
	e := newEnv(t)
	rc := headendv1.NewReplayServiceClient(e.conn)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa1"}); err != nil {
		t.Fatal(err)
	}
	ex, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "asa1", Lines: []string{"show inventory", "show clock"}})
	if err != nil {
		t.Fatal(err)
	}
	capture := ex.GetTranscript()

	resp, err := rc.Replay(ctxT(), &headendv1.ReplayRequest{Hostname: "asa1", Transcript: capture})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetDiffers() || resp.GetDiff() != "replay on asa1: 2 commands, 2 the same, 0 differ\n" || len(resp.GetResults()) != 2 {
		t.Fatalf("own capture: %v", resp)
	}
	if r := resp.GetResults()[1]; r.GetLine() != 7 || r.GetPrompt() != "asa1#" || r.GetCommand() != "show clock" ||
		r.GetStatus() != headendv1.ReplayStatus_REPLAY_STATUS_SAME {
		t.Errorf("result 2: %v", r)
	}

	edited := strings.Replace(capture, `DESCR: "ASA/IPS 180W AC Power Supply"`, `DESCR: "ASA/IPS 180W DC Power Supply"`, 1)
	resp, err = rc.Replay(ctxT(), &headendv1.ReplayRequest{Hostname: "asa1", Transcript: edited})
	if err != nil {
		t.Fatal(err)
	}
	want := `--- asa1# show inventory (transcript line 1)
+++ show inventory (replayed on asa1)
@@ -1,5 +1,5 @@
 Name: "Chassis", DESCR: "ASA 5525-X with SW, 8 GE Data, 1 GE Mgmt, AC"
 PID: ASA5525           , VID: V03     , SN: <serial>
 
-Name: "power supply", DESCR: "ASA/IPS 180W DC Power Supply"
+Name: "power supply", DESCR: "ASA/IPS 180W AC Power Supply"
 PID: ASA-180W-PWR-AC   , VID: V01     , SN: <serial>
`
	if !resp.GetDiffers() || resp.GetDiff() != want+"replay on asa1: 2 commands, 1 the same, 1 differ\n" ||
		resp.GetResults()[0].GetDiff() != want || resp.GetResults()[0].GetStatus() != headendv1.ReplayStatus_REPLAY_STATUS_DIFFERS {
		t.Errorf("edited: %v", resp)
	}

	for _, c := range []struct {
		req  *headendv1.ReplayRequest
		want string
	}{
		{&headendv1.ReplayRequest{Hostname: "asa1", Transcript: capture, Ignore: []string{"up ("}},
			"error: InvalidArgument IGNORE_PATTERN_INVALID: invalid ignore pattern: pattern 1 \"up (\": error parsing regexp: missing closing ): `up (`"},
		{&headendv1.ReplayRequest{Hostname: "asa1", Transcript: "show clock\n12:00:00.000 UTC Fri Nov 27 2026\n"},
			"error: InvalidArgument TRANSCRIPT_INVALID: not a transcript: no prompt line (HOST#, HOST>, HOST(config)#)"},
		{&headendv1.ReplayRequest{Hostname: "asa9", Transcript: capture}, "error: NotFound HEADEND_NOT_FOUND: headend not found: \"asa9\""},
		{&headendv1.ReplayRequest{Transcript: capture}, "error: InvalidArgument INVALID_ARGUMENT: invalid argument: hostname is required"},
		{&headendv1.ReplayRequest{Hostname: "asa1", Transcript: strings.Repeat("asa1# show clock\n", 1001)},
			"error: ResourceExhausted REPLAY_TOO_LARGE: replay too large: the transcript has 1001 commands, at most 1000"},
	} {
		_, err := rc.Replay(ctxT(), c.req)
		if got := errText(err); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}
