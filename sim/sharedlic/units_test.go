package sharedlic

import (
	"net/netip"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
)

// TestIfaceAddrASAv: an ASAv serves shared licensing on the interface its
// license-server line names, as a 5500-X does, not on its first address.
func TestIfaceAddrASAv(t *testing.T) {
	for _, model := range []string{"ASA5525", "ASAv10"} {
		serial := "FCH1947V0GY"
		if model == "ASAv10" {
			serial = "9AT1L9EX0DF"
		}
		p, ok := headend.LookupPlatform(model)
		if !ok {
			t.Fatalf("no platform %s", model)
		}
		d, err := asa.New(p, serial, "h", time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := asa.Unwrap(d)
		a.Running.Interfaces = []config.Interface{
			{Name: "GigabitEthernet0/0", Up: true, Nameif: "outside", Address: netip.MustParsePrefix("192.0.2.1/24")},
			{Name: "GigabitEthernet0/1", Up: true, Nameif: "inside", Address: netip.MustParsePrefix("10.0.0.1/24")},
			{Name: "GigabitEthernet0/2", Nameif: "dmz", Address: netip.MustParsePrefix("10.1.0.1/24")},
		}
		for nameif, want := range map[string]string{"inside": "10.0.0.1", "outside": "192.0.2.1", "dmz": "invalid IP", "none": "invalid IP"} {
			if got := ifaceAddr(d, nameif).String(); got != want {
				t.Errorf("%s: address on %s = %s, want %s", model, nameif, got, want)
			}
		}
	}
}
