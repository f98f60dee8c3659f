package console

import (
	"fmt"
	"sort"
	"strings"
)

// Mode is a CLI mode; it decides the prompt and which commands exist.
type Mode int

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

// modeSet is a set of modes.
type modeSet uint16

func modes(ms ...Mode) modeSet {
	var s modeSet
	for _, m := range ms {
		s |= 1 << m
	}
	return s
}

func (s modeSet) has(m Mode) bool { return s&(1<<m) != 0 }

var (
	anyMode     = modes(ModeUser, ModePriv, ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy)
	privAndUp   = modes(ModePriv, ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy)
	configModes = modes(ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy)
)

// argKind says what a command takes after its keywords.
type argKind int

const (
	argNone argKind = iota
	// argWord: exactly one free word (a hostname).
	argWord
	// argKey: five hex words, then optionally activate|deactivate.
	argKey
)

// handler runs a resolved command. args are the tokens after the keywords.
type handler func(s *Session, c *call)

// node is one keyword in the command tree. A node with a handler ends a
// command in its runModes; its kids extend it.
type node struct {
	word     string
	help     [numModes]string // per mode: `exit` leaves the EXEC or a mode
	modes    modeSet          // where the keyword exists
	runModes modeSet          // where it ends a command: `enable` in user EXEC mode, not in configuration mode
	kids     []*node
	run      handler
	args     argKind
	argHelp  string // "<WORD>  Hostname", shown by `?` where arguments go
	// alt is the command the keyword ends in other modes, with its own
	// handler and arguments (and its own alt for yet other modes):
	// `enable` turns on privileged commands in user EXEC mode and names
	// an interface under webvpn.
	alt *node
}

// cmd is the node whose handler and arguments serve mode m.
func (n *node) cmd(m Mode) *node {
	for a := n.alt; a != nil; a = a.alt {
		if a.runModes.has(m) {
			return a
		}
	}
	return n
}

// runnable reports whether the keyword ends a command in mode m.
func (n *node) runnable(m Mode) bool {
	c := n.cmd(m)
	return c.run != nil && c.runModes.has(m)
}

func (n *node) kid(word string) *node {
	for _, k := range n.kids {
		if k.word == word {
			return k
		}
	}
	return nil
}

// registry is the console's one command table: every command, its modes and
// its help, for the Exec API and the SSH console alike.
type registry struct {
	root node
}

// add registers the keyword path with the help of its last keyword; help of
// intermediate keywords comes from earlier add or describe calls.
func (r *registry) add(ms modeSet, path string, help string, args argKind, argHelp string, run handler) {
	n := &r.root
	words := strings.Fields(path)
	for i, w := range words {
		k := n.kid(w)
		if k == nil {
			k = &node{word: w}
			n.kids = append(n.kids, k)
			sort.Slice(n.kids, func(a, b int) bool { return n.kids[a].word < n.kids[b].word })
		}
		k.modes |= ms
		if i == len(words)-1 {
			for m := range numModes {
				if ms.has(m) {
					k.help[m] = help
				}
			}
			// A keyword already ending a command in other modes
			// ends this one in ms: the first node of the chain
			// whose modes meet ms takes it, or a new one at its end.
			c := k
			for c.run != nil && c.runModes&ms == 0 {
				if c.alt == nil {
					c.alt = &node{word: w}
				}
				c = c.alt
			}
			c.run, c.args, c.argHelp = run, args, argHelp
			c.runModes |= ms
		}
		n = k
	}
}

// describe sets the help of an intermediate keyword in the modes ms: `enable`
// turns on privileged commands in EXEC mode and sets its password in
// configuration mode.
func (r *registry) describe(ms modeSet, path, help string) {
	n := &r.root
	for _, w := range strings.Fields(path) {
		if n = n.kid(w); n == nil {
			panic("console: describe of unregistered path " + path)
		}
	}
	for m := range numModes {
		if ms.has(m) {
			n.help[m] = help
		}
	}
}

