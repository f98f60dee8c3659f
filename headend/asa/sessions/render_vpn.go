package sessions

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
)

// The VPN session formats: the refusal syslogs (docs/licensing-rules.md,
// Admission) and the `show vpn-sessiondb` outputs, after the real outputs
// the ntc-templates parse (its real samples: ASA5516 9.x summary and
// anyconnect lists).

// PublicIP is the address a client device connects from: derived from the
// device id, in 100.64.0.0/10 so it never looks like a real customer's.
func PublicIP(device string) string {
	v := headend.Hash32(device) & (1<<22 - 1)
	return fmt.Sprintf("100.%d.%d.%d", 64+v>>16, v>>8&0xff, v&0xff)
}

// assignedIP is the address the pool gives the session in slot i.
func assignedIP(slot int) string {
	n := slot + 1
	return fmt.Sprintf("10.10.%d.%d", n>>8&0xff, n&0xff)
}

// outsideIP is the headend's own address, derived from its serial.
func outsideIP(serial string) string {
	v := headend.Hash32(serial)
	return fmt.Sprintf("198.51.100.%d", 1+v%254)
}

func groupFor(k headend.Kind) string {
	switch k {
	case headend.KindSiteToSite:
		return "DefaultL2LGroup"
	case headend.KindIPsecIKEv1:
		return "DefaultRAGroup"
	}
	return "DfltGrpPolicy"
}

// RefusalSyslog is the line the ASA logs when it refuses the connection;
// empty for a device that is down (it logs nothing). The message per case
// (our choice where public sources do not say which message the ASA
// uses; the texts follow Cisco ASA Series Syslog Messages): over a limit, %ASA-4-113029, clientless %ASA-4-716023,
// third-party IKEv2 %ASA-4-751019; clientless not licensed (Essentials
// mode) is WebVPN's session limit of 0; mobile or phone without their
// license, or AnyConnect not enabled under webvpn, %ASA-4-113035; webvpn
// enabled on no working interface: nothing.
func RefusalSyslog(d admission.Decision, k headend.Kind, pol *admission.Policy, user, device string) string {
	if pol.Silent(d) {
		return ""
	}
	headendSerial, c := "", admission.ClassPremium
	if pol != nil {
		headendSerial = pol.Serial
		c = pol.ClassOf(k)
	}
	return RefusalLine(d.Reason, d.Limit, k, c, headendSerial, user, device)
}

// RefusalLine renders a refusal of kind k counted against class c.
func RefusalLine(reason headend.Reason, limit int, k headend.Kind, c admission.Class, headendSerial, user, device string) string {
	ip := PublicIP(device)
	switch reason {
	case headend.ReasonNone, headend.ReasonUnavailable, headend.ReasonStandby:
		return ""
	case headend.ReasonSimultaneousLogins:
		return loginsRefusedLine(k, user, ip, limit)
	case headend.ReasonNotLicensed:
		if k == headend.KindClientless {
			return fmt.Sprintf("%%ASA-4-716023: Group <%s> User <%s> IP <%s> Session could not be established: session limit of 0 reached.",
				groupFor(k), user, ip)
		}
		return fmt.Sprintf("%%ASA-4-113035: Group <%s> User <%s> IP <%s> Session terminated: AnyConnect not enabled or invalid AnyConnect image on the ASA.",
			groupFor(k), user, ip)
	}
	switch k {
	case headend.KindClientless:
		return fmt.Sprintf("%%ASA-4-716023: Group <%s> User <%s> IP <%s> Session could not be established: session limit of %d reached.",
			groupFor(k), user, ip, limit)
	case headend.KindIKEv2ThirdParty:
		lic := "AnyConnect Premium"
		if c < admission.NumClasses {
			lic = className[c]
		}
		if reason == headend.ReasonTotalLimit {
			lic = "Total VPN"
		}
		return fmt.Sprintf("%%ASA-4-751019: Local:%s Remote:%s Username:%s Failed to obtain an %s license. Maximum license limit %d exceeded.",
			outsideIP(headendSerial), ip, user, lic, limit)
	}
	return fmt.Sprintf("%%ASA-4-113029: Group <%s> User <%s> IP <%s> Session could not be established: session limit of %d reached",
		groupFor(k), user, ip, limit)
}

// className is the license a session of each class counts against, as
// `show vpn-sessiondb` prints it and the refusal syslogs name it.
var className = [admission.NumClasses]string{"AnyConnect Premium", "AnyConnect Essentials", "Other VPN"}

// A summary row of `show vpn-sessiondb`: its kinds and its sub-row. Names
// stay within two words, which the ntc-templates parser requires (its row
// name is one or two words; any other line fails the whole parse). A real
// vASA names the legacy IKEv1 remote-access row "IKEv1 IPsec/L2TP IPsec"
// (genieparser's ASA ShowVPNSessionDBSummary golden output), three words
// that parser rejects, so "IPsec Client" stands in for it; the ASA's name
// for the third-party IKEv2 row was not found in a real output.
type vpnRow struct {
	name, sub string
	kinds     []headend.Kind
	inactive  bool // the row prints the Inactive column
}

var vpnRows = []vpnRow{
	{"AnyConnect Client", "SSL/TLS/DTLS", []headend.Kind{headend.KindAnyConnect, headend.KindMobile, headend.KindPhone}, true},
	{"Clientless VPN", "Browser", []headend.Kind{headend.KindClientless}, false},
	{"Generic IKEv2", "IKEv2 IPsec", []headend.Kind{headend.KindIKEv2ThirdParty}, true},
	{"IPsec Client", "IKEv1 IPsec", []headend.Kind{headend.KindIPsecIKEv1}, true},
	{"Site-to-Site VPN", "IKEv1 IPsec", []headend.Kind{headend.KindSiteToSite}, false},
}

