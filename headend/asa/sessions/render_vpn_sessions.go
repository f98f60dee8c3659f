package sessions

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
)

// The `show vpn-sessiondb` variants beyond the summary and the AnyConnect
// list: l2l, detail l2l, webvpn, ra-ikev1-ipsec and license-summary. The l2l
// and webvpn layouts follow real 9.x outputs (ntc-templates' show
// vpn-sessiondb detail l2l samples; a 9.x `show vpn-sessiondb webvpn` in
// genieparser's tests); ra-ikev1-ipsec and license-summary are recalled
// layouts, not verified against a real output (none was found in
// genieparser's or ntc-templates' tests or in public transcripts).

// sessionBlock writes the two-column lines of a session listing.
type sessionBlock struct{ b *strings.Builder }

func (s sessionBlock) pair(l1, v1, l2, v2 string) {
	fmt.Fprintf(s.b, "%-13s: %-22s %-13s: %s\n", l1, v1, l2, v2)
}

func (s sessionBlock) one(l, v string) { fmt.Fprintf(s.b, "%-13s: %s\n", l, v) }

// indented writes a line of a detailed sub-section: two spaces in.
func (s sessionBlock) sub(l1, v1, l2, v2 string) {
	if l2 == "" {
		fmt.Fprintf(s.b, "  %-13s: %s\n", l1, v1)
		return
	}
	fmt.Fprintf(s.b, "  %-13s: %-22s %-13s: %s\n", l1, v1, l2, v2)
}

// sessionTimes is when a session logged in, and for how many seconds.
func sessionTimes(v *family.SessionView, now time.Time) (login time.Time, dur time.Duration, secs int64) {
	login = time.Unix(v.Info.Login, 0).UTC()
	dur = now.Sub(login)
	return login, dur, int64(max(dur, 0) / time.Second)
}

// auditID is the "Audt Sess ID" of a session: the headend, the session and
// its login.
func auditID(v *family.SessionView, serial string) string {
	return fmt.Sprintf("%08x%08x%08x", headend.Hash32(serial), uint32(v.Info.Slot+1)<<8|uint32(admission.SessionGen(v.Info.ID)), uint32(v.Info.Login))
}

// noSessions is what every listing prints when it has nothing to list.
const noSessions = "INFO: There are presently no active sessions\n"

// listSessions renders a listing of the sessions of kinds among views: the
// session type line, then each session as entry writes it after a blank
// line.
func listSessions(views []family.SessionView, sessionType string, entry func(s sessionBlock, v *family.SessionView), kinds ...headend.Kind) string {
	views = ofKinds(views, kinds...)
	if len(views) == 0 {
		return noSessions
	}
	var b strings.Builder
	b.WriteString("\nSession Type: " + sessionType + "\n")
	for i := range views {
		b.WriteString("\n")
		entry(sessionBlock{&b}, &views[i])
	}
	return b.String()
}

// remoteAccessTail writes the lines that end a remote-access session's
// entry in every listing: its policies, login, activity and audit ID.
func (s sessionBlock) remoteAccessTail(v *family.SessionView, tunnelGroup string, now time.Time, serial string) {
	login, dur, _ := sessionTimes(v, now)
	s.pair("Group Policy", "DfltGrpPolicy", "Tunnel Group", tunnelGroup)
	s.one("Login Time", login.Format("15:04:05 MST Mon Jan 2 2006"))
	s.one("Duration", FormatDuration(dur))
	s.one("Inactivity", "0h:00m:00s")
	s.pair("VLAN Mapping", "N/A", "VLAN", "none")
	s.one("Audt Sess ID", auditID(v, serial))
	fmt.Fprintf(s.b, "%-13s: %-23s\n", "Security Grp", "none")
}

// FilterUser keeps the views of user: `filter name USER`.
func FilterUser(views []family.SessionView, user string) []family.SessionView {
	var out []family.SessionView
	for _, v := range views {
		if v.User == user {
			out = append(out, v)
		}
	}
	return out
}

