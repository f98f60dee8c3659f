package sshd

import (
	"testing"
)

// TestPowerOff: powering a headend off drops its SSH sessions and its
// console refuses logins until it is powered on.
func TestPowerOff(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	sh := openShell(t, addr, "admin", "admin")
	sh.expect("asa1> ")
	if _, _, err := tl.lab.PowerOff("asa1"); err != nil {
		t.Fatal(err)
	}
	sh.closedByServer()
	if c, err := dial(addr, "admin", "admin"); err == nil {
		c.Close()
		t.Fatal("logged in while the headend is off")
	}
	if _, err := tl.lab.PowerOn("asa1"); err != nil {
		t.Fatal(err)
	}
	sh = openShell(t, addr, "admin", "admin")
	sh.expect("asa1> ")
}
