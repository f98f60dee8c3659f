// Package console is the IOS command line of a simulated ISR G2: its
// modes and prompts (R1>, R1#, R1(config)#, R1(config-if)#...), its
// command set in the shared registry of headend/cli, the questions IOS
// asks ([confirm], Password:, the EULA's ACCEPT?), and IOS's error lines
// with the caret under the offending word. It is one interpreter for the
// gRPC Exec call and the SSH console; it does no I/O and reaches the
// device through the lab's family.Host.
package console

import (
	"errors"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/headend/ios"
)

// Mode is a CLI mode; it decides the prompt and which commands exist.
type Mode = cli.Mode

// The IOS modes this console has.
const (
	ModeUser    Mode = iota // R1>
	ModePriv                // R1#
	ModeConfig              // R1(config)#
	ModeIf                  // R1(config-if)#
	ModeGateway             // R1(config-webvpn-gateway)#
	ModeContext             // R1(config-webvpn-context)#
	ModeLine                // R1(config-line)#
	ModeIKEv2               // R1(config-ikev2-profile)#
	ModeIKEProp             // R1(config-ikev2-proposal)#
	ModeIKEPol              // R1(config-ikev2-policy)#
)

var (
	execModes   = cli.Modes(ModeUser, ModePriv)
	privOnly    = cli.Modes(ModePriv)
	configModes = cli.Modes(ModeConfig, ModeIf, ModeGateway, ModeContext, ModeLine, ModeIKEv2, ModeIKEProp, ModeIKEPol)
	subModes    = cli.Modes(ModeIf, ModeGateway, ModeContext, ModeLine, ModeIKEv2, ModeIKEProp, ModeIKEPol)
)

var modePrompts = map[Mode]string{
	ModeConfig: "(config)", ModeIf: "(config-if)", ModeGateway: "(config-webvpn-gateway)",
	ModeContext: "(config-webvpn-context)", ModeLine: "(config-line)", ModeIKEv2: "(config-ikev2-profile)",
	ModeIKEProp: "(config-ikev2-proposal)", ModeIKEPol: "(config-ikev2-policy)",
}

// DefaultPager is the length of a new vty's terminal (`terminal length
// 24`), which clients set to 0 first thing.
const DefaultPager = 24

// Backend is what a session acts on: the headend in its lab, with the
// device typed as this family's.
type Backend struct{ family.Host }

// View runs fn with the router, for reading.
func (b Backend) View(fn func(d *ios.Device)) error {
	return b.Host.View(func(d family.Device) { fn(ios.Router(d)) })
}

// Update runs fn on a copy of the router, kept if fn returns nil.
func (b Backend) Update(fn func(d *ios.Device) error) error {
	return b.Host.Update(func(d family.Device) error { return fn(ios.Router(d)) })
}

// Open starts a console session on an IOS router of a lab
// (family.Family.Console). A login lands in privileged EXEC with privilege
// 15, in user EXEC below it, as IOS does for `login local` users.
func Open(h family.Host, opts family.ConsoleOptions) family.Console {
	s := &Session{b: Backend{h}, user: opts.User, priv: opts.Privilege, pager: opts.Pager}
	if s.user == "" {
		// A session without a login (the lab's Exec) is the console
		// line's, which IOS names "console" in its messages.
		s.user = "console"
	}
	switch opts.Mode {
	case family.ModePriv:
		s.mode = ModePriv
	case family.ModeLogin, family.ModeShell:
		s.mode = ModeUser
		if opts.Privilege >= 15 {
			s.mode = ModePriv
		}
	}
	if s.priv <= 0 {
		s.priv = 1
		if s.mode == ModePriv {
			s.priv = 15
		}
	}
	if opts.DevicePager {
		s.pager = DefaultPager
	}
	s.refresh()
	return s
}

// question is a prompt waiting for the next line.
type question struct {
	prompt string
	secret bool
	answer func(s *Session, ans string)
}

// Session is one console session.
type Session struct {
	b        Backend
	mode     Mode
	user     string
	priv     int
	pager    int
	hostname string
	pending  *question
	// target is what the sub-mode configures: the interface, gateway,
	// context or profile name.
	target string
	closed bool
	out    strings.Builder
	failed bool
}

// Banner is printed before the first prompt: nothing (no `banner motd`).
func (s *Session) Banner() string { return "" }

// Pager is the terminal length, 0 for none.
func (s *Session) Pager() int { return s.pager }

// MorePrompt is IOS's pager prompt (cli.MorePrompter).
func (s *Session) MorePrompt() string { return " --More-- " }

// Closed reports whether the session ended.
func (s *Session) Closed() bool { return s.closed }

// Asking reports whether a question waits for its answer.
func (s *Session) Asking() bool { return s.pending != nil }

// Abandon drops the question, as Ctrl-C does.
func (s *Session) Abandon() { s.pending = nil }

// Failed reports whether the last line was answered with an error.
func (s *Session) Failed() bool { return s.failed }

// Mode is the current mode.
func (s *Session) Mode() Mode { return s.mode }

func (s *Session) refresh() {
	_ = s.b.View(func(d *ios.Device) { s.hostname = d.Hostname() })
}

// Prompt is the mode prompt, IOS's without a trailing space, or the
// pending question.
func (s *Session) Prompt() string {
	if s.pending != nil {
		return s.pending.prompt
	}
	switch s.mode {
	case ModeUser:
		return s.hostname + ">"
	case ModePriv:
		return s.hostname + "#"
	}
	return s.hostname + modePrompts[s.mode] + "#"
}

// Echo is what the terminal shows of a typed character: nothing while a
// password is typed, as IOS echoes none.
func (s *Session) Echo(typed string) string {
	if s.pending != nil && s.pending.secret {
		return ""
	}
	return typed
}

