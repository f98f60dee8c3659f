package ios_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/ioslic"
)

func testSigner(t *testing.T) *keygen.Signer {
	t.Helper()
	s, err := keygen.NewSigner([]byte("ios policy test secret, 32 bytes!!"))
	if err != nil {
		t.Fatal(err)
	}
	return s.ForLab("default")
}

// sslService puts a webvpn gateway and context in service on an
// interface that is up.
func sslService(t *testing.T, d *ios.Device) {
	t.Helper()
	mustConfigure(t, d, "GigabitEthernet0/0", "192.0.2.1/24", false)
	c := &d.Running
	if err := c.AddGateway("GW"); err != nil {
		t.Fatal(err)
	}
	g, _ := c.Gateway("GW")
	g.Address = netip.MustParseAddr("192.0.2.1")
	if err := c.SetGatewayInService("GW", true); err != nil {
		t.Fatal(err)
	}
	if err := c.AddContext("CTX"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetContextGateway("CTX", "GW"); err != nil {
		t.Fatal(err)
	}
	x, _ := c.Context("CTX")
	x.InService = true
}

// flexProfile configures a minimal FlexVPN server profile, complete
// enough to answer IKEv2 peers.
func flexProfile(t *testing.T, d *ios.Device) {
	t.Helper()
	c := &d.Running
	if err := c.AddIKEv2Profile("FLEX"); err != nil {
		t.Fatal(err)
	}
	for _, l := range [][]string{{"match", "any"}, {"remote", "pre-share"}, {"local", "rsa-sig"}, {"virtual-template", "1"}} {
		if err := c.SetIKEv2ProfileLine("FLEX", l[0], l[1:]); err != nil {
			t.Fatal(err)
		}
	}
}

// admitN admits n sessions of kind k and returns the last decision.
func admitN(t *testing.T, a *admission.Admission, ps *admission.Principals, k headend.Kind, n int, now time.Time) admission.Decision {
	t.Helper()
	var d admission.Decision
	for i := range n {
		p, err := ps.Get(fmt.Sprintf("u%d-%d", k, i), fmt.Sprintf("pc%d", i))
		if err != nil {
			t.Fatal(err)
		}
		d = a.Admit(p, k, now.Unix())
	}
	return d
}

// TestAdmissionPolicy follows a CISCO2911 from ipbasek9 alone to ten
// SSL_VPN seats: SSL VPN needs securityk9, seats and a webvpn context in
// service, IKEv2 securityk9 and a complete IKEv2 profile; each refusal
// logs its line, or nothing.
func TestAdmissionPolicy(t *testing.T) {
	d := newRouter(t, "CISCO2911", "FTX1628A1B2", "R1")
	ps := admission.NewPrincipals(nil)
	now := t0.Add(time.Minute)
	a := admission.NewAdmission(1, 256, d.AdmissionPolicy(now), now.Unix(), nil)
	refusal := func(k headend.Kind, want headend.Reason, line string) {
		t.Helper()
		a.SetPolicy(d.AdmissionPolicy(now))
		dec := admitN(t, a, ps, k, 1, now)
		if dec.Admitted || dec.Reason != want {
			t.Fatalf("%v: %+v, want refused %v", k, dec, want)
		}
		if got := ios.RefusalSyslog(dec, k, a.Policy(), "u", "pc"); got != line {
			t.Errorf("%v refusal logs %q, want %q", k, got, line)
		}
	}
	const noLicense = "%SSLVPN-3-LICENSE_NO_LICENSE: No valid license available to use IOS SSLVPN service"
	const noSeats = "%SSLVPN-6-LICENSE_NO_FREE_LICENSE: All available SSLVPN session licenses are in use"

	// ipbasek9 only, no webvpn: nothing answers an SSL VPN client.
	refusal(headend.KindAnyConnect, headend.ReasonNotLicensed, "")
	refusal(headend.KindIKEv2ThirdParty, headend.ReasonNotLicensed, "")
	sslService(t, d)
	refusal(headend.KindAnyConnect, headend.ReasonNotLicensed, noLicense)
	refusal(headend.KindClientless, headend.ReasonNotLicensed, noLicense)
	refusal(headend.KindPhone, headend.ReasonNotLicensed, "")

	// securityk9 on evaluation from the next reload: IKEv2 is admitted,
	// SSL VPN has no seats.
	if _, err := d.License.BootModule(now, "c2900", "securityk9", true); err != nil {
		t.Fatal(err)
	}
	d.WriteMemory()
	d.Reload(now, 0)
	refusal(headend.KindAnyConnect, headend.ReasonPremiumLimit, noSeats)
	// No IKEv2 profile yet, then one without its local authentication:
	// nothing answers an IKEv2 peer, silently.
	refusal(headend.KindIKEv2ThirdParty, headend.ReasonNotLicensed, "")
	flexProfile(t, d)
	if err := d.Running.SetIKEv2ProfileLine("FLEX", "local", nil); err != nil {
		t.Fatal(err)
	}
	refusal(headend.KindSiteToSite, headend.ReasonNotLicensed, "")
	flexProfile(t, d)
	a.SetPolicy(d.AdmissionPolicy(now))
	if dec := admitN(t, a, ps, headend.KindIKEv2ThirdParty, 1, now); !dec.Admitted {
		t.Errorf("IKEv2 with securityk9: %+v", dec)
	}
	if dec := admitN(t, a, ps, headend.KindSiteToSite, 1, now); !dec.Admitted {
		t.Errorf("site-to-site with securityk9: %+v", dec)
	}

	// A 10-seat license file: ten SSL VPN sessions, the eleventh refused.
	s := testSigner(t)
	data, _, err := ioslic.Issue(s, d.UDI(), "FL-SSLVPN10-K9", now, "PAK1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.License.Install(now, d.UDI(), "flash0:ssl10.lic", data, s); err != nil {
		t.Fatal(err)
	}
	a.SetPolicy(d.AdmissionPolicy(now))
	ps2 := admission.NewPrincipals(nil)
	if dec := admitN(t, a, ps2, headend.KindAnyConnect, 10, now); !dec.Admitted {
		t.Fatalf("the tenth seat: %+v", dec)
	}
	dec := admitN(t, a, admission.NewPrincipals(nil), headend.KindClientless, 1, now)
	if dec.Admitted || dec.Reason != headend.ReasonPremiumLimit || dec.Limit != 10 {
		t.Errorf("the eleventh SSL VPN session: %+v", dec)
	}
	if got := ios.RefusalSyslog(dec, headend.KindClientless, a.Policy(), "u", "pc"); got != noSeats {
		t.Errorf("the eleventh logs %q", got)
	}
	if v := ios.ViewSession(admission.SessionInfo{Kind: headend.KindAnyConnect}, nil); v.License != "SSL_VPN" {
		t.Errorf("an SSL VPN session's license: %q", v.License)
	}

	// The SSL VPN context out of service: SSL VPN clients find nothing.
	x, _ := d.Running.Context("CTX")
	x.InService = false
	refusal(headend.KindAnyConnect, headend.ReasonNotLicensed, "")
}
