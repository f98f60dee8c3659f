// Package console is the ASA command line of a simulated headend: its
// modes and prompts, its command set in the shared registry of
// headend/cli, confirm and password prompts, and the ASA's error lines. It
// is one interpreter used by the gRPC Exec call and by the SSH console; it
// does no I/O itself and reaches the device through a Backend. Command
// groups of their own domain (sshcmd, failovercmd, vpncmd, logcmd) live in
// sub-packages that act on the session through headend/asa/console/command;
// the console adds them to its command set.
package console

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// Backend is what a console session acts on: one headend in a lab.
type Backend interface {
	// Now is the lab time.
	Now() time.Time
	// View runs fn with the device, for reading. The device must not be
	// kept after fn returns.
	View(fn func(d *asa.Device)) error
	// Update runs fn on a copy of the device; if fn returns nil the copy
	// is made durable and replaces the device before Update returns,
	// otherwise nothing changes.
	Update(fn func(d *asa.Device) error) error
	// Signer checks activation keys with the lab's secret.
	Signer() *keygen.Signer
	// BootTime is how long a reload keeps the device down.
	BootTime() time.Duration
	// Admission is the headend's VPN session state.
	Admission() *asa.Admission
	// PrincipalByIndex resolves a user of the lab by its index.
	PrincipalByIndex(i uint32) *asa.Principal
	// Reachable reports whether addr answers this headend across the lab
	// network, and the hostname of the headend holding it.
	Reachable(addr netip.Addr) (hostname string, ok bool)
	// SSHSessions are the SSH connections to this headend's console.
	SSHSessions() []asa.SSHSession
	// FailoverStatus is the headend's failover pair as the lab sees it;
	// Failover runs a pair command; Mate is the other unit, for
	// `failover exec` (family.Host).
	FailoverStatus() family.FailoverStatus
	Failover(cmd family.FailoverCommand) error
	Mate() (mate family.Host, ok bool)
}

// Options start a session.
type Options struct {
	// User is who is logged in, as "Configuration last modified by"
	// shows it; "enable_15" for a session entered with enable alone.
	User string
	// Mode is the mode the session starts in.
	Mode Mode
	// Privilege is the session's privilege level (`show curpriv`); 0 (or
	// less) means 1 in user EXEC mode and 15 otherwise.
	Privilege int
	// Pager is the session's `terminal pager`: lines per page before
	// `<--- More --->`, 0 for none. A terminal applies it (Terminal);
	// Exec transcripts are never paged.
	Pager int
}

// DefaultPager is `pager lines 24`, the ASA's default page length for a new
// SSH session.
const DefaultPager = config.DefaultPagerLines

// question is a prompt waiting for the next line: [confirm], Save?, Password.
type question struct {
	prompt string
	secret bool
	answer func(s *Session, ans string)
}

// Session is one console session on one headend.
type Session struct {
	b        Backend
	cmds     *registry // the command set of the device's licensing
	mode     Mode
	user     string
	priv     int // privilege level, show curpriv
	pager    int // terminal pager lines, 0: off
	hostname string
	pending  *question
	iface    string // the interface a (config-if) sub-mode configures
	vpnName  string // the group-policy a sub-mode configures
	sub      []subMode
	closed   bool
	out      strings.Builder
	// failed: the last line answered with an error (Failed).
	failed bool
	// execs are the `failover exec` sessions on this unit (true) and on
	// its mate, each with its own mode (commands_failover_pair.go).
	execs map[bool]execSession
}

// enableUser is who a session is once `enable` accepted the enable password:
// without `aaa authentication enable console LOCAL` the ASA forgets the login
// name and reports this one in `show curpriv` and "Configuration last
// modified by".
const enableUser = "enable_15"

// New starts a session.
func New(b Backend, opts Options) *Session {
	s := &Session{b: b, cmds: commands, mode: opts.Mode, user: opts.User, priv: opts.Privilege, pager: opts.Pager}
	_ = b.View(func(d *asa.Device) {
		if d.Smart != nil {
			s.cmds = smartCommands
		}
	})
	if s.user == "" {
		s.user = enableUser
	}
	if s.priv <= 0 && s.mode != ModeUser {
		s.priv = 15
	}
	if s.priv <= 0 {
		s.priv = 1
	}
	s.refresh()
	return s
}

