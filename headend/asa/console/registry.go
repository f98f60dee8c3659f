package console

import "github.com/asalab/asalab/headend/cli"

// Mode is a CLI mode; it decides the prompt and which commands exist.
type Mode = cli.Mode

// CLI modes of an ASA.
const (
	ModeUser        Mode = iota // host>
	ModePriv                    // host#
	ModeConfig                  // host(config)#
	ModeWebVPN                  // host(config-webvpn)#
	ModeIf                      // host(config-if)#
	ModeGroupPolicy             // host(config-group-policy)#
	numModes
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
	anyMode     = modes(ModeUser, ModePriv, ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy)
	privAndUp   = modes(ModePriv, ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy)
	configModes = modes(ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy)
)

// What a command takes after its keywords.
const (
	argNone = cli.ArgNone
	// argWord: exactly one free word (a hostname).
	argWord argKind = iota
	// argKey: five hex words, then optionally activate|deactivate.
	argKey
)

const (
	errInvalid    = cli.ErrInvalid
	errAmbiguous  = cli.ErrAmbiguous
	errIncomplete = cli.ErrIncomplete
)
