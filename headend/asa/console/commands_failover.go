package console

import (
	"errors"
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend/asa"
)

// registerFailover adds the failover lines a unit is given before it is
// paired: `failover lan unit`, `failover lan interface`, `failover link`,
// `failover interface ip`, `failover key`, `failover replication http`,
// their `no` forms, and `no failover` (the factory state).
//
// `failover` itself (turning failover on) is not registered: pairs are not
// simulated, and a unit that took the word would claim a failover it does
// not run. Typed alone it is the ASA's "Incomplete command", and changes
// nothing.
func registerFailover(r *registry) {
	cfg := modes(ModeConfig)
	r.add(cfg, "failover lan unit", "Specify the unit as primary or secondary", argWord,
		"primary|secondary  Primary or secondary unit", cmdFailoverUnit)
	r.add(cfg, "failover lan interface", "Specify the interface used for failover communication", argWord,
		"WORD  Name of the failover interface, then its physical interface", cmdFailoverLAN)
	r.add(cfg, "failover link", "Specify the interface used for stateful failover", argWord,
		"WORD  Name of the stateful failover interface, then its physical interface", cmdFailoverLink)
	r.add(cfg, "failover interface ip", "Configure the IP address and mask to be used for failover and/or stateful update information", argWord,
		"WORD  Name of the failover interface, then A.B.C.D MASK standby A.B.C.D", cmdFailoverIP)
	r.add(cfg, "failover key", "Configure the failover shared secret or key", argWord,
		"WORD  The failover shared secret (1 to 63 characters)", cmdFailoverKey)
	r.add(cfg, "failover replication http", "Enable HTTP (port 80) connection replication", argNone, "", func(s *Session, c *call) {
		failoverUpdate(s, c, func(d *asa.Device) error { d.SetFailoverReplicationHTTP(true); return nil })
	})

	// `no failover` is the factory state, and failover is never on: the
	// line is accepted and changes nothing.
	r.add(cfg, "no failover", "Enable/disable failover feature", argNone, "", func(*Session, *call) {})
	r.add(cfg, "no failover lan unit", "Specify the unit as primary or secondary", argWord,
		"primary|secondary  Primary or secondary unit", func(s *Session, c *call) {
			failoverUpdate(s, c, func(d *asa.Device) error { d.SetFailoverUnit(""); return nil })
		})
	r.add(cfg, "no failover lan interface", "Specify the interface used for failover communication", argWord,
		"WORD  Name of the failover interface", func(s *Session, c *call) {
			failoverUpdate(s, c, func(d *asa.Device) error { d.ClearFailoverLAN(); return nil })
		})
	r.add(cfg, "no failover link", "Specify the interface used for stateful failover", argWord,
		"WORD  Name of the stateful failover interface", func(s *Session, c *call) {
			failoverUpdate(s, c, func(d *asa.Device) error { d.ClearFailoverLink(); return nil })
		})
	r.add(cfg, "no failover interface ip", "Configure the IP address and mask to be used for failover and/or stateful update information", argWord,
		"WORD  Name of the failover interface", cmdNoFailoverIP)
	r.add(cfg, "no failover key", "Configure the failover shared secret or key", argWord,
		"WORD  The failover shared secret", func(s *Session, c *call) {
			failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverKey("") })
		})
	r.add(cfg, "no failover replication http", "Enable HTTP (port 80) connection replication", argNone, "", func(s *Session, c *call) {
		failoverUpdate(s, c, func(d *asa.Device) error { d.SetFailoverReplicationHTTP(false); return nil })
	})
	r.add(privAndUp, "show running-config failover", "Show failover configuration", argNone, "", func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(asa.RenderFailover(d.Running)) })
	})
	r.add(cfg, "failover polltime", "Configure failover poll interval", argWord,
		"<1-15>  Poll time in seconds (unit, or interface, then the seconds), then holdtime and its seconds", cmdFailoverPolltime)
	r.add(cfg, "no failover polltime", "Configure failover poll interval", argWord,
		"unit|interface  The poll time to set back to its default", cmdNoFailoverPolltime)
	r.describe(cfg, "failover", "Enable/disable failover feature")
	r.describe(cfg, "failover lan", "Specify the unit as primary or secondary or configure the interface and vlan to be used for failover communication")
	r.describe(cfg, "failover interface", "Configure the IP address to be used for failover and/or stateful update information")
	r.describe(cfg, "failover replication", "Enable HTTP (port 80) connection replication")
	r.describe(cfg, "no failover lan", "Specify the unit as primary or secondary or configure the interface and vlan to be used for failover communication")
	r.describe(cfg, "no failover interface", "Configure the IP address to be used for failover and/or stateful update information")
	r.describe(cfg, "no failover replication", "Enable HTTP (port 80) connection replication")
}

// failoverUpdate changes the failover lines of the running configuration;
// an error prints its line and changes nothing.
func failoverUpdate(s *Session, c *call, fn func(d *asa.Device) error) bool {
	return s.configUpdate(c, fn, failoverErrorLine)
}

