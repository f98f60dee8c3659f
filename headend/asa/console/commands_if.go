package console

import (
	"net/netip"
	"strings"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/console/command"
)

// registerInterfaces adds the interface commands: `interface NAME` and its
// (config-if) sub-mode, the interface show commands, and `ping`.
func registerInterfaces(r *registry) {
	ifMode := modes(ModeIf)
	r.Add(modes(ModeConfig), "interface", "Select an interface to configure", argWord,
		"<interface>  Hardware interface, such as GigabitEthernet0/0 or Management0/0", cmdInterface)
	r.Add(ifMode, "nameif", "Assign name to interface", argWord, "WORD  Name of interface (up to 48 characters)", cmdNameif)
	r.Add(ifMode, "no nameif", "Assign name to interface", argNone, "", func(s *Session, c *call) {
		ifUpdate(s, c, func(d *asa.Device) error { d.ClearNameif(s.iface); return nil })
	})
	r.Add(ifMode, "security-level", "Set security level", argWord, "<0-100>  Security level", cmdSecurityLevel)
	r.Add(ifMode, "no security-level", "Set security level", argNone, "", func(s *Session, c *call) {
		ifUpdate(s, c, func(d *asa.Device) error { return d.SetSecurityLevel(s.iface, 0, true) })
	})
	r.Add(ifMode, "ip address", "Configure the IP address of an interface", argWord,
		"A.B.C.D  IP address, then its netmask and optionally standby A.B.C.D", cmdIPAddress)
	r.Describe(ifMode, "ip", "Configure IP parameters of an interface")
	// `no ip address` takes the address it removes, or nothing.
	r.Add(ifMode, "no ip address", "Configure the IP address of an interface", argWord,
		"A.B.C.D  IP address", func(s *Session, c *call) {
			ifUpdate(s, c, func(d *asa.Device) error { d.ClearAddress(s.iface); return nil })
		})
	r.Describe(ifMode, "no ip", "Configure IP parameters of an interface")
	r.Add(ifMode, "shutdown", "Shutdown the selected interface", argNone, "", cmdShutdown(true))
	r.Add(ifMode, "no shutdown", "Shutdown the selected interface", argNone, "", cmdShutdown(false))
	r.Add(ifMode, "description", "Interface specific description", argWord,
		"LINE  Up to 200 characters describing this interface", cmdDescription)
	r.Add(ifMode, "no description", "Interface specific description", argWord, "LINE  Description", func(s *Session, c *call) {
		ifUpdate(s, c, func(d *asa.Device) error { d.SetDescription(s.iface, ""); return nil })
	})

	r.Add(anyMode, "show interface", "Show interface status and configuration", argWord,
		"<interface>  Hardware interface", cmdShowInterface)
	r.Add(anyMode, "show interface ip brief", "Brief summary of IP status and configuration", argNone, "", func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(d.ShowInterfaceIPBrief()) })
	})
	r.Describe(anyMode, "show interface ip", "Show interface IP status and configuration")
	r.Add(privAndUp, "show running-config interface", "Show interface configuration", argWord,
		"<interface>  Hardware interface", cmdShowRunningInterface)
	r.Add(anyMode, "ping", "Send echo messages", argWord,
		"A.B.C.D  Destination address, or the name of the interface to send from, then the address", cmdPing)
}

// resolveIface reads an interface name typed as one or two words ("gig0/1",
// "GigabitEthernet 0/1") from the call's arguments; on failure it prints the
// ASA's caret under the name and returns "".
func resolveIface(s *Session, c *call) string {
	if !argCount(s, c, 1, 2) {
		return ""
	}
	typed := c.Args[0].Text
	if len(c.Args) == 2 {
		typed += c.Args[1].Text
	}
	var name string
	var err error
	s.view(func(d *asa.Device) { name, err = d.ResolveInterface(typed) })
	if err != nil || name == "" {
		s.invalidArg(c, 0)
		return ""
	}
	return name
}

func cmdInterface(s *Session, c *call) {
	if name := resolveIface(s, c); name != "" {
		s.mode, s.iface = ModeIf, name
	}
}

// ifUpdate changes the interface of the sub-mode in the running
// configuration and records who changed it; an error prints the ASA's line
// for it and changes nothing.
func ifUpdate(s *Session, c *call, fn func(d *asa.Device) error) {
	s.configUpdate(c, fn, ifErrorLine)
}

// ifErrorLine is the ASA's wording of an interface configuration error of
// the call c (command.IfErrorLine).
func ifErrorLine(err error, c *call) string { return command.IfErrorLine(err, c) }

