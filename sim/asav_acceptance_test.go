package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen/smart"
)

// needASAv skips a test of the real ASAv family while the lab has none.
func needASAv(t *testing.T) {
	t.Helper()
}

// execOK runs console lines on a headend and returns the transcript.
func execOK(t *testing.T, l *Lab, host string, lines ...string) string {
	t.Helper()
	res, err := l.Exec(host, lines)
	if err != nil {
		t.Fatalf("exec on %s: %v", host, err)
	}
	var b strings.Builder
	b.WriteString(res.Transcript)
	return b.String()
}

// smartOf is the Smart Licensing state of a headend now.
func smartOf(t *testing.T, l *Lab, host string) SmartLicense {
	t.Helper()
	s, err := l.Get(host)
	if err != nil {
		t.Fatal(err)
	}
	sl, ok := s.SmartLicense()
	if !ok {
		t.Fatalf("%s has no Smart Licensing", host)
	}
	return sl
}

// admitUsers admits n AnyConnect users on host and reports how many it took.
func admitUsers(t *testing.T, l *Lab, host, prefix string, n int) int {
	t.Helper()
	got := 0
	for i := range n {
		d, err := l.Admit(host, fmt.Sprintf("%s%03d", prefix, i), "laptop", headend.KindAnyConnect)
		if err != nil {
			t.Fatal(err)
		}
		if d.Admitted {
			got++
		}
	}
	return got
}

// The acceptance on a simulated clock: a Smart Account with two
// ASAv-STD-1G and a token registers two ASAv10 (authorized, 250 Premium
// peers: the 251st is refused), a third is out of compliance; with its
// path to the manager cut, the first passes its 90-day communication
// deadline at its time and is unauthorized (Premium back to 2), with its
// events, while the second renews (every 30 days: its deadline is 90 days
// after its last renewal, on day 90); a fourth is licensed by a Permanent
// License Reservation, with no communication at all.
func TestASAvAcceptance(t *testing.T) {
	needASAv(t)
	tl := openSmartLab(t, t.TempDir())
	l := tl.lab
	s := l.Smart()
	must(s.CreateAccount("Acme"))
	must(s.AddEntitlement("Acme", "", smart.TagASAv1G, 2, time.Time{}))
	tok := must(s.CreateToken("Acme", "", 0, 0)).Token
	// The manager counts a virtual account's licenses first-come; the
	// serials order three registrations at one lab time.
	for i, h := range []string{"v1", "v2", "v3"} {
		must(l.Create("ASAv10", h, fmt.Sprintf("9AAAAAAAAA%d", i+1)))
		execOK(t, l, h, "configure terminal", "license smart", "feature tier standard", "throughput level 1G", "exit", "end",
			"license smart register idtoken "+tok)
	}
	for _, h := range []string{"v1", "v2"} {
		if sl := smartOf(t, l, h); sl.Registration != "REGISTERED" || sl.Authorization != "AUTHORIZED" || sl.PremiumPeers != 250 ||
			sl.SmartAccount != "Acme" || sl.VirtualAccount != "DEFAULT" {
			t.Fatalf("%s after registering: %+v", h, sl)
		}
	}
	if got := admitUsers(t, l, "v1", "u", 251); got != 250 {
		t.Fatalf("v1 admitted %d of 251 AnyConnect users, want 250", got)
	}
	if sl := smartOf(t, l, "v3"); sl.Authorization != "OUT OF COMPLIANCE" {
		t.Fatalf("v3, the third on two licenses: %+v", sl)
	}

	must(l.CutLink("v1", SmartPeer))
	first := l.LastEvent()
	must(l.AdvanceClock(91 * 24 * time.Hour))
	deadline := simStart.Add(90 * 24 * time.Hour)
	sl := smartOf(t, l, "v1")
	if sl.Authorization != "AUTHORIZATION EXPIRED" || sl.PremiumPeers != 2 || !sl.CommDeadline.Equal(deadline) {
		t.Fatalf("v1 past its deadline with its path cut: %+v", sl)
	}
	if d := must(l.Admit("v1", "late", "laptop", headend.KindAnyConnect)); d.Admitted {
		t.Fatalf("v1 admitted a Premium user past its deadline: %+v", d)
	}
	if sl := smartOf(t, l, "v2"); sl.Authorization != "AUTHORIZED" || !sl.CommDeadline.Equal(simStart.Add(180*24*time.Hour)) {
		t.Fatalf("v2, path intact, after 91 days: %+v", sl)
	}
	all := execOK(t, l, "v1", "show license all")
	for _, want := range []string{"Status: AUTHORIZATION EXPIRED", "Failure reason: Communication message send error"} {
		if !strings.Contains(all, want) {
			t.Errorf("v1's show license all lacks %q:\n%s", want, all)
		}
	}
	evs, _, _, err := l.ListEvents(first, 10000, EventFilter{Headends: []string{"v1"}})
	if err != nil {
		t.Fatal(err)
	}
	var expired []Event
	failures := 0
	for _, e := range evs {
		switch {
		case e.Kind == EventSmart && strings.Contains(e.Syslog, "%SMART_LIC-5-AUTHORIZATION_EXPIRED"):
			expired = append(expired, e)
		case e.Kind == EventSyslog && strings.Contains(e.Syslog, "AUTH_RENEW_FAILED"):
			failures++
		}
	}
	if len(expired) != 1 || !expired[0].At.Equal(deadline) {
		t.Errorf("v1's expiry events: %+v", expired)
	}
	if failures < 10 {
		t.Errorf("v1 logged %d failed renewals in 91 days, want the backed-off retries", failures)
	}

	// Permanent License Reservation, in a virtual account of its own, on
	// a box that never reaches the manager.
	must(s.CreateVirtualAccount("Acme", "PLR"))
	must(s.AddEntitlement("Acme", "PLR", smart.TagASAv1G, 1, time.Time{}))
	must(l.Create("ASAv10", "v4", ""))
	must(l.CutLink("v4", SmartPeer))
	out := execOK(t, l, "v4", "configure terminal", "license smart", "feature tier standard", "throughput level 1G", "exit",
		"license smart reservation", "end", "license smart reservation request universal")
	var req string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "CB-") {
			req = strings.TrimSpace(line)
		}
	}
	if req == "" {
		t.Fatalf("no request code:\n%s", out)
	}
	r := must(s.Reserve("Acme", "PLR", req, ""))
	execOK(t, l, "v4", "license smart reservation install "+r.AuthorizationCode)
	if sl := smartOf(t, l, "v4"); sl.Registration != "RESERVED" || sl.Authorization != "AUTHORIZED" || sl.PremiumPeers != 250 {
		t.Fatalf("v4 reserved: %+v", sl)
	}
	must(l.AdvanceClock(400 * 24 * time.Hour))
	if sl := smartOf(t, l, "v4"); sl.Authorization != "AUTHORIZED" || sl.PremiumPeers != 250 {
		t.Fatalf("v4 reserved, 400 days on, its path cut: %+v", sl)
	}
}
