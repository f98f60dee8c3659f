package server

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// The Smart Licensing view of a headend carries every field of the
// device's state; times it does not have stay unset.
func TestSmartLicensePB(t *testing.T) {
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	got := smartLicensePB(sim.SmartLicense{Tier: "standard", Throughput: "1G", Entitlement: "ASAv-STD-1G", PlatformState: "Licensed",
		Registration: "REGISTERED", Authorization: "AUTHORIZED", SmartAccount: "Acme", VirtualAccount: "DEFAULT",
		UDI: "PID:ASAv,SN:9AAAAAAAAA1", EvalRemaining: 90 * 24 * time.Hour, RegisteredAt: at, AuthorizedAt: at,
		NextAttempt: at.Add(30 * 24 * time.Hour), CommDeadline: at.Add(90 * 24 * time.Hour), PremiumPeers: 250})
	want := &headendv1.SmartLicense{Tier: "standard", Throughput: "1G", Entitlement: "ASAv-STD-1G", PlatformState: "Licensed",
		Registration: "REGISTERED", Authorization: "AUTHORIZED", SmartAccount: "Acme", VirtualAccount: "DEFAULT",
		Udi: "PID:ASAv,SN:9AAAAAAAAA1", EvalRemaining: durationpb.New(90 * 24 * time.Hour), RegisteredAt: timestamppb.New(at),
		AuthorizedAt: timestamppb.New(at), NextAttempt: timestamppb.New(at.Add(30 * 24 * time.Hour)),
		CommDeadline: timestamppb.New(at.Add(90 * 24 * time.Hour)), PremiumPeers: 250}
	if !proto.Equal(got, want) {
		t.Errorf("smartLicensePB = %v, want %v", got, want)
	}
}

// The compliance report lists the ASAv by virtual account: its registered
// devices and AnyConnect entitlements (no headend admitted anyone here).
func TestComplianceReportVirtualAccounts(t *testing.T) {
	e := newEnv(t)
	s := e.lab.Smart()
	if _, err := s.CreateAccount("Acme"); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"ASAv-STD-1G", "AnyConnect Plus"} {
		if _, err := s.AddEntitlement("Acme", "", tag, 5, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := s.CreateToken("Acme", "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register("PID:ASAv,SN:9AAAAAAAAA1", tok.Token, []string{"ASAv-STD-1G"}); err != nil {
		t.Fatal(err)
	}
	resp, err := headendv1.NewPortalServiceClient(e.conn).GetComplianceReport(ctxT(), &headendv1.GetComplianceReportRequest{Customer: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	want := []*headendv1.VirtualAccountCompliance{{SmartAccount: "Acme", VirtualAccount: "DEFAULT", Serials: []string{"9AAAAAAAAA1"},
		Plus: 5, Since: timestamppb.New(labStart)}}
	if got := resp.GetVirtualAccounts(); len(got) != 1 || !proto.Equal(got[0], want[0]) {
		t.Errorf("virtual accounts %v, want %v", got, want)
	}
}
