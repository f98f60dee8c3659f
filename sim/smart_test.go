package sim

import (
	"errors"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen/smart"
)

// The Smart Software Manager's accounts, entitlements, tokens (with their
// use counts and revocations) and devices survive a restart of the lab,
// each change with its event; a refused action writes nothing.
func TestSmartSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	s := tl.lab.Smart()
	must(s.CreateAccount("Acme"))
	must(s.AddEntitlement("Acme", "", smart.TagASAv1G, 2, time.Time{}))
	must(s.AddEntitlement("Acme", "", smart.TagPlus, 10, simStart.Add(90*24*time.Hour)))
	tok := must(s.CreateToken("Acme", "", 0, 3))
	revoked := must(s.CreateToken("Acme", "", 0, 0))
	must(s.RevokeToken(revoked.Token))
	for _, sn := range []string{"9AAAAAAAAA1", "9AAAAAAAAA2", "9AAAAAAAAA3"} {
		must(s.Register(smart.UDI(sn), tok.Token, []string{smart.TagASAv1G}))
	}
	if _, err := s.CreateAccount("Acme"); !errors.Is(err, smart.ErrAccountExists) {
		t.Fatalf("second create: %v", err)
	}
	evs, _, _, err := tl.lab.ListEvents(0, 100, EventFilter{Kinds: []EventKind{EventSmart}})
	if err != nil || len(evs) != 9 {
		t.Fatalf("%d smart events (%v): %+v", len(evs), err, evs)
	}
	if got, want := evs[0].Text, `Smart Account "Acme" created`; got != want {
		t.Fatalf("first event %q, want %q", got, want)
	}
	tl.close()

	tl = openTestLab(t, dir)
	s = tl.lab.Smart()
	u := must(s.Usage("Acme"))
	want := []smart.TagUsage{
		{VirtualAccount: "DEFAULT", Tag: smart.TagASAv1G, Purchased: 2, InUse: 3, Balance: -1},
		{VirtualAccount: "DEFAULT", Tag: smart.TagPlus, Purchased: 10, InUse: 0, Balance: 10},
	}
	if u.InCompliance || len(u.Tags) != 2 || u.Tags[0] != want[0] || u.Tags[1] != want[1] {
		t.Fatalf("usage after restart %+v", u)
	}
	if st := s.Status(smart.UDI("9AAAAAAAAA3")); st != smart.StatusOutOfCompliance {
		t.Fatalf("third device after restart: %s", st)
	}
	if _, err := s.Register(smart.UDI("9AAAAAAAAA4"), tok.Token, []string{smart.TagASAv1G}); !errors.Is(err, smart.ErrTokenUsedUp) {
		t.Fatalf("token use count after restart: %v", err)
	}
	if _, err := s.Register(smart.UDI("9AAAAAAAAA4"), revoked.Token, []string{smart.TagASAv1G}); !errors.Is(err, smart.ErrTokenRevoked) {
		t.Fatalf("revocation after restart: %v", err)
	}
	if _, err := tl.lab.AdvanceClock(90 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if u := must(s.Usage("Acme")); u.Tags[1].Purchased != 0 {
		t.Fatalf("Plus after its end date: %+v", u.Tags[1])
	}
}
