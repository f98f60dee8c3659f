package sim

import (
	"testing"

	"github.com/asalab/asalab/headend"
)

// TestReloadDropsSessionsAtOnce: a reload drops every VPN session even when
// the headend is back at the same instant (boot time 0, a simulated clock
// that did not move), as the SSH consoles' sessions are dropped.
func TestReloadDropsSessionsAtOnce(t *testing.T) {
	lab, closeLab := consoleLab(t, t.TempDir(), nil)
	defer closeLab()
	if _, err := lab.Create("ASA5525", "asa1", ""); err != nil {
		t.Fatal(err)
	}
	if d, err := lab.Admit("asa1", "alice", "laptop", headend.KindAnyConnect); err != nil || !d.Admitted {
		t.Fatalf("admit: %+v %v", d, err)
	}
	if c, _ := lab.Counts("asa1"); c.Total() != 1 {
		t.Fatalf("before the reload: %d sessions", c.Total())
	}
	if _, err := lab.Reload("asa1", false); err != nil {
		t.Fatal(err)
	}
	if c, _ := lab.Counts("asa1"); c.Total() != 0 {
		t.Errorf("after the reload: %d sessions", c.Total())
	}
}