func ofKinds(views []family.SessionView, kinds ...headend.Kind) []family.SessionView {
	var out []family.SessionView
	for _, v := range views {
		for _, k := range kinds {
			if v.Info.Kind == k {
				out = append(out, v)
				break
			}
		}
	}
	return out
}

// ShowL2LSessions renders `show vpn-sessiondb [detail] l2l`: the site-to-site
// tunnels, named by the peer's address (the tunnel group of a peer without
// one of its own is its address), IKEv1 with AES-256 and SHA-1, as the
// simulator's site-to-site sessions are.
func ShowL2LSessions(views []family.SessionView, now time.Time, detail bool) string {
	sessionType := "LAN-to-LAN"
	if detail {
		sessionType += " Detailed"
	}
	return listSessions(views, sessionType, func(s sessionBlock, v *family.SessionView) {
		login, dur, secs := sessionTimes(v, now)
		tx, rx := 3240+secs*912, 3240+secs*877
		index := fmt.Sprint(v.Info.Slot + 1)
		s.one("Connection", v.PublicIP)
		s.pair("Index", index, "IP Addr", v.PublicIP)
		s.one("Protocol", "IKEv1 IPsec")
		s.one("Encryption", "IKEv1: (1)AES256  IPsec: (1)AES256")
		s.one("Hashing", "IKEv1: (1)SHA1  IPsec: (1)SHA1")
		s.pair("Bytes Tx", fmt.Sprint(tx), "Bytes Rx", fmt.Sprint(rx))
		s.one("Login Time", login.Format("15:04:05 MST Mon Jan 2 2006"))
		s.one("Duration", FormatDuration(dur))
		if !detail {
			return
		}
		ikeLeft, ipsecLeft := 86400-secs%86400, 28800-secs%28800
		s.b.WriteString("\nIKEv1 Tunnels: 1\nIPsec Tunnels: 1\n\nIKEv1:\n")
		s.sub("Tunnel ID", index+".1", "", "")
		s.sub("UDP Src Port", "500", "UDP Dst Port", "500")
		s.sub("IKE Neg Mode", "Main", "Auth Mode", "preSharedKeys")
		s.sub("Encryption", "AES256", "Hashing", "SHA1")
		s.sub("Rekey Int (T)", "86400 Seconds", "Rekey Left(T)", fmt.Sprintf("%d Seconds", ikeLeft))
		s.sub("D/H Group", "2", "", "")
		s.sub("Filter Name", "", "", "")
		s.b.WriteString("\nIPsec:\n")
		s.sub("Tunnel ID", index+".2", "", "")
		// The protected networks: the headend's inside and one of the
		// peer's, derived from its address.
		peer := headend.Hash32(v.PublicIP)
		s.sub("Local Addr", "10.1.0.0/255.255.255.0/0/0", "", "")
		s.sub("Remote Addr", fmt.Sprintf("172.%d.%d.0/255.255.255.0/0/0", 16+peer%16, peer>>8&0xff), "", "")
		s.sub("Encryption", "AES256", "Hashing", "SHA1")
		s.sub("Encapsulation", "Tunnel", "PFS Group", "2")
		s.sub("Rekey Int (T)", "28800 Seconds", "Rekey Left(T)", fmt.Sprintf("%d Seconds", ipsecLeft))
		s.sub("Rekey Int (D)", "4608000 K-Bytes", "Rekey Left(D)", fmt.Sprintf("%d K-Bytes", max(4608000-(tx+rx)/1024, 0)))
		s.sub("Idle Time Out", "30 Minutes", "Idle TO Left", "30 Minutes")
		s.sub("Bytes Tx", fmt.Sprint(tx), "Bytes Rx", fmt.Sprint(rx))
		s.sub("Pkts Tx", fmt.Sprint(tx/108), "Pkts Rx", fmt.Sprint(rx/108))
	}, headend.KindSiteToSite)
}

