package server

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// TestExecLimits: an Exec whose answer would grow past the response limit
// stops at the first line past it with ResourceExhausted, instead of
// building the whole answer; more lines than the limit run none.
// ctxSlow bounds a call that runs a thousand console lines: about a
// second alone, but well past ctxT's 10 s under the race detector on a
// loaded machine. The bound only keeps a hung call from hanging the test.
func ctxSlow() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	_ = cancel // the test's lifetime bounds it
	return ctx
}

func TestExecLimits(t *testing.T) {
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa1"}); err != nil {
		t.Fatal(err)
	}
	// Local users make show running-config long, as on the headend that
	// showed the problem.
	users := []string{"configure terminal"}
	for i := range 200 {
		users = append(users, fmt.Sprintf("username user%03d password secret%03d privilege 15", i, i))
	}
	// 200 password hashes: slow under -race on a loaded machine.
	if _, err := e.hc.Exec(ctxSlow(), &headendv1.ExecRequest{Hostname: "asa1", Lines: users}); err != nil {
		t.Fatal(err)
	}

	const cmd = "show running-config"
	one, err := e.hc.Exec(ctxSlow(), &headendv1.ExecRequest{Hostname: "asa1", Lines: []string{cmd}})
	if err != nil {
		t.Fatal(err)
	}
	// What one more line adds: its part of the transcript (echo, output,
	// next prompt) and its result (input and output).
	prompt := len("asa1# ")
	perLine := len(one.GetTranscript()) - prompt + len(cmd) + len(one.GetResults()[0].GetOutput())
	stop := (sim.MaxExecResponseBytes-prompt)/perLine + 1
	if stop >= sim.MaxExecLines {
		t.Fatalf("show running-config is %d bytes a line: %d lines stay within the limit; the test needs a longer config", perLine, sim.MaxExecLines)
	}

	_, err = e.hc.Exec(ctxSlow(), &headendv1.ExecRequest{Hostname: "asa1", Lines: slices.Repeat([]string{cmd}, sim.MaxExecLines)})
	want := fmt.Sprintf("error: ResourceExhausted EXEC_TOO_LARGE: Exec request too large: the response passed 4177920 bytes "+
		"at line %d of 1000; lines 1 to %d ran, the rest did not", stop, stop)
	if got := errText(err); got != want {
		t.Errorf("1000 x %s:\n got %s\nwant %s", cmd, got, want)
	}

	_, err = e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "asa1", Lines: slices.Repeat([]string{"show clock"}, sim.MaxExecLines+1)})
	if got, want := errText(err), "error: ResourceExhausted EXEC_TOO_LARGE: Exec request too large: 1001 lines, at most 1000 per request"; got != want {
		t.Errorf("1001 lines:\n got %s\nwant %s", got, want)
	}

	// A full request of ordinary lines is no problem.
	resp, err := e.hc.Exec(ctxSlow(), &headendv1.ExecRequest{Hostname: "asa1", Lines: slices.Repeat([]string{"show clock"}, sim.MaxExecLines)})
	if err != nil {
		t.Fatalf("1000 x show clock: %v", err)
	}
	if n := len(resp.GetResults()); n != sim.MaxExecLines {
		t.Errorf("1000 x show clock: %d results", n)
	}
	if _, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "asa1"}); errText(err) != "error: InvalidArgument INVALID_ARGUMENT: invalid argument: give 1 to 1000 lines, not 0" {
		t.Errorf("no lines: %s", errText(err))
	}
}
