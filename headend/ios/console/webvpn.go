package console

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/ios"
)

// addWebVPNShow registers the SSL VPN views of an ISR G2: the seats
// (`show webvpn license`) and who holds them (`show webvpn session context
// all`). UNSURE: no public real output of either was found; the layouts
// are those of the Cisco IOS SSL VPN configuration guide's examples as we
// recall them ("Available licenses = N", "In-use licenses = N"; a
// "WebVPN context name:" heading over Client_Login_Name,
// Client_IP_Address, No_of_Connections, Created and Last_Used columns).
// The lab's choices: a session has one connection, Created is how long
// ago it logged in and Last_Used is 00:00:00 (its traffic never idles),
// and every session is under the first context in service (the lab does
// not say which context a client reached).
func addWebVPNShow(r *cli.Registry[*Session]) {
	isr := func(fn func(s *Session, c *cli.Call)) func(s *Session, c *cli.Call) {
		return func(s *Session, c *cli.Call) {
			xe := false
			s.view(func(d *ios.Device) { xe = d.IsXE() })
			if xe {
				// No SSL VPN on the IOS XE routers.
				s.caret(c.Prompt, wordPos(c.Line, 1))
				return
			}
			fn(s, c)
		}
	}
	r.Add(execModes, "show webvpn license", "Show webvpn license information", argNone, "", isr(func(s *Session, _ *cli.Call) {
		seats := 0
		s.view(func(d *ios.Device) { seats = d.SSLVPNSeats(s.now()) })
		s.print(fmt.Sprintf("Available licenses = %d\nIn-use licenses = %d\n", seats, sslInUse(s.b.Admission())))
	}))
	r.Add(execModes, "show webvpn session context all", "All webvpn contexts", argNone, "", isr(cmdWebVPNSessions))
	describe(execModes, "show webvpn session", "Show webvpn session information")
	describe(execModes, "show webvpn session context", "Show sessions of webvpn contexts")
}

func cmdWebVPNSessions(s *Session, _ *cli.Call) {
	var names []string
	first := -1
	s.view(func(d *ios.Device) {
		for i, x := range d.Running.Contexts {
			names = append(names, x.Name)
			if first < 0 && x.InService {
				first = i
			}
		}
	})
	now := s.now()
	var b strings.Builder
	for i, name := range names {
		fmt.Fprintf(&b, "\nWebVPN context name: %s\n", name)
		b.WriteString("Client_Login_Name  Client_IP_Address  No_of_Connections  Created  Last_Used\n")
		if i != first {
			continue
		}
		s.b.Admission().Sessions(0, func(si admission.SessionInfo) bool {
			v := ios.ViewSession(si, s.b.PrincipalByIndex(si.Principal))
			if v.License != "SSL_VPN" {
				return true
			}
			fmt.Fprintf(&b, "%-18s %-18s %9d         %s  00:00:00\n", v.User, v.PublicIP, 1, hms(now.Sub(time.Unix(si.Login, 0))))
			return true
		})
	}
	s.print(b.String())
}

// hms is a duration as hh:mm:ss.
func hms(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}