// helpIn is the help of a keyword in mode m, or its help in any mode.
func (n *node) helpIn(m Mode) string {
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

// token is one word of an input line and where it starts.
type token struct {
	text string
	pos  int
}

func tokenize(line string) []token {
	var out []token
	start := -1
	for i := 0; i <= len(line); i++ {
		space := i == len(line) || line[i] == ' ' || line[i] == '\t'
		switch {
		case space && start >= 0:
			out = append(out, token{line[start:i], start})
			start = -1
		case !space && start < 0:
			start = i
		}
	}
	return out
}

// parseError is how a line fails to resolve; the session prints it the ASA
// way.
type parseError struct {
	kind int // errInvalid, errAmbiguous, errIncomplete
	pos  int // column of the offending token, for the caret
	word string
	// named: errIncomplete for a command that runs in other modes only
	// (`enable` in configuration mode). The session treats it as a
	// command that reports its own error.
	named bool
}

const (
	errInvalid = iota
	errAmbiguous
	errIncomplete
)

// call is a resolved command.
type call struct {
	node *node
	args []token
	line string
	// prompt is what the line was typed after, for the caret: a global
	// command typed in a sub-mode runs in configuration mode, whose prompt
	// is shorter.
	prompt string
}

// arg is the text of argument i, or "" if the call has fewer arguments:
// an error line may quote an argument the refused command did not need.
func (c *call) arg(i int) string {
	if i < len(c.args) {
		return c.args[i].text
	}
	return ""
}

// match finds the kids of n available in mode whose keyword starts with
// word; an exact keyword wins over longer ones.
func (n *node) match(word string, m Mode) []*node {
	var out []*node
	lw := strings.ToLower(word)
	for _, k := range n.kids {
		if !k.modes.has(m) {
			continue
		}
		if k.word == lw {
			return []*node{k}
		}
		if strings.HasPrefix(k.word, lw) {
			out = append(out, k)
		}
	}
	return out
}

// resolve walks the tree with unique-prefix matching ("sh ver", "conf t").
func (r *registry) resolve(line string, m Mode) (*call, *parseError) {
	toks := tokenize(line)
	n := &r.root
	for i, t := range toks {
		ms := n.match(t.text, m)
		if len(ms) != 1 && n.runnable(m) && n.cmd(m).args != argNone {
			// A keyword that follows wins over free arguments:
			// `show interface ip brief`, `show interface NAME`.
			return &call{node: n.cmd(m), args: toks[i:], line: line}, nil
		}
		switch len(ms) {
		case 0:
			return nil, &parseError{kind: errInvalid, pos: t.pos}
		case 1:
			n = ms[0]
		default:
			return nil, &parseError{kind: errAmbiguous, pos: t.pos, word: t.text}
		}
	}
	if !n.runnable(m) {
		return nil, &parseError{kind: errIncomplete, named: n.run != nil}
	}
	return &call{node: n.cmd(m), line: line}, nil
}

// help answers a line that ends in '?': the keywords that can follow (after
// a space) or that complete the last word (no space).
func (r *registry) help(line string, m Mode) []string {
	body := strings.TrimSuffix(line, "?")
	partial := ""
	if !strings.HasSuffix(body, " ") && strings.TrimSpace(body) != "" {
		toks := tokenize(body)
		partial = toks[len(toks)-1].text
		body = body[:toks[len(toks)-1].pos]
	}
	n := &r.root
	for _, t := range tokenize(body) {
		ms := n.match(t.text, m)
		if len(ms) != 1 {
			if c := n.cmd(m); c.run != nil && c.args != argNone {
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
		if k.modes.has(m) {
			width = max(width, len(k.word)+1)
		}
	}
	for _, k := range n.kids {
		if k.modes.has(m) {
			out = append(out, fmt.Sprintf("  %-*s %s", width, k.word, k.helpIn(m)))
		}
	}
	c := n.cmd(m)
	if n != &r.root && c.args != argNone && c.argHelp != "" {
		out = append(out, "  "+c.argHelp)
	}
	if n != &r.root && c.run != nil && c.args == argNone {
		out = append(out, "  <cr>")
	}
	return out
}
