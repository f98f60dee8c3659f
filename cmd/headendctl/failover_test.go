package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestGetPrintsFailover: `headendctl get` prints a failover unit's pair on
// one line, and nothing of failover for a unit without it.
func TestGetPrintsFailover(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		fo   *headendv1.FailoverPair
		want string
	}{
		{nil, ""},
		{&headendv1.FailoverPair{Role: "primary", State: headendv1.FailoverState_FAILOVER_STATE_ACTIVE,
			MateState: headendv1.FailoverState_FAILOVER_STATE_NOT_DETECTED},
			"failover:       primary, active; mate not detected\n"},
		{&headendv1.FailoverPair{Role: "secondary", State: headendv1.FailoverState_FAILOVER_STATE_STANDBY_READY,
			Mate: "fo-a", MateState: headendv1.FailoverState_FAILOVER_STATE_ACTIVE, Stateful: true,
			Since: timestamppb.New(at), LastFailover: timestamppb.New(at.Add(time.Hour))},
			"failover:       secondary, standby ready; mate fo-a active, stateful link; pair up since 2026-03-01T09:00:00Z; last failover 2026-03-01T10:00:00Z\n"},
	} {
		var out bytes.Buffer
		printHeadend(&cli{stdout: &out}, &headendv1.Headend{Hostname: "fo-b", Failover: c.fo})
		var got string
		for _, l := range strings.SplitAfter(out.String(), "\n") {
			if strings.HasPrefix(l, "failover:") {
				got += l
			}
		}
		if got != c.want {
			t.Errorf("failover line\n got %q\nwant %q", got, c.want)
		}
	}
}