// ShowWebVPNSessions renders `show vpn-sessiondb webvpn`: the clientless
// sessions of the portal.
func ShowWebVPNSessions(views []family.SessionView, now time.Time, serial string) string {
	return listSessions(views, "WebVPN", func(s sessionBlock, v *family.SessionView) {
		_, _, secs := sessionTimes(v, now)
		s.pair("Username", v.User, "Index", fmt.Sprint(v.Info.Slot+1))
		s.one("Public IP", v.PublicIP)
		s.one("Protocol", "Clientless")
		s.one("License", v.License)
		s.one("Encryption", "Clientless: (1)AES-GCM-256")
		s.one("Hashing", "Clientless: (1)SHA384")
		s.pair("Bytes Tx", fmt.Sprint(290386+secs*611), "Bytes Rx", fmt.Sprint(46494+secs*97))
		s.remoteAccessTail(v, "DefaultWEBVPNGroup", now, serial)
	}, headend.KindClientless)
}

// ShowIKEv1Sessions renders `show vpn-sessiondb ra-ikev1-ipsec`: the legacy
// Cisco VPN Client sessions, counted as Other VPN.
func ShowIKEv1Sessions(views []family.SessionView, now time.Time, serial string) string {
	return listSessions(views, "IKEv1 IPsec", func(s sessionBlock, v *family.SessionView) {
		_, _, secs := sessionTimes(v, now)
		s.remoteAccessHead(v, "IKEv1 IPsec", "IKEv1: (1)AES256  IPsec: (1)AES256", "IKEv1: (1)SHA1  IPsec: (1)SHA1",
			secs*803, secs*351)
		s.remoteAccessTail(v, "DefaultRAGroup", now, serial)
	}, headend.KindIPsecIKEv1)
}

