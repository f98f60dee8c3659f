package cli

import (
	"fmt"
	"sort"
	"strings"
)

// The command registry every console shares: a tree of keywords with the
// modes each exists and runs in, unique-prefix abbreviations ("sh ver",
// "conf t"), `?` help, and the errors a line that does not resolve gets.
// The family names its modes (small integers below MaxModes) and its
// commands; S is its session type, which the handlers act on.

// Mode is a CLI mode of a family's console (host>, host#, host(config)#,
// ...); it decides the prompt and which commands exist.
type Mode int

// MaxModes bounds the modes of a console.
const MaxModes = 16

// ModeSet is a set of modes.
type ModeSet uint16

// Modes is the set of ms.
func Modes(ms ...Mode) ModeSet {
	var s ModeSet
	for _, m := range ms {
		s |= 1 << m
	}
	return s
}

// Has reports whether m is in the set.
func (s ModeSet) Has(m Mode) bool { return s&(1<<m) != 0 }

// ArgKind says what a command takes after its keywords; ArgNone: nothing.
// Other values are the family's own (a word, a key...): the registry only
// tells none from some.
type ArgKind int

// ArgNone: the command takes no arguments.
const ArgNone ArgKind = 0

// Handler runs a resolved command.
type Handler[S any] func(s S, c *Call)

// node is one keyword in the command tree. A node with a handler ends a
// command in its runModes; its kids extend it.
type node[S any] struct {
	word     string
	help     [MaxModes]string // per mode: `exit` leaves the EXEC or a mode
	modes    ModeSet          // where the keyword exists
	runModes ModeSet          // where it ends a command: `enable` in user EXEC mode, not in configuration mode
	kids     []*node[S]
	run      Handler[S]
	args     ArgKind
	argHelp  string // "<WORD>  Hostname", shown by `?` where arguments go
	// alt is the command the keyword ends in other modes, with its own
	// handler and arguments (and its own alt for yet other modes):
	// `enable` turns on privileged commands in user EXEC mode and names
	// an interface under webvpn.
	alt *node[S]
}

// cmd is the node whose handler and arguments serve mode m.
func (n *node[S]) cmd(m Mode) *node[S] {
	for a := n.alt; a != nil; a = a.alt {
		if a.runModes.Has(m) {
			return a
		}
	}
	return n
}

// runnable reports whether the keyword ends a command in mode m.
func (n *node[S]) runnable(m Mode) bool {
	c := n.cmd(m)
	return c.run != nil && c.runModes.Has(m)
}

func (n *node[S]) kid(word string) *node[S] {
	for _, k := range n.kids {
		if k.word == word {
			return k
		}
	}
	return nil
}

// Registry is a console's one command table: every command, its modes and
// its help.
type Registry[S any] struct {
	root node[S]
}

// Add registers the keyword path with the help of its last keyword; help of
// intermediate keywords comes from earlier Add or Describe calls.
func (r *Registry[S]) Add(ms ModeSet, path string, help string, args ArgKind, argHelp string, run Handler[S]) {
	n := &r.root
	words := strings.Fields(path)
	for i, w := range words {
		k := n.kid(w)
		if k == nil {
			k = &node[S]{word: w}
			n.kids = append(n.kids, k)
			sort.Slice(n.kids, func(a, b int) bool { return n.kids[a].word < n.kids[b].word })
		}
		k.modes |= ms
		if i == len(words)-1 {
			for m := range Mode(MaxModes) {
				if ms.Has(m) {
					k.help[m] = help
				}
			}
			// A keyword already ending a command in other modes
			// ends this one in ms: the first node of the chain
			// whose modes meet ms takes it, or a new one at its end.
			c := k
			for c.run != nil && c.runModes&ms == 0 {
				if c.alt == nil {
					c.alt = &node[S]{word: w}
				}
				c = c.alt
			}
			c.run, c.args, c.argHelp = run, args, argHelp
			c.runModes |= ms
		}
		n = k
	}
}

// Describe sets the help of an intermediate keyword in the modes ms: `enable`
// turns on privileged commands in EXEC mode and sets its password in
// configuration mode.
func (r *Registry[S]) Describe(ms ModeSet, path, help string) {
	n := &r.root
	for _, w := range strings.Fields(path) {
		if n = n.kid(w); n == nil {
			panic("cli: Describe of unregistered path " + path)
		}
	}
	for m := range Mode(MaxModes) {
		if ms.Has(m) {
			n.help[m] = help
		}
	}
}

// helpIn is the help of a keyword in mode m, or its help in any mode.
func (n *node[S]) helpIn(m Mode) string {
	if n.help[m] != "" {
		return n.help[m]
	}
	for _, h := range n.help {
		if h != "" {
			return h
		}
	}
	return ""
}

// Token is one word of an input line and where it starts.
type Token struct {
	Text string
	Pos  int
}

