package asa

import (
	"strings"
	"testing"

	"github.com/asalab/asalab/keygen"
)

// TestLicenseSummaryShared: a participant's Premium row splits its
// sessions into local ones (up to its own license) and shared ones, and
// its effective limit is its license plus the shared sessions it holds,
// at most the platform's; a pair's active unit counts against the pair's
// combined license; a unit outside both is as before.
func TestLicenseSummaryShared(t *testing.T) {
	premiumRow := func(out string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "AnyConnect Premium    :") {
				return l
			}
		}
		t.Fatalf("no Premium usage row in\n%s", out)
		return ""
	}
	var c Counts
	c.Active[KindAnyConnect] = 100
	part := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 25, SharedParticipant: true})
	part.Running.Essentials = false
	plain := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 25})
	plain.Running.Essentials = false
	a := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	a.Running.Essentials = false
	b := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	cluster, why := a.CombinedLicense(b, t0)
	if why != "" {
		t.Fatal(why)
	}
	var pair Counts
	pair.Active[KindAnyConnect] = 500
	for _, tc := range []struct {
		name string
		d    *Device
		c    Counts
		u    VPNLicenseUse
		want string
	}{
		{"participant with 2 blocks", part, c, VPNLicenseUse{Borrowed: 100},
			"AnyConnect Premium    :     25 :     75 :    100 :    100 :    125 :  80%"},
		{"participant capped at the platform", part, c, VPNLicenseUse{Borrowed: 1000},
			"AnyConnect Premium    :     25 :     75 :    100 :    100 :    750 :  14%"},
		{"participant that released its blocks", part, c, VPNLicenseUse{},
			"AnyConnect Premium    :     25 :     75 :    100 :    100 :     25 : 400%"},
		{"no shared licensing", plain, c, VPNLicenseUse{},
			"AnyConnect Premium    :    100 :      0 :    100 :    100 :     25 : 400%"},
		{"active unit of a pair", a, pair, VPNLicenseUse{Cluster: &cluster},
			"AnyConnect Premium    :    500 :      0 :    500 :    500 :    500 : 100%"},
	} {
		if got := premiumRow(tc.d.ShowVPNLicenseSummary(t0, tc.c, tc.u)); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
	out := a.ShowVPNLicenseSummary(t0, pair, VPNLicenseUse{Cluster: &cluster})
	if want := "AnyConnect Premium               : ENABLED :      500 :       500 :     NONE"; !strings.Contains(out, want+"\n") {
		t.Errorf("pair's license line: want %q in\n%s", want, out)
	}
}
