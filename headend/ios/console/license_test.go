package console

import (
	"fmt"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"

	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/keygen/ioslic"
)

// TestLicenseTranscript: a CISCO2911 installs a 10-seat SSL VPN license
// file from flash (a missing file and one for another router refused),
// boots securityk9 on evaluation after its EULA, reloads, and saves and
// clears its licenses; the transcript is compared with its golden file.
func TestLicenseTranscript(t *testing.T) {
	h := newFakeHost(t, "CISCO2911", "FTX1628A1B2", "R1")
	for _, f := range []struct{ name, udi string }{{"ssl10.lic", h.dev.UDI()}, {"other.lic", "CISCO2911/K9:FTX9999Z9ZZ"}} {
		data, _, err := ioslic.Issue(h.signer, f.udi, "FL-SSLVPN10-K9", h.now, "PAK-"+f.name[:3])
		if err != nil {
			t.Fatal(err)
		}
		if err := h.dev.PutFile("flash:"+f.name, data, h.now); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := cli.Run(h.session().(cli.Script), []string{
		"show license udi", "license install flash:missing.lic", "license install flash:other.lic",
		"license install flash:ssl10.lic", "show license feature",
		"configure terminal", "license boot module c2900 technology-package securityk9", "yes",
		"license boot module c2901 technology-package securityk9", "end", "write memory",
		"show version | begin Technology", "reload", "",
	})
	second, _ := cli.Run(h.session().(cli.Script), []string{
		"show version | begin Technology", "show license", "license save flash:all.lic", "dir flash:",
		"license clear SSL_VPN", "yes", "show license feature", "show logging | include LICENSE|SSLVPN",
	})
	golden(t, "license", first+"\n"+second)
}

// TestLicenseBootNeedsWrite: `license boot module` is a configuration
// line; not saved, it does not take effect at the reload ("use 'write'
// command to make license boot config take effect on next boot").
func TestLicenseBootNeedsWrite(t *testing.T) {
	h := newFakeHost(t, "CISCO1941", "FTX1628A1B2", "R1")
	first, _ := cli.Run(h.session().(cli.Script), []string{
		"configure terminal", "license boot module c1900 technology-package securityk9", "yes", "end",
		"show running-config | include ^license", "reload", "no", "",
	})
	second, _ := cli.Run(h.session().(cli.Script), []string{
		"show version | include ^security", "show running-config | include ^license",
		"configure terminal", "license boot module c1900 technology-package securityk9", "end",
		"write memory", "reload", "",
	})
	third, _ := cli.Run(h.session().(cli.Script), []string{"show version | include ^security"})
	golden(t, "license_boot_write", first+"\n"+second+"\n"+third)
}

// TestShowLicenseSeatsInUse: show license counts the SSL VPN sessions the
// router holds against its SSL_VPN seats; IPsec sessions draw none.
func TestShowLicenseSeatsInUse(t *testing.T) {
	h := newFakeHost(t, "CISCO2911", "FTX1628A1B2", "R1")
	data, _, err := ioslic.Issue(h.signer, h.dev.UDI(), "FL-SSLVPN10-K9", h.now, "PAK1")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.dev.PutFile("ssl10.lic", data, h.now); err != nil {
		t.Fatal(err)
	}
	cli.Run(h.session().(cli.Script), []string{
		"license install flash:ssl10.lic", "configure terminal", "license boot module c2900 technology-package securityk9", "yes",
		"interface gi0/0", "ip address 192.0.2.1 255.255.255.0", "no shutdown",
		"webvpn gateway GW", "ip address 192.0.2.1 port 443", "inservice",
		"webvpn context CTX", "gateway GW", "inservice", "end", "write memory", "reload", "",
	})
	ps := admission.NewPrincipals(nil)
	for i, k := range []headend.Kind{headend.KindAnyConnect, headend.KindClientless, headend.KindMobile, headend.KindIKEv2ThirdParty} {
		p, err := ps.Get(fmt.Sprintf("u%d", i), "pc")
		if err != nil {
			t.Fatal(err)
		}
		if d := h.adm.Admit(p, k, h.now.Unix()); !d.Admitted {
			t.Fatalf("%v: %+v", k, d)
		}
	}
	out, _ := cli.Run(h.session().(cli.Script), []string{"show license"})
	if !strings.Contains(out, "Feature: SSL_VPN\n") || !strings.Contains(out, "License Count: 10/3/0  (Active/In-use/Violation)\n") {
		t.Errorf("show license:\n%s", out)
	}
}

// TestLicenseClearSeatsInUse: `license clear SSL_VPN` while sessions hold
// seats lists the line with its seats in use; once cleared, the sessions
// stay up until they end, `show license` counts them as a violation and
// no new SSL VPN session is admitted.
func TestLicenseClearSeatsInUse(t *testing.T) {
	h := newFakeHost(t, "CISCO2911", "FTX1628A1B2", "R1")
	data, _, err := ioslic.Issue(h.signer, h.dev.UDI(), "FL-SSLVPN10-K9", h.now, "PAK1")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.dev.PutFile("ssl10.lic", data, h.now); err != nil {
		t.Fatal(err)
	}
	cli.Run(h.session().(cli.Script), []string{
		"license install flash:ssl10.lic", "configure terminal", "license boot module c2900 technology-package securityk9", "yes",
		"interface gi0/0", "ip address 192.0.2.1 255.255.255.0", "no shutdown",
		"webvpn gateway GW", "ip address 192.0.2.1 port 443", "inservice",
		"webvpn context CTX", "gateway GW", "inservice", "end", "write memory", "reload", "",
	})
	ps := admission.NewPrincipals(nil)
	for i := range 3 {
		p, err := ps.Get(fmt.Sprintf("u%d", i), "pc")
		if err != nil {
			t.Fatal(err)
		}
		if d := h.adm.Admit(p, headend.KindAnyConnect, h.now.Unix()); !d.Admitted {
			t.Fatalf("session %d: %+v", i, d)
		}
	}
	out, _ := cli.Run(h.session().(cli.Script), []string{"license clear SSL_VPN", "yes", "show license", "show license detail"})
	if !strings.Contains(out, "            License Count: 10/3/0  (Active/In-use/Violation)\n") {
		t.Errorf("license clear lists the seats in use:\n%s", out)
	}
	_, after, _ := strings.Cut(out, "R1#show license\n")
	if strings.Count(after, "License Count: 0/3  (In-use/Violation)\n") != 2 {
		t.Errorf("the cleared seats in use are not a violation:\n%s", after)
	}
	p, _ := ps.Get("u9", "pc")
	if d := h.adm.Admit(p, headend.KindAnyConnect, h.now.Unix()); d.Admitted {
		t.Errorf("a new session was admitted without seats: %+v", d)
	}
	if n := sslInUse(h.adm); n != 3 {
		t.Errorf("sessions in use after the clear = %d, want 3", n)
	}
}