type tunnelRow struct {
	name  string
	kinds []headend.Kind
}

var tunnelRows = []tunnelRow{
	{"Clientless", []headend.Kind{headend.KindClientless}},
	{"AnyConnect-Parent", []headend.Kind{headend.KindAnyConnect, headend.KindMobile, headend.KindPhone}},
	{"SSL-Tunnel", []headend.Kind{headend.KindAnyConnect, headend.KindMobile, headend.KindPhone}},
	{"DTLS-Tunnel", []headend.Kind{headend.KindAnyConnect, headend.KindMobile, headend.KindPhone}},
	{"IKEv1", []headend.Kind{headend.KindIPsecIKEv1, headend.KindSiteToSite}},
	{"IKEv2", []headend.Kind{headend.KindIKEv2ThirdParty}},
	{"IPsec", []headend.Kind{headend.KindIPsecIKEv1, headend.KindSiteToSite, headend.KindIKEv2ThirdParty}},
}

// SumKinds is the sum of v over the kinds ks: a row of several kinds.
func SumKinds(v [headend.NumKinds]int, ks []headend.Kind) int {
	n := 0
	for _, k := range ks {
		n += v[k]
	}
	return n
}

// PeakOf is the peak of a row of several kinds: at least the highest peak of
// one kind and the sessions active now (the kinds' peaks are tracked apart).
func PeakOf(c *admission.Counts, ks []headend.Kind) int {
	p := SumKinds(c.Active, ks)
	for _, k := range ks {
		p = max(p, c.Peak[k])
	}
	return p
}

// Rule is the rule under the headings of `show vpn-sessiondb`.
const Rule = "---------------------------------------------------------------------------"

// ShowVPNSummary renders `show vpn-sessiondb [summary]`.
func ShowVPNSummary(c admission.Counts, capacity int) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(Rule)
	line("VPN Session Summary")
	line(Rule)
	line("                               Active : Cumulative : Peak Concur : Inactive")
	line("                             ----------------------------------------------")
	active, cumulative := 0, 0
	for _, r := range vpnRows {
		cum := SumKinds(c.Cumulative, r.kinds)
		if cum == 0 {
			continue
		}
		act, peak := SumKinds(c.Active, r.kinds), PeakOf(&c, r.kinds)
		active += act
		cumulative += cum
		for _, name := range []string{r.name, "  " + r.sub} {
			if r.inactive {
				line("%-29s: %6d : %10d : %11d : %8d", name, act, cum, peak, 0)
			} else {
				line("%-29s: %6d : %10d : %11d", name, act, cum, peak)
			}
		}
	}
	line(Rule)
	line("%-29s: %6d             Total Cumulative : %d", "Total Active and Inactive", active, cumulative)
	line("%-29s: %6d", "Device Total VPN Capacity", capacity)
	load := 0
	if capacity > 0 {
		load = (active*100 + capacity - 1) / capacity
	}
	line("%-29s: %5d%%", "Device Load", load)
	line(Rule)
	line(Rule)
	line("Tunnels Summary")
	line(Rule)
	line("                               Active : Cumulative : Peak Concurrent")
	line("                             ----------------------------------------------")
	tActive, tCum := 0, 0
	for _, r := range tunnelRows {
		cum := SumKinds(c.Cumulative, r.kinds)
		if cum == 0 {
			continue
		}
		act := SumKinds(c.Active, r.kinds)
		tActive += act
		tCum += cum
		line("%-29s: %6d : %10d : %15d", r.name, act, cum, PeakOf(&c, r.kinds))
	}
	line(Rule)
	line("%-29s: %6d : %10d", "Totals", tActive, tCum)
	line(Rule)
	return b.String()
}

// FormatDuration prints a session duration as the ASA does: "0h:23m:58s",
// "1d 12h:33m:07s".
func FormatDuration(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	days, h, m, sec := s/86400, s%86400/3600, s%3600/60, s%60
	if days > 0 {
		return fmt.Sprintf("%dd %dh:%02dm:%02ds", days, h, m, sec)
	}
	return fmt.Sprintf("%dh:%02dm:%02ds", h, m, sec)
}

// ViewSession resolves a session for display.
func ViewSession(s admission.SessionInfo, p *admission.Principal) family.SessionView {
	c := admission.ClassPremium
	switch {
	case s.Kind == headend.KindIPsecIKEv1 || s.Kind == headend.KindSiteToSite:
		c = admission.ClassOther
	case s.Essentials:
		c = admission.ClassEssentials
	}
	v := family.SessionView{Info: s, AssignedIP: assignedIP(s.Slot), License: className[c]}
	if p != nil {
		v.User, v.Device, v.PublicIP = p.User(), p.Device(), PublicIP(p.Device())
	}
	return v
}

// ShowAnyConnectSessions renders `show vpn-sessiondb anyconnect` for the
// AnyConnect sessions among views.
func ShowAnyConnectSessions(views []family.SessionView, now time.Time, serial string) string {
	return listSessions(views, "AnyConnect", func(s sessionBlock, v *family.SessionView) {
		_, _, secs := sessionTimes(v, now)
		s.anyConnectHead(v, secs)
		s.remoteAccessTail(v, "DefaultWEBVPNGroup", now, serial)
	}, headend.KindAnyConnect, headend.KindMobile, headend.KindPhone)
}
