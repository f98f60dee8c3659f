package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
)

// TestIOSSessionsBeyondOne: an ISR G2 with securityk9 holds as many IKEv2
// sessions as its policy admits. The admission table is sized by the
// platform's VPN maximum; an IOS row without one had a table of one slot,
// and the second session spun forever looking for a free slot.
func TestIOSSessionsBeyondOne(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	if _, err := tl.lab.Create("CISCO2911", "r1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.lab.Exec("r1", []string{"configure terminal", "license accept end user agreement", "yes",
		"license boot module c2900 technology-package securityk9",
		"crypto ikev2 profile FLEX", "match identity remote any", "authentication remote pre-share", "authentication local pre-share", "end", "write memory"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.lab.Reload("r1", false); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := range 20 {
			d, err := tl.lab.Admit("r1", fmt.Sprintf("user%d", i), "laptop", headend.KindIKEv2ThirdParty)
			if err == nil && !d.Admitted {
				err = fmt.Errorf("session %d refused: %v", i+1, d.Reason)
			}
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("admitting 20 IKEv2 sessions did not return in 10s")
	}
}
