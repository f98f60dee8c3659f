package sim

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
)

// syslogSink records what the lab hands to Config.Syslog.
type syslogSink struct {
	mu    sync.Mutex
	lines []string
}

func (s *syslogSink) add(at time.Time, hostname, line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lines = append(s.lines, fmt.Sprintf("%s %s %s", at.Format(time.RFC3339), hostname, line))
}

// take returns the lines recorded since the last call.
func (s *syslogSink) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lines
	s.lines = nil
	return l
}

// TestSyslogForwardsLogEntries: each licensing message a headend logs
// reaches Config.Syslog once, with the lab time it was logged at and the
// headend's hostname; a clock move passing it forwards it (reads and
// changes after it forward nothing again).
func TestSyslogForwardsLogEntries(t *testing.T) {
	sink := &syslogSink{}
	lab := openTestLabWith(t, t.TempDir(), Config{ClockMode: ClockSimulated, RealNow: simNow, Syslog: sink.add}).lab

	if _, err := lab.Create("ASA5525", "asa1", "FCH1947V0GY"); err != nil {
		t.Fatal(err)
	}
	timed, _ := lab.signer.Encode(keygen.Key{Serial: "FCH1947V0GY", Features: keygen.Features{PremiumPeers: 100}, Days: 35, Nonce: 1})
	if _, _, err := lab.InstallKey("asa1", timed.String(), KeyActivate); err != nil {
		t.Fatal(err)
	}
	if got := sink.take(); len(got) != 0 {
		t.Fatalf("installing a key forwarded %q", got)
	}
	warn := func(at time.Time, days int) string {
		return fmt.Sprintf("%s asa1 %%ASA-4-444005: Timebased license key %s will expire in %d days.", at.Format(time.RFC3339), timed, days)
	}
	check := func(step string, want ...string) {
		t.Helper()
		if got := sink.take(); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: forwarded\n%s\nwant\n%s", step, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}

	// The clock move passes the 30-day warning.
	must(lab.AdvanceClock(6 * 24 * time.Hour))
	must(lab.Get("asa1"))
	check("read after 6 days", warn(simStart.Add(5*24*time.Hour), 30))
	must(lab.Get("asa1"))
	check("read again")

	// And the 14-day warning; a change after it forwards nothing again.
	must(lab.AdvanceClock(16 * 24 * time.Hour))
	perm, _ := lab.signer.Encode(keygen.Key{Serial: "FCH1947V0GY", Features: keygen.Features{PremiumPeers: 250}})
	if _, _, err := lab.InstallKey("asa1", perm.String(), KeyActivate); err != nil {
		t.Fatal(err)
	}
	check("key installed after 22 days", warn(simStart.Add(21*24*time.Hour), 14))

	// A renamed headend logs under its new name; expiry is 444007.
	if _, err := lab.Exec("asa1", []string{"configure terminal", "hostname fw9", "end"}); err != nil {
		t.Fatal(err)
	}
	check("rename")
	must(lab.AdvanceClock(20 * 24 * time.Hour))
	must(lab.Get("fw9"))
	got := sink.take()
	if len(got) != 3 || !strings.HasPrefix(got[0], simStart.Add(28*24*time.Hour).Format(time.RFC3339)+" fw9 %ASA-4-444005:") ||
		!strings.HasSuffix(got[1], "fw9 %ASA-4-444005: Timebased license key "+timed.String()+" will expire in 1 days.") ||
		!strings.HasPrefix(got[2], simStart.Add(35*24*time.Hour).Format(time.RFC3339)+" fw9 %ASA-2-444007: Timebased activation key "+timed.String()+" has expired.") {
		t.Errorf("after 42 days, forwarded\n%s\nwant the 7- and 1-day warnings and the expiry, from fw9", strings.Join(got, "\n"))
	}

	// The front-ends' refusals go the same way; an empty line is none.
	lab.Syslog(simStart, "fw9", "%ASA-4-113029: x")
	lab.Syslog(simStart, "fw9", "")
	check("Lab.Syslog", simStart.Format(time.RFC3339)+" fw9 %ASA-4-113029: x")
}