// failoverErrorLine words a failover configuration error. No real ASA
// wording of these refusals was found; they follow the ASA's "ERROR:" form
// and say what was refused (a poll time out of range says the rule).
func failoverErrorLine(err error, c *call) string {
	switch {
	case errors.Is(err, asa.ErrFailoverIfNamed):
		return "ERROR: " + c.arg(1) + " has a nameif: a failover interface must not be a data interface (no nameif first)"
	case errors.Is(err, asa.ErrFailoverIfInUse):
		return "ERROR: " + c.arg(1) + " is already the other failover interface"
	case errors.Is(err, asa.ErrFailoverLinkIface):
		return "ERROR: Failover link " + c.arg(0) + " needs its physical interface"
	case errors.Is(err, asa.ErrFailoverPolltime):
		why := strings.TrimPrefix(err.Error(), asa.ErrFailoverPolltime.Error()+": ")
		return "ERROR: " + strings.ToUpper(why[:1]) + why[1:]
	case errors.Is(err, asa.ErrFailoverName):
		return "ERROR: " + c.arg(0) + " is not a failover interface (failover lan interface or failover link)"
	}
	return ifErrorLine(err, &call{node: c.node, args: c.args[min(1, len(c.args)):], line: c.line, prompt: c.prompt})
}

// failoverIface resolves the physical interface typed from argument i on
// (one word, or two: "GigabitEthernet 0/3"), printing the caret error under
// it if the model has no such interface.
func failoverIface(s *Session, c *call, i int) string {
	typed := c.args[i].text
	if len(c.args) == i+2 {
		typed += c.args[i+1].text
	}
	var name string
	var err error
	s.view(func(d *asa.Device) { name, err = d.ResolveInterface(typed) })
	if err != nil || name == "" {
		s.invalidArg(c, i)
		return ""
	}
	return name
}

// cmdFailoverUnit: failover lan unit primary|secondary.
func cmdFailoverUnit(s *Session, c *call) {
	if !argCount(s, c, 1, 1) {
		return
	}
	unit := pick(c.args[0].text, "primary", "secondary")
	if unit == "" {
		s.invalidArg(c, 0)
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error { d.SetFailoverUnit(unit); return nil })
}

// cmdFailoverLAN: failover lan interface NAME PHYSICAL-IF.
func cmdFailoverLAN(s *Session, c *call) {
	if !argCount(s, c, 2, 3) {
		return
	}
	if !asa.ValidNameif(c.args[0].text) {
		s.invalidArg(c, 0)
		return
	}
	ifname := failoverIface(s, c, 1)
	if ifname == "" {
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverLAN(c.args[0].text, ifname) })
}

// cmdFailoverLink: failover link NAME [PHYSICAL-IF].
func cmdFailoverLink(s *Session, c *call) {
	if !argCount(s, c, 1, 3) {
		return
	}
	if !asa.ValidNameif(c.args[0].text) {
		s.invalidArg(c, 0)
		return
	}
	ifname := ""
	if len(c.args) > 1 {
		if ifname = failoverIface(s, c, 1); ifname == "" {
			return
		}
	}
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverLink(c.args[0].text, ifname) })
}

// cmdFailoverIP: failover interface ip NAME A M standby S.
func cmdFailoverIP(s *Session, c *call) {
	if len(c.args) < 5 {
		s.incomplete()
		return
	}
	if !argCount(s, c, 5, 5) {
		return
	}
	addr, ok := parseIPv4(c.args[1].text)
	if !ok {
		s.invalidArg(c, 1)
		return
	}
	mask, ok := parseIPv4(c.args[2].text)
	if !ok {
		s.invalidArg(c, 2)
		return
	}
	if pick(c.args[3].text, "standby") == "" {
		s.invalidArg(c, 3)
		return
	}
	standby, ok := parseIPv4(c.args[4].text)
	if !ok {
		s.invalidArg(c, 4)
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error {
		return d.SetFailoverIP(c.args[0].text, addr, mask, standby)
	})
}

// cmdNoFailoverIP: no failover interface ip NAME [A M standby S].
func cmdNoFailoverIP(s *Session, c *call) {
	if len(c.args) == 0 {
		s.incomplete()
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error { d.ClearFailoverIP(c.args[0].text); return nil })
}

// cmdFailoverKey: failover key SECRET.
func cmdFailoverKey(s *Session, c *call) {
	if !argCount(s, c, 1, 1) {
		return
	}
	if len(c.args[0].text) > 63 {
		s.invalidArg(c, 0)
		return
	}
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverKey(c.args[0].text) })
}

// cmdFailoverPolltime: failover polltime [unit|interface] POLL [holdtime
// HOLD], in seconds.
func cmdFailoverPolltime(s *Session, c *call) {
	i, iface := 0, false
	if len(c.args) > 0 {
		switch pick(c.args[0].text, "unit", "interface") {
		case "unit":
			i = 1
		case "interface":
			i, iface = 1, true
		}
	}
	if len(c.args) != i+1 && len(c.args) != i+3 {
		if len(c.args) < i+1 || len(c.args) == i+2 {
			s.incomplete()
		} else {
			s.invalidArg(c, i+3)
		}
		return
	}
	poll, err := strconv.Atoi(c.args[i].text)
	if err != nil || poll < 1 || poll > 15 {
		s.invalidArg(c, i)
		return
	}
	hold := 0
	if len(c.args) == i+3 {
		if pick(c.args[i+1].text, "holdtime") == "" {
			s.invalidArg(c, i+1)
			return
		}
		if hold, err = strconv.Atoi(c.args[i+2].text); err != nil || hold < 1 {
			s.invalidArg(c, i+2)
			return
		}
	}
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverPolltime(iface, poll, hold) })
}

// cmdNoFailoverPolltime: no failover polltime [unit|interface] [...].
func cmdNoFailoverPolltime(s *Session, c *call) {
	iface := len(c.args) > 0 && pick(c.args[0].text, "unit", "interface") == "interface"
	failoverUpdate(s, c, func(d *asa.Device) error { return d.SetFailoverPolltime(iface, 0, 0) })
}
