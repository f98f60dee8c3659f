// Package vpncmd is the ASA console's VPN configuration with a meaning for
// licensing and admission: webvpn's interfaces and AnyConnect switches,
// group policies with their sub-mode, the vpn-sessiondb caps below the
// license, and the clock's time zone, with their show commands. Tunnel
// groups are the configuration grammar's; the console
// (headend/asa/console) adds these with Register.
package vpncmd

import (
	"errors"
	"strings"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/cli"
)

// Register adds the VPN configuration with a meaning for licensing
// and admission: webvpn's interfaces and AnyConnect switches, group policies
// with their sub-mode, the vpn-sessiondb caps below the license, and the
// clock's time zone. Tunnel groups are the console's configuration grammar.
func Register(r command.Registry) {
	cfg := cli.Modes(command.ModeConfig)
	web := cli.Modes(command.ModeWebVPN)
	gp := cli.Modes(command.ModeGroupPolicy)

	r.Add(cfg, "clock timezone", "Configure time zone", command.ArgWord,
		"WORD  Standard time zone name, then the hours and optionally the minutes offset from UTC", cmdClockTimezone)
	r.Describe(cfg, "clock", "Configure time-of-day clock")
	r.Add(cfg, "no clock timezone", "Configure time zone", command.ArgWord, "WORD  Standard time zone name", func(s command.Session, c *cli.Call) {
		vpnUpdate(s, c, func(d *asa.Device) error { d.Running.Timezone = config.Timezone{}; return nil })
	})
	r.Describe(cfg, "no clock", "Configure time-of-day clock")
	r.Add(command.PrivAndUp, "show running-config clock", "Show clock configuration", command.ArgNone, "",
		cmdShowVPNConfig(config.SectionClock))

	r.Add(cfg, "vpn-sessiondb max-anyconnect-premium-or-essentials-limit", "Maximum number of AnyConnect Premium or Essentials sessions",
		command.ArgWord, "<1-N>  Up to the platform's Total VPN Peers", cmdSessionCap(true))
	r.Add(cfg, "vpn-sessiondb max-other-vpn-limit", "Maximum number of Other VPN sessions",
		command.ArgWord, "<1-N>  Up to the platform's Total VPN Peers", cmdSessionCap(false))
	r.Add(cfg, "no vpn-sessiondb max-anyconnect-premium-or-essentials-limit", "Maximum number of AnyConnect Premium or Essentials sessions",
		command.ArgWord, "<1-N>  Current limit", cmdNoSessionCap(true))
	r.Add(cfg, "no vpn-sessiondb max-other-vpn-limit", "Maximum number of Other VPN sessions",
		command.ArgWord, "<1-N>  Current limit", cmdNoSessionCap(false))
	r.Describe(cfg, "no vpn-sessiondb", "Configure the VPN Session Manager")
	r.Add(command.PrivAndUp, "show running-config vpn-sessiondb", "Show VPN session database configuration", command.ArgNone, "",
		cmdShowVPNConfig(config.SectionSessionDB))

	// webvpn: the interfaces it listens on and the AnyConnect switches.
	r.Add(web, "enable", "Enable WebVPN on an interface", command.ArgWord, "WORD  Name of an interface (nameif)", cmdWebVPNEnable(true))
	r.Add(web, "no enable", "Enable WebVPN on an interface", command.ArgWord, "WORD  Name of an interface (nameif)", cmdWebVPNEnable(false))
	r.Add(web, "anyconnect image", "Specify an AnyConnect image", command.ArgWord,
		"WORD  Image path, such as disk0:/anyconnect-win-4.10.08025-webdeploy-k9.pkg, then optionally its order", cmdAnyConnectImage(true))
	r.Add(web, "no anyconnect image", "Specify an AnyConnect image", command.ArgWord, "WORD  Image path", cmdAnyConnectImage(false))
	r.Add(web, "anyconnect enable", "Enable AnyConnect", command.ArgNone, "", cmdWebVPNFlag(true, true))
	r.Add(web, "no anyconnect enable", "Enable AnyConnect", command.ArgNone, "", cmdWebVPNFlag(true, false))
	r.Describe(web, "anyconnect", "Configure AnyConnect")
	r.Describe(web, "no anyconnect", "Configure AnyConnect")
	r.Add(web, "tunnel-group-list enable", "Enable the tunnel-group list on the login page", command.ArgNone, "", cmdWebVPNFlag(false, true))
	r.Add(web, "no tunnel-group-list enable", "Enable the tunnel-group list on the login page", command.ArgNone, "", cmdWebVPNFlag(false, false))
	r.Describe(web, "tunnel-group-list", "Configure the tunnel-group list")
	r.Describe(web, "no tunnel-group-list", "Configure the tunnel-group list")

	// group-policy NAME internal|attributes and its sub-mode.
	r.Add(cfg, "group-policy", "Configure or remove a group policy", command.ArgWord,
		"WORD  Enter the name of the group policy, then internal or attributes", cmdGroupPolicy)
	r.Add(cfg, "no group-policy", "Configure or remove a group policy", command.ArgWord, "WORD  Name of the group policy", cmdNoGroupPolicy)
	r.Add(gp, "vpn-simultaneous-logins", "Set the maximum number of simultaneous logins", command.ArgWord,
		"<0-2147483647>  Maximum number of simultaneous logins allowed", cmdSimultaneousLogins)
	r.Add(gp, "no vpn-simultaneous-logins", "Set the maximum number of simultaneous logins", command.ArgWord, "<0-2147483647>  Current value", func(s command.Session, c *cli.Call) {
		groupUpdate(s, c, func(g *config.GroupPolicy) { g.Logins, g.LoginsSet = 0, false })
	})
	r.Add(gp, "vpn-tunnel-protocol", "Set allowed VPN tunnel protocols", command.ArgWord,
		"WORD  One or more of ikev1, ikev2, l2tp-ipsec, ssl-client, ssl-clientless", cmdTunnelProtocol)
	r.Add(gp, "no vpn-tunnel-protocol", "Set allowed VPN tunnel protocols", command.ArgWord, "WORD  Protocols", func(s command.Session, c *cli.Call) {
		groupUpdate(s, c, func(g *config.GroupPolicy) { g.Protocols = nil })
	})
	r.Add(command.PrivAndUp, "show running-config group-policy", "Show group-policy configuration", command.ArgWord,
		"WORD  Name of the group policy", cmdShowVPNConfig(config.SectionGroupPolicy))

}

