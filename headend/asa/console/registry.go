package console

import (
	"time"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
)

// Mode is a CLI mode; it decides the prompt and which commands exist.
type Mode = cli.Mode

// CLI modes of an ASA (command's).
const (
	ModeUser        = command.ModeUser        // host>
	ModePriv        = command.ModePriv        // host#
	ModeConfig      = command.ModeConfig      // host(config)#
	ModeWebVPN      = command.ModeWebVPN      // host(config-webvpn)#
	ModeIf          = command.ModeIf          // host(config-if)#
	ModeGroupPolicy = command.ModeGroupPolicy // host(config-group-policy)#
	numModes        = command.NumModes
)

// The registry machinery is the shared line discipline's (cli.Registry);
// these are its names in the ASA's command set.
type (
	modeSet    = cli.ModeSet
	argKind    = cli.ArgKind
	handler    = cli.Handler[*Session]
	registry   = cli.Registry[*Session]
	call       = cli.Call
	token      = cli.Token
	parseError = cli.ParseError
)

func modes(ms ...Mode) modeSet { return cli.Modes(ms...) }

func tokenize(line string) []token { return cli.Tokenize(line) }

var (
	anyMode     = command.AnyMode
	privAndUp   = command.PrivAndUp
	configModes = command.ConfigModes
)

// What a command takes after its keywords (command's).
const (
	argNone = command.ArgNone
	argWord = command.ArgWord
	argKey  = command.ArgKey
)

const (
	errInvalid    = cli.ErrInvalid
	errAmbiguous  = cli.ErrAmbiguous
	errIncomplete = cli.ErrIncomplete
)

// argCount and intArg are command.ArgCount and command.IntArg.
func argCount(s *Session, c *call, lo, hi int) bool { return command.ArgCount(s, c, lo, hi) }

func intArg(s *Session, c *call, i, lo, hi int) (int, bool) { return command.IntArg(s, c, i, lo, hi) }

// groups is the registry as the command groups of other packages add to
// it (command.Registry): their handlers run on the console's Session.
type groups struct{ r *registry }

func (g groups) Add(ms modeSet, path, help string, args argKind, argHelp string, run command.Handler) {
	g.r.Add(ms, path, help, args, argHelp, func(s *Session, c *call) { run(s, c) })
}

func (g groups) Describe(ms modeSet, path, help string) { g.r.Describe(ms, path, help) }

// The Session as the command groups see it (command.Session).
var _ command.Session = (*Session)(nil)

func (s *Session) Now() time.Time                                  { return s.b.Now() }
func (s *Session) View(fn func(d *asa.Device)) bool                { return s.view(fn) }
func (s *Session) Update(fn func(d *asa.Device) error) bool        { return s.update(fn) }
func (s *Session) Admission() *asa.Admission                       { return s.b.Admission() }
func (s *Session) ConfigChange(fn func(d *asa.Device) error) error { return s.configChange(fn) }
func (s *Session) ConfigUpdate(c *call, fn func(d *asa.Device) error, errLine func(error, *call) string) bool {
	return s.configUpdate(c, fn, errLine)
}
func (s *Session) Print(text string)                         { s.print(text) }
func (s *Session) Println(lines ...string)                   { s.println(lines...) }
func (s *Session) Incomplete()                               { s.incomplete() }
func (s *Session) InvalidArg(c *call, i int)                 { s.invalidArg(c, i) }
func (s *Session) Caret(prompt string, pos int)              { s.caret(prompt, pos) }
func (s *Session) SSHSessions() []asa.SSHSession             { return s.b.SSHSessions() }
func (s *Session) EnterGroupPolicy(name string)              { s.mode, s.vpnName = ModeGroupPolicy, name }
func (s *Session) EnterMode(m Mode, name string)             { s.mode, s.vpnName = m, name }
func (s *Session) SubName() string                           { return s.vpnName }
func (s *Session) Change(fn func(d *asa.Device) error) error { return s.b.Update(fn) }

// Smart is the lab's Smart Software Manager, when the backend reaches one
// (a lab's headend does: family.Host); otherwise a manager that never
// answers.
func (s *Session) Smart() family.SmartManager {
	if h, ok := s.b.(interface{ Smart() family.SmartManager }); ok {
		return h.Smart()
	}
	return unreachable{}
}
func (s *Session) GroupPolicy() string { return s.vpnName }
