package main

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// `get` prints a Smart-licensed headend's state in one line, `list` its
// state in the license column.
func TestSmartText(t *testing.T) {
	at := time.Date(2026, 12, 27, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		l          *headendv1.SmartLicense
		get, state string
	}{
		{&headendv1.SmartLicense{Registration: "REGISTERED", Authorization: "AUTHORIZED", Entitlement: "ASAv-STD-1G",
			SmartAccount: "Acme", VirtualAccount: "DEFAULT", NextAttempt: timestamppb.New(at), CommDeadline: timestamppb.New(at.Add(60 * 24 * time.Hour))},
			"AUTHORIZED ASAv-STD-1G (Acme/DEFAULT), next attempt 2026-12-27T12:00:00Z, deadline 2027-02-25T12:00:00Z", "AUTHORIZED"},
		{&headendv1.SmartLicense{Registration: "UNREGISTERED", Authorization: "EVAL MODE", Entitlement: "ASAv-STD-1G",
			EvalRemaining: durationpb.New(89*24*time.Hour + 23*time.Hour + 59*time.Minute + 30*time.Second)},
			"EVAL MODE ASAv-STD-1G, evaluation 2159h59m0s left", "EVAL MODE"},
		{&headendv1.SmartLicense{Registration: "UNREGISTERED"}, "UNREGISTERED (no entitlement configured)", "UNREGISTERED"},
		{&headendv1.SmartLicense{Registration: "REGISTERED", Authorization: "AUTHORIZED", Entitlement: "ASAv-STD-1G",
			SmartAccount: "Acme", VirtualAccount: "DEFAULT", NextAttempt: timestamppb.New(at), LastFailure: "Communication message send error"},
			"AUTHORIZED ASAv-STD-1G (Acme/DEFAULT), next attempt 2026-12-27T12:00:00Z, last failure: Communication message send error", "AUTHORIZED"},
		{&headendv1.SmartLicense{Registration: "RESERVED", Authorization: "AUTHORIZED", Entitlement: "ASAv-STD-1G"},
			"AUTHORIZED (reserved) ASAv-STD-1G", "AUTHORIZED (reserved)"},
	} {
		if got := smartText(c.l); got != c.get {
			t.Errorf("smartText(%v) = %q, want %q", c.l, got, c.get)
		}
		if got := smartState(c.l); got != c.state {
			t.Errorf("smartState(%v) = %q, want %q", c.l, got, c.state)
		}
	}
}

// `get` of an ASAv prints its Smart Licensing line in place of the key
// rows; `portal compliance` prints the ASAv by virtual account.
func TestSmartHeadendAndCompliance(t *testing.T) {
	var out strings.Builder
	printHeadend(&cli{stdout: &out}, &headendv1.Headend{Hostname: "v1", Model: "ASAv10", SoftwareVersion: "9.20(3)", Serial: "9A5BHB00D2D",
		UpSince: timestamppb.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)),
		SmartLicense: &headendv1.SmartLicense{Registration: "REGISTERED", Authorization: "AUTHORIZED", Entitlement: "ASAv-STD-1G",
			SmartAccount: "Acme", VirtualAccount: "DEFAULT", PremiumPeers: 250}})
	want := `hostname:       v1
model:          ASAv10 (software 9.20(3))
serial:         9A5BHB00D2D
state:          up since 2026-11-27T12:00:00Z
smart:          AUTHORIZED ASAv-STD-1G (Acme/DEFAULT)
config unsaved: no
ssh:            none
vpn peers:      premium 250
`
	if out.String() != want {
		t.Errorf("get:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	printVACompliance(&cli{stdout: &out}, []*headendv1.VirtualAccountCompliance{{SmartAccount: "Acme", VirtualAccount: "DEFAULT",
		Serials: []string{"9A5BHB00D2D", "9A5BHB00D2E"}, Plus: 2, Since: timestamppb.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)),
		UniqueUsers: 3, Findings: []string{"3 unique AnyConnect users on its ASAv, 2 licensed (Plus 2, Apex 0, VPN Only 0)"}}})
	want = `
ASAv (Smart Licensing), by virtual account:
  SMART ACCOUNT  VIRTUAL ACCOUNT  PLUS  APEX  VPN ONLY  SINCE       SEEN  APEX-ONLY  ASAV
  Acme           DEFAULT          2     0     0         2026-11-27  3     0          9A5BHB00D2D 9A5BHB00D2E
  ! Acme/DEFAULT: 3 unique AnyConnect users on its ASAv, 2 licensed (Plus 2, Apex 0, VPN Only 0)
`
	if out.String() != want {
		t.Errorf("compliance:\n%s\nwant:\n%s", out.String(), want)
	}
}
