package server

import (
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestCSRRegistersWithToken: over the API, a CSR1000V registers with a
// token of the lab's Smart Software Manager and becomes AUTHORIZED, as
// its Smart Licensing view and its console say; IKEv2 is admitted only
// with the security package (or ax) running, and SSL VPN never.
func TestCSRRegistersWithToken(t *testing.T) {
	e := newEnv(t)
	sc := e.smart()
	if _, err := sc.CreateAccount(ctxT(), &headendv1.CreateAccountRequest{Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"CSR 1KV SECURITY 100M", "CSR 1KV APPX 100M"} {
		if _, err := sc.AddEntitlement(ctxT(), &headendv1.AddEntitlementRequest{Account: "Acme", Tag: tag, Count: 1}); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := sc.CreateToken(ctxT(), &headendv1.CreateTokenRequest{Account: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "CSR1000V", Hostname: "csr1", Serial: "9IOUX800GMO"}); err != nil {
		t.Fatal(err)
	}
	exec := func(lines ...string) string {
		t.Helper()
		r, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "csr1", Lines: lines})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetTranscript()
	}
	admit := func(user string, k headendv1.ConnectionKind) *headendv1.AdmitConnectionResponse {
		t.Helper()
		r, err := e.hc.AdmitConnection(ctxT(), &headendv1.AdmitConnectionRequest{Headend: "csr1", User: user, ClientDevice: "pc-" + user, Kind: k})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	smartView := func() *headendv1.SmartLicense {
		t.Helper()
		h, err := e.hc.GetHeadend(ctxT(), &headendv1.GetHeadendRequest{Hostname: "csr1"})
		if err != nil {
			t.Fatal(err)
		}
		return h.GetHeadend().GetSmartLicense()
	}

	// appx has no security: IKEv2 is refused, even registered (with a
	// FlexVPN profile, which IKEv2 needs too).
	exec("configure terminal", "platform hardware throughput level MB 100", "license boot level appx",
		"crypto ikev2 profile FLEX", "match identity remote any", "authentication remote pre-share",
		"authentication local pre-share", "end", "write memory", "reload", "")
	out := exec("license smart register idtoken "+tok.GetToken().GetToken(), "show license status | include Status")
	if !strings.Contains(out, "Registration process is in progress.") || !strings.Contains(out, "  Status: AUTHORIZED on ") {
		t.Fatalf("register:\n%s", out)
	}
	if v := smartView(); v.GetRegistration() != "REGISTERED" || v.GetAuthorization() != "AUTHORIZED" || v.GetEntitlement() != "CSR 1KV APPX 100M" ||
		v.GetUdi() != "PID:CSR1000V,SN:9IOUX800GMO" || v.GetSmartAccount() != "Acme" {
		t.Fatalf("smart view %v", v)
	}
	if r := admit("a", headendv1.ConnectionKind_CONNECTION_KIND_IKEV2_THIRD_PARTY); r.GetAdmitted() ||
		r.GetReason() != headendv1.RefusalReason_REFUSAL_REASON_KIND_NOT_LICENSED {
		t.Fatalf("IKEv2 on appx: %v", r)
	}

	// security from the next reload: refused until registered again for
	// it, then IKEv2 is in.
	exec("configure terminal", "license boot level security", "end", "write memory", "reload", "")
	if r := admit("b0", headendv1.ConnectionKind_CONNECTION_KIND_IKEV2_THIRD_PARTY); r.GetAdmitted() {
		t.Fatalf("IKEv2 on security, still registered for appx: %v", r)
	}
	exec("license smart register idtoken " + tok.GetToken().GetToken() + " force")
	if v := smartView(); v.GetAuthorization() != "AUTHORIZED" || v.GetEntitlement() != "CSR 1KV SECURITY 100M" || v.GetTier() != "security" {
		t.Fatalf("smart view on security %v", v)
	}
	if r := admit("b", headendv1.ConnectionKind_CONNECTION_KIND_IKEV2_THIRD_PARTY); !r.GetAdmitted() {
		t.Fatalf("IKEv2 on security: %v", r)
	}
	if r := admit("c", headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT); r.GetAdmitted() || r.GetSyslog() != "" {
		t.Fatalf("SSL VPN on a CSR: %v", r)
	}
}
