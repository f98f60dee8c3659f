package asa

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/asa/shared"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// TestLogSharedInTheBuffer: a shared licensing event the lab reports is
// logged on the unit like its other lines, filtered by the buffer's level.
func TestLogSharedInTheBuffer(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	now := d.UpAt.Add(1e9)
	d.LogShared(now, family.SharedEvent{Kind: family.SharedServiceActive, Addr: netip.MustParseAddr("10.15.0.15")})
	entries, logged := d.LogEntries()
	if logged != 1 || len(entries) != 1 || entries[0].Msg != "%ASA-5-444101: Shared license service is active. License server address: 10.15.0.15" ||
		!entries[0].Time.Equal(now) {
		t.Fatalf("logged %d: %+v", logged, entries)
	}
	d.Running.Logging.BufferedLevel = 4 // warnings: 444101 (5) is not buffered, 444102 (2) is
	d.LogShared(now, family.SharedEvent{Kind: family.SharedServiceActive, Addr: netip.MustParseAddr("10.15.0.15")})
	d.LogShared(now, family.SharedEvent{Kind: family.SharedServerNotResponding})
	if entries, _ := d.LogEntries(); len(entries) != 2 || !strings.Contains(entries[1].Msg, "444102") {
		t.Fatalf("at warnings: %+v", entries)
	}
}

// TestSetLicenseServer: each role's lines need its key in force; a refused
// line changes nothing; the lab reads what was configured.
func TestSetLicenseServer(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	now := d.UpAt
	secret := shared.Line{Kind: shared.Secret, Text: "SeKreTkey"}
	addr := shared.Line{Kind: shared.Address, Addr: netip.MustParseAddr("10.15.0.15"), Text: "SeKreTkey", N: 50554}
	if err := d.SetLicenseServer(now, secret); err == nil {
		t.Fatal("a server line without a key")
	}
	if err := d.SetLicenseServer(now, addr); err == nil {
		t.Fatal("a participant line without a key")
	}
	if !d.SharedConfig().IsZero() {
		t.Fatalf("refused lines changed the configuration: %+v", d.SharedConfig())
	}
	d.License.Running = &license.PermanentKey{Features: keygen.Features{SharedParticipant: true}}
	if pool, part := d.SharedKey(now); pool != 0 || !part {
		t.Fatalf("participant key: pool %d, participant %v", pool, part)
	}
	if err := d.SetLicenseServer(now, secret); err == nil {
		t.Fatal("a server line with a participant key")
	}
	if err := d.SetLicenseServer(now, addr); err != nil {
		t.Fatal(err)
	}
	c := d.SharedConfig()
	if c.ServerAddr != addr.Addr || c.ServerSecret != "SeKreTkey" || c.ServerPort != 0 || c.ParticipantPort() != 50554 {
		t.Fatalf("participant: %+v", c)
	}
	d.License.Running = &license.PermanentKey{Features: keygen.Features{SharedServer: 1000}}
	if pool, part := d.SharedKey(now); pool != 1000 || !part {
		t.Fatalf("server key: pool %d, participant %v", pool, part)
	}
	if err := d.SetLicenseServer(now, shared.Line{Kind: shared.Enable, Text: "inside"}); err == nil {
		t.Fatal("enable on an interface that has no nameif")
	}
	for ifname, name := range map[string]string{"GigabitEthernet0/1": "inside", "GigabitEthernet0/2": "dmz"} {
		if _, err := d.SetNameif(ifname, name); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []shared.Line{secret, {Kind: shared.Enable, Text: "inside"}, {Kind: shared.Enable, Text: "dmz"}, {Kind: shared.Refresh, N: 60}} {
		if err := d.SetLicenseServer(now, l); err != nil {
			t.Fatal(err)
		}
	}
	c = d.SharedConfig()
	if c.Secret != "SeKreTkey" || c.EnableIface != "inside" || strings.Join(c.EnableIfaces, ",") != "inside,dmz" || c.Refresh() != 60 {
		t.Fatalf("server: %+v", c)
	}
	if err := d.SetLicenseServer(now, shared.Line{Kind: shared.Enable, No: true, Text: "inside"}); err != nil {
		t.Fatal(err)
	}
	if c = d.SharedConfig(); c.EnableIface != "dmz" || len(c.EnableIfaces) != 1 {
		t.Fatalf("after no enable inside: %+v", c)
	}
	if err := d.SetLicenseServer(now, shared.Line{Kind: shared.Refresh, N: 5}); err == nil || d.SharedConfig().Refresh() != 60 {
		t.Fatalf("refresh 5: %v, refresh %d", err, d.SharedConfig().Refresh())
	}
}
