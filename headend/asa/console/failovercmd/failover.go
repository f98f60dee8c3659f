// Package failovercmd is the ASA console's failover lines, those a unit is
// given before it is paired (`failover lan unit`, `failover lan interface`,
// `failover link`, `failover interface ip`, `failover key`, `failover
// polltime`, `failover replication http`, their `no` forms, `no failover`)
// and `show running-config failover`. `failover` itself and the commands
// of a pair stay with the console's session (headend/asa/console), which
// adds these with Register.
package failovercmd

import (
	"errors"
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/cli"
)

// Register adds the failover lines a unit is given before it is
// paired: `failover lan unit`, `failover lan interface`, `failover link`,
// `failover interface ip`, `failover key`, `failover replication http`,
// their `no` forms, and `no failover` (the factory state). `failover`
// itself and the pair commands are the console's.
func Register(r command.Registry) {
	cfg := cli.Modes(command.ModeConfig)
	r.Add(cfg, "failover lan unit", "Specify the unit as primary or secondary", command.ArgWord,
		"primary|secondary  Primary or secondary unit", cmdFailoverUnit)
	r.Add(cfg, "failover lan interface", "Specify the interface used for failover communication", command.ArgWord,
		"WORD  Name of the failover interface, then its physical interface", cmdFailoverLAN)
	r.Add(cfg, "failover link", "Specify the interface used for stateful failover", command.ArgWord,
		"WORD  Name of the stateful failover interface, then its physical interface", cmdFailoverLink)
	r.Add(cfg, "failover interface ip", "Configure the IP address and mask to be used for failover and/or stateful update information", command.ArgWord,
		"WORD  Name of the failover interface, then A.B.C.D MASK standby A.B.C.D", cmdFailoverIP)
	r.Add(cfg, "failover key", "Configure the failover shared secret or key", command.ArgWord,
		"WORD  The failover shared secret (1 to 63 characters)", cmdFailoverKey)
	r.Add(cfg, "failover replication http", "Enable HTTP (port 80) connection replication", command.ArgNone, "", func(s command.Session, c *cli.Call) {
		failoverUpdate(s, c, func(d *asa.Device) error { d.SetFailoverReplicationHTTP(true); return nil })
	})

	r.Add(cfg, "no failover", "Enable/disable failover feature", command.ArgNone, "", func(s command.Session, c *cli.Call) {
		failoverUpdate(s, c, func(d *asa.Device) error { d.DisableFailover(); return nil })
	})
	r.Add(cfg, "no failover lan unit", "Specify the unit as primary or secondary", command.ArgWord,
		"primary|secondary  Primary or secondary unit", func(s command.Session, c *cli.Call) {
			failoverUpdate(s, c, func(d *asa.Device) error { d.SetFailoverUnit(""); return nil })
		})
	r.Add(cfg, "no failover lan interface", "Specify the interface used for failover communication", command.ArgWord,
		"WORD  Name of the failover interface", func(s command.Session, c *cli.Call) {
			failoverUpdate(s, c, func(d *asa.Device) error { d.ClearFailoverLAN(); return nil })
		})
	r.Add(cfg, "no failover link", "Specify the interface used for stateful failover", command.ArgWord,
		"WORD  Name of the stateful failover interface", func(s command.Session, c *cli.Call) {
			failoverUpdate(s, c, func(d *asa.Device) error { d.ClearFailoverLink(); return nil })
		})
	r.Add(cfg, "no failover interface ip", "Configure the IP address and mask to be used for failover and/or stateful update information", command.ArgWord,
		"WORD  Name of the failover interface", cmdNoFailoverIP)
	r.Add(cfg, "no failover key", "Configure the failover shared secret or key", command.ArgWord,
		"WORD  The failover shared secret", func(s command.Session, c *cli.Call) {
			failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverKey("") })
		})
	r.Add(cfg, "no failover replication http", "Enable HTTP (port 80) connection replication", command.ArgNone, "", func(s command.Session, c *cli.Call) {
		failoverUpdate(s, c, func(d *asa.Device) error { d.SetFailoverReplicationHTTP(false); return nil })
	})
	r.Add(command.PrivAndUp, "show running-config failover", "Show failover configuration", command.ArgNone, "", func(s command.Session, _ *cli.Call) {
		s.View(func(d *asa.Device) { s.Print(config.RenderFailover(d.Running)) })
	})
	r.Add(cfg, "failover polltime", "Configure failover poll interval", command.ArgWord,
		"<1-15>  Poll time in seconds (unit, or interface, then the seconds), then holdtime and its seconds", cmdFailoverPolltime)
	r.Add(cfg, "no failover polltime", "Configure failover poll interval", command.ArgWord,
		"unit|interface  The poll time to set back to its default", cmdNoFailoverPolltime)
	r.Describe(cfg, "failover lan", "Specify the unit as primary or secondary or configure the interface and vlan to be used for failover communication")
	r.Describe(cfg, "failover interface", "Configure the IP address to be used for failover and/or stateful update information")
	r.Describe(cfg, "failover replication", "Enable HTTP (port 80) connection replication")
	r.Describe(cfg, "no failover lan", "Specify the unit as primary or secondary or configure the interface and vlan to be used for failover communication")
	r.Describe(cfg, "no failover interface", "Configure the IP address to be used for failover and/or stateful update information")
	r.Describe(cfg, "no failover replication", "Enable HTTP (port 80) connection replication")
}

// failoverUpdate changes the failover lines of the running configuration;
// an error prints its line and changes nothing.
func failoverUpdate(s command.Session, c *cli.Call, fn func(d *asa.Device) error) bool {
	return s.ConfigUpdate(c, fn, failoverErrorLine)
}

