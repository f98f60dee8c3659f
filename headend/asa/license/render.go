package license

import (
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
)

// The licensed features block that `show version`, `show activation-key`
// and `show license features` print, and the short lines of a time-based
// key.

// featureLine is one line of the licensed features block, in the 9.x
// layout of the real outputs published with genieparser and ntc-templates:
// the name padded to 34 columns, ": ", the value padded to 15, then
// "perpetual" or "N days".
func featureLine(name, value, suffix string) string {
	return fmt.Sprintf("%-34s: %-15s%s", name, value, suffix)
}

// featureDays is the suffix of a feature line for a value with days left,
// 0 for a perpetual one.
func featureDays(days int) string {
	if days > 0 {
		return fmt.Sprintf("%d days", days)
	}
	return "perpetual"
}

func onOff(v bool) string {
	if v {
		return "Enabled"
	}
	return "Disabled"
}

func failoverText(f keygen.Failover) string {
	switch f {
	case keygen.FailoverActiveStandby:
		return "Active/Standby"
	case keygen.FailoverActiveActive:
		return "Active/Active"
	}
	return "Disabled"
}

// FeatureLines renders "Licensed features for this platform:" for r.
func FeatureLines(p *headend.Platform, r *Running) []string { return featureLines(p, r, false) }

// featureLines renders the feature lines of r; the failover cluster block
// (cluster) has no "Cluster Members" line, as in the real 5516-X pair's.
func featureLines(p *headend.Platform, r *Running, cluster bool) []string {
	var out []string
	add := func(name, value string, days int) { out = append(out, featureLine(name, value, featureDays(days))) }
	num := func(n int) string { return fmt.Sprint(n) }
	legacy := p.Lines.SharedEarly()

	add("Maximum Physical Interfaces", r.PhysIf, 0)
	if p.Lines == headend.Lines5505 {
		if r.SecurityPlus {
			add("VLANs", num(r.VLANs), 0)
		} else {
			out = append(out, featureLine("VLANs", num(r.VLANs), "DMZ Restricted"))
		}
		add("Dual ISPs", onOff(r.SecurityPlus), 0)
		trunks := 0
		if r.SecurityPlus {
			trunks = 8
		}
		add("VLAN Trunk Ports", num(trunks), 0)
	} else {
		add("Maximum VLANs", num(r.VLANs), 0)
	}
	if p.TenGE {
		add("10GE I/O", onOff(r.TenGE), 0)
	}
	add("Inside Hosts", r.InsideHosts, 0)
	add("Failover", failoverText(r.Failover), 0)
	if r.VPNEncryptionNames {
		add("VPN-DES", "Enabled", 0)
		add("VPN-3DES-AES", onOff(r.TripleDES), 0)
	} else {
		add("Encryption-DES", "Enabled", 0)
		add("Encryption-3DES-AES", onOff(r.TripleDES), 0)
	}
	if p.HasContexts() {
		add("Security Contexts", num(r.Contexts), r.Days[FeatContexts])
	}
	if p.Lines != headend.Lines5505 {
		add(carrierName(p), onOff(r.Carrier), r.Days[FeatCarrier])
	}
	add("AnyConnect Premium Peers", num(r.Premium), r.Days[FeatPremium])
	add("AnyConnect Essentials", onOff(r.Essentials), r.Days[FeatEssentials])
	add("Other VPN Peers", num(r.Other), 0)
	add("Total VPN Peers", num(r.Total), 0)
	shared := func() {
		add("Shared License", onOff(r.Shared), 0)
		if r.SharedPool > 0 {
			add("  Shared AnyConnect Premium Peers", num(r.SharedPool), 0)
		}
	}
	if legacy {
		shared()
	}
	add("AnyConnect for Mobile", onOff(r.Mobile), r.Days[FeatMobile])
	add("AnyConnect for Cisco VPN Phone", onOff(r.Phone), r.Days[FeatPhone])
	add("Advanced Endpoint Assessment", onOff(r.AEA), r.Days[FeatAEA])
	if !legacy {
		shared()
	}
	if p.Lines.UCPhoneProxy() {
		add("UC Phone Proxy Sessions", num(r.Proxy), r.Days[FeatProxy])
	}
	add(proxyName(p), num(r.Proxy), r.Days[FeatProxy])
	add("Botnet Traffic Filter", onOff(r.Botnet), r.Days[FeatBotnet])
	if p.Lines.UCPhoneProxy() {
		add("Intercompany Media Engine", "Disabled", 0)
	}
	if p.IPSModule {
		add("IPS Module", "Disabled", 0)
	}
	// Clustering came with 9.0: an 8.x block has no Cluster line.
	if !r.VPNEncryptionNames && (p.Lines != headend.Lines5505 && (p.ClusterDefault || p.ClusterMembers > 0) || p.Lines.NineX()) {
		add("Cluster", onOff(r.Cluster), 0)
		if r.Cluster && p.ClusterMembers > 0 && !cluster {
			add("Cluster Members", num(p.ClusterMembers), 0)
		}
	}
	if p.VPNLoadBalancing {
		add("VPN Load Balancing", "Enabled", 0)
	}
	return out
}

