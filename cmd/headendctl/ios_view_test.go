package main

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// `get` of an ISR G2 prints its IOS licensing in place of the key rows and
// no VPN peer or feature line of an ASA; `list`'s LICENSE column names the
// packages running besides ipbasek9 and the seats.
func TestIOSHeadendView(t *testing.T) {
	il := &headendv1.IosLicense{Udi: "CISCO2911/K9:FTX1628A1B2", Module: "c2900", SslVpnSeats: 10, SslVpnSeatsInUse: 3,
		Packages: []*headendv1.IosTechnologyPackage{
			{Technology: "ipbase", Package: "ipbasek9", Current: true, NextReboot: true, Type: "Permanent"},
			{Technology: "security", Package: "securityk9", Current: true, NextReboot: true, Type: "EvalRightToUse",
				EvalRemaining: durationpb.New(50*24*time.Hour + 23*time.Hour)},
			{Technology: "uc", Package: "uck9", Type: "EvalRightToUse", EvalRemaining: durationpb.New(60 * 24 * time.Hour)},
			{Technology: "data", Package: "datak9", NextReboot: true, Type: "EvalRightToUse", EvalRemaining: durationpb.New(0), EvalExpired: true},
		}}
	var out strings.Builder
	printHeadend(&cli{stdout: &out}, &headendv1.Headend{Hostname: "r1", Model: "CISCO2911", SoftwareVersion: "15.5(3)M", Serial: "FTX1628A1B2",
		UpSince: timestamppb.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)), IosLicense: il,
		RunningConfig: &headendv1.Config{Hostname: "r1"}, StartupConfig: &headendv1.Config{Hostname: "r1"}})
	want := `hostname:       r1
model:          CISCO2911 (software 15.5(3)M)
serial:         FTX1628A1B2
state:          up since 2026-11-27T12:00:00Z
ios license:    udi CISCO2911/K9:FTX1628A1B2, module c2900
technology:     ipbase ipbasek9: running Permanent; next reboot on
technology:     security securityk9: running EvalRightToUse, evaluation 50 days left; next reboot on
technology:     uc uck9: not running, evaluation 60 days left; next reboot off
technology:     data datak9: not running, evaluation expired; next reboot on
ssl vpn seats:  3 in use of 10
config unsaved: no
ssh:            none
`
	if out.String() != want {
		t.Errorf("get:\n%s\nwant:\n%s", out.String(), want)
	}
	if got := iosLicenseSummary(il); got != "ios securityk9, 10 seats" {
		t.Errorf("list LICENSE %q", got)
	}
	if got := iosLicenseSummary(&headendv1.IosLicense{Packages: il.GetPackages()[:1]}); got != "ios ipbasek9, 0 seats" {
		t.Errorf("list LICENSE of a factory router %q", got)
	}
}
