package console

import (
	"errors"
	"slices"
	"strings"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/family"
)

// registerFailoverPair adds what a unit of a failover pair is driven by:
// `failover` itself and its checks, the pair commands the lab carries out
// (`failover active`, `no failover active`, `failover reload-standby`,
// `write standby`), `failover exec` on the mate, `show failover state`
// and `show failover interface`, and `prompt`, whose priority and state
// keywords tell the units apart.
func registerFailoverPair(r *registry) {
	cfg := modes(ModeConfig)
	// The pair commands are privileged EXEC ones, which configuration
	// mode takes too; the sub-modes' help does not list them.
	privConfig := modes(ModePriv, ModeConfig)
	r.Add(cfg, "failover", "Enable/disable failover feature", argNone, "", cmdFailoverOn)
	r.Add(privConfig, "failover active", "Make this system to be active", argNone, "", cmdFailoverPair(family.FailoverMakeActive))
	r.Add(privConfig, "no failover active", "Make this system to be active", argNone, "", cmdFailoverPair(family.FailoverMakeStandby))
	r.Add(privConfig, "failover reload-standby", "Force standby unit to reboot", argNone, "", cmdFailoverPair(family.FailoverReloadStandby))
	r.Add(privConfig, "failover exec", "Execute command on the designated unit", argWord,
		"active|mate|standby  The unit, then the command to run on it", cmdFailoverExec)
	r.Describe(modes(ModePriv), "failover", "Interact with failover")
	r.Add(privConfig, "write standby", "Write to standby failover unit", argNone, "", cmdWriteStandby)
	r.Add(cfg, "prompt", "Customize the CLI prompt", argWord,
		"hostname|domain|context|priority|state|cluster-unit|slot  The parts of the prompt, in order", cmdPrompt)
	r.Add(cfg, "no prompt", "Customize the CLI prompt", argWord,
		"hostname|domain|context|priority|state|cluster-unit|slot  The parts of the prompt", func(s *Session, c *call) {
			s.configUpdate(c, func(d *asa.Device) error { return d.SetPrompt(nil) }, failoverPairErrorLine)
		})
	r.Add(anyMode, "show failover state", "Show failover internal state information", argNone, "", func(s *Session, _ *call) {
		st := s.b.FailoverStatus()
		s.view(func(d *asa.Device) { s.print(d.ShowFailoverState(st)) })
	})
	r.Add(anyMode, "show failover interface", "Show failover command interface information", argNone, "", func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(d.ShowFailoverInterface()) })
	})
	r.Add(privAndUp, "show running-config prompt", "Show prompt configuration", argNone, "", func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.println(d.Running.PromptLine()) })
	})
}

// failoverPairErrorLine words the refusals of the failover pair commands.
// The ASA's own wording of the checks before `failover` was not found
// (UNSURE): ours follow its "ERROR:" form and say what to configure first.
func failoverPairErrorLine(err error, _ *call) string {
	switch {
	case errors.Is(err, config.ErrFailoverNoKey):
		return "ERROR: Failover requires a valid permanent activation key; the running key is all zeros"
	case errors.Is(err, config.ErrFailoverLicense):
		return "ERROR: The running license does not support failover; it needs the Security Plus license"
	case errors.Is(err, config.ErrFailoverNoUnit):
		return "ERROR: Failover unit is not configured (failover lan unit primary|secondary)"
	case errors.Is(err, config.ErrFailoverNoLAN):
		return "ERROR: Failover LAN interface is not configured (failover lan interface)"
	case errors.Is(err, config.ErrFailoverNoLANAddr):
		return "ERROR: Failover LAN interface " + strings.TrimPrefix(err.Error(), config.ErrFailoverNoLANAddr.Error()+": ") + " has no IP address (failover interface ip)"
	case errors.Is(err, config.ErrPromptKeyword):
		return "ERROR: % Invalid input detected at '^' marker."
	case errors.Is(err, family.ErrFailoverOff):
		return "ERROR: Failover is not enabled"
	case errors.Is(err, family.ErrNoMate), errors.Is(err, family.ErrNotSupported):
		// A lab that runs no pair never detects a mate.
		return "ERROR: Failover mate is not detected"
	}
	return errorLine(err)
}

// joinLines are what the console of a unit prints when it joins a pair
// whose mate is active and takes its configuration, as write-ups of real
// ASA 8.x and 9.x pairs show it after `failover` on the second unit:
//
//	Detected an Active mate
//	Beginning configuration replication from mate.
//	End configuration replication from mate.
//
// They are printed on the console that typed `failover` when the lab
// pairs the unit at once. A pair that forms later (a link restored, the
// mate powered on) prints them on no console: the lab runs no session
// for it, and the events tell it (failover_pair_formed).
var joinLines = []string{
	"Detected an Active mate",
	"Beginning configuration replication from mate.",
	"End configuration replication from mate.",
}

// cmdFailoverOn: failover. A unit that this makes the standby of a pair
// has taken its active mate's configuration when the change returns, and
// says so (joinLines).
func cmdFailoverOn(s *Session, c *call) {
	now := s.b.Now()
	was := false
	s.view(func(d *asa.Device) { was, _ = d.FailoverEnabled() })
	if !s.configUpdate(c, func(d *asa.Device) error { return d.EnableFailover(now) }, failoverPairErrorLine) || was {
		return
	}
	if st := s.b.FailoverStatus(); st.MateSeen && (st.State == family.FailoverStandbyReady || st.State == family.FailoverColdStandby) {
		s.println(joinLines...)
	}
}

