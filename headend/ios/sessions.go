package ios

import (
	"fmt"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa/sessions"
	"github.com/asalab/asalab/headend/family"
)

// The messages an ISR logs when it refuses an SSL VPN login for its
// licenses. UNSURE: no public real output of them was found; these are
// the SSLVPN facility's license messages as we recall them from the Cisco
// IOS system message guide:
//   - without a usable SSL VPN license (securityk9 not running):
//     %SSLVPN-3-LICENSE_NO_LICENSE: No valid license available to use
//     IOS SSLVPN service
//   - every seat in use: %SSLVPN-6-LICENSE_NO_FREE_LICENSE: All available
//     SSLVPN session licenses are in use
//
// IPsec refusals (no securityk9, the platform's tunnel maximum) log
// nothing: IKEv2 refuses the exchange with its own notify, which the
// router does not log at the default levels.
const (
	lineNoLicense   = "%SSLVPN-3-LICENSE_NO_LICENSE: No valid license available to use IOS SSLVPN service"
	lineNoFreeSeats = "%SSLVPN-6-LICENSE_NO_FREE_LICENSE: All available SSLVPN session licenses are in use"
)

// isSSL reports whether kind k is an SSL VPN login on IOS.
func isSSL(k headend.Kind) bool {
	return k == headend.KindAnyConnect || k == headend.KindMobile || k == headend.KindClientless
}

// RefusalSyslog is the line the router logs when it refuses a connection
// of kind k under policy pol (family.Family.RefusalSyslog); empty when it
// logs nothing.
func RefusalSyslog(d admission.Decision, k headend.Kind, pol *admission.Policy, user, device string) string {
	if pol.Silent(d) {
		return ""
	}
	return refusalLine(d.Reason, k)
}

// refusalLine is the line of a logged refusal of kind k for reason; empty
// for those that log nothing.
func refusalLine(reason headend.Reason, k headend.Kind) string {
	if !isSSL(k) {
		return ""
	}
	switch reason {
	case headend.ReasonNotLicensed:
		return lineNoLicense
	case headend.ReasonPremiumLimit, headend.ReasonTotalLimit:
		return lineNoFreeSeats
	}
	return ""
}

// ViewSession resolves an active session for the session list: the
// license it draws (an SSL_VPN seat, or the securityk9 package for IPsec),
// its pool address and the client's public address, the one the ASA
// family derives from the device id, so a client keeps its address
// whichever family it connects to.
func ViewSession(s admission.SessionInfo, p *admission.Principal) family.SessionView {
	v := family.SessionView{Info: s, AssignedIP: assignedIP(s.Slot), License: "securityk9"}
	if isSSL(s.Kind) {
		v.License = "SSL_VPN"
	}
	if p != nil {
		v.User, v.Device, v.PublicIP = p.User(), p.Device(), sessions.PublicIP(p.Device())
	}
	return v
}

// assignedIP is the address the pool gives the session in slot i.
func assignedIP(slot int) string {
	n := slot + 1
	return fmt.Sprintf("10.20.%d.%d", n>>8&0xff, n&0xff)
}
