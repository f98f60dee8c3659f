package console

import (
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asav/asavtest"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
)

// smartHost is a fakeHost that reaches a Smart Software Manager.
type smartHost struct {
	*fakeHost
	m family.SmartManager
}

func (h *smartHost) Smart() family.SmartManager { return h.m }

func (h *smartHost) session() family.Console {
	return Open(h, family.ConsoleOptions{User: "admin", Mode: family.ModeLogin, Privilege: 15})
}

// TestCSRSmartTranscript: a CSR 1000V asks for nothing until a throughput
// level is configured, then runs on evaluation; it registers with an ID
// token from the manager and is AUTHORIZED; `license boot level security`
// saved takes effect at the reload; an ISR G2 has none of these commands.
func TestCSRSmartTranscript(t *testing.T) {
	f := newFakeHost(t, "CSR1000V", "9IOUX800GMO", "Router")
	m, tok, err := asavtest.New(func() time.Time { return f.now }, smart.CSRTag("SECURITY", "100M"), 1)
	if err != nil {
		t.Fatal(err)
	}
	h := &smartHost{fakeHost: f, m: m}
	first, _ := cli.Run(h.session().(cli.Script), []string{
		"show version | include ^License|^Cisco IOS|board", "show license status",
		"license smart register idtoken " + tok,
		"configure terminal", "platform hardware throughput level MB 100", "platform hardware throughput level MB 123",
		"license boot level security", "license boot level enterprise", "end",
		"show license summary", "show running-config | include ^license|^platform", "write memory", "reload", "",
	})
	f.now = f.now.Add(time.Hour)
	second, _ := cli.Run(h.session().(cli.Script), []string{
		"show version | include ^License", "show license summary",
		"license smart register idtoken " + tok, "show license all",
		"license smart register idtoken " + tok, "license smart renew auth", "show license usage",
		"show logging | include SMART_LIC|VXE", "license smart deregister", "show license status | include Status",
		"license smart renew id", "license right-to-use activate ipsec",
		"show license", "show license feature", "show license udi", "license install flash:x.lic", "dir",
		"configure terminal", "license boot module c2900 technology-package securityk9", "license accept end user agreement", "end",
	})
	isr := newFakeHost(t, "CISCO2911", "FTX1628A1B2", "R1")
	third, _ := cli.Run(isr.session().(cli.Script), []string{
		"license smart register idtoken " + tok, "show license summary",
		"configure terminal", "platform hardware throughput level MB 100", "license boot level ax",
	})
	golden(t, "csr_smart", first+"\n"+second+"\n"+third)
}

// TestASRRightToUseTranscript: an ASR 1001-X admits IKEv2 once its ipsec
// right-to-use license is activated, after its EULA.
func TestASRRightToUseTranscript(t *testing.T) {
	h := newFakeHost(t, "ASR1001-X", "FXS1832Q1CL", "Router")
	out, _ := cli.Run(h.session().(cli.Script), []string{
		"show license right-to-use", "show version | include ^License",
		"license right-to-use activate ipsec", "no",
		"license right-to-use activate webvpn",
		"license right-to-use activate ipsec", "yes", "show license right-to-use", "show version | include ^License",
		"show logging | include EULA", "license smart register idtoken X",
	})
	golden(t, "asr_rtu", out)
	p, err := admission.NewPrincipals(nil).Get("u", "pc")
	if err != nil {
		t.Fatal(err)
	}
	if d := h.adm.Admit(p, headend.KindIKEv2ThirdParty, h.now.Unix()); !d.Admitted {
		t.Fatalf("IKEv2 with the RTU: %+v", d)
	}
	if d := h.adm.Admit(p, headend.KindAnyConnect, h.now.Unix()); d.Admitted {
		t.Fatalf("SSL VPN on an ASR: %+v", d)
	}
}

// TestXERefusesWebVPN: the lab's IOS XE routers have no SSL VPN server, so
// `webvpn gateway|context` is marked invalid at `webvpn`, as IOS marks a
// command its image has not, and nothing reaches the configuration; an
// ISR G2 takes it.
func TestXERefusesWebVPN(t *testing.T) {
	lines := []string{"configure terminal", "webvpn gateway g", "webvpn context c", "end", "show running-config | include webvpn"}
	for _, model := range []string{"CSR1000V", "ASR1001-X"} {
		f := newFakeHost(t, model, "9IOUX800GMO", "Router")
		out, _ := cli.Run(f.session().(cli.Script), lines)
		want := "Router(config)#webvpn gateway g\n               ^\n% Invalid input detected at '^' marker.\n\n" +
			"Router(config)#webvpn context c\n               ^\n% Invalid input detected at '^' marker.\n\n"
		if !strings.Contains(out, want) || strings.Contains(out, "config-webvpn") || strings.Contains(out, "\nwebvpn ") {
			t.Errorf("%s:\n%s", model, out)
		}
	}
	isr := newFakeHost(t, "CISCO2911", "FTX1628A1B2", "R1")
	if out, _ := cli.Run(isr.session().(cli.Script), lines); !strings.Contains(out, "\nwebvpn gateway g\n") {
		t.Errorf("CISCO2911:\n%s", out)
	}
}
