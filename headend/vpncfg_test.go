package headend

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/asalab/asalab/keygen"
)

// TestVPNConfigStored: the VPN configuration survives its JSON form, a
// record stored before it existed loads as the factory one, and a change to
// the running configuration leaves the saved one alone (they share slices).
func TestVPNConfigStored(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	if _, err := d.SetNameif("GigabitEthernet0/0", "outside"); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		d.SetWebVPNEnable("outside", true), d.SetAnyConnectImage("disk0:/ac.pkg", 0), d.SetSessionCap(true, 10),
		d.AddGroupPolicy("GP"), d.UpdateGroupPolicy("GP", func(g *GroupPolicy) { g.Logins, g.LoginsSet = 0, true }),
		d.AddTunnelGroup("TG", TunnelRemoteAccess), d.SetDefaultGroupPolicy("TG", "GP"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	d.Running.Timezone = Timezone{Name: "EST", Hours: -5}
	d.WriteMemory()
	b, err := json.Marshal(d.Startup)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(d.Startup) {
		t.Fatalf("round trip: %v\n%s\n%+v", err, b, back.VPN)
	}
	if g, _ := back.VPN.GroupPolicy("GP"); !g.LoginsSet || g.Logins != 0 {
		t.Fatalf("vpn-simultaneous-logins 0 lost: %+v", g)
	}

	if err := d.UpdateGroupPolicy("GP", func(g *GroupPolicy) { g.Protocols = []string{"ssl-client"} }); err != nil {
		t.Fatal(err)
	}
	if err := d.SetWebVPNEnable("outside", false); err != nil {
		t.Fatal(err)
	}
	if g, _ := d.Startup.VPN.GroupPolicy("GP"); g.Protocols != nil || len(d.Startup.VPN.WebVPNIfs) != 1 {
		t.Fatalf("a running change reached the saved configuration: %+v", d.Startup.VPN)
	}
	if !d.ConfigUnsaved() {
		t.Fatal("changed VPN configuration not seen as unsaved")
	}

	var legacy Config
	if err := json.Unmarshal([]byte(`{"hostname":"asa1","essentials":true}`), &legacy); err != nil ||
		!legacy.VPN.Equal(VPNConfig{}) || legacy.Timezone != (Timezone{}) {
		t.Fatalf("legacy config: %v %+v", err, legacy.VPN)
	}
	if n := legacy.VPN.SimultaneousLogins("GP"); n != DefaultLogins {
		t.Fatalf("default simultaneous logins %d, want %d", n, DefaultLogins)
	}
}

// TestVPNConfigRefusals: bad input changes nothing.
func TestVPNConfigRefusals(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	before := d.Running
	for _, c := range []struct {
		err  error
		want error
	}{
		{d.SetWebVPNEnable("outside", true), ErrUnknownNameif},
		{d.SetSessionCap(false, 751), ErrInvalidLimit},
		{d.SetDefaultGroupPolicy("DefaultRAGroup", "NOPE"), ErrGroupPolicyNotFound},
		{d.UpdateTunnelGroup("NOPE", func(*TunnelGroup) error { return nil }), ErrTunnelGroupNotFound},
		{d.AddTunnelGroup("DefaultL2LGroup", TunnelRemoteAccess), ErrTunnelGroupType},
		{d.CheckTunnelAttributes("DefaultL2LGroup", "webvpn"), ErrTunnelGroupAttrs},
		{d.AddGroupPolicy("a b"), ErrInvalidVPNName},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("got %v, want %v", c.err, c.want)
		}
	}
	if !d.Running.Equal(before) {
		t.Fatalf("refused changes changed the configuration: %+v", d.Running.VPN)
	}
}
