package logcmd

import (
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/cli"
)

// registerLoggingMore adds `logging buffer-size`, `logging trap`, `clear
// logging buffer` and `show running-config logging`.
func registerLoggingMore(r command.Registry) {
	cfg := cli.Modes(command.ModeConfig)
	r.Add(cfg, "logging buffer-size", "Set the size of the logging buffer", command.ArgWord,
		"<4096-1048576>  Enter the size of the logging buffer in bytes", cmdLoggingBufferSize)
	r.Add(cfg, "no logging buffer-size", "Set the size of the logging buffer", command.ArgWord,
		"<4096-1048576>  Enter the size of the logging buffer in bytes", cmdNoLoggingBufferSize)
	r.Add(cfg, "logging trap", "Set logging level for the syslog servers", command.ArgWord,
		"<0-7>  Enter syslog level (0 - 7), or alerts, critical, debugging, emergencies, errors, informational, notifications, warnings",
		cmdLoggingTrap)
	r.Add(cfg, "no logging trap", "Set logging level for the syslog servers", command.ArgWord,
		"<0-7>  Enter syslog level (0 - 7), or a level name", cmdNoLoggingTrap)
	r.Add(cli.Modes(command.ModePriv, command.ModeConfig), "clear logging buffer", "Clear the logging buffer", command.ArgNone, "", cmdClearLoggingBuffer)
	r.Describe(cli.Modes(command.ModePriv, command.ModeConfig), "clear logging", "Clear logging buffer")
	r.Add(command.PrivAndUp, "show running-config logging", "Show logging configuration", command.ArgNone, "", func(s command.Session, _ *cli.Call) {
		s.View(func(d *asa.Device) { s.Print(config.RenderLogging(d.Running)) })
	})
}

// cmdLoggingBufferSize: logging buffer-size BYTES. A size out of range is
// refused by the parser, with the caret.
func cmdLoggingBufferSize(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	n, err := config.ParseLogBufferSize(c.Args[0].Text)
	if err != nil {
		s.InvalidArg(c, 0)
		return
	}
	setLogging(s, func(l *config.Logging) { l.BufferSize = n })
}

// cmdNoLoggingBufferSize: no logging buffer-size [BYTES] restores the
// default size.
func cmdNoLoggingBufferSize(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 0, 1) {
		return
	}
	if len(c.Args) == 1 {
		if _, err := config.ParseLogBufferSize(c.Args[0].Text); err != nil {
			s.InvalidArg(c, 0)
			return
		}
	}
	setLogging(s, func(l *config.Logging) { l.BufferSize = 0 })
}

// cmdLoggingTrap: logging trap LEVEL.
func cmdLoggingTrap(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	level, ok := levelAt(s, c, 0)
	if !ok {
		return
	}
	setLogging(s, func(l *config.Logging) { l.Trap, l.TrapLevel = true, level })
}

// cmdNoLoggingTrap: no logging trap [LEVEL].
func cmdNoLoggingTrap(s command.Session, c *cli.Call) {
	if !command.ArgCount(s, c, 0, 1) {
		return
	}
	if len(c.Args) == 1 {
		if _, ok := levelAt(s, c, 0); !ok {
			return
		}
	}
	setLogging(s, func(l *config.Logging) { l.Trap, l.TrapLevel = false, 0 })
}

// cmdClearLoggingBuffer: clear logging buffer. The device's messages are
// part of its durable state; the refusals live in the admission state.
func cmdClearLoggingBuffer(s command.Session, _ *cli.Call) {
	ok := s.Update(func(d *asa.Device) error {
		d.ClearLogBuffer()
		return nil
	})
	if a := s.Admission(); ok && a != nil {
		a.ClearLogBuffer()
	}
}
