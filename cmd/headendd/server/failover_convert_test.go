package server

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// TestFailoverPairPB: the API shows a failover unit's pair as the lab sees
// it, its mate by lab name, and no pair for a unit without failover.
func TestFailoverPairPB(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if p := failoverPairPB(sim.Snapshot{}); p != nil {
		t.Fatalf("failover off: %v", p)
	}
	got := failoverPairPB(sim.Snapshot{FailoverMismatch: "", Failover: sim.FailoverStatus{
		Enabled: true, Role: "Secondary", State: sim.FailoverStandbyReady, MateSeen: true, MateState: sim.FailoverActive,
		MateHostname: "fo-a", Since: at, StateUp: true,
	}})
	want := &headendv1.FailoverPair{Role: "secondary", State: headendv1.FailoverState_FAILOVER_STATE_STANDBY_READY,
		Mate: "fo-a", MateState: headendv1.FailoverState_FAILOVER_STATE_ACTIVE, Since: timestamppb.New(at), Stateful: true}
	if !proto.Equal(got, want) {
		t.Fatalf("pair\n got %v\nwant %v", got, want)
	}
	got = failoverPairPB(sim.Snapshot{FailoverMismatch: "%ASA-1-105045: x", Failover: sim.FailoverStatus{
		Enabled: true, Role: "Primary", State: sim.FailoverActive, MateState: sim.FailoverDisabled, LastFailover: at,
	}})
	want = &headendv1.FailoverPair{Role: "primary", State: headendv1.FailoverState_FAILOVER_STATE_ACTIVE,
		MateState: headendv1.FailoverState_FAILOVER_STATE_NOT_DETECTED, LastFailover: timestamppb.New(at), Mismatch: "%ASA-1-105045: x"}
	if !proto.Equal(got, want) {
		t.Fatalf("lone unit\n got %v\nwant %v", got, want)
	}
}
