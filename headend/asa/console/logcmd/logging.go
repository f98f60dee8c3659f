package logcmd

import (
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/cli"
)

// registerLogging adds the logging commands: `logging enable`, `logging
// timestamp`, `logging buffered LEVEL`, `logging host IFNAME ADDRESS` and
// their `no` forms.
func registerLogging(r command.Registry) {
	cfg := cli.Modes(command.ModeConfig)
	r.Add(cfg, "logging enable", "Enable logging", command.ArgNone, "", cmdLogging(func(l *config.Logging) { l.Enable = true }))
	r.Add(cfg, "logging timestamp", "Enable logging timestamp", command.ArgNone, "", cmdLogging(func(l *config.Logging) { l.Timestamp = true }))
	r.Add(cfg, "logging buffered", "Set logging level for the buffer", command.ArgWord,
		"<0-7>  Enter syslog level (0 - 7), or alerts, critical, debugging, emergencies, errors, informational, notifications, warnings",
		cmdLoggingBuffered)
	r.Add(cfg, "logging host", "Set syslog server IP address and parameters", command.ArgWord,
		"WORD  Name of interface, then the syslog server's IP address", cmdLoggingHost(true))
	r.Describe(cfg, "logging", "Configure logging levels, recipients and other options")
	r.Add(cfg, "no logging enable", "Enable logging", command.ArgNone, "", cmdLogging(func(l *config.Logging) { l.Enable = false }))
	r.Add(cfg, "no logging timestamp", "Enable logging timestamp", command.ArgNone, "", cmdLogging(func(l *config.Logging) { l.Timestamp = false }))
	r.Add(cfg, "no logging buffered", "Set logging level for the buffer", command.ArgWord,
		"<0-7>  Enter syslog level (0 - 7), or a level name", cmdNoLoggingBuffered)
	r.Add(cfg, "no logging host", "Set syslog server IP address and parameters", command.ArgWord,
		"WORD  Name of interface, then the syslog server's IP address", cmdLoggingHost(false))
	r.Describe(cfg, "no logging", "Configure logging levels, recipients and other options")
}

// cmdLogging runs a change of the logging configuration.
func cmdLogging(change func(l *config.Logging)) command.Handler {
	return func(s command.Session, _ *cli.Call) { setLogging(s, change) }
}

func setLogging(s command.Session, change func(l *config.Logging)) {
	s.Update(func(d *asa.Device) error {
		change(&d.Running.Logging)
		d.ConfigChanged(s.User(), s.Now())
		return nil
	})
}

// levelAt parses argument i as a syslog level, printing the caret error if
// it is not one.
func levelAt(s command.Session, c *cli.Call, i int) (int, bool) {
	level, err := config.ParseLogLevel(c.Args[i].Text)
	if err != nil {
		s.InvalidArg(c, i)
		return 0, false
	}
	return level, true
}

// cmdLoggingBuffered: logging buffered LEVEL.
func cmdLoggingBuffered(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	level, ok := levelAt(s, c, 0)
	if !ok {
		return
	}
	setLogging(s, func(l *config.Logging) { l.Buffered, l.BufferedLevel = true, level })
}

// cmdNoLoggingBuffered: no logging buffered [LEVEL]. The level, if given,
// must be a level; the buffer is turned off whichever it is.
func cmdNoLoggingBuffered(s command.Session, c *cli.Call) {
	if len(c.Args) > 1 {
		s.InvalidArg(c, 1)
		return
	}
	if len(c.Args) == 1 {
		if _, ok := levelAt(s, c, 0); !ok {
			return
		}
	}
	setLogging(s, func(l *config.Logging) { l.Buffered, l.BufferedLevel = false, config.LevelDebugging })
}

// cmdLoggingHost: [no] logging host IFNAME ADDRESS.
func cmdLoggingHost(add bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		if !command.ArgCount(s, c, 2, 2) {
			return
		}
		// A server is reached through a named interface of the box.
		known := false
		if !s.View(func(d *asa.Device) { _, known = d.Running.InterfaceByNameif(c.Args[0].Text) }) {
			return
		}
		if add && !known || !config.ValidNameif(c.Args[0].Text) {
			s.InvalidArg(c, 0)
			return
		}
		h, err := config.ParseLogHost(c.Args[0].Text, c.Args[1].Text)
		if err != nil {
			s.InvalidArg(c, 1)
			return
		}
		s.Update(func(d *asa.Device) error {
			if add {
				d.Running.Logging.AddLogHost(h)
			} else if !d.Running.Logging.RemoveLogHost(h) {
				return nil
			}
			d.ConfigChanged(s.User(), s.Now())
			return nil
		})
	}
}
