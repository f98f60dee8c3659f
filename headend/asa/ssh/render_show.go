package ssh

import (
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/family"
)

// Show renders `show ssh` of settings s on version: the idle timeout, the protocol versions the
// server accepts (both before 9.12(1), where `ssh version` is unset; 2
// only from 9.12(1), which removed SSH version 1), and the hosts the `ssh`
// lines permit. "Timeout: 5 minutes" and "Versions allowed: 1 and 2" are
// an ASA's own lines (a `sh ssh` transcript in "Cisco ASA Device Management
// - SSH Version 1", gomjabbar.com, July 2011); the singular "Version
// allowed: N" for one version is not confirmed by a real output.
func Show(version string, s config.SSH) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Timeout: %d minutes\n", s.TimeoutMinutes())
	switch {
	case s.Version != 0:
		fmt.Fprintf(&b, "Version allowed: %d\n", s.Version)
	case trainOf(version).noV1:
		b.WriteString("Version allowed: 2\n")
	default:
		b.WriteString("Versions allowed: 1 and 2\n")
	}
	for _, p := range s.Permits {
		fmt.Fprintf(&b, "%s %s %s\n", p.Net.Addr(), config.MaskString(p.Net.Bits()), p.Nameif)
	}
	return b.String()
}

// ShowSessions renders `show ssh sessions`: a row per session and
// direction, in the column layout of the ASA command reference's example
// ("SID Client IP       Version Mode Encryption Hmac          State
// Username"); MACs are named without their "hmac-" prefix, as there
// ("sha1").
func ShowSessions(ss []family.SSHSession) string {
	var b strings.Builder
	b.WriteString("SID Client IP       Version Mode Encryption Hmac          State           Username\n")
	row := func(lead, mode, cipher, mac, user string) {
		fmt.Fprintf(&b, "%s%-4s %-10s %-13s %-15s %s\n", lead, mode, cipher, sshHmacName(mac), "SessionStarted", user)
	}
	for _, s := range ss {
		row(fmt.Sprintf("%-3d %-15s %-7s ", s.SID, s.Client, s.Version), "IN", s.InCipher, s.InMAC, s.Username)
		row(strings.Repeat(" ", 28), "OUT", s.OutCipher, s.OutMAC, s.Username)
	}
	return b.String()
}

func sshHmacName(mac string) string {
	if mac == "" {
		return "-"
	}
	mac = strings.TrimPrefix(mac, "hmac-")
	return strings.TrimSuffix(mac, "-etm@openssh.com")
}
