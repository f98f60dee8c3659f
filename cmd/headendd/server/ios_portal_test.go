package server

import (
	"bytes"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestRegisterPakUDI: an IOS PAK registered with a router's UDI answers
// with the license file and its name, no key, and the same file again;
// the IOS refusals answer with their codes and reasons.
func TestRegisterPakUDI(t *testing.T) {
	e := newEnv(t)
	pc := e.portal()
	order := func(sku string) string {
		t.Helper()
		l := &headendv1.OrderLine{Sku: sku, Customer: "Acme Corp"}
		if sku == "L-AC-PLS-LIC=" {
			l.Users, l.Months = 100, 12
		}
		resp, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{l}})
		if err != nil {
			t.Fatal(err)
		}
		p := resp.GetPaks()[0]
		if sku[:3] == "FL-" && (p.GetTier() != headendv1.LicenseTier_LICENSE_TIER_IOS || p.GetKind() != headendv1.LicenseKind_LICENSE_KIND_IOS) {
			t.Errorf("%s: tier %v kind %v", sku, p.GetTier(), p.GetKind())
		}
		return p.GetPak()
	}
	ssl, sec, plus := order("FL-SSLVPN10-K9"), order("SL-29-SEC-K9"), order("L-AC-PLS-LIC=")
	if _, err := e.lc.AdvanceClock(ctxT(), &headendv1.AdvanceClockRequest{Duration: durationpb.New(4 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	const udi = "CISCO2911/K9:FTX1628838P"
	resp, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: ssl, Udi: udi})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(resp.GetLicenseFile(), []byte("<SN>FTX1628838P</SN>")) || resp.GetLicenseFileName() != "FTX1628838P_20261127160000000.lic" ||
		resp.GetActivationKey() != nil || len(resp.GetActivationKeys()) != 0 || resp.GetAlreadyRegistered() ||
		resp.GetLicense().GetSku() != "FL-SSLVPN10-K9" {
		t.Errorf("register with a UDI: %v", resp)
	}
	again, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: ssl, Udi: udi})
	if err != nil || !again.GetAlreadyRegistered() || !bytes.Equal(again.GetLicenseFile(), resp.GetLicenseFile()) {
		t.Errorf("registered again: %v %v", again, err)
	}
	for _, c := range []struct {
		name string
		req  *headendv1.RegisterPakRequest
		want string
	}{
		{"an IOS PAK without a UDI", &headendv1.RegisterPakRequest{Pak: sec, Serial: "FTX1628838P"}, "InvalidArgument UDI_REQUIRED"},
		{"AnyConnect with a UDI", &headendv1.RegisterPakRequest{Pak: plus, Udi: udi}, "InvalidArgument ANYCONNECT_NOT_FOR_IOS"},
		{"a UDI that is no PID:SN", &headendv1.RegisterPakRequest{Pak: sec, Udi: "FTX1628838P"}, "InvalidArgument INVALID_UDI"},
		{"a 2900 package for a 1941", &headendv1.RegisterPakRequest{Pak: sec, Udi: "CISCO1941/K9:FTX1628838Q"}, "InvalidArgument LICENSE_NOT_FOR_PLATFORM"},
		{"a UDI over 256 characters", &headendv1.RegisterPakRequest{Pak: sec, Udi: string(make([]byte, 257))}, "InvalidArgument INVALID_ARGUMENT"},
	} {
		_, err := pc.RegisterPak(ctxT(), c.req)
		if got := errText(err); len(got) < len("error: "+c.want) || got[:len("error: "+c.want)] != "error: "+c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
