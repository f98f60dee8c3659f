package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen/smart"
)

// A CSR1000V registers with a token from the lab's Smart Software
// Manager and is AUTHORIZED: IKEv2 is admitted (ax, its default package,
// includes security). The lab renews it as it renews an ASAv: with its
// path to the manager cut, it passes its 90-day communication deadline
// and IKEv2 is refused.
func TestCSRRegistersWithToken(t *testing.T) {
	tl := openSmartLab(t, t.TempDir())
	l := tl.lab
	s := l.Smart()
	must(s.CreateAccount("Acme"))
	must(s.AddEntitlement("Acme", "", smart.CSRTag("AX", "100M"), 1, time.Time{}))
	tok := must(s.CreateToken("Acme", "", 0, 0)).Token
	first := l.LastEvent()
	must(l.Create("CSR1000V", "c1", "9IOAAAAAAA1"))
	ikev2 := func(user string) bool {
		t.Helper()
		return must(l.Admit("c1", user, "laptop", headend.KindIKEv2ThirdParty)).Admitted
	}
	if ikev2("u0") {
		t.Fatal("IKEv2 admitted with no entitlement asked")
	}
	out := execOK(t, l, "c1", "configure terminal", "platform hardware throughput level MB 100",
		"crypto ikev2 profile FLEX", "match identity remote any", "authentication remote pre-share", "authentication local pre-share", "end",
		"license smart register idtoken "+tok)
	if !strings.Contains(out, "Registration process is in progress.") {
		t.Fatalf("register:\n%s", out)
	}
	sl := smartOf(t, l, "c1")
	if sl.Registration != "REGISTERED" || sl.Authorization != "AUTHORIZED" || sl.Entitlement != "CSR 1KV AX 100M" ||
		sl.SmartAccount != "Acme" || sl.UDI != "PID:CSR1000V,SN:9IOAAAAAAA1" {
		t.Fatalf("after registering: %+v", sl)
	}
	evs, _, _, err := l.ListEvents(first, 1000, EventFilter{Headends: []string{"c1"}})
	if err != nil {
		t.Fatal(err)
	}
	var told bool
	for _, e := range evs {
		told = told || e.Kind == EventSmart && strings.HasPrefix(e.Text, "Smart Licensing: registered to Acme/DEFAULT, AUTHORIZED") &&
			strings.HasPrefix(e.Syslog, "%SMART_LIC-6-")
	}
	if !told {
		t.Errorf("no Smart Licensing event of the registration in %+v", evs)
	}
	if !ikev2("u1") {
		t.Fatal("IKEv2 refused on an authorized CSR running ax")
	}
	if all := execOK(t, l, "c1", "show license all"); !strings.Contains(all, "  Status: AUTHORIZED on ") {
		t.Fatalf("show license all:\n%s", all)
	}

	must(l.CutLink("c1", SmartPeer))
	must(l.AdvanceClock(91 * 24 * time.Hour))
	if sl := smartOf(t, l, "c1"); sl.Authorization != "AUTHORIZATION EXPIRED" || sl.LastFailure != "Communication message send error" {
		t.Fatalf("past its deadline with its path cut: %+v", sl)
	}
	if ikev2("u2") {
		t.Fatal("IKEv2 admitted past the communication deadline")
	}
}
