package sim

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen/ioslic"
	"github.com/asalab/asalab/keygen/portal"
)

// An IOS PAK registered with a UDI makes a license file, kept by the
// portal's store: after a restart the same registration returns the same
// file, and the PAK stays used.
func TestPortalIOSLicenseSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	l := tl.lab
	o := must(l.PlaceOrder([]portal.OrderLine{{SKU: "FL-SSLVPN10-K9", Customer: "Branch Co"}}))
	must(l.AdvanceClock(4 * time.Hour))
	const udi = "CISCO2911/K9:FTX1234A5BC"
	reg := must(l.RegisterPakWith(o.PAKs[0].ID, "", RegisterOptions{UDI: udi}))
	if reg.IOS == nil || reg.Again {
		t.Fatalf("registered = %+v", reg)
	}
	if _, err := l.RegisterPakWith(o.PAKs[0].ID, "", RegisterOptions{}); !errors.Is(err, ErrUDIRequired) {
		t.Errorf("no UDI: %v", err)
	}
	tl.close()
	tl = openTestLab(t, dir)
	again := must(tl.lab.RegisterPakWith(o.PAKs[0].ID, "", RegisterOptions{UDI: udi}))
	if !again.Again || !bytes.Equal(again.IOS.File, reg.IOS.File) {
		t.Fatalf("after restart: %+v", again)
	}
	if _, err := tl.lab.RegisterPakWith(o.PAKs[0].ID, "", RegisterOptions{UDI: "CISCO2911/K9:FTX9999Z9ZZ"}); !errors.Is(err, ErrPAKExhausted) {
		t.Errorf("second router after restart: %v", err)
	}
	if lics, err := ioslic.Verify(tl.lab.signer, again.IOS.File); err != nil || lics[0].Count != 10 {
		t.Errorf("file: %+v, %v", lics, err)
	}
}
