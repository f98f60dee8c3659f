package sshcmd

import (
	"errors"
	"net/netip"
	"slices"
	"strings"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/cli"
)

// registerSSH adds the `ssh ...` configuration lines, which decide who may
// open an SSH connection and what the SSH server offers, and their show
// commands.
func registerSSH(r command.Registry) {
	cfg := cli.Modes(command.ModeConfig)
	r.Add(cfg, "ssh", "Configure SSH options", command.ArgWord,
		"A.B.C.D  The IP address of a host and/or network authorized to access the ASA", cmdSSHPermit(false))
	r.Add(cfg, "ssh stricthostkeycheck", "Enable SSH host key checking for the SCP client", command.ArgNone, "", func(command.Session, *cli.Call) {})
	r.Add(cfg, "ssh timeout", "Configure ssh idle timeout", command.ArgWord, "<1-60>  Idle time in minutes", cmdSSHTimeout)
	r.Add(cfg, "ssh version", "Specify SSH version", command.ArgWord, "<1-2>  Version number", cmdSSHVersion)
	// The groups and levels are keywords, with the help a 9.16 prints;
	// one the software version lacks is refused with the caret.
	for _, g := range [][2]string{
		{"curve25519-sha256", "Diffie-Hellman group-31-sha256"},
		{"dh-group1-sha1", "Diffie-Hellman group 2 (DEPRECATED)"},
		{"dh-group14-sha1", "Diffie-Hellman group-14-sha1"},
		{"dh-group14-sha256", "Diffie-Hellman group-14-sha256"},
		{"ecdh-sha2-nistp256", "Diffie-Hellman group-19-sha256"},
	} {
		r.Add(cfg, "ssh key-exchange group "+g[0], g[1], command.ArgNone, "", cmdSSHKeyExchange(g[0]))
	}
	r.Describe(cfg, "ssh key-exchange group", "Configure the Diffie-Hellman group for key exchange")
	r.Describe(cfg, "ssh key-exchange", "Configure SSH key exchange method")
	for _, integrity := range []bool{false, true} {
		word, help := "encryption", "Configure SSH encryption cipher list"
		if integrity {
			word, help = "integrity", "Configure SSH integrity cipher list"
		}
		for _, l := range [][2]string{
			{"all", "Specify all ciphers"},
			{"fips", "Specify only FIPS-compliant ciphers"},
			{"high", "Specify only high-strength ciphers"},
			{"low", "Specify low, medium, and high strength ciphers"},
			{"medium", "Specify medium and high strength ciphers"},
		} {
			r.Add(cfg, "ssh cipher "+word+" "+l[0], l[1], command.ArgNone, "", cmdSSHCipher(integrity, l[0]))
		}
		r.Add(cfg, "ssh cipher "+word+" custom", "Choose a custom cipher configuration string", command.ArgWord,
			"WORD  Colon-delimited list of ciphers", cmdSSHCipher(integrity, "custom"))
		r.Describe(cfg, "ssh cipher "+word, help)
	}
	r.Describe(cfg, "ssh cipher", "Configure SSH cipher list")

	r.Add(cfg, "no ssh", "Configure SSH options", command.ArgWord, "A.B.C.D  The IP address, netmask and interface name to remove", cmdSSHPermit(true))
	r.Add(cfg, "no ssh timeout", "Configure ssh idle timeout", command.ArgWord, "<1-60>  Idle time in minutes", func(s command.Session, c *cli.Call) {
		sshUpdate(s, c, func(d *asa.Device) error { return d.SetSSHTimeout(0) })
	})
	r.Add(cfg, "no ssh version", "Specify SSH version", command.ArgWord, "<1-2>  Version number", func(s command.Session, c *cli.Call) {
		sshUpdate(s, c, func(d *asa.Device) error { return d.SetSSHVersion(0) })
	})
	r.Add(cfg, "no ssh key-exchange group", "Configure the Diffie-Hellman group for key exchange", command.ArgWord,
		"WORD  Diffie-Hellman group", func(s command.Session, c *cli.Call) {
			if len(c.Args) > 1 {
				s.InvalidArg(c, 1)
				return
			}
			if sshCheckGroups(s, c, "") {
				sshUpdate(s, c, func(d *asa.Device) error { return d.SetSSHKeyExchange("") })
			}
		})
	r.Describe(cfg, "no ssh key-exchange", "Configure SSH key exchange method")
	for _, integrity := range []bool{false, true} {
		word, help := "encryption", "Configure SSH encryption cipher list"
		if integrity {
			word, help = "integrity", "Configure SSH integrity cipher list"
		}
		r.Add(cfg, "no ssh cipher "+word, help, command.ArgWord, "WORD  Cipher level", func(s command.Session, c *cli.Call) {
			if sshCheckCiphers(s, c) {
				sshUpdate(s, c, func(d *asa.Device) error { return d.SetSSHCipher(integrity, "", "") })
			}
		})
	}
	r.Describe(cfg, "no ssh cipher", "Configure SSH cipher list")

	r.Add(command.PrivAndUp, "show running-config ssh", "Show SSH configuration", command.ArgNone, "", cmdShowRunningSSH(false))
	r.Add(command.PrivAndUp, "show running-config all ssh", "Show SSH configuration", command.ArgNone, "", cmdShowRunningSSH(true))
}

