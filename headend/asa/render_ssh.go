package asa

import (
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend/asa/config"
)

// sshLines are the `ssh` lines of a configuration, in the order the ASA
// prints them (a 9.16 `show running-config ssh`: stricthostkeycheck,
// timeout, version, key-exchange, then the permit lines); the cipher lines
// follow stricthostkeycheck. Settings at their default are printed only
// with all.
func (d *Device) sshLines(c config.Config, all bool, line func(string)) {
	s := c.SSH
	line("ssh stricthostkeycheck")
	if d.HasSSHCiphers() {
		if s.Encryption != "" || all {
			line("ssh cipher encryption " + sshOr(s.Encryption, d.DefaultSSHEncryption()))
		}
		if s.Integrity != "" || all {
			line("ssh cipher integrity " + sshOr(s.Integrity, d.DefaultSSHIntegrity()))
		}
	}
	line(fmt.Sprintf("ssh timeout %d", s.TimeoutMinutes()))
	switch {
	case s.Version != 0:
		line(fmt.Sprintf("ssh version %d", s.Version))
	case all && trainOf(d.Version).noV1:
		line("ssh version 2")
	}
	if d.SSHGroups() != nil && (s.KeyExchange != "" || all) {
		line("ssh key-exchange group " + sshOr(s.KeyExchange, d.DefaultSSHGroup()))
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

// RenderSSH prints `show running-config [all] ssh`.
func (d *Device) RenderSSH(c config.Config, all bool) string {
	var b strings.Builder
	d.sshLines(c, all, func(s string) { b.WriteString(s); b.WriteByte('\n') })
	return b.String()
}
