package console

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/ios"
)

// The interface views and `ping` of EXEC mode.
func init() {
	commands.Add(privOnly, "show running-config interface", "Show interface configuration", argWords,
		"GigabitEthernet  GigabitEthernet IEEE 802.3z", cmdShowRunInterface)
	commands.Add(execModes, "show interfaces", "Interface status and configuration", argWords,
		"GigabitEthernet  GigabitEthernet IEEE 802.3z", cmdShowInterfaces)
	commands.Add(execModes, "show ip interface", "IP interface status and configuration", argWords,
		"GigabitEthernet  GigabitEthernet IEEE 802.3z", cmdShowIPInterface)
	// The lab's routers have no IPv6 interface, for which IOS prints
	// nothing, and run no LLDP, which IOS routers leave off.
	commands.Add(execModes, "show ipv6 interface", "IPv6 interface status and configuration", argWords,
		"GigabitEthernet  GigabitEthernet IEEE 802.3z", func(s *Session, c *cli.Call) {
			if len(c.Args) > 0 {
				ifArg(s, c)
			}
		})
	commands.Describe(execModes, "show ipv6", "IPv6 information")
	commands.Add(execModes, "show lldp", "LLDP information", argNone, "", func(s *Session, _ *cli.Call) {
		s.fail("% LLDP is not enabled")
	})
	commands.Add(execModes, "ping", "Send echo messages", argWords, "WORD  Ping destination address or hostname", cmdPing)
}

// ifArg reads the interface name of c's arguments, marking what is not
// one of the router's.
func ifArg(s *Session, c *cli.Call) (string, bool) {
	name, used, ok := interfaceName(c.Args)
	if !ok {
		if len(c.Args) == 0 {
			incomplete(s)
		} else {
			s.invalidArg(c, 0)
		}
		return "", false
	}
	if len(c.Args) > used {
		s.invalidArg(c, used)
		return "", false
	}
	found := false
	s.view(func(d *ios.Device) { _, found = d.Running.Interface(name) })
	if !found {
		s.invalidArg(c, 0)
		return "", false
	}
	return name, true
}

// cmdShowRunInterface is `show running-config interface NAME`: the
// interface's block of the running configuration, sized as IOS sizes it.
func cmdShowRunInterface(s *Session, c *cli.Call) {
	name, ok := ifArg(s, c)
	if !ok {
		return
	}
	s.view(func(d *ios.Device) {
		var block strings.Builder
		in := false
		for _, l := range strings.SplitAfter(d.ShowRunningConfig(), "\n") {
			switch {
			case l == "interface "+name+"\n":
				in = true
			case in && !strings.HasPrefix(l, " "):
				in = false
			}
			if in {
				block.WriteString(l)
			}
		}
		body := "!\n" + block.String() + "end\n"
		s.println("Building configuration...", "", "Current configuration : "+strconv.Itoa(len(body))+" bytes")
		s.print(body)
		s.println("")
	})
}

// cmdShowInterfaces is `show interfaces [NAME]`.
var cmdShowInterfaces = showInterface((*ios.Device).ShowInterfaces)

// cmdShowIPInterface is `show ip interface [NAME]`.
var cmdShowIPInterface = showInterface((*ios.Device).ShowIPInterface)

// showInterface is a show command that prints every interface, or the
// one its optional argument names.
func showInterface(show func(d *ios.Device, name string) string) handler {
	return func(s *Session, c *cli.Call) {
		name := ""
		if len(c.Args) > 0 {
			n, ok := ifArg(s, c)
			if !ok {
				return
			}
			name = n
		}
		s.view(func(d *ios.Device) { s.print(show(d, name)) })
	}
}

// cmdPing: `ping A.B.C.D` sends five echoes through the lab network: they
// come back when a headend of the lab holds the address, and time out
// otherwise or when the router has no interface up and addressed to send
// from. The lab clock does not move, so the round trip is IOS's minimum.
// Extended ping (`ping` alone asking its questions) is not simulated.
func cmdPing(s *Session, c *cli.Call) {
	if len(c.Args) == 0 {
		incomplete(s)
		return
	}
	if len(c.Args) > 1 {
		s.invalidArg(c, 1)
		return
	}
	target, err := netip.ParseAddr(c.Args[0].Text)
	if err != nil || !target.Is4() {
		// The lab has no name server.
		s.fail("% Unrecognized host or address, or protocol not running.", "")
		return
	}
	route := false
	s.view(func(d *ios.Device) { route = len(d.Running.ActiveAddresses()) > 0 })
	replied := false
	if route {
		_, replied = s.b.Reachable(target)
	}
	s.println("Type escape sequence to abort.",
		"Sending 5, 100-byte ICMP Echos to "+target.String()+", timeout is 2 seconds:")
	if replied {
		s.println("!!!!!", "Success rate is 100 percent (5/5), round-trip min/avg/max = 1/1/1 ms")
		return
	}
	s.println(".....", "Success rate is 0 percent (0/5)")
}
