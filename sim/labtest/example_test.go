package labtest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim/labtest"
)

// TestExample is labtest's typical use (docs/labtest.md shows it): an
// ASA 5525 with a 30-day key for 250 AnyConnect Premium peers admits 250
// users and refuses the 251st as the ASA does; 31 days later the key has
// expired and the permanent license's 2 peers are back.
func TestExample(t *testing.T) {
	lab := labtest.Start(t) // a daemon of its own; labtest.Shared(t) gives a lab on a shared one

	lab.CreateHeadend("ASA5525", "asa1") // the Base license
	lab.InstallKey("asa1", 30, "premium=250")

	const anyconnect = headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT
	for i := 1; i <= 250; i++ {
		if r := lab.Admit("asa1", fmt.Sprintf("user%d", i), anyconnect); !r.GetAdmitted() {
			t.Fatalf("user%d refused: %v %s", i, r.GetReason(), r.GetSyslog())
		}
	}
	r := lab.Admit("asa1", "user251", anyconnect)
	if r.GetAdmitted() || r.GetReason() != headendv1.RefusalReason_REFUSAL_REASON_PREMIUM_LIMIT ||
		!strings.HasSuffix(r.GetSyslog(), "Session could not be established: session limit of 250 reached") {
		t.Errorf("user251: admitted %v, %v, %q; want refused at the premium limit", r.GetAdmitted(), r.GetReason(), r.GetSyslog())
	}

	lab.Advance(31 * 24 * time.Hour) // the clock is simulated: no test waits a month
	out := lab.Exec("asa1", "show activation-key | include AnyConnect Premium Peers")
	if !strings.Contains(out, "AnyConnect Premium Peers          : 2              perpetual") {
		t.Errorf("after 31 days:\n%s", out)
	}
	syslog := lab.ListEvents(&headendv1.EventFilter{Headends: []string{"asa1"}, Kinds: []headendv1.EventKind{headendv1.EventKind_EVENT_KIND_SYSLOG}})
	if n := len(syslog); n == 0 || !strings.HasPrefix(syslog[n-1].GetSyslog(), "%ASA-2-444007: Timebased activation key") {
		t.Errorf("the last syslog line of asa1 is not the key's expiry: %v", syslog)
	}
	if r := lab.Admit("asa1", "late", anyconnect); r.GetAdmitted() {
		t.Errorf("a user admitted past the 2 permanent premium peers, with 250 connected")
	}
}
