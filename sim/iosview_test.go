package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/ioslic"
)

// TestIOSLicensingOf: the view of an ISR G2's licensing follows what the
// router shows: the factory packages, then securityk9 on its evaluation
// after the reload, a 10-seat SSL_VPN file installed and three SSL VPN
// sessions holding seats (an IPsec one holds none), the evaluation's days
// counting down. An ASA has no such view.
func TestIOSLicensingOf(t *testing.T) {
	lab := openTestLab(t, t.TempDir()).lab
	must(lab.Create("CISCO2911", "r1", "FTX1628A1B2"))
	must(lab.Create("ASA5525", "fw1", ""))
	view := func(host string) (IOSLicensing, bool) {
		t.Helper()
		return IOSLicensingOf(must(lab.Get(host)))
	}
	if _, ok := view("fw1"); ok {
		t.Error("an ASA has an IOS licensing view")
	}
	l, ok := view("r1")
	want := "{UDI:CISCO2911/K9:FTX1628A1B2 Module:c2900 Packages:[" +
		"{Technology:ipbase Package:ipbasek9 Current:true NextReboot:true Type:Permanent EvalRemaining:0s EvalExpired:false} " +
		"{Technology:security Package:securityk9 Current:false NextReboot:false Type:EvalRightToUse EvalRemaining:1440h0m0s EvalExpired:false} " +
		"{Technology:uc Package:uck9 Current:false NextReboot:false Type:EvalRightToUse EvalRemaining:1440h0m0s EvalExpired:false} " +
		"{Technology:data Package:datak9 Current:false NextReboot:false Type:EvalRightToUse EvalRemaining:1440h0m0s EvalExpired:false}] " +
		"SSLVPNSeats:0 SSLVPNInUse:0}"
	if got := fmt.Sprintf("%+v", l); !ok || got != want {
		t.Fatalf("factory view\n got %s\nwant %s", got, want)
	}

	h := must(lab.Headend("r1"))
	data, _, err := ioslic.Issue(lab.signer, l.UDI, "FL-SSLVPN10-K9", lab.clock.Now(), "PAK1")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Update(func(d family.Device) error { return d.(family.Flash).PutFile("ssl10.lic", data, lab.clock.Now()) }); err != nil {
		t.Fatal(err)
	}
	must(lab.Exec("r1", []string{"enable",
		"license install flash:ssl10.lic", "configure terminal", "license boot module c2900 technology-package securityk9", "yes",
		"interface gi0/0", "ip address 192.0.2.1 255.255.255.0", "no shutdown",
		"webvpn gateway GW", "ip address 192.0.2.1 port 443", "inservice",
		"webvpn context CTX", "gateway GW", "inservice",
		"crypto ikev2 profile FLEX", "match identity remote any", "authentication remote pre-share", "authentication local pre-share", "end", "write memory", "reload", ""}))
	must(lab.AdvanceClock(10 * 24 * time.Hour))
	for i, k := range []headend.Kind{headend.KindAnyConnect, headend.KindClientless, headend.KindMobile, headend.KindIKEv2ThirdParty} {
		if d := must(lab.Admit("r1", fmt.Sprintf("u%d", i), "pc", k)); !d.Admitted {
			t.Fatalf("%v: %+v", k, d)
		}
	}
	l, _ = view("r1")
	sec := l.Packages[1]
	if !sec.Current || !sec.NextReboot || sec.Type != "EvalRightToUse" || sec.EvalExpired ||
		sec.EvalRemaining > 50*24*time.Hour || sec.EvalRemaining < 49*24*time.Hour {
		t.Errorf("securityk9 after the reload and 10 days: %+v", sec)
	}
	if l.SSLVPNSeats != 10 || l.SSLVPNInUse != 3 {
		t.Errorf("seats %d, in use %d; want 10, 3", l.SSLVPNSeats, l.SSLVPNInUse)
	}
}
