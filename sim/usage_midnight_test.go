package sim

import (
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
)

// midnightLab is a lab with one licensed headend, asa1, whose clock stands
// a few seconds before the end of the first lab day.
func midnightLab(t *testing.T) (*Lab, *Headend, time.Time) {
	t.Helper()
	store, lab := openUsageLab(t, nil, t.TempDir())
	t.Cleanup(func() {
		lab.Close()
		store.Close()
	})
	licensedASA(t, lab, 100)
	day1 := simStart.Truncate(24 * time.Hour)
	if _, err := lab.SetClock(day1.Add(24*time.Hour - 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	h, _ := lab.Headend("asa1")
	return lab, h, day1
}

// TestLateAdmissionKeepsApexOnly: an admission that read the clock just
// before midnight and records its use after the day changed does not
// take the day's Apex-only flag from a user who used clientless that
// day, whether or not that use was written already.
func TestLateAdmissionKeepsApexOnly(t *testing.T) {
	for _, flushed := range []bool{false, true} {
		lab, h, day1 := midnightLab(t)
		d, err := lab.Admit("asa1", "alice", "alice-laptop", headend.KindClientless)
		if err != nil || !d.Admitted {
			t.Fatalf("alice: %+v %v", d, err)
		}
		h.Release(d.Session)
		if flushed {
			if err := lab.flushUsage(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := lab.AdvanceClock(10 * time.Second); err != nil {
			t.Fatal(err)
		}
		// alice again, after midnight: her principal's word says day 2.
		if d, _ := lab.Admit("asa1", "alice", "alice-laptop", headend.KindAnyConnect); !d.Admitted {
			t.Fatal("alice refused on day 2")
		}
		alice, _ := lab.Principal("alice", "alice-laptop")
		late := day1.Add(24*time.Hour - time.Second).Unix()
		if d := h.adm.Admit(alice, headend.KindAnyConnect, late); !d.Admitted {
			t.Fatalf("alice's late admission: %+v", d)
		}
		all, apex := lab.Users([]string{"FCH1947V0GY"}, day1, day1.Add(24*time.Hour))
		if got, want := joinUsers(all)+" | "+joinUsers(apex), "alice | alice"; got != want {
			t.Errorf("flushed before midnight %v: report of day 1 %q, want %q", flushed, got, want)
		}
	}
}

// TestLateAdmissionOfReusedNumber: a principal forgotten after midnight
// gives its number to a new one; that one's admission, which read the
// clock before midnight, is a use of the first day under its own name.
func TestLateAdmissionOfReusedNumber(t *testing.T) {
	lab, h, day1 := midnightLab(t)
	d, _ := lab.Admit("asa1", "bob", "bob-laptop", headend.KindAnyConnect)
	if !d.Admitted {
		t.Fatal("bob refused")
	}
	h.Release(d.Session)
	bob, _ := lab.Principal("bob", "bob-laptop")
	if err := lab.flushUsage(); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.AdvanceClock(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	lab.forgetPrincipals(false)
	carol, _ := lab.Principal("carol", "carol-laptop")
	if !bob.Forgotten() || carol.Index() != bob.Index() {
		t.Fatalf("bob forgotten %v; carol has number %d, bob had %d", bob.Forgotten(), carol.Index(), bob.Index())
	}
	late := day1.Add(24*time.Hour - time.Second).Unix()
	if d := h.adm.Admit(carol, headend.KindAnyConnect, late); !d.Admitted {
		t.Fatalf("carol's late admission: %+v", d)
	}
	all, _ := lab.Users([]string{"FCH1947V0GY"}, day1, day1.Add(24*time.Hour))
	if got, want := joinUsers(all), "bob carol"; got != want {
		t.Errorf("report of day 1: %q, want %q", got, want)
	}
}
