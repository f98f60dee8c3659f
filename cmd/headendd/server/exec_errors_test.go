package server

import (
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestExecMarksErrors: each Exec result says whether the console refused
// the line, so that clients can fail a script on it.
func TestExecMarksErrors(t *testing.T) {
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "fw1", Serial: "FCH1947V0GY"}); err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{
		"show version | include Serial": false, "nosuch": true, "show": true, "configure terminal": false,
		"logging buffered 9": true, "logging buffered 4": false, "show running-config | include nothing": false,
		"activation-key 0x1 0x2 0x3 0x4 0x5": true, "end": false, "more disk0:/nosuch": true,
	}
	order := []string{"show version | include Serial", "nosuch", "show", "configure terminal", "logging buffered 9",
		"logging buffered 4", "show running-config | include nothing", "activation-key 0x1 0x2 0x3 0x4 0x5", "end", "more disk0:/nosuch"}
	resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "fw1", Lines: order})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetResults()) != len(order) {
		t.Fatalf("%d results", len(resp.GetResults()))
	}
	for _, r := range resp.GetResults() {
		if r.GetError() != lines[r.GetInput()] {
			t.Errorf("%q: error %v, want %v; output %q", r.GetInput(), r.GetError(), lines[r.GetInput()], r.GetOutput())
		}
	}
}
