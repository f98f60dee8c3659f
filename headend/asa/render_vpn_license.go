package asa

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/asa/sessions"
	"github.com/asalab/asalab/headend/family"
)

// VPNLicenseUse is what the lab adds to a unit's own license in
// `show vpn-sessiondb license-summary`.
type VPNLicenseUse struct {
	// Borrowed is how many shared AnyConnect Premium sessions the unit
	// holds from its shared licensing server.
	Borrowed int
	// Cluster is the failover pair's combined license while the pair is
	// formed (family.FailoverStatus.Cluster): the limits the active unit
	// admits against.
	Cluster *family.LicensedFeatures
}

// ShowVPNLicenseSummary renders `show vpn-sessiondb license-summary` at now
// with the counters c: the VPN licenses and their limits, then what the
// sessions use of them.
//
// A unit of a formed failover pair shows the pair's combined license, the
// one it admits against, as `show version`'s "failover cluster" block
// does. A shared licensing participant splits its Premium sessions into
// local ones (up to its own license) and shared ones (the rest), and its
// effective limit is its own license plus the shared sessions it holds,
// never above the platform's limit (admission.Admission.PremiumLimit).
// No public sample shows the table with shared sessions in use: this
// reading of its "Local In Use", "Shared In Use" and "Eff. Limit" columns
// is the lab's.
func (d *Device) ShowVPNLicenseSummary(now time.Time, c Counts, u VPNLicenseUse) string {
	d.Advance(now)
	r := d.RunningLicense(now)
	if u.Cluster != nil {
		r.LicensedFeatures = *u.Cluster
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	status := func(on bool) string {
		if on {
			return "ENABLED"
		}
		return "DISABLED"
	}
	line(sessions.Rule)
	line("VPN Licenses and Configured Limits Summary")
	line(sessions.Rule)
	line("                                  Status : Capacity : Installed :   Limit")
	line("                                  -----------------------------------------")
	if r.Essentials {
		line("%-33s: %7s : %8d : %9d : %8s", "AnyConnect Essentials", "ENABLED", r.Total, r.Total, "NONE")
	} else {
		line("%-33s: %7s : %8d : %9d : %8s", "AnyConnect Premium", "ENABLED", r.Premium, r.Premium, "NONE")
	}
	line("%-33s: %7s : %8d : %9d : %8s", "Other VPN (Available by Default)", "ENABLED", r.Other, r.Other, "NONE")
	line("%-33s:  %s", "AnyConnect for Mobile", status(r.Mobile)+"(Requires Premium or Essentials)")
	line("%-33s:  %s", "Advanced Endpoint Assessment", status(r.AEA)+"(Requires Premium)")
	line("%-33s:  %s", "AnyConnect for Cisco VPN Phone", status(r.Phone))
	line("%-33s:  %s", "VPN-3DES-AES", status(r.TripleDES))
	line("%-33s:  %s", "VPN-DES", "ENABLED")
	line(sessions.Rule)
	line("")
	line(sessions.Rule)
	line("VPN Licenses Usage Summary")
	line(sessions.Rule)
	line("                        Local : Shared :   All  :  Peak  : Eff.   :")
	line("                        In Use : In Use : In Use : In Use : Limit  : Usage")
	line("                      ----------------------------------------------------")
	pct := func(n, limit int) string {
		if limit <= 0 {
			return "  0%"
		}
		return fmt.Sprintf("%3d%%", (n*100+limit-1)/limit)
	}
	acKinds := []Kind{KindAnyConnect, KindMobile, KindPhone}
	ac := sessions.SumKinds(c.Active, acKinds)
	web := c.Active[KindClientless]
	ikev2 := c.Active[KindIKEv2ThirdParty]
	premiumUse := ac + web + ikev2
	premiumLimit, premiumName := r.Premium, "AnyConnect Premium"
	premiumLocal, premiumShared := premiumUse, 0
	if r.Essentials {
		premiumLimit, premiumName = r.Total, "AnyConnect Essentials"
	} else if r.Shared && u.Cluster == nil {
		premiumLocal = min(premiumUse, r.Premium)
		premiumShared = premiumUse - premiumLocal
		if u.Borrowed > 0 && r.Premium < d.sharedMax() {
			premiumLimit = min(r.Premium+u.Borrowed, d.sharedMax())
		}
	}
	otherKinds := []Kind{KindIPsecIKEv1, KindSiteToSite}
	other := sessions.SumKinds(c.Active, otherKinds)
	row := func(name string, local, shared, all, peak int, limit int, usage string) {
		loc, sh, lim := "", "", ""
		if local >= 0 {
			loc, sh = fmt.Sprint(local), fmt.Sprint(shared)
		}
		if limit >= 0 {
			lim = fmt.Sprint(limit)
		}
		line("%-22s: %6s : %6s : %6d : %6d : %6s : %s", name, loc, sh, all, peak, lim, usage)
	}
	row(premiumName, premiumLocal, premiumShared, premiumUse, max(sessions.PeakOf(&c, []Kind{KindAnyConnect, KindMobile, KindPhone, KindClientless, KindIKEv2ThirdParty}), premiumUse),
		premiumLimit, pct(premiumUse, premiumLimit))
	row("  AnyConnect Client", -1, 0, ac, sessions.PeakOf(&c, acKinds), -1, pct(ac, premiumLimit))
	row("    AnyConnect Mobile", -1, 0, c.Active[KindMobile], c.Peak[KindMobile], -1, pct(c.Active[KindMobile], premiumLimit))
	row("  Clientless VPN", -1, 0, web, c.Peak[KindClientless], -1, pct(web, premiumLimit))
	row("  Generic IKEv2 Client", -1, 0, ikev2, c.Peak[KindIKEv2ThirdParty], -1, pct(ikev2, premiumLimit))
	row("Other VPN", -1, 0, other, sessions.PeakOf(&c, otherKinds), r.Other, pct(other, r.Other))
	row("  Cisco VPN Client", -1, 0, c.Active[KindIPsecIKEv1], c.Peak[KindIPsecIKEv1], -1, pct(c.Active[KindIPsecIKEv1], r.Other))
	row("  L2L Tunnel", -1, 0, c.Active[KindSiteToSite], c.Peak[KindSiteToSite], -1, pct(c.Active[KindSiteToSite], r.Other))
	line(sessions.Rule)
	return b.String()
}

// sharedMax is the most Premium sessions the device may hold with shared
// ones borrowed, as its admission policy has it: the platform's limit, or
// the configured AnyConnect cap below it.
func (d *Device) sharedMax() int {
	m := d.platform.PremiumMax
	if n := d.Running.VPN.MaxAnyConnect; n > 0 {
		m = min(m, n)
	}
	return m
}
