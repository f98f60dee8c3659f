package asa

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/grammar"
	"github.com/asalab/asalab/keygen"
)

func TestResolveInterface(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	for typed, want := range map[string]string{
		"GigabitEthernet0/0": "GigabitEthernet0/0", "gig0/1": "GigabitEthernet0/1", "Gi 0/7": "GigabitEthernet0/7",
		"g0/2": "GigabitEthernet0/2", "m0/0": "Management0/0", "MANAGEMENT0/0": "Management0/0",
	} {
		if got, err := d.ResolveInterface(typed); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", typed, got, err, want)
		}
	}
	for _, typed := range []string{"gig0/8", "Internal-Data0/0", "x0/0", "0/0", "gig", "Management0/0.5"} {
		if got, err := d.ResolveInterface(typed); !errors.Is(err, config.ErrUnknownInterface) {
			t.Errorf("%q: %q %v, want ErrUnknownInterface", typed, got, err)
		}
	}
}

// TestInterfaceConfig: refused changes change nothing; the saved
// configuration never shares a change of the running one; the stored form
// round-trips, and a record from before interfaces loads as the factory
// state.
func TestInterfaceConfig(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	ip := netip.MustParseAddr
	if info, err := d.SetNameif("GigabitEthernet0/1", "inside"); err != nil || info != `INFO: Security level for "inside" set to 100 by default.` {
		t.Fatalf("nameif inside: %q %v", info, err)
	}
	if err := d.SetAddress("GigabitEthernet0/1", ip("10.1.1.1"), ip("255.255.255.0"), ip("10.1.1.2")); err != nil {
		t.Fatal(err)
	}
	d.SetShutdown("GigabitEthernet0/1", false)
	before := d.Running
	for _, c := range []struct {
		err error
		fn  func() error
	}{
		{config.ErrNameifInUse, func() error { _, err := d.SetNameif("GigabitEthernet0/2", "inside"); return err }},
		{config.ErrAddressOverlap, func() error {
			return d.SetAddress("GigabitEthernet0/2", ip("10.1.0.1"), ip("255.255.0.0"), netip.Addr{})
		}},
		{config.ErrInvalidNetmask, func() error {
			return d.SetAddress("GigabitEthernet0/2", ip("10.2.0.1"), ip("255.0.255.0"), netip.Addr{})
		}},
		{config.ErrInvalidNetmask, func() error { return d.SetAddress("GigabitEthernet0/2", ip("10.2.0.1"), ip("0.0.0.0"), netip.Addr{}) }},
		{config.ErrInvalidAddress, func() error {
			return d.SetAddress("GigabitEthernet0/2", ip("10.2.0.0"), ip("255.255.0.0"), netip.Addr{})
		}},
		{config.ErrInvalidAddress, func() error {
			return d.SetAddress("GigabitEthernet0/2", ip("10.2.255.255"), ip("255.255.0.0"), netip.Addr{})
		}},
		{config.ErrStandbySubnet, func() error {
			return d.SetAddress("GigabitEthernet0/2", ip("10.2.0.1"), ip("255.255.0.0"), ip("10.3.0.1"))
		}},
		{config.ErrStandbySame, func() error {
			return d.SetAddress("GigabitEthernet0/2", ip("10.2.0.1"), ip("255.255.0.0"), ip("10.2.0.1"))
		}},
		{config.ErrSecurityLevel, func() error { return d.SetSecurityLevel("GigabitEthernet0/2", 101, false) }},
	} {
		if err := c.fn(); !errors.Is(err, c.err) {
			t.Errorf("got %v, want %v", err, c.err)
		}
	}
	if !d.Running.Equal(before) {
		t.Fatalf("a refused change changed the configuration: %+v", d.Running.Interfaces)
	}
	if got := d.Running.ActiveAddresses(); len(got) != 1 || got[0] != ip("10.1.1.1") {
		t.Fatalf("active addresses %v", got)
	}
	d.WriteMemory()
	d.SetShutdown("GigabitEthernet0/1", true)
	if d.Startup.Interface("GigabitEthernet0/1").Up != true || !d.ConfigUnsaved() {
		t.Fatal("a change of the running configuration reached the saved one")
	}
	b, err := json.Marshal(d.Startup)
	if err != nil {
		t.Fatal(err)
	}
	var back config.Config
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(d.Startup) {
		t.Fatalf("round trip: %v\n%s\n%+v", err, b, back.Interfaces)
	}
	var legacy config.Config
	if err := json.Unmarshal([]byte(`{"hostname":"asa1","essentials":true}`), &legacy); err != nil || legacy.Interfaces != nil ||
		legacy.Interface("GigabitEthernet0/0") != (config.Interface{Name: "GigabitEthernet0/0"}) {
		t.Fatalf("legacy config: %v %+v", err, legacy.Interfaces)
	}
	d.ClearNameif("GigabitEthernet0/1")
	d.ClearAddress("GigabitEthernet0/1")
	if d.Running.Interfaces != nil {
		t.Fatalf("an interface back at its factory state is still stored: %+v", d.Running.Interfaces)
	}
}

// Netmasks: an interface takes a contiguous mask of at least one bit; a
// configuration line's MASK and an ssh permit also take 0.0.0.0, which
// prints back as 0.0.0.0.
func TestNetmasks(t *testing.T) {
	for _, c := range []struct {
		mask string
		bits int
		ok   bool
	}{
		{"255.255.255.0", 24, true}, {"255.255.255.255", 32, true}, {"128.0.0.0", 1, true},
		{"0.0.0.0", 0, false}, {"255.0.255.0", 0, false}, {"255.255.255.1", 0, false},
	} {
		bits, ok := config.ParseMask(netip.MustParseAddr(c.mask))
		if bits != c.bits || ok != c.ok {
			t.Errorf("ParseMask(%s) = %d, %v; want %d, %v", c.mask, bits, ok, c.bits, c.ok)
		}
	}
	for bits, want := range map[int]string{0: "0.0.0.0", 1: "128.0.0.0", 24: "255.255.255.0", 32: "255.255.255.255"} {
		if got := config.MaskString(bits); got != want {
			t.Errorf("MaskString(%d) = %s, want %s", bits, got, want)
		}
	}
	for line, ok := range map[string]bool{
		"route outside 0.0.0.0 0.0.0.0 192.0.2.1":          true,
		"route outside 10.0.0.0 255.0.0.0 192.0.2.1":       true,
		"route outside 10.0.0.0 255.0.255.0 192.0.2.1":     false,
		"route outside 10.0.0.0 255.255.255.255 192.0.2.1": true,
	} {
		if _, err := grammar.ParseConfigLine("", line, false); (err == nil) != ok {
			t.Errorf("%q: %v", line, err)
		}
	}
	d := newSSHDevice(t, "ASA5525")
	if _, err := d.SetNameif("GigabitEthernet0/0", "outside"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetSSHPermit(netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("0.0.0.0"), "outside"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetSSHPermit(netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("255.0.255.0"), "outside"); !errors.Is(err, config.ErrInvalidNetmask) {
		t.Errorf("ssh permit with a broken mask: %v", err)
	}
	if got, want := d.RenderSSH(d.Running, false), "ssh 0.0.0.0 0.0.0.0 outside\n"; !strings.Contains(got, want) {
		t.Errorf("RenderSSH:\n%s\nwant a line %q", got, want)
	}
}
