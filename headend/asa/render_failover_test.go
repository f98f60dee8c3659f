package asa

import (
	"net/netip"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/failover"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// pairOf5516 is the secondary unit of a 5516-X pair with 4 Premium
// sessions, active, with three data interfaces like the real pair of
// testdata/real_show_failover_5516x_active.txt.
func pairOf5516(t *testing.T) (*Device, family.FailoverStatus) {
	t.Helper()
	d := newTestDevice(t, "ASA5516", keygen.Features{PremiumPeers: 4})
	mate := newTestDevice(t, "ASA5516", keygen.Features{PremiumPeers: 4})
	for i, n := range []string{"outside", "dmz", "inside"} {
		ifname := "GigabitEthernet1/" + string(rune('1'+i))
		if _, err := d.SetNameif(ifname, n); err != nil {
			t.Fatal(err)
		}
		a := netip.AddrFrom4([4]byte{192, 168, byte(i + 1), 1})
		if err := d.SetAddress(ifname, a, netip.MustParseAddr("255.255.255.0"), a.Next()); err != nil {
			t.Fatal(err)
		}
		d.SetShutdown(ifname, false)
	}
	d.SetFailoverUnit("secondary")
	if err := d.SetFailoverLAN("FAILOVER", "GigabitEthernet1/8"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFailoverLink("FAILOVER", ""); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFailoverIP("FAILOVER", netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("255.255.255.252"), netip.MustParseAddr("10.0.0.2")); err != nil {
		t.Fatal(err)
	}
	d.SetFailoverReplicationHTTP(true)
	if err := d.EnableFailover(t0); err != nil {
		t.Fatal(err)
	}
	cluster, why := d.CombinedLicense(mate, t0)
	if why != "" {
		t.Fatal(why)
	}
	return d, family.FailoverStatus{
		Enabled: true, Role: "Secondary", State: family.FailoverActive,
		MateSeen: true, MateState: family.FailoverStandbyReady, MateSerial: mate.Serial,
		LastFailover: t0.Add(-time.Hour), Since: t0.Add(-87 * 24 * time.Hour), LANUp: true, StateUp: true,
		ActiveTime: 19157465 * time.Second, Cluster: &cluster,
	}
}

var digits = regexp.MustCompile(`\d+`)

// skeleton is what a line of show failover is, without its values: its
// indentation and label (before the colon, or before the first number),
// numbers masked; one line per interface list.
func skeleton(text string, skip func(string) bool) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		l = strings.TrimRight(l, " ")
		if skip(l) {
			continue
		}
		label, _, found := strings.Cut(l, ":")
		if !found {
			label = l
			if i := strings.IndexAny(l, "0123456789"); i > 0 {
				label = l[:i]
			}
		}
		label = digits.ReplaceAllString(strings.TrimRight(label, " "), "N")
		if t := strings.TrimLeft(label, " "); strings.HasPrefix(t, "Interface ") && strings.Contains(t, "(") {
			label = label[:len(label)-len(t)] + "Interface"
		}
		if len(out) > 0 && out[len(out)-1] == label {
			continue
		}
		out = append(out, label)
	}
	return out
}

// TestShowFailoverLayout: show failover on the active unit of a 5516-X
// pair has the lines of the real one, in its order and indentation (the
// real unit's FirePOWER module lines aside, which the lab has no module
// for).
func TestShowFailoverLayout(t *testing.T) {
	real, err := os.ReadFile("testdata/real_show_failover_5516x_active.txt")
	if err != nil {
		t.Fatal(err)
	}
	d, st := pairOf5516(t)
	got := d.ShowFailoverStatus(st, t0)
	module := func(l string) bool { return strings.Contains(l, "SFR5516") || strings.Contains(l, "ASA FirePOWER") }
	want := skeleton(string(real), module)
	have := skeleton(got, func(string) bool { return false })
	if strings.Join(have, "\n") != strings.Join(want, "\n") {
		for i := range min(len(have), len(want)) {
			if have[i] != want[i] {
				t.Fatalf("line %d: %q, the real output has %q\n%s", i+1, have[i], want[i], got)
			}
		}
		t.Fatalf("%d lines, the real output has %d\n%s", len(have), len(want), got)
	}
	for _, l := range []string{
		"Failover unit Secondary", "Failover LAN Interface: FAILOVER GigabitEthernet1/8 (up)", "Monitored Interfaces 3 of 160 maximum",
		"        This host: Secondary - Active", "                Active time: 19157465 (sec)",
		"                slot 1: ASA5516 hw/sw rev (1.0/9.16(4)) status (Up Sys)",
		"                  Interface dmz (192.168.2.1): Normal (Monitored)",
		"        Other host: Primary - Standby Ready", "                  Interface dmz (192.168.2.2): Normal (Monitored)",
		"Last Failover at: 11:00:00 UTC Nov 27 2026", "        Link : FAILOVER GigabitEthernet1/8 (up)",
	} {
		if !strings.Contains(got, "\n"+l+"\n") {
			t.Errorf("no line %q in\n%s", l, got)
		}
	}
}

// TestShowVersionPairBlocks: on a 5516-X pair with 4 Premium sessions on
// each unit, show version prints the unit's licensed features and the
// failover cluster's exactly as the real pair does (contexts 2 + 2,
// Premium 4 + 4, Total VPN Peers the platform's 300), with the cluster's
// uptime under the unit's.
func TestShowVersionPairBlocks(t *testing.T) {
	real, err := os.ReadFile("testdata/real_show_version_5516x_pair.txt")
	if err != nil {
		t.Fatal(err)
	}
	d, st := pairOf5516(t)
	got := d.ShowVersionPaired(t0.Add(15*time.Hour), st)
	_, blocks, _ := strings.Cut(got, "\nLicensed features for this platform:\n")
	blocks, _, _ = strings.Cut(blocks, "This platform has")
	if want := strings.TrimPrefix(string(real), "Licensed features for this platform:\n"); blocks != want {
		t.Errorf("license blocks:\n%s\nthe real pair's:\n%s", blocks, want)
	}
	if !strings.Contains(got, "\nasa1 up 15 hours 0 mins\nfailover cluster up 87 days 15 hours\n") {
		t.Errorf("uptime lines:\n%s", got)
	}
	if alone := d.ShowVersion(t0); strings.Contains(alone, "cluster up") || strings.Contains(alone, "Failover cluster") {
		t.Errorf("a unit out of a pair prints the cluster:\n%s", alone)
	}
}

// TestShowFailoverStateLayout: show failover state on the active primary
// unit of a pair has the lines of the real one, in its order and columns;
// the real unit's failure reason and its failed interfaces aside (the lab
// keeps no failure reasons: "None").
func TestShowFailoverStateLayout(t *testing.T) {
	real, err := os.ReadFile("testdata/real_show_failover_state_primary_active.txt")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(string(real), "\n") {
		if strings.HasPrefix(l, strings.Repeat(" ", 30)) { // a failed interface of the reason
			continue
		}
		if strings.Contains(l, "Ifc Failure") {
			l = l[:30] + "None"
		}
		want = append(want, l)
	}
	c := config.Config{Failover: config.Failover{Enabled: true, Unit: "primary"}}
	got := failover.ShowState(&c, family.FailoverStatus{Enabled: true, Role: "Primary", State: family.FailoverActive,
		MateSeen: true, MateState: family.FailoverStandbyReady})
	if got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nthe real layout\n%s", got, strings.Join(want, "\n"))
	}
}