func (s *Session) println(lines ...string) {
	for _, l := range lines {
		s.out.WriteString(l)
		s.out.WriteByte('\n')
	}
}

func (s *Session) print(text string) { s.out.WriteString(text) }

// fail prints error lines and marks the line failed.
func (s *Session) fail(lines ...string) {
	s.failed = true
	s.println(lines...)
}

func (s *Session) ask(prompt string, secret bool, answer func(s *Session, ans string)) {
	s.pending = &question{prompt: prompt, secret: secret, answer: answer}
}

// Line runs one input line and returns what the console prints.
func (s *Session) Line(input string) string {
	s.out.Reset()
	s.failed = false
	if s.closed {
		return ""
	}
	if q := s.pending; q != nil {
		s.pending = nil
		q.answer(s, strings.TrimRight(input, "\r\n"))
		s.refresh()
		return s.out.String()
	}
	line := strings.TrimRight(input, "\r\n")
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "", strings.HasPrefix(trimmed, "!"):
		return ""
	case strings.HasSuffix(trimmed, "?"):
		s.help(strings.TrimLeft(line, " \t"))
		return s.out.String()
	}
	s.run(line, s.Prompt())
	s.refresh()
	return s.out.String()
}

// run resolves and runs line, typed after prompt.
func (s *Session) run(line, prompt string) {
	cmd, spec, specPos, piped := cli.SplitPipe(line)
	var filter *cli.OutputFilter
	if piped {
		var perr *cli.ParseError
		if filter, perr = cli.IOSFilters.Parse(spec, specPos); perr != nil {
			s.parseError(line, prompt, perr)
			return
		}
	}
	c, perr := commands.Resolve(cmd, s.mode)
	if perr != nil && subModes.Has(s.mode) && perr.Kind == cli.ErrInvalid {
		// A global configuration command typed in a sub-mode leaves
		// the sub-mode and runs, as on IOS.
		if c2, perr2 := commands.Resolve(cmd, ModeConfig); perr2 == nil {
			s.mode, s.target, c, perr = ModeConfig, "", c2, nil
		}
	}
	if perr != nil {
		s.parseError(line, prompt, perr)
		return
	}
	c.Prompt = prompt
	start := s.out.Len()
	commands.Run(s, c)
	if filter != nil {
		out := s.out.String()
		s.out.Reset()
		s.out.WriteString(out[:start])
		s.out.WriteString(filter.Apply(out[start:]))
	}
}

// parseError prints IOS's error for a line that does not resolve.
func (s *Session) parseError(line, prompt string, e *cli.ParseError) {
	switch e.Kind {
	case cli.ErrAmbiguous:
		s.fail(`% Ambiguous command:  "` + strings.TrimSpace(line) + `"`)
	case cli.ErrIncomplete:
		incomplete(s)
	default:
		toks := cli.Tokenize(line)
		if execModes.Has(s.mode) && len(toks) == 1 && e.Pos == toks[0].Pos {
			// A lone unknown word in EXEC is taken for a host to
			// connect to, which the router cannot resolve.
			s.fail("Translating \""+toks[0].Text+"\"", "% Unknown command or computer name, or unable to find computer address")
			return
		}
		s.caret(prompt, e.Pos)
	}
}

// caret is IOS's marker under the offending word, its error line and the
// blank line after it.
func (s *Session) caret(prompt string, pos int) {
	s.fail(strings.Repeat(" ", len(prompt)+pos)+"^", "% Invalid input detected at '^' marker.", "")
}

// invalidArg marks argument i of call c.
func (s *Session) invalidArg(c *cli.Call, i int) {
	pos := len(c.Line)
	if i < len(c.Args) {
		pos = c.Args[i].Pos
	}
	s.caret(c.Prompt, pos)
}

func (s *Session) help(line string) {
	if _, spec, _, piped := cli.SplitPipe(line); piped {
		if strings.TrimSpace(strings.TrimSuffix(spec, "?")) == "" {
			s.println(cli.IOSFilters.Help()...)
		} else {
			s.println("  LINE  Regular Expression")
		}
		s.println("")
		return
	}
	lines := commands.Help(line, s.mode)
	if lines == nil {
		toks := cli.Tokenize(strings.TrimSuffix(line, "?"))
		pos := 0
		if len(toks) > 0 {
			pos = toks[len(toks)-1].Pos
		}
		s.caret(s.Prompt(), pos)
		return
	}
	s.println(lines...)
	s.println("")
}

// view reads the router, printing IOS's line for a failure.
func (s *Session) view(fn func(d *ios.Device)) bool {
	if err := s.b.View(fn); err != nil {
		s.fail(errorLine(err))
		return false
	}
	return true
}

// update changes the router; on error it prints the line for it.
func (s *Session) update(fn func(d *ios.Device) error) bool {
	if err := s.b.Update(fn); err != nil {
		s.fail(errorLine(err))
		return false
	}
	return true
}

// configure changes the running configuration with fn and records who
// changed it; on error it prints the line for it.
func (s *Session) configure(fn func(d *ios.Device) error) bool {
	return s.update(func(d *ios.Device) error {
		if err := fn(d); err != nil {
			return err
		}
		d.ConfigChanged(s.user, s.b.Now())
		return nil
	})
}

// now is the lab time.
func (s *Session) now() time.Time { return s.b.Now() }

// errorLine is IOS's wording of a domain error.
func errorLine(err error) string {
	switch {
	case errors.Is(err, headend.ErrUnavailable):
		return "% The router is reloading"
	}
	return "% " + strings.TrimPrefix(strings.TrimPrefix(err.Error(), "headend: "), "ios: ")
}
