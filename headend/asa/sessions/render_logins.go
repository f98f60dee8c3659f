package sessions

import (
	"fmt"
	"time"

	"github.com/asalab/asalab/headend"
)

// The syslogs of `vpn-simultaneous-logins`.
//
// A login over the limit logs the session it replaces off with
// %ASA-4-113019, whose form ("Group = G, Username = U, IP = A, Session
// disconnected. Session Type: T, Duration: 0h:19m:17s, Bytes xmt: N,
// Bytes rcv: N, Reason: R") is the one real ASA and FTD logs show and
// public log parsers expect; Group is the connection profile (tunnel
// group). Two parts are UNSURE, found in no public source: the Reason
// wording for this case ("Port Preempted", the name RADIUS accounting
// gives a session ended so that another could start, RFC 2866
// Acct-Terminate-Cause 21), and the Session Type per kind (SSL for the
// AnyConnect and clientless kinds, IKEv2, IPsec for IKEv1).
//
// A login refused by `vpn-simultaneous-logins 0` is logged, UNSURE, with
// the closest documented form, the session-limit refusal %ASA-4-113029
// with a limit of 0: no public source shows what the ASA logs then.

// sessionType is the Session Type 113019 names for kind k.
func sessionType(k headend.Kind) string {
	switch k {
	case headend.KindIKEv2ThirdParty:
		return "IKEv2"
	case headend.KindIPsecIKEv1, headend.KindSiteToSite:
		return "IPsec"
	}
	return "SSL"
}

// TunnelGroupFor is the connection profile sessions of kind k land in:
// admission requests name none, so the default one of their kind.
func TunnelGroupFor(k headend.Kind) string {
	switch k {
	case headend.KindSiteToSite:
		return "DefaultL2LGroup"
	case headend.KindIPsecIKEv1:
		return "DefaultRAGroup"
	}
	return "DefaultWEBVPNGroup"
}

// PreemptedLine is the 113019 of a session of kind k that lasted dur
// seconds, logged off by a login over its user's limit.
func PreemptedLine(k headend.Kind, dur int, user, device string) string {
	return fmt.Sprintf("%%ASA-4-113019: Group = %s, Username = %s, IP = %s, Session disconnected. Session Type: %s, Duration: %s, Bytes xmt: 0, Bytes rcv: 0, Reason: Port Preempted",
		TunnelGroupFor(k), user, PublicIP(device), sessionType(k), FormatDuration(time.Duration(dur)*time.Second))
}

// loginsRefusedLine is the refusal of a login under
// `vpn-simultaneous-logins limit`: 0, or (rarely) a limit the user's own
// logins in flight kept full for the whole of the over-limit path.
func loginsRefusedLine(k headend.Kind, user, ip string, limit int) string {
	return fmt.Sprintf("%%ASA-4-113029: Group <%s> User <%s> IP <%s> Session could not be established: session limit of %d reached",
		groupFor(k), user, ip, limit)
}