// Pager is the session's `terminal pager` setting: lines per page, 0 for
// none.
func (s *Session) Pager() int { return s.pager }

// User is who the session is logged in as (`show curpriv`).
func (s *Session) User() string { return s.user }

// refresh reads the prompt's name part again after a line: the hostname,
// or what `prompt` configures; the failover state is asked of the lab only
// when the prompt shows it.
func (s *Session) refresh() {
	state := false
	_ = s.b.View(func(d *asa.Device) {
		s.hostname = d.Prompt(false)
		state = d.Running.Failover.Enabled && slices.Contains(d.Running.PromptWords(), "state")
	})
	if state && s.b.FailoverStatus().State == family.FailoverActive {
		_ = s.b.View(func(d *asa.Device) { s.hostname = d.Prompt(true) })
	}
}

// Mode is the current mode.
func (s *Session) Mode() Mode { return s.mode }

// Closed reports whether the session ended (exit, logout, reload).
func (s *Session) Closed() bool { return s.closed }

// Prompt is what the console shows before the next input: the mode prompt
// ("asa1# ", "asa1(config)# ") or a pending question.
func (s *Session) Prompt() string {
	if s.pending != nil {
		return s.pending.prompt
	}
	switch s.mode {
	case ModeUser:
		return s.hostname + "> "
	case ModeConfig:
		if len(s.sub) > 0 {
			return s.hostname + "(" + s.sub[len(s.sub)-1].prompt + ")# "
		}
		return s.hostname + "(config)# "
	case ModeWebVPN:
		return s.hostname + "(config-webvpn)# "
	case ModeIf:
		return s.hostname + "(config-if)# "
	case ModeGroupPolicy:
		return s.hostname + "(config-group-policy)# "
	case command.ModeSmartLic:
		return s.hostname + "(config-smart-lic)# "
	case command.ModeCallHome:
		return s.hostname + "(cfg-call-home)# "
	case command.ModeCallHomeProfile:
		return s.hostname + "(cfg-call-home-profile)# "
	}
	return s.hostname + "# "
}

// Echo is how the typed line shows on the terminal: passwords as asterisks.
func (s *Session) Echo(input string) string {
	if s.pending != nil && s.pending.secret {
		return strings.Repeat("*", len(input))
	}
	return input
}

func (s *Session) println(lines ...string) {
	for _, l := range lines {
		s.failed = s.failed || isErrorLine(l)
		s.out.WriteString(l)
		s.out.WriteByte('\n')
	}
}

func (s *Session) print(text string) { s.out.WriteString(text) }

// isErrorLine reports whether the console printed l to refuse a line: the
// ASA's errors start with "ERROR:" ("ERROR: % Invalid input detected at
// '^' marker.") or "%Error" ("%Error opening disk0:/x (No such file or
// directory)"), and a wrong password answers "Invalid password".
func isErrorLine(l string) bool {
	return strings.HasPrefix(l, "ERROR:") || strings.HasPrefix(l, "%Error") || l == "Invalid password"
}

// Failed reports whether the last line answered with an error, so that
// scripts can tell (headendctl exec and SSH exec exit with status 1).
func (s *Session) Failed() bool { return s.failed }

// ask makes the next line the answer to a question.
func (s *Session) ask(prompt string, secret bool, answer func(s *Session, ans string)) {
	s.pending = &question{prompt: prompt, secret: secret, answer: answer}
}