// Tokenize splits a line into words at spaces and tabs.
func Tokenize(line string) []Token {
	var out []Token
	start := -1
	for i := 0; i <= len(line); i++ {
		space := i == len(line) || line[i] == ' ' || line[i] == '\t'
		switch {
		case space && start >= 0:
			out = append(out, Token{line[start:i], start})
			start = -1
		case !space && start < 0:
			start = i
		}
	}
	return out
}

// ParseError is how a line fails to resolve; the session prints it its
// device's way.
type ParseError struct {
	Kind int // ErrInvalid, ErrAmbiguous, ErrIncomplete
	Pos  int // column of the offending token, for the caret
	Word string
	// Named: ErrIncomplete for a command that runs in other modes only
	// (`enable` in configuration mode). The session treats it as a
	// command that reports its own error.
	Named bool
}

// Kinds of ParseError.
const (
	ErrInvalid = iota
	ErrAmbiguous
	ErrIncomplete
)

// Call is a resolved command.
type Call struct {
	// Args are the tokens after the keywords.
	Args []Token
	Line string
	// Prompt is what the line was typed after, for the caret: a global
	// command typed in a sub-mode runs in configuration mode, whose prompt
	// is shorter.
	Prompt string
	run    any // the node's Handler[S]
}

// Arg is the text of argument i, or "" if the call has fewer arguments:
// an error line may quote an argument the refused command did not need.
func (c *Call) Arg(i int) string {
	if i < len(c.Args) {
		return c.Args[i].Text
	}
	return ""
}

// match finds the kids of n available in mode whose keyword starts with
// word; an exact keyword wins over longer ones.
func (n *node[S]) match(word string, m Mode) []*node[S] {
	var out []*node[S]
	lw := strings.ToLower(word)
	for _, k := range n.kids {
		if !k.modes.Has(m) {
			continue
		}
		if k.word == lw {
			return []*node[S]{k}
		}
		if strings.HasPrefix(k.word, lw) {
			out = append(out, k)
		}
	}
	return out
}

// Resolve walks the tree with unique-prefix matching ("sh ver", "conf t").
func (r *Registry[S]) Resolve(line string, m Mode) (*Call, *ParseError) {
	toks := Tokenize(line)
	n := &r.root
	for i, t := range toks {
		ms := n.match(t.Text, m)
		if len(ms) != 1 && n.runnable(m) && n.cmd(m).args != ArgNone {
			// A keyword that follows wins over free arguments:
			// `show interface ip brief`, `show interface NAME`.
			return &Call{run: n.cmd(m).run, Args: toks[i:], Line: line}, nil
		}
		switch len(ms) {
		case 0:
			return nil, &ParseError{Kind: ErrInvalid, Pos: t.Pos}
		case 1:
			n = ms[0]
		default:
			return nil, &ParseError{Kind: ErrAmbiguous, Pos: t.Pos, Word: t.Text}
		}
	}
	if !n.runnable(m) {
		return nil, &ParseError{Kind: ErrIncomplete, Named: n.run != nil}
	}
	return &Call{run: n.cmd(m).run, Line: line}, nil
}

// Run runs a resolved call's handler on s.
func (r *Registry[S]) Run(s S, c *Call) { c.run.(Handler[S])(s, c) }

// Help answers a line that ends in '?': the keywords that can follow (after
// a space) or that complete the last word (no space).
func (r *Registry[S]) Help(line string, m Mode) []string {
	body := strings.TrimSuffix(line, "?")
	partial := ""
	if !strings.HasSuffix(body, " ") && strings.TrimSpace(body) != "" {
		toks := Tokenize(body)
		partial = toks[len(toks)-1].Text
		body = body[:toks[len(toks)-1].Pos]
	}
	n := &r.root
	for _, t := range Tokenize(body) {
		ms := n.match(t.Text, m)
		if len(ms) != 1 {
			if c := n.cmd(m); c.run != nil && c.args != ArgNone {
				return []string{"<cr>"}
			}
			return nil
		}
		n = ms[0]
	}
	if partial != "" {
		var out []string
		for _, k := range n.match(partial, m) {
			out = append(out, k.word)
		}
		return out
	}
	var out []string
	width := 26
	for _, k := range n.kids {
		if k.modes.Has(m) {
			width = max(width, len(k.word)+1)
		}
	}
	for _, k := range n.kids {
		if k.modes.Has(m) {
			out = append(out, fmt.Sprintf("  %-*s %s", width, k.word, k.helpIn(m)))
		}
	}
	c := n.cmd(m)
	if n != &r.root && c.args != ArgNone && c.argHelp != "" {
		out = append(out, "  "+c.argHelp)
	}
	if n != &r.root && c.run != nil && c.args == ArgNone {
		out = append(out, "  <cr>")
	}
	return out
}