// failoverErrorLine words a failover configuration error. No real ASA
// wording of these refusals was found; they follow the ASA's "ERROR:" form
// and say what was refused (a poll time out of range says the rule).
func failoverErrorLine(err error, c *cli.Call) string {
	switch {
	case errors.Is(err, config.ErrFailoverIfNamed):
		return "ERROR: " + c.Arg(1) + " has a nameif: a failover interface must not be a data interface (no nameif first)"
	case errors.Is(err, config.ErrFailoverIfInUse):
		return "ERROR: " + c.Arg(1) + " is already the other failover interface"
	case errors.Is(err, config.ErrFailoverLinkIface):
		return "ERROR: Failover link " + c.Arg(0) + " needs its physical interface"
	case errors.Is(err, config.ErrFailoverPolltime):
		why := strings.TrimPrefix(err.Error(), config.ErrFailoverPolltime.Error()+": ")
		return "ERROR: " + strings.ToUpper(why[:1]) + why[1:]
	case errors.Is(err, config.ErrFailoverName):
		return "ERROR: " + c.Arg(0) + " is not a failover interface (failover lan interface or failover link)"
	}
	rest := *c
	rest.Args = c.Args[min(1, len(c.Args)):]
	return command.IfErrorLine(err, &rest)
}

// failoverIface resolves the physical interface typed from argument i on
// (one word, or two: "GigabitEthernet 0/3"), printing the caret error under
// it if the model has no such interface.
func failoverIface(s command.Session, c *cli.Call, i int) string {
	typed := c.Args[i].Text
	if len(c.Args) == i+2 {
		typed += c.Args[i+1].Text
	}
	var name string
	var err error
	s.View(func(d *asa.Device) { name, err = d.ResolveInterface(typed) })
	if err != nil || name == "" {
		s.InvalidArg(c, i)
		return ""
	}
	return name
}

// cmdFailoverUnit: failover lan unit primary|secondary.
func cmdFailoverUnit(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	unit := cli.Pick(c.Args[0].Text, "primary", "secondary")
	if unit == "" {
		s.InvalidArg(c, 0)
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error { d.SetFailoverUnit(unit); return nil })
}

// cmdFailoverLAN: failover lan interface NAME PHYSICAL-IF.
func cmdFailoverLAN(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 2, 3) {
		return
	}
	if !config.ValidNameif(c.Args[0].Text) {
		s.InvalidArg(c, 0)
		return
	}
	ifname := failoverIface(s, c, 1)
	if ifname == "" {
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverLAN(c.Args[0].Text, ifname) })
}

// cmdFailoverLink: failover link NAME [PHYSICAL-IF].
func cmdFailoverLink(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 3) {
		return
	}
	if !config.ValidNameif(c.Args[0].Text) {
		s.InvalidArg(c, 0)
		return
	}
	ifname := ""
	if len(c.Args) > 1 {
		if ifname = failoverIface(s, c, 1); ifname == "" {
			return
		}
	}
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverLink(c.Args[0].Text, ifname) })
}

// cmdFailoverIP: failover interface ip NAME A M standby S.
func cmdFailoverIP(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 5, 5) {
		return
	}
	addr, ok := command.IPv4Arg(s, c, 1)
	if !ok {
		return
	}
	mask, ok := command.IPv4Arg(s, c, 2)
	if !ok {
		return
	}
	if cli.Pick(c.Args[3].Text, "standby") == "" {
		s.InvalidArg(c, 3)
		return
	}
	standby, ok := command.IPv4Arg(s, c, 4)
	if !ok {
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error {
		return d.SetFailoverIP(c.Args[0].Text, addr, mask, standby)
	})
}

// cmdNoFailoverIP: no failover interface ip NAME [A M standby S].
func cmdNoFailoverIP(s command.Session, c *cli.Call) {
	if len(c.Args) == 0 {
		s.Incomplete()
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error { d.ClearFailoverIP(c.Args[0].Text); return nil })
}

// cmdFailoverKey: failover key SECRET.
func cmdFailoverKey(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	if len(c.Args[0].Text) > 63 {
		s.InvalidArg(c, 0)
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverKey(c.Args[0].Text) })
}

// cmdFailoverPolltime: failover polltime [unit|interface] POLL [holdtime
// HOLD], in seconds.
func cmdFailoverPolltime(s command.Session, c *cli.Call) {
	i, iface := 0, false
	if len(c.Args) > 0 {
		switch cli.Pick(c.Args[0].Text, "unit", "interface") {
		case "unit":
			i = 1
		case "interface":
			i, iface = 1, true
		}
	}
	if len(c.Args) != i+1 && len(c.Args) != i+3 {
		if len(c.Args) < i+1 || len(c.Args) == i+2 {
			s.Incomplete()
		} else {
			s.InvalidArg(c, i+3)
		}
		return
	}
	poll, err := strconv.Atoi(c.Args[i].Text)
	if err != nil || poll < 1 || poll > 15 {
		s.InvalidArg(c, i)
		return
	}
	hold := 0
	if len(c.Args) == i+3 {
		if cli.Pick(c.Args[i+1].Text, "holdtime") == "" {
			s.InvalidArg(c, i+1)
			return
		}
		if hold, err = strconv.Atoi(c.Args[i+2].Text); err != nil || hold < 1 {
			s.InvalidArg(c, i+2)
			return
		}
	}
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverPolltime(iface, poll, hold) })
}

// cmdNoFailoverPolltime: no failover polltime [unit|interface] [...].
func cmdNoFailoverPolltime(s command.Session, c *cli.Call) {
	iface := len(c.Args) > 0 && cli.Pick(c.Args[0].Text, "unit", "interface") == "interface"
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverPolltime(iface, 0, 0) })
}
