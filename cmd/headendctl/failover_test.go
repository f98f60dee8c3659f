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
// one line, the pair's combined license once it is formed, and nothing of
// failover for a unit without it.
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
		{&headendv1.FailoverPair{Role: "primary", State: headendv1.FailoverState_FAILOVER_STATE_ACTIVE,
			Mate: "fo-b", MateState: headendv1.FailoverState_FAILOVER_STATE_STANDBY_READY, Since: timestamppb.New(at),
			Cluster: &headendv1.LicensedFeatures{AnyconnectPremiumPeers: 500, OtherVpnPeers: 750, TotalVpnPeers: 750}},
			"failover:       primary, active; mate fo-b standby ready; pair up since 2026-03-01T09:00:00Z; cluster premium 500, other 750, total 750\n"},
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

// TestGetPrintsShared: `headendctl get` prints a headend's part in shared
// licensing on one line, and nothing of it for a headend that plays none.
func TestGetPrintsShared(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		sh   *headendv1.SharedLicensing
		want string
	}{
		{nil, ""},
		{&headendv1.SharedLicensing{Role: headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_PARTICIPANT, ServerHostname: "srv",
			ServerAddress: "10.0.0.1", Registered: true, Borrowed: 100, PoolTotal: 1000, PoolAvailable: 900, PlatformLimit: 750},
			"shared:         participant of srv at 10.0.0.1, registered; borrowed 100; pool 1000, 900 available; platform limit 750\n"},
		{&headendv1.SharedLicensing{Role: headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_PARTICIPANT,
			ServerAddress: "10.0.0.1", Borrowed: 50, BorrowedUntil: timestamppb.New(at), PoolTotal: 1000, PoolAvailable: 1000, PlatformLimit: 750},
			"shared:         participant at 10.0.0.1, not registered; borrowed 50 until 2026-03-01T09:00:00Z; pool 1000, 1000 available; platform limit 750\n"},
		{&headendv1.SharedLicensing{Role: headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_SERVER,
			ServerAddress: "10.0.0.1", Registered: true, PoolTotal: 1000, PoolAvailable: 950, PlatformLimit: 2500},
			"shared:         server at 10.0.0.1; pool 1000, 950 available; platform limit 2500\n"},
		{&headendv1.SharedLicensing{Role: headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_BACKUP,
			ServerAddress: "10.0.0.1", Registered: true, BackupActive: true, BackupDaysLeft: 29, PoolTotal: 1000, PoolAvailable: 950, PlatformLimit: 2500},
			"shared:         backup server, registered, serving, 29 days left; pool 1000, 950 available; platform limit 2500\n"},
	} {
		var out bytes.Buffer
		printHeadend(&cli{stdout: &out}, &headendv1.Headend{Hostname: "p1", SharedLicensing: c.sh})
		var got string
		for _, l := range strings.SplitAfter(out.String(), "\n") {
			if strings.HasPrefix(l, "shared:") {
				got += l
			}
		}
		if got != c.want {
			t.Errorf("shared line\n got %q\nwant %q", got, c.want)
		}
	}
}
