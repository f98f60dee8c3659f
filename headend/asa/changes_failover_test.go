package asa

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/asalab/asalab/keygen"
)

// configLines are the 111008 lines of the changes from old to d.
func configLines(old, d *Device) []string {
	var out []string
	for _, c := range d.ChangesFrom(old) {
		if c.Syslog != "" {
			out = append(out, c.Syslog)
		}
	}
	return out
}

// `failover link` on the LAN link's interface replaces that interface's
// description: the ASA's `description` is one attribute, so the change is
// the new line alone, with no "no description" for the old text.
func TestChangesDescriptionReplaced(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	ip := netip.MustParseAddr
	if err := d.SetFailoverLAN("folink", "GigabitEthernet0/7"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFailoverIP("folink", ip("10.9.9.1"), ip("255.255.255.252"), ip("10.9.9.2")); err != nil {
		t.Fatal(err)
	}
	old := d.Copy().(*Device)
	if err := d.SetFailoverLink("folink", ""); err != nil {
		t.Fatal(err)
	}
	got := configLines(old, d)
	want := []string{
		"%ASA-5-111008: User 'enable_15' executed the 'description LAN/STATE Failover Interface' command.",
		"%ASA-5-111008: User 'enable_15' executed the 'failover link folink GigabitEthernet0/7' command.",
	}
	if !slices.Equal(got, want) {
		t.Errorf("lines\n%q\nwant\n%q", got, want)
	}

	// A description typed over another is one command too; one removed
	// is "no description".
	d.SetDescription("GigabitEthernet0/1", "uplink to core")
	old2 := d.Copy().(*Device)
	d.SetDescription("GigabitEthernet0/1", "uplink to the core switch")
	if got := configLines(old2, d); !slices.Equal(got, []string{
		"%ASA-5-111008: User 'enable_15' executed the 'description uplink to the core switch' command.",
	}) {
		t.Errorf("description replaced: %q", got)
	}
	old3 := d.Copy().(*Device)
	d.SetDescription("GigabitEthernet0/1", "")
	if got := configLines(old3, d); !slices.Equal(got, []string{
		"%ASA-5-111008: User 'enable_15' executed the 'no description' command.",
	}) {
		t.Errorf("description removed: %q", got)
	}
}
