package console

import (
	"fmt"
	"strconv"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/sessions"
)

// registerVPNSessions adds the session listings per type, the license
// summary, the AnyConnect filter by user and logging off one user or one
// session.
func registerVPNSessions(r *registry) {
	// `show vpn-sessiondb detail` without a type prints the summary, as
	// `show vpn-sessiondb` does (our reading: detail qualifies a listing
	// of one type).
	r.Add(privAndUp, "show vpn-sessiondb detail", "Show detailed output", argNone, "", cmdShowVPNSummary)
	r.Add(privAndUp, "show vpn-sessiondb detail l2l", "LAN-to-LAN sessions", argNone, "", cmdShowL2L(true))
	r.Add(privAndUp, "show vpn-sessiondb detail anyconnect", "AnyConnect sessions", argNone, "", cmdShowAnyConnectDetail)
	r.Add(privAndUp, "show vpn-sessiondb l2l", "LAN-to-LAN sessions", argNone, "", cmdShowL2L(false))
	r.Add(privAndUp, "show vpn-sessiondb webvpn", "Clientless SSL VPN sessions", argNone, "", cmdShowWebVPN)
	r.Add(privAndUp, "show vpn-sessiondb ra-ikev1-ipsec", "IKEv1 IPsec remote access sessions", argNone, "", cmdShowIKEv1RA)
	r.Add(privAndUp, "show vpn-sessiondb license-summary", "Show VPN license summary", argNone, "", cmdShowLicenseSummary)
	r.Add(privAndUp, "show vpn-sessiondb anyconnect filter name", "Filter by username", argWord,
		"WORD  Username", cmdShowAnyConnectByName)
	r.Describe(privAndUp, "show vpn-sessiondb anyconnect filter", "Filter the sessions")
	r.Add(logoffModes(), "vpn-sessiondb logoff name", "Logoff the sessions of a user", argWord,
		"WORD  Username, then optionally noconfirm", cmdLogoffBy("name"))
	r.Add(logoffModes(), "vpn-sessiondb logoff index", "Logoff a session by index", argWord,
		"<1-2147483647>  Session index, then optionally noconfirm", cmdLogoffBy("index"))
}

// logoffModes are the modes of vpn-sessiondb logoff all: privileged EXEC and
// configuration.
func logoffModes() modeSet { return modes(ModePriv, ModeConfig) }

// sessionViews resolves the headend's active sessions for display.
func sessionViews(s *Session) ([]asa.SessionView, *asa.Policy) {
	a := s.b.Admission()
	var views []asa.SessionView
	a.Sessions(0, func(si asa.SessionInfo) bool {
		views = append(views, sessions.ViewSession(si, s.b.PrincipalByIndex(si.Principal)))
		return true
	})
	return views, a.Policy()
}

func cmdShowL2L(detail bool) handler {
	return func(s *Session, _ *call) {
		views, _ := sessionViews(s)
		s.print(sessions.ShowL2LSessions(views, s.b.Now(), detail))
	}
}

func cmdShowAnyConnectDetail(s *Session, _ *call) {
	views, pol := sessionViews(s)
	s.print(sessions.ShowAnyConnectDetail(views, s.b.Now(), pol.Serial))
}

func cmdShowWebVPN(s *Session, _ *call) {
	views, pol := sessionViews(s)
	s.print(sessions.ShowWebVPNSessions(views, s.b.Now(), pol.Serial))
}

func cmdShowIKEv1RA(s *Session, _ *call) {
	views, pol := sessionViews(s)
	s.print(sessions.ShowIKEv1Sessions(views, s.b.Now(), pol.Serial))
}

func cmdShowLicenseSummary(s *Session, _ *call) {
	c := s.b.Admission().Counts()
	u := asa.VPNLicenseUse{Borrowed: s.b.Admission().Borrowed(), Cluster: s.b.FailoverStatus().Cluster}
	s.view(func(d *asa.Device) { s.print(d.ShowVPNLicenseSummary(s.b.Now(), c, u)) })
}

// cmdShowAnyConnectByName: show vpn-sessiondb anyconnect filter name USER.
func cmdShowAnyConnectByName(s *Session, c *call) {
	if !argCount(s, c, 1, 1) {
		return
	}
	views, pol := sessionViews(s)
	s.print(sessions.ShowAnyConnectSessions(sessions.FilterUser(views, c.Args[0].Text), s.b.Now(), pol.Serial))
}

// cmdLogoffBy: vpn-sessiondb logoff name USER [noconfirm] and logoff index
// N [noconfirm].
func cmdLogoffBy(by string) handler {
	return func(s *Session, c *call) {
		if len(c.Args) == 0 {
			s.incomplete()
			return
		}
		noconfirm := false
		if len(c.Args) > 1 {
			if len(c.Args) > 2 || pick(c.Args[1].Text, "noconfirm") != "noconfirm" {
				s.invalidArg(c, min(len(c.Args)-1, 2))
				return
			}
			noconfirm = true
		}
		what := c.Args[0].Text
		var match func(si asa.SessionInfo) bool
		if by == "index" {
			n, err := strconv.ParseInt(what, 10, 32)
			if err != nil || n < 1 {
				s.invalidArg(c, 0)
				return
			}
			match = func(si asa.SessionInfo) bool { return int64(si.Slot)+1 == n }
		} else {
			match = func(si asa.SessionInfo) bool {
				p := s.b.PrincipalByIndex(si.Principal)
				return p != nil && p.User() == what
			}
		}
		s.confirm(noconfirm, "Do you want to logoff the VPN session(s)? [confirm]", func(s *Session) {
			n := s.b.Admission().Logoff(match)
			s.println(fmt.Sprintf("INFO: Number of sessions with %s %s logged off : %d", by, `"`+what+`"`, n))
		})
	}
}
