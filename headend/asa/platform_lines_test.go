package asa

import (
	"strings"
	"testing"

	"github.com/asalab/asalab/keygen"
)

// TestPlatformLine: the "This platform has ..." line of a unit without a
// key, for the models a real output shows.
func TestPlatformLine(t *testing.T) {
	for model, want := range map[string]string{
		"ASA5515": "This platform has an ASA 5515 Security Plus license.", // 9.4(1) boot log
		"ASA5555": "This platform has an ASA5555 VPN Premium license.",    // 9.14(2)14
		"ASA5506": "This platform has a Base license.",                    // 9.8(4)22
		"ASA5520": "This platform has a Base license.",                    // 8.4(1)
	} {
		d := newTestDevice(t, model, keygen.Features{})
		if out := d.ShowVersion(t0); !strings.Contains(out, "\n\n"+want+"\n\n") {
			t.Errorf("%s: no line %q in\n%s", model, want, out)
		}
	}
}

// TestInterfaceLinePadding: interface names are padded as the real
// outputs show ("GigabitEthernet0/0  :", "Internal-Control1/1 :"), and a
// longer name keeps a space before the colon.
func TestInterfaceLinePadding(t *testing.T) {
	d := newTestDevice(t, "ASA5585-SSP10", keygen.Features{})
	out := d.ShowVersion(t0)
	for _, want := range []string{" 0: Ext: GigabitEthernet0/0  : address is ", " 6: Ext: TenGigabitEthernet0/8 : address is ",
		" 7: Ext: TenGigabitEthernet0/9 : address is ", " 8: Ext: Management0/0       : address is "} {
		if !strings.Contains(out, "\n"+want) {
			t.Errorf("no line starting %q in\n%s", want, out)
		}
	}
	d = newTestDevice(t, "ASA5516", keygen.Features{})
	if out := d.ShowVersion(t0); !strings.Contains(out, "\n11: Int: Internal-Control1/1 : address is ") {
		t.Errorf("Internal-Control1/1 padded wrong:\n%s", out)
	}
}