func cmdNameif(s *Session, c *call) {
	if !argCount(s, c, 1, 1) {
		return
	}
	name := c.Args[0].Text
	if !config.ValidNameif(name) {
		s.invalidArg(c, 0)
		return
	}
	var info string
	ifUpdate(s, c, func(d *asa.Device) error {
		var err error
		info, err = d.SetNameif(s.iface, name)
		return err
	})
	if info != "" {
		s.println(info)
	}
}

func cmdSecurityLevel(s *Session, c *call) {
	if !argCount(s, c, 1, 1) {
		return
	}
	n, ok := intArg(s, c, 0, 0, 100)
	if !ok {
		return
	}
	ifUpdate(s, c, func(d *asa.Device) error { return d.SetSecurityLevel(s.iface, n, false) })
}

// parseIPv4 and ipv4Arg are command.ParseIPv4 and command.IPv4Arg.
func parseIPv4(t string) (netip.Addr, bool) { return command.ParseIPv4(t) }

func ipv4Arg(s *Session, c *call, i int) (netip.Addr, bool) { return command.IPv4Arg(s, c, i) }

// cmdIPAddress: ip address A M [standby S].
func cmdIPAddress(s *Session, c *call) {
	if len(c.Args) < 2 {
		if len(c.Args) == 1 {
			if _, ok := ipv4Arg(s, c, 0); !ok {
				return
			}
		}
		s.incomplete()
		return
	}
	addr, ok := ipv4Arg(s, c, 0)
	if !ok {
		return
	}
	mask, ok := ipv4Arg(s, c, 1)
	if !ok {
		return
	}
	var standby netip.Addr
	switch {
	case len(c.Args) == 2:
	case pick(c.Args[2].Text, "standby") == "":
		s.invalidArg(c, 2)
		return
	case len(c.Args) == 3:
		s.incomplete()
		return
	default:
		if standby, ok = ipv4Arg(s, c, 3); !ok {
			return
		}
		if len(c.Args) > 4 {
			s.invalidArg(c, 4)
			return
		}
	}
	ifUpdate(s, c, func(d *asa.Device) error { return d.SetAddress(s.iface, addr, mask, standby) })
}

func cmdShutdown(down bool) handler {
	return func(s *Session, c *call) {
		ifUpdate(s, c, func(d *asa.Device) error { d.SetShutdown(s.iface, down); return nil })
	}
}

// maxDescription is the ASA's limit on an interface description.
const maxDescription = 200

func cmdDescription(s *Session, c *call) {
	if len(c.Args) == 0 {
		s.incomplete()
		return
	}
	text := strings.TrimSpace(c.Line[c.Args[0].Pos:])
	if len(text) > maxDescription {
		s.caret(c.Prompt, c.Args[0].Pos+maxDescription)
		return
	}
	ifUpdate(s, c, func(d *asa.Device) error { d.SetDescription(s.iface, text); return nil })
}

func cmdShowInterface(s *Session, c *call) {
	name := ""
	if len(c.Args) > 0 {
		if name = resolveIface(s, c); name == "" {
			return
		}
	}
	s.view(func(d *asa.Device) { s.print(d.ShowInterface(name)) })
}

func cmdShowRunningInterface(s *Session, c *call) {
	name := ""
	if len(c.Args) > 0 {
		if name = resolveIface(s, c); name == "" {
			return
		}
	}
	s.view(func(d *asa.Device) { s.print(d.RenderInterfaceConfig(d.Running, name)) })
}

// cmdPing: ping [IFNAME] A.B.C.D. The echoes go out of the named interface,
// or of any interface that is up, named and addressed; a box with none has
// no route. The lab network answers for the address: some headend of the lab
// holds it, or the echoes time out. The lab clock does not move.
func cmdPing(s *Session, c *call) {
	if !argCount(s, c, 1, 2) {
		return
	}
	target, ok := ipv4Arg(s, c, len(c.Args)-1)
	if !ok {
		return
	}
	ifname := ""
	if len(c.Args) == 2 {
		ifname = c.Args[0].Text
	}
	known, route := true, false
	s.view(func(d *asa.Device) {
		if ifname != "" {
			i, found := d.Running.InterfaceByNameif(ifname)
			known, route = found, found && i.Active()
			return
		}
		route = len(d.Running.ActiveAddresses()) > 0
	})
	if !known {
		s.invalidArg(c, 0)
		return
	}
	result := asa.PingNoRoute
	if route {
		result = asa.PingTimeout
		if _, ok := s.b.Reachable(target); ok {
			result = asa.PingReplied
		}
	}
	s.print(asa.Ping(target, result))
}