// failoverOn reports whether the running configuration has `failover`,
// printing the refusal when it has not.
func failoverOn(s *Session) bool {
	on := false
	if !s.view(func(d *asa.Device) { on, _ = d.FailoverEnabled() }) {
		return false
	}
	if !on {
		s.println(failoverPairErrorLine(family.ErrFailoverOff, nil))
	}
	return on
}

// cmdFailoverPair runs a pair command through the lab, which decides which
// unit is active. What the unit's own state answers is answered here: the
// command that asks for the state the unit is in changes nothing, as on
// the ASA; the others need the mate, and `failover reload-standby` the
// active unit (the ASA's wording of that refusal was not found: UNSURE).
func cmdFailoverPair(cmd family.FailoverCommand) handler {
	return func(s *Session, _ *call) {
		if !failoverOn(s) {
			return
		}
		st := s.b.FailoverStatus()
		active := st.State == family.FailoverActive
		switch {
		case cmd == family.FailoverMakeActive && active, cmd == family.FailoverMakeStandby && !active && st.Enabled:
			return
		case !st.MateSeen:
			s.println(failoverPairErrorLine(family.ErrNoMate, nil))
			return
		case cmd == family.FailoverReloadStandby && !active:
			s.println("ERROR: failover reload-standby is a command of the active unit")
			return
		}
		if err := s.b.Failover(cmd); err != nil {
			s.println(failoverPairErrorLine(err, nil))
		}
	}
}

// cmdWriteStandby: write standby, on the active unit: the ASA sends its
// whole running configuration to the standby unit. The lab replicates
// every change of the active unit as it is made, so the standby holds it
// already; a unit with no mate has nowhere to send it.
func cmdWriteStandby(s *Session, _ *call) {
	if !failoverOn(s) {
		return
	}
	if st := s.b.FailoverStatus(); !st.MateSeen {
		s.println(failoverPairErrorLine(family.ErrNoMate, nil))
		return
	}
	s.println("Building configuration...", "[OK]")
}

// standbyWarning is what a standby unit prints when configuration mode is
// entered there: it takes the commands, but does not replicate them to
// the active unit (Cisco ASA CLI configuration guide, "Command
// Replication": "If you enter a command on the standby unit, the ASA
// displays the message **** WARNING **** Configuration Replication is NOT
// performed from Standby unit to Active unit. Configurations are no longer
// synchronized."). The guide prints it on one line; we break it where the
// real console does, as recalled (UNSURE).
var standbyWarning = []string{
	"**** WARNING ****",
	"        Configuration Replication is NOT performed from Standby unit to Active unit.",
	"        Configurations are no longer synchronized.",
}

// warnStandby prints standbyWarning on a unit that is a standby of its
// pair.
func warnStandby(s *Session) {
	switch s.b.FailoverStatus().State {
	case family.FailoverStandbyReady, family.FailoverColdStandby:
		s.print(strings.Join(standbyWarning, "\n") + "\n")
	}
}

// execSession is a `failover exec` session: on this unit (mate nil) or on
// the mate it was opened on.
type execSession struct {
	mate family.Host
	sess family.Console
}

// cmdFailoverExec: failover exec active|mate|standby COMMAND. The command
// runs in a session of its own on the unit it designates, which keeps its
// mode between calls and starts in global configuration mode (Cisco ASA
// command reference, "failover exec"); its output is printed here as the
// unit printed it.
func cmdFailoverExec(s *Session, c *call) {
	if len(c.Args) < 2 {
		s.incomplete()
		return
	}
	target := pick(c.Args[0].Text, "active", "mate", "standby")
	if target == "" {
		s.invalidArg(c, 0)
		return
	}
	if !failoverOn(s) {
		return
	}
	st := s.b.FailoverStatus()
	local := target == "active" && st.State == family.FailoverActive ||
		target == "standby" && st.Enabled && st.State != family.FailoverActive
	var mate family.Host
	if !local {
		var ok bool
		if mate, ok = s.b.Mate(); !ok {
			s.println(failoverPairErrorLine(family.ErrNoMate, c))
			return
		}
	}
	// A session is kept per unit, as long as that unit is the one meant:
	// after the pair re-forms with another mate, a new one starts (the
	// lab's hosts are pointers, which compare).
	x := s.execs[local]
	if x.sess == nil || x.mate != mate {
		if local {
			x = execSession{sess: New(s.b, Options{User: s.user, Mode: ModeConfig, Privilege: s.priv})}
		} else {
			x = execSession{mate: mate, sess: Open(mate, family.ConsoleOptions{User: s.user, Mode: family.ModePriv, Privilege: s.priv})}
			x.sess.Line("configure terminal")
		}
		if s.execs == nil {
			s.execs = map[bool]execSession{}
		}
		s.execs[local] = x
	}
	sess := x.sess
	s.print(sess.Line(c.Line[c.Args[1].Pos:]))
	s.failed = s.failed || sess.Failed()
}

// cmdPrompt: prompt KEYWORD...
func cmdPrompt(s *Session, c *call) {
	if len(c.Args) == 0 {
		s.incomplete()
		return
	}
	words := make([]string, len(c.Args))
	for i, a := range c.Args {
		w := pick(a.Text, config.PromptKeywords...)
		if w == "" || slices.Contains(words[:i], w) {
			s.invalidArg(c, i)
			return
		}
		words[i] = w
	}
	s.configUpdate(c, func(d *asa.Device) error { return d.SetPrompt(words) }, failoverPairErrorLine)
}