// banner is the "This platform has ..." line.
func banner(p *headend.Platform, r *Running) string {
	if r.SecurityPlus {
		return p.BannerPlus
	}
	return p.BannerBase
}

// TimedLines lists what one time-based key grants, in the short layout of
// the "Active Timebased Activation Key:" block (as a real 8.x `show
// version` prints it).
func TimedLines(p *headend.Platform, f keygen.Features, days int) []string {
	var out []string
	add := func(name, value string) {
		out = append(out, fmt.Sprintf("%-29s: %-11s%d days", name, value, days))
	}
	if f.Contexts > 0 {
		add("Security Contexts", fmt.Sprint(f.Contexts))
	}
	if f.PlusApex {
		add("AnyConnect Premium Peers", fmt.Sprint(p.PremiumMax))
	} else if f.PremiumPeers > 0 {
		add("AnyConnect Premium Peers", fmt.Sprint(f.PremiumPeers))
	}
	if f.Essentials {
		add("AnyConnect Essentials", "Enabled")
	}
	if f.Mobile || f.PlusApex {
		add("AnyConnect for Mobile", "Enabled")
	}
	if f.Phone || f.PlusApex {
		add("AnyConnect for Cisco VPN Phone", "Enabled")
	}
	if f.AEA || f.PlusApex {
		add("Advanced Endpoint Assessment", "Enabled")
	}
	if f.ProxySessions > 0 {
		add(proxyName(p), fmt.Sprint(f.ProxySessions))
	}
	if f.Botnet {
		add("Botnet Traffic Filter", "Enabled")
	}
	if f.Carrier {
		add(carrierName(p), "Enabled")
	}
	return out
}

// WriteBlock writes the capping warnings, the feature list and the
// platform line, as `show version` and `show activation-key` both print them.
func WriteBlock(b *strings.Builder, p *headend.Platform, r *Running) {
	for _, c := range r.Capped {
		b.WriteString(c + "\n")
	}
	b.WriteString("\nLicensed features for this platform:\n")
	for _, f := range FeatureLines(p, r) {
		b.WriteString(f + "\n")
	}
	b.WriteString("\n" + banner(p, r) + "\n\n")
}

// WriteClusterBlock is WriteBlock on a unit of a failover pair: its own
// features, then "Failover cluster licensed features for this platform:"
// and the pair's combined license, in the layout of a real ASA 5516-X
// pair's `show version` (ntc-templates' cisco_asa_show_version3 sample:
// two blank lines between the blocks). That sample prints no "This
// platform has ..." line; we print the cluster license's after the second
// block, where a single unit prints its own (UNSURE).
func WriteClusterBlock(b *strings.Builder, p *headend.Platform, r, cluster *Running) {
	for _, c := range r.Capped {
		b.WriteString(c + "\n")
	}
	b.WriteString("\nLicensed features for this platform:\n")
	for _, f := range FeatureLines(p, r) {
		b.WriteString(f + "\n")
	}
	b.WriteString("\n\nFailover cluster licensed features for this platform:\n")
	for _, f := range featureLines(p, cluster, true) {
		b.WriteString(f + "\n")
	}
	b.WriteString("\n" + banner(p, cluster) + "\n\n")
}
