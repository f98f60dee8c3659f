package console

import (
	"github.com/asalab/asalab/headend/asa"

	"github.com/asalab/asalab/headend/asa/config"
)

// registerLoggingMore adds `logging buffer-size`, `logging trap`, `clear
// logging buffer` and `show running-config logging`.
func registerLoggingMore(r *registry) {
	cfg := modes(ModeConfig)
	r.Add(cfg, "logging buffer-size", "Set the size of the logging buffer", argWord,
		"<4096-1048576>  Enter the size of the logging buffer in bytes", cmdLoggingBufferSize)
	r.Add(cfg, "no logging buffer-size", "Set the size of the logging buffer", argWord,
		"<4096-1048576>  Enter the size of the logging buffer in bytes", cmdNoLoggingBufferSize)
	r.Add(cfg, "logging trap", "Set logging level for the syslog servers", argWord,
		"<0-7>  Enter syslog level (0 - 7), or alerts, critical, debugging, emergencies, errors, informational, notifications, warnings",
		cmdLoggingTrap)
	r.Add(cfg, "no logging trap", "Set logging level for the syslog servers", argWord,
		"<0-7>  Enter syslog level (0 - 7), or a level name", cmdNoLoggingTrap)
	r.Add(modes(ModePriv, ModeConfig), "clear logging buffer", "Clear the logging buffer", argNone, "", cmdClearLoggingBuffer)
	r.Describe(modes(ModePriv, ModeConfig), "clear logging", "Clear logging buffer")
	r.Add(privAndUp, "show running-config logging", "Show logging configuration", argNone, "", func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(config.RenderLogging(d.Running)) })
	})
}

// cmdLoggingBufferSize: logging buffer-size BYTES. A size out of range is
// refused by the parser, with the caret.
func cmdLoggingBufferSize(s *Session, c *call) {
	if !argCount(s, c, 1, 1) {
		return
	}
	n, err := config.ParseLogBufferSize(c.Args[0].Text)
	if err != nil {
		s.invalidArg(c, 0)
		return
	}
	setLogging(s, func(l *config.Logging) { l.BufferSize = n })
}

// cmdNoLoggingBufferSize: no logging buffer-size [BYTES] restores the
// default size.
func cmdNoLoggingBufferSize(s *Session, c *call) {
	if !argCount(s, c, 0, 1) {
		return
	}
	if len(c.Args) == 1 {
		if _, err := config.ParseLogBufferSize(c.Args[0].Text); err != nil {
			s.invalidArg(c, 0)
			return
		}
	}
	setLogging(s, func(l *config.Logging) { l.BufferSize = 0 })
}

// cmdLoggingTrap: logging trap LEVEL.
func cmdLoggingTrap(s *Session, c *call) {
	if !argCount(s, c, 1, 1) {
		return
	}
	level, ok := levelAt(s, c, 0)
	if !ok {
		return
	}
	setLogging(s, func(l *config.Logging) { l.Trap, l.TrapLevel = true, level })
}

// cmdNoLoggingTrap: no logging trap [LEVEL].
func cmdNoLoggingTrap(s *Session, c *call) {
	if !argCount(s, c, 0, 1) {
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
func cmdClearLoggingBuffer(s *Session, _ *call) {
	ok := s.update(func(d *asa.Device) error {
		d.ClearLogBuffer()
		return nil
	})
	if a := s.b.Admission(); ok && a != nil {
		a.ClearLogBuffer()
	}
}