// vpnUpdate changes the running configuration and records who changed it;
// an error prints the ASA's line for it and changes nothing.
func vpnUpdate(s command.Session, c *cli.Call, fn func(d *asa.Device) error) bool {
	return s.ConfigUpdate(c, fn, vpnErrorLine)
}

// vpnErrorLine words a VPN configuration error of the call c after the
// ASA's errors (ERROR: and what was refused); where our sources do not have
// the ASA's exact line, the wording is ours.
func vpnErrorLine(err error, c *cli.Call) string {
	switch {
	case errors.Is(err, config.ErrGroupPolicyNotFound):
		return "ERROR: group-policy " + c.Arg(0) + " does not exist"
	case errors.Is(err, config.ErrGroupPolicyInUse):
		return "ERROR: group-policy " + c.Arg(0) + " is the default-group-policy of a tunnel-group"
	}
	return command.ErrorLine(err)
}

// cmdClockTimezone: clock timezone ZONE [-]HOURS [MINUTES].
func cmdClockTimezone(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 2, 3) {
		return
	}
	hours, ok := command.IntArg(s, c, 1, -23, 23)
	if !ok {
		return
	}
	minutes := 0
	if len(c.Args) == 3 {
		if minutes, ok = command.IntArg(s, c, 2, 0, 59); !ok {
			return
		}
	}
	z, err := config.ParseTimezone(c.Args[0].Text, hours, minutes)
	if err != nil {
		s.InvalidArg(c, 0)
		return
	}
	vpnUpdate(s, c, func(d *asa.Device) error { d.Running.Timezone = z; return nil })
}

func cmdShowVPNConfig(section config.VPNSection) command.Handler {
	return func(s command.Session, c *cli.Call) {
		name := ""
		if len(c.Args) > 0 {
			if !command.ArgCount(s, c, 0, 1) {
				return
			}
			name = c.Args[0].Text
		}
		s.View(func(d *asa.Device) { s.Print(config.RenderVPN(d.Running, section, name)) })
	}
}

// cmdSessionCap: vpn-sessiondb max-...-limit N. The range is the platform's
// VPN maximum: the ASA checks it as the parser does a number, with the
// caret.
func cmdSessionCap(anyconnect bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		if !command.ArgCount(s, c, 1, 1) {
			return
		}
		vpnMax := 0
		s.View(func(d *asa.Device) { vpnMax = d.Platform().VPNMax })
		n, ok := command.IntArg(s, c, 0, 1, vpnMax)
		if !ok {
			return
		}
		vpnUpdate(s, c, func(d *asa.Device) error { return d.SetSessionCap(anyconnect, n) })
	}
}

func cmdNoSessionCap(anyconnect bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		if !command.ArgCount(s, c, 0, 1) {
			return
		}
		vpnUpdate(s, c, func(d *asa.Device) error { return d.SetSessionCap(anyconnect, 0) })
	}
}