// ShowAnyConnectDetail renders `show vpn-sessiondb detail anyconnect`: each
// AnyConnect session as the list shows it, with packet counters, then its
// parent, SSL and DTLS tunnels (a recalled 9.x layout; the client is
// AnyConnect 4.10 on Windows, as the simulator does not know the client's).
func ShowAnyConnectDetail(views []family.SessionView, now time.Time, serial string) string {
	const clientVer = "Cisco AnyConnect VPN Agent for Windows 4.10.05095"
	return listSessions(views, "AnyConnect Detailed", func(s sessionBlock, v *family.SessionView) {
		_, _, secs := sessionTimes(v, now)
		index := fmt.Sprint(v.Info.Slot + 1)
		tx, rx := anyConnectBytes(secs)
		ptx, prx := tx/512, rx/256
		idleLeft := "30 Minutes"
		port := 49152 + headend.Hash32(v.PublicIP+index)%16384
		s.anyConnectHead(v, secs)
		s.pair("Pkts Tx", fmt.Sprint(ptx), "Pkts Rx", fmt.Sprint(prx))
		s.pair("Pkts Tx Drop", "0", "Pkts Rx Drop", "0")
		s.remoteAccessTail(v, "DefaultWEBVPNGroup", now, serial)
		s.b.WriteString("\nAnyConnect-Parent Tunnels: 1\nSSL-Tunnel Tunnels: 1\nDTLS-Tunnel Tunnels: 1\n")

		s.b.WriteString("\nAnyConnect-Parent:\n")
		s.sub("Tunnel ID", index+".1", "", "")
		s.sub("Public IP", v.PublicIP, "", "")
		s.sub("Encryption", "none", "Hashing", "none")
		s.sub("TCP Src Port", fmt.Sprint(port), "TCP Dst Port", "443")
		s.sub("Auth Mode", "userPassword", "", "")
		s.sub("Idle Time Out", "30 Minutes", "Idle TO Left", idleLeft)
		s.sub("Client OS", "win", "", "")
		s.sub("Client Type", "AnyConnect", "", "")
		s.sub("Client Ver", clientVer, "", "")
		s.sub("Bytes Tx", "7680", "Bytes Rx", "0")
		s.sub("Pkts Tx", "5", "Pkts Rx", "0")
		s.sub("Pkts Tx Drop", "0", "Pkts Rx Drop", "0")

		// The SSL tunnel carries a quarter of the traffic, the DTLS
		// tunnel what neither it nor the parent carries.
		for _, tun := range [...]struct {
			name, suite, encap, transport, client string
			n                                     int
			tx, rx, ptx, prx                      int64
		}{
			{"SSL", "ECDHE-RSA-AES256-GCM-SHA384", "TLSv1.2", "TCP", "SSL VPN Client", 1,
				tx / 4, rx / 4, ptx / 4, prx / 4},
			{"DTLS", "ECDHE-ECDSA-AES256-GCM-SHA384", "DTLSv1.2", "UDP", "DTLS VPN Client", 2,
				tx - 7680 - tx/4, rx - rx/4, ptx - 5 - ptx/4, prx - prx/4},
		} {
			fmt.Fprintf(s.b, "\n%s-Tunnel:\n", tun.name)
			s.sub("Tunnel ID", fmt.Sprintf("%s.%d", index, tun.n+1), "", "")
			s.sub("Assigned IP", v.AssignedIP, "Public IP", v.PublicIP)
			s.sub("Encryption", "AES-GCM-256", "Hashing", "SHA384")
			s.sub("Ciphersuite", tun.suite, "", "")
			s.sub("Encapsulation", tun.encap, tun.transport+" Src Port", fmt.Sprint(port+uint32(tun.n)))
			s.sub(tun.transport+" Dst Port", "443", "Auth Mode", "userPassword")
			s.sub("Idle Time Out", "30 Minutes", "Idle TO Left", idleLeft)
			s.sub("Client OS", "Windows", "", "")
			s.sub("Client Type", tun.client, "", "")
			s.sub("Client Ver", clientVer, "", "")
			s.sub("Bytes Tx", fmt.Sprint(tun.tx), "Bytes Rx", fmt.Sprint(tun.rx))
			s.sub("Pkts Tx", fmt.Sprint(tun.ptx), "Pkts Rx", fmt.Sprint(tun.prx))
			s.sub("Pkts Tx Drop", "0", "Pkts Rx Drop", "0")
		}
	}, headend.KindAnyConnect, headend.KindMobile, headend.KindPhone)
}

// anyConnectBytes is what an AnyConnect session has sent and received after
// secs seconds.
func anyConnectBytes(secs int64) (tx, rx int64) { return 15360 + secs*1187, 4210 + secs*493 }

// anyConnectHead writes the lines that start an AnyConnect session's entry,
// in the list and in the detail alike.
func (s sessionBlock) anyConnectHead(v *family.SessionView, secs int64) {
	tx, rx := anyConnectBytes(secs)
	s.remoteAccessHead(v, "AnyConnect-Parent SSL-Tunnel DTLS-Tunnel",
		"AnyConnect-Parent: (1)none  SSL-Tunnel: (1)AES-GCM-256  DTLS-Tunnel: (1)AES-GCM-256",
		"AnyConnect-Parent: (1)none  SSL-Tunnel: (1)SHA384  DTLS-Tunnel: (1)SHA384", tx, rx)
}

// remoteAccessHead writes the lines that start the entry of a
// remote-access session with an assigned address: who, where from, the
// protocols with their encryption and hashing, and the bytes.
func (s sessionBlock) remoteAccessHead(v *family.SessionView, protocol, encryption, hashing string, tx, rx int64) {
	s.pair("Username", v.User, "Index", fmt.Sprint(v.Info.Slot+1))
	s.pair("Assigned IP", v.AssignedIP, "Public IP", v.PublicIP)
	s.one("Protocol", protocol)
	s.one("License", v.License)
	s.one("Encryption", encryption)
	s.one("Hashing", hashing)
	s.pair("Bytes Tx", fmt.Sprint(tx), "Bytes Rx", fmt.Sprint(rx))
}
