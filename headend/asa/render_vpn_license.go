package asa

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/asa/sessions"
)

// ShowVPNLicenseSummary renders `show vpn-sessiondb license-summary` at now
// with the counters c: the VPN licenses and their limits, then what the
// sessions use of them.
func (d *Device) ShowVPNLicenseSummary(now time.Time, c Counts) string {
	d.Advance(now)
	r := d.RunningLicense(now)
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
	if r.Essentials {
		premiumLimit, premiumName = r.Total, "AnyConnect Essentials"
	}
	otherKinds := []Kind{KindIPsecIKEv1, KindSiteToSite}
	other := sessions.SumKinds(c.Active, otherKinds)
	row := func(name string, local, all, peak int, limit int, usage string) {
		loc, lim := "", ""
		if local >= 0 {
			loc = fmt.Sprint(local)
		}
		if limit >= 0 {
			lim = fmt.Sprint(limit)
		}
		shared := ""
		if local >= 0 {
			shared = "0"
		}
		line("%-22s: %6s : %6s : %6d : %6d : %6s : %s", name, loc, shared, all, peak, lim, usage)
	}
	row(premiumName, premiumUse, premiumUse, max(sessions.PeakOf(&c, []Kind{KindAnyConnect, KindMobile, KindPhone, KindClientless, KindIKEv2ThirdParty}), premiumUse),
		premiumLimit, pct(premiumUse, premiumLimit))
	row("  AnyConnect Client", -1, ac, sessions.PeakOf(&c, acKinds), -1, pct(ac, premiumLimit))
	row("    AnyConnect Mobile", -1, c.Active[KindMobile], c.Peak[KindMobile], -1, pct(c.Active[KindMobile], premiumLimit))
	row("  Clientless VPN", -1, web, c.Peak[KindClientless], -1, pct(web, premiumLimit))
	row("  Generic IKEv2 Client", -1, ikev2, c.Peak[KindIKEv2ThirdParty], -1, pct(ikev2, premiumLimit))
	row("Other VPN", -1, other, sessions.PeakOf(&c, otherKinds), r.Other, pct(other, r.Other))
	row("  Cisco VPN Client", -1, c.Active[KindIPsecIKEv1], c.Peak[KindIPsecIKEv1], -1, pct(c.Active[KindIPsecIKEv1], r.Other))
	row("  L2L Tunnel", -1, c.Active[KindSiteToSite], c.Peak[KindSiteToSite], -1, pct(c.Active[KindSiteToSite], r.Other))
	line(sessions.Rule)
	return b.String()
}