// cmdWebVPNEnable: [no] enable IFNAME. The ASA offers the interfaces' names
// as keywords, so a name no interface has gets the caret.
func cmdWebVPNEnable(on bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		if !command.ArgCount(s, c, 1, 1) {
			return
		}
		err := s.ConfigChange(func(d *asa.Device) error { return d.SetWebVPNEnable(c.Args[0].Text, on) })
		switch {
		case errors.Is(err, config.ErrUnknownNameif):
			s.InvalidArg(c, 0)
		case err != nil:
			s.Println(command.ErrorLine(err))
		}
	}
}

// cmdAnyConnectImage: [no] anyconnect image PATH [ORDER]. The image must be
// on a flash device; the simulator has no files to check it against.
func cmdAnyConnectImage(add bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		if !command.ArgCount(s, c, 1, 2) {
			return
		}
		path := c.Args[0].Text
		if !strings.HasPrefix(strings.ToLower(path), "disk0:/") && !strings.HasPrefix(strings.ToLower(path), "disk1:/") {
			s.InvalidArg(c, 0)
			return
		}
		if !add {
			vpnUpdate(s, c, func(d *asa.Device) error { d.RemoveAnyConnectImage(path); return nil })
			return
		}
		order := 0
		if len(c.Args) == 2 {
			var ok bool
			if order, ok = command.IntArg(s, c, 1, 1, 65535); !ok {
				return
			}
		}
		vpnUpdate(s, c, func(d *asa.Device) error { return d.SetAnyConnectImage(path, order) })
	}
}

func cmdWebVPNFlag(anyconnect, on bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		vpnUpdate(s, c, func(d *asa.Device) error { d.SetWebVPNFlag(anyconnect, on); return nil })
	}
}

// cmdGroupPolicy: group-policy NAME internal | group-policy NAME attributes.
func cmdGroupPolicy(s command.Session, c *cli.Call) {
	name, ok := vpnNameArg(s, c, 2, 2)
	if !ok {
		return
	}
	switch cli.Pick(c.Args[1].Text, "internal", "attributes", "external") {
	case "internal":
		if name == config.DefaultGroupPolicy {
			return // it exists, internal, on every ASA
		}
		vpnUpdate(s, c, func(d *asa.Device) error { return d.AddGroupPolicy(name) })
	case "attributes":
		ok = false
		s.View(func(d *asa.Device) { _, ok = d.Running.VPN.GroupPolicy(name) })
		if !ok {
			s.Println(vpnErrorLine(config.ErrGroupPolicyNotFound, c))
			return
		}
		s.EnterGroupPolicy(name)
	default:
		// external group policies (attributes on a AAA server) are not
		// simulated.
		s.InvalidArg(c, 1)
	}
}

func cmdNoGroupPolicy(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 2) {
		return
	}
	vpnUpdate(s, c, func(d *asa.Device) error { return d.RemoveGroupPolicy(c.Args[0].Text) })
}

// vpnNameArg is the first argument of c, the name of a group policy,
// tunnel group or alias, once c has between min and max arguments and the
// name is one the ASA takes; otherwise the refusal is printed and ok is
// false.
func vpnNameArg(s command.Session, c *cli.Call, min, max int) (name string, ok bool) {
	if !command.ArgCount(s, c, min, max) {
		return "", false
	}
	name = c.Args[0].Text
	if !config.ValidVPNName(name) {
		s.InvalidArg(c, 0)
		return "", false
	}
	return name, true
}

// groupUpdate changes the group policy of the sub-mode.
func groupUpdate(s command.Session, c *cli.Call, fn func(g *config.GroupPolicy)) {
	vpnUpdate(s, c, func(d *asa.Device) error { return d.UpdateGroupPolicy(s.GroupPolicy(), fn) })
}

func cmdSimultaneousLogins(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	n, ok := command.IntArg(s, c, 0, 0, 2147483647)
	if !ok {
		return
	}
	groupUpdate(s, c, func(g *config.GroupPolicy) { g.Logins, g.LoginsSet = n, true })
}

// cmdTunnelProtocol: vpn-tunnel-protocol P... The ASA keeps the protocols in
// its own order, whatever order they were typed in.
func cmdTunnelProtocol(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, len(config.TunnelProtocols)) {
		return
	}
	set := map[string]bool{}
	for i := range c.Args {
		p := cli.Pick(c.Args[i].Text, config.TunnelProtocols...)
		if p == "" {
			s.InvalidArg(c, i)
			return
		}
		set[p] = true
	}
	var protos []string
	for _, p := range config.TunnelProtocols {
		if set[p] {
			protos = append(protos, p)
		}
	}
	groupUpdate(s, c, func(g *config.GroupPolicy) { g.Protocols = protos })
}
