package server

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestIOSHeadendView: GetHeadend and ListHeadends show an ISR G2 by its
// own licensing (UDI, technology packages, SSL_VPN seats) and none of an
// ASA's (no license, keys, Essentials or Smart Licensing); an ASA has no
// IOS view. ListPlatforms calls simulated only what CreateHeadend makes.
func TestIOSHeadendView(t *testing.T) {
	e := newEnv(t)
	for _, c := range [][2]string{{"CISCO2911", "r1"}, {"ASA5525", "fw1"}} {
		if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: c[0], Hostname: c[1], Serial: map[string]string{"r1": "FTX1628A1B2"}[c[1]]}); err != nil {
			t.Fatal(err)
		}
	}
	eval := durationpb.New(60 * 24 * time.Hour)
	want := &headendv1.IosLicense{Udi: "CISCO2911/K9:FTX1628A1B2", Module: "c2900", Packages: []*headendv1.IosTechnologyPackage{
		{Technology: "ipbase", Package: "ipbasek9", Current: true, NextReboot: true, Type: "Permanent"},
		{Technology: "security", Package: "securityk9", Type: "EvalRightToUse", EvalRemaining: eval},
		{Technology: "uc", Package: "uck9", Type: "EvalRightToUse", EvalRemaining: eval},
		{Technology: "data", Package: "datak9", Type: "EvalRightToUse", EvalRemaining: eval},
	}}
	got, err := e.hc.GetHeadend(ctxT(), &headendv1.GetHeadendRequest{Hostname: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(h *headendv1.Headend) {
		t.Helper()
		switch h.GetHostname() {
		case "r1":
			if !proto.Equal(h.GetIosLicense(), want) {
				t.Errorf("ios_license %v\nwant %v", h.GetIosLicense(), want)
			}
			if h.GetLicense() != nil || h.GetSmartLicense() != nil || h.GetRunningConfig().GetAnyconnectEssentials() || h.GetStartupConfig().GetAnyconnectEssentials() {
				t.Errorf("an IOS router with ASA fields: license %v, smart %v, running %v, startup %v",
					h.GetLicense(), h.GetSmartLicense(), h.GetRunningConfig(), h.GetStartupConfig())
			}
		case "fw1":
			if h.GetIosLicense() != nil || h.GetLicense() == nil {
				t.Errorf("an ASA: ios_license %v, license %v", h.GetIosLicense(), h.GetLicense())
			}
		}
	}
	check(got.GetHeadend())
	list, err := e.hc.ListHeadends(ctxT(), &headendv1.ListHeadendsRequest{PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetHeadends()) != 2 {
		t.Fatalf("listed %d headends", len(list.GetHeadends()))
	}
	for _, h := range list.GetHeadends() {
		check(h)
	}

	plats, err := e.hc.ListPlatforms(ctxT(), &headendv1.ListPlatformsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plats.GetPlatforms() {
		_, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: p.GetModel(), Hostname: "p-" + p.GetModel()})
		if p.GetSimulated() != (err == nil) {
			t.Errorf("%s: simulated %v, create: %v", p.GetModel(), p.GetSimulated(), err)
		}
	}
}
