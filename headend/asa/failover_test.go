package asa

import (
	"encoding/json"
	"errors"
	"net/netip"
	"testing"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/keygen"
)

// The failover lines are kept through the stored form of the device, and a
// record stored before they existed loads with none; refused lines change
// nothing.
func TestFailoverConfigStoredAndRefusals(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	legacy, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	ip := netip.MustParseAddr
	d.SetFailoverUnit("secondary")
	if err := d.SetFailoverLAN("folink", "GigabitEthernet0/7"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFailoverIP("folink", ip("10.9.9.1"), ip("255.255.255.252"), ip("10.9.9.2")); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFailoverKey("k"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFailoverPolltime(false, 1, 3); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFailoverPolltime(true, 5, 0); err != nil || d.Running.Failover.InterfacePoll != (config.Polltime{}) {
		t.Fatalf("the default interface poll time: %v, kept as %+v", err, d.Running.Failover.InterfacePoll)
	}
	if _, err := d.SetNameif("GigabitEthernet0/1", "inside"); err != nil {
		t.Fatal(err)
	}
	before := d.Running
	for name, err := range map[string]error{
		"named physical":  d.SetFailoverLink("state", "GigabitEthernet0/1"),
		"lan's physical":  d.SetFailoverLink("state", "GigabitEthernet0/7"),
		"no physical":     d.SetFailoverLink("state", ""),
		"unknown name":    d.SetFailoverIP("state", ip("10.8.8.1"), ip("255.255.255.0"), ip("10.8.8.2")),
		"standby outside": d.SetFailoverIP("folink", ip("10.9.9.1"), ip("255.255.255.252"), ip("10.9.8.2")),
		"long key":        d.SetFailoverKey(string(make([]byte, 64))),
		"hold < 3 polls":  d.SetFailoverPolltime(false, 2, 5),
		"poll too long":   d.SetFailoverPolltime(true, 16, 0),
		"hold too long":   d.SetFailoverPolltime(true, 3, 80),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if !d.Running.Equal(before) {
		t.Errorf("refused lines changed the configuration: %+v", d.Running.Failover)
	}
	if _, err := d.SetNameif("GigabitEthernet0/7", "x"); !errors.Is(err, config.ErrFailoverIfNameif) {
		t.Errorf("nameif on the failover interface: %v", err)
	}
	if err := d.SetFailoverLAN("x", "GigabitEthernet0/1"); !errors.Is(err, config.ErrFailoverIfNamed) {
		t.Errorf("lan interface on a named interface: %v", err)
	}

	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back Device
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Running.Equal(d.Running) || back.Running.Failover.LAN.Iface != "GigabitEthernet0/7" ||
		back.Running.Failover.UnitPolltime() != (config.Polltime{Poll: 1, Hold: 3}) {
		t.Errorf("stored failover lines: %+v, want %+v", back.Running.Failover, d.Running.Failover)
	}
	var old Device
	if err := json.Unmarshal(legacy, &old); err != nil {
		t.Fatal(err)
	}
	if !old.Running.Failover.Equal(config.Failover{}) {
		t.Errorf("a record without failover lines loads with %+v", old.Running.Failover)
	}
}
