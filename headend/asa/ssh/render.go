package ssh

import (
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend/asa/config"
)

// WriteLines writes the `ssh` lines of settings s on version, in the order the ASA
// prints them (a 9.16 `show running-config ssh`: stricthostkeycheck,
// timeout, version, key-exchange, then the permit lines); the cipher lines
// follow stricthostkeycheck. Settings at their default are printed only
// with all.
func WriteLines(version string, s config.SSH, all bool, line func(string)) {
	line("ssh stricthostkeycheck")
	if HasCiphers(version) {
		if s.Encryption != "" || all {
			line("ssh cipher encryption " + sshOr(s.Encryption, DefaultEncryption(version)))
		}
		if s.Integrity != "" || all {
			line("ssh cipher integrity " + sshOr(s.Integrity, DefaultIntegrity(version)))
		}
	}
	line(fmt.Sprintf("ssh timeout %d", s.TimeoutMinutes()))
	switch {
	case s.Version != 0:
		line(fmt.Sprintf("ssh version %d", s.Version))
	case all && trainOf(version).noV1:
		line("ssh version 2")
	}
	if Groups(version) != nil && (s.KeyExchange != "" || all) {
		line("ssh key-exchange group " + sshOr(s.KeyExchange, DefaultGroup(version)))
	}
	for _, p := range s.Permits {
		line(fmt.Sprintf("ssh %s %s %s", p.Net.Addr(), config.MaskString(p.Net.Bits()), p.Nameif))
	}
}

func sshOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Render prints `show running-config [all] ssh` of settings s on version.
func Render(version string, s config.SSH, all bool) string {
	var b strings.Builder
	WriteLines(version, s, all, func(s string) { b.WriteString(s); b.WriteByte('\n') })
	return b.String()
}