func cmdShowRunningSSH(all bool) command.Handler {
	return func(s command.Session, _ *cli.Call) {
		s.View(func(d *asa.Device) { s.Print(d.RenderSSH(d.Running, all)) })
	}
}

// sshUpdate changes the ssh lines of the running configuration and records
// who changed it; an error prints the ASA's line for it and changes nothing.
func sshUpdate(s command.Session, c *cli.Call, fn func(d *asa.Device) error) {
	s.ConfigUpdate(c, fn, sshErrorLine)
}

// sshErrorLine is the ASA's wording of an ssh line's error of the call c.
func sshErrorLine(err error, c *cli.Call) string {
	switch {
	case errors.Is(err, config.ErrSSHPermitPair):
		// The ASA's refusal of an address with bits outside its mask
		// (recalled from network-object and ssh lines).
		return "ERROR: IP address,mask doesn't pair"
	case errors.Is(err, config.ErrInvalidNetmask):
		return "ERROR: Invalid netmask " + c.Args[1].Text
	}
	return command.ErrorLine(err)
}

// cmdSSHPermit: [no] ssh A.B.C.D M.M.M.M IFNAME. The interface name is a
// keyword of the ASA's parser, so an unknown one gets the caret.
func cmdSSHPermit(remove bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		var addr, mask netip.Addr
		for i := 0; i < min(len(c.Args), 2); i++ {
			a, ok := command.IPv4Arg(s, c, i)
			if !ok {
				return
			}
			addr, mask = mask, a
		}
		if !command.ArgCount(s, c, 3, 3) {
			return
		}
		nameif := c.Args[2].Text
		known := false
		s.View(func(d *asa.Device) { _, known = d.Running.InterfaceByNameif(nameif) })
		if !known {
			s.InvalidArg(c, 2)
			return
		}
		sshUpdate(s, c, func(d *asa.Device) error {
			if remove {
				return d.ClearSSHPermit(addr, mask, nameif)
			}
			return d.SetSSHPermit(addr, mask, nameif)
		})
	}
}

func cmdSSHTimeout(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	n, ok := command.IntArg(s, c, 0, 1, 60)
	if !ok {
		return
	}
	sshUpdate(s, c, func(d *asa.Device) error { return d.SetSSHTimeout(n) })
}

func cmdSSHVersion(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	v, ok := command.IntArg(s, c, 0, 1, 2)
	if !ok {
		return
	}
	v1 := false
	s.View(func(d *asa.Device) { v1 = d.HasSSHVersion1() })
	if v == 1 && !v1 {
		s.InvalidArg(c, 0)
		return
	}
	sshUpdate(s, c, func(d *asa.Device) error { return d.SetSSHVersion(v) })
}

// sshCheckGroups prints the caret and returns false where the version has
// no `ssh key-exchange` (8.x before 8.4(4)), or the group typed is not one
// of the version's.
func sshCheckGroups(s command.Session, c *cli.Call, group string) bool {
	var groups []string
	s.View(func(d *asa.Device) { groups = d.SSHGroups() })
	if groups == nil {
		s.Caret(c.Prompt, sshWordPos(c, "key-exchange"))
		return false
	}
	if group != "" && !slices.Contains(groups, group) {
		s.Caret(c.Prompt, sshWordPos(c, group))
		return false
	}
	return true
}

func cmdSSHKeyExchange(group string) command.Handler {
	return func(s command.Session, c *cli.Call) {
		if !sshCheckGroups(s, c, group) {
			return
		}
		warn := false
		sshUpdate(s, c, func(d *asa.Device) error {
			// 9.16 lists the new groups and marks group 1 deprecated.
			warn = group == "dh-group1-sha1" && slices.Contains(d.SSHGroups(), "curve25519-sha256")
			return d.SetSSHKeyExchange(group)
		})
		if warn {
			s.Println("WARNING: DH group 2 is considered insecure. This option is deprecated and will be removed in a later version.")
		}
	}
}

// sshCheckCiphers prints the caret under `cipher` and returns false on a
// version without the cipher commands.
func sshCheckCiphers(s command.Session, c *cli.Call) bool {
	has := false
	s.View(func(d *asa.Device) { has = d.HasSSHCiphers() })
	if !has {
		s.Caret(c.Prompt, sshWordPos(c, "cipher"))
	}
	return has
}

// cmdSSHCipher: ssh cipher encryption|integrity all|fips|high|low|medium,
// or custom A:B:C.
func cmdSSHCipher(integrity bool, level string) command.Handler {
	return func(s command.Session, c *cli.Call) {
		if !sshCheckCiphers(s, c) {
			return
		}
		custom := ""
		if level == "custom" {
			if !command.ArgCount(s, c, 1, 1) {
				return
			}
			custom = c.Args[0].Text
		}
		err := s.ConfigChange(func(d *asa.Device) error { return d.SetSSHCipher(integrity, level, custom) })
		switch {
		case errors.Is(err, config.ErrSSHAlgorithm):
			s.InvalidArg(c, 0)
		case err != nil:
			s.Println(command.ErrorLine(err))
		}
	}
}

// sshWordPos is where the keyword kw, typed in full or abbreviated, starts in
// the call's line (after the first word).
func sshWordPos(c *cli.Call, kw string) int {
	toks := cli.Tokenize(c.Line)
	for _, t := range toks[1:] {
		if strings.HasPrefix(kw, strings.ToLower(t.Text)) {
			return t.Pos
		}
	}
	return 0
}