// Line runs one input line and returns what the console prints in answer,
// not including the next prompt.
func (s *Session) Line(input string) string {
	s.out.Reset()
	s.failed = false
	if s.closed {
		return ""
	}
	prompt := s.Prompt()
	if q := s.pending; q != nil {
		s.pending = nil
		q.answer(s, strings.TrimRight(input, "\r\n"))
		s.refresh()
		return s.out.String()
	}
	line := strings.TrimRight(input, "\r\n")
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "", strings.HasPrefix(trimmed, "!"), strings.HasPrefix(trimmed, ":"):
		// A bare RETURN shows the prompt anew, which follows a failover
		// state another unit changed (`prompt ... state`).
		s.refresh()
		return ""
	case strings.HasSuffix(trimmed, "?"):
		s.help(strings.TrimLeft(line, " \t"))
		return s.out.String()
	}
	if len(s.sub) > 0 && s.mode == ModeConfig && s.subLine(line, prompt) {
		s.refresh()
		return s.out.String()
	}
	line, spec, specPos, piped := cli.SplitPipe(line)
	var filter *cli.OutputFilter
	if piped {
		var perr *parseError
		if filter, perr = cli.ParseFilter(spec, specPos); perr != nil {
			s.parseError(prompt, perr)
			return s.out.String()
		}
	}
	c, perr := s.cmds.Resolve(line, s.mode)
	if perr != nil && s.mode != ModeConfig && configModes.Has(s.mode) && perr.Kind == errInvalid {
		// A global configuration command typed in a sub-mode leaves the
		// sub-mode and runs, as on the ASA.
		if c2, perr2 := s.cmds.Resolve(line, ModeConfig); perr2 == nil || perr2.Named {
			s.mode, c, perr = ModeConfig, c2, perr2
		}
	}
	switch {
	case perr == nil:
		c.Prompt = prompt
		s.cmds.Run(s, c)
	case perr.Named:
		// A command of other modes only is incomplete here, and errs as
		// a command missing its arguments does: after leaving a
		// sub-mode, and through the output filter.
		s.parseError(prompt, perr)
	default:
		s.parseError(prompt, perr)
		return s.out.String()
	}
	s.refresh()
	if filter != nil {
		return filter.Apply(s.out.String())
	}
	return s.out.String()
}

func (s *Session) parseError(prompt string, e *parseError) {
	switch e.Kind {
	case errAmbiguous:
		s.println(`ERROR: % Ambiguous command:  "` + e.Word + `"`)
	case errIncomplete:
		s.incomplete()
	default:
		s.caret(prompt, e.Pos)
	}
}

// caret prints the ASA's marker under the offending word of the line typed
// after prompt.
func (s *Session) caret(prompt string, pos int) {
	s.println(strings.Repeat(" ", len(prompt)+pos)+"^", "ERROR: % Invalid input detected at '^' marker.")
}

// incomplete is the ASA's error for a command missing its arguments.
func (s *Session) incomplete() { s.println("ERROR: % Incomplete command") }

// invalidArg marks argument i of a call as invalid.
func (s *Session) invalidArg(c *call, i int) {
	s.caret(c.Prompt, c.Args[i].Pos)
}

func (s *Session) help(line string) {
	if len(s.sub) > 0 && s.mode == ModeConfig && s.subHelp(line) {
		return
	}
	if _, spec, _, piped := cli.SplitPipe(line); piped {
		if strings.TrimSpace(strings.TrimSuffix(spec, "?")) == "" {
			s.println("")
			s.println(cli.FilterHelp()...)
			return
		}
		s.println("")
		s.println("  LINE  Regular Expression")
		return
	}
	lines := s.cmds.Help(line, s.mode)
	if lines == nil {
		toks := tokenize(strings.TrimSuffix(line, "?"))
		pos := 0
		if len(toks) > 0 {
			pos = toks[len(toks)-1].Pos
		}
		s.caret(s.Prompt(), pos)
		return
	}
	s.println("")
	s.println(lines...)
}

// view reads the device; a device that is down prints nothing useful, so
// the error is reported as the console would see a dropped session.
func (s *Session) view(fn func(d *asa.Device)) bool {
	if err := s.b.View(fn); err != nil {
		s.println(errorLine(err))
		return false
	}
	return true
}

// update changes the device; on error it prints the ASA's line for it.
func (s *Session) update(fn func(d *asa.Device) error) bool {
	if err := s.b.Update(fn); err != nil {
		s.println(errorLine(err))
		return false
	}
	return true
}

// configChange changes the running configuration with fn and records who
// changed it; fn's error is returned and its change not kept.
func (s *Session) configChange(fn func(d *asa.Device) error) error {
	return s.b.Update(func(d *asa.Device) error {
		if err := fn(d); err != nil {
			return err
		}
		d.ConfigChanged(s.user, s.b.Now())
		return nil
	})
}

// configUpdate is configChange for the call c, printing the line errLine
// words for an error; it reports whether the change was made.
func (s *Session) configUpdate(c *call, fn func(d *asa.Device) error, errLine func(error, *call) string) bool {
	if err := s.configChange(fn); err != nil {
		s.println(errLine(err, c))
		return false
	}
	return true
}

// errorLine is the console's wording of a domain error (command.ErrorLine).
func errorLine(err error) string { return command.ErrorLine(err) }
