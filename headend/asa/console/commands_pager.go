package console

import (
	"strconv"

	"github.com/asalab/asalab/headend/asa"
)

// Asking reports whether the session waits for the answer to a question
// (Password:, [confirm]); `?` is then an ordinary character.
func (s *Session) Asking() bool { return s.pending != nil }

// Abandon drops the question asked: Ctrl-C at [confirm], Save? or
// Password: abandons the command (a reload is not done).
func (s *Session) Abandon() { s.pending = nil }

// Banner is what an ASA prints when an SSH shell starts, before the first
// prompt.
func (s *Session) Banner() string { return Banner }

// Banner is what an ASA prints when an SSH shell starts, before the first
// prompt.
const Banner = "Type help or '?' for a list of available commands.\n"

// cmdTerminalPager: terminal pager [lines] N, for this session only.
func cmdTerminalPager(s *Session, c *call) {
	if n, ok := pagerArg(s, c); ok {
		s.pager = n
	}
}

func cmdNoTerminalPager(s *Session, _ *call) { s.pager = 0 }

// pagerArg reads `[lines] N`, the argument of terminal pager and pager.
func pagerArg(s *Session, c *call) (int, bool) {
	args := c.Args
	i := 0
	if len(args) > 0 && pick(args[0].Text, "lines") == "lines" {
		i = 1
	}
	if i >= len(args) {
		s.incomplete()
		return 0, false
	}
	n, err := strconv.ParseInt(args[i].Text, 10, 32)
	if err != nil || n < 0 {
		s.invalidArg(c, i)
		return 0, false
	}
	if i+1 < len(args) {
		s.invalidArg(c, i+1)
		return 0, false
	}
	return int(n), true
}

// cmdPager: pager [lines] N in configuration mode, the page length of new
// sessions, and of this one.
func cmdPager(s *Session, c *call) {
	if n, ok := pagerArg(s, c); ok {
		setPager(s, n)
	}
}

func cmdNoPager(s *Session, _ *call) { setPager(s, 0) }

func setPager(s *Session, n int) {
	if s.update(func(d *asa.Device) error {
		d.Running.PagerLines = n
		d.ConfigChanged(s.user, s.b.Now())
		return nil
	}) {
		s.pager = n
	}
}

// cmdTerminalWidth: terminal width N (configuration mode on the ASA). The
// arguments are checked as on the ASA; output is not wrapped, so the width
// is not kept.
func cmdTerminalWidth(s *Session, c *call) {
	if len(c.Args) == 0 {
		s.incomplete()
		return
	}
	n, err := strconv.Atoi(c.Args[0].Text)
	if err != nil || n < 40 || n > 511 {
		s.invalidArg(c, 0)
		return
	}
	if len(c.Args) > 1 {
		s.invalidArg(c, 1)
	}
}
