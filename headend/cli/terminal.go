package cli

import "strings"

// Session is the command interpreter of one console session behind a
// terminal: it runs whole lines, and the terminal does the rest.
type Session interface {
	// Banner is what the shell prints before the first prompt.
	Banner() string
	// Prompt is the prompt for the next line.
	Prompt() string
	// Line runs a typed line (a line ending in ? asks for help) and
	// returns its output.
	Line(line string) string
	// Echo is what the terminal shows for a typed character: the
	// character, or nothing while a password is typed.
	Echo(typed string) string
	// Closed reports whether the session ended.
	Closed() bool
	// Asking reports whether the session waits for the answer to a
	// question (Password:, [confirm]); ? is then an ordinary character.
	Asking() bool
	// Abandon drops the question asked, as Ctrl-C does.
	Abandon()
	// Pager is the page length of output, 0: no paging.
	Pager() int
}

// Terminal is the line discipline of an interactive console (an SSH shell
// with a pty): it echoes what is typed, edits the line (backspace, DEL,
// Ctrl-U), takes CR, LF, CR LF or CR NUL as one Enter, answers `?` as soon as
// it is typed, pages long output behind `<--- More --->` per the session's
// `terminal pager`, abandons a question ([confirm]) on Ctrl-C, and ends
// output lines with CR LF. Input typed ahead is processed in order, as it
// arrives.
//
// It does no I/O: Input turns what the client sent into what the console
// shows, so that the caller writes the output of a command and the prompt
// after it in one write. Clients depend on that: Ansible takes a prompt at
// the end of a read, with no more data for 0.1 s, as the end of a command's
// output, and Netmiko tests the first chunk that contains the hostname for
// "#".
type Terminal struct {
	s      Session
	line   []byte   // what is typed so far
	lastCR bool     // the previous byte was CR: a LF or NUL after it is part of the same Enter
	esc    escState // inside an escape sequence (arrow keys): swallowed
	more   []string // output lines waiting behind <--- More --->
	out    []byte
}

type escState int

const (
	escNone escState = iota
	escStart
	escCSI // ESC [ ... final byte
	escSS3 // ESC O x
)

const (
	morePrompt = "<--- More --->"
	// maxInputLine bounds a typed line, as the gRPC Exec call does.
	maxInputLine = 4096
)

// MorePrompter is a Session whose device pages with another prompt than
// the ASA's `<--- More --->` (IOS: " --More-- ").
type MorePrompter interface {
	MorePrompt() string
}

// morePrompt is the session's More prompt.
func (t *Terminal) morePrompt() string {
	if m, ok := t.s.(MorePrompter); ok {
		return m.MorePrompt()
	}
	return morePrompt
}

// moreErase wipes the More prompt off its line once a key was pressed.
func (t *Terminal) moreErase() string {
	return "\r" + strings.Repeat(" ", len(t.morePrompt())) + "\r"
}

// NewTerminal puts a terminal in front of a session.
func NewTerminal(s Session) *Terminal { return &Terminal{s: s} }

// Session is the session behind the terminal.
func (t *Terminal) Session() Session { return t.s }

// Start is what the terminal shows when the shell starts: the banner and the
// first prompt.
func (t *Terminal) Start() []byte {
	t.out = nil
	t.emit(t.s.Banner())
	t.emit(t.s.Prompt())
	return t.out
}

// Closed reports whether the session ended (exit, logout, reload): the
// caller shows the last output and hangs up.
func (t *Terminal) Closed() bool { return t.s.Closed() }

// Paging reports whether output waits behind `<--- More --->`.
func (t *Terminal) Paging() bool { return t.more != nil }

// Input processes typed bytes and returns what the terminal shows in answer.
func (t *Terminal) Input(p []byte) []byte {
	t.out = nil
	for _, c := range p {
		if t.s.Closed() {
			break
		}
		t.key(c)
	}
	return t.out
}

// emit adds text to the output with CR LF line ends.
func (t *Terminal) emit(text string) {
	for {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			t.out = append(t.out, text...)
			return
		}
		t.out = append(t.out, text[:i]...)
		t.out = append(t.out, '\r', '\n')
		text = text[i+1:]
	}
}

func (t *Terminal) key(c byte) {
	if t.lastCR && (c == '\n' || c == 0) {
		t.lastCR = false
		return
	}
	t.lastCR = c == '\r'
	if t.more != nil {
		t.pagerKey(c)
		return
	}
	if t.esc != escNone {
		t.escape(c)
		return
	}
	switch {
	case c == '\r' || c == '\n':
		t.enter()
	case c == 0x08 || c == 0x7f:
		if n := len(t.line); n > 0 {
			t.line = t.line[:n-1]
			t.emit("\b \b")
		}
	case c == 0x15: // Ctrl-U: erase the line
		t.emit(strings.Repeat("\b \b", len(t.line)))
		t.line = t.line[:0]
	case c == 0x1b:
		t.esc = escStart
	case c == '?' && !t.s.Asking():
		t.help()
	case c == 0x03 && t.s.Asking():
		t.interrupt()
	case c < 0x20:
		// Other control characters (Tab, Ctrl-C at a prompt, ...) are
		// ignored.
	default:
		if len(t.line) < maxInputLine {
			t.line = append(t.line, c)
			t.emit(t.s.Echo(string(c)))
		}
	}
}

// escape swallows a VT100 escape sequence (arrow and function keys).
func (t *Terminal) escape(c byte) {
	switch t.esc {
	case escStart:
		switch c {
		case '[':
			t.esc = escCSI
		case 'O':
			t.esc = escSS3
		default:
			t.esc = escNone
		}
	case escCSI:
		if c >= 0x40 && c <= 0x7e {
			t.esc = escNone
		}
	case escSS3:
		t.esc = escNone
	}
}

// enter runs the typed line.
func (t *Terminal) enter() {
	t.emit("\n")
	line := string(t.line)
	t.line = t.line[:0]
	t.show(t.s.Line(line))
}

// interrupt answers Ctrl-C at a question ([confirm], Save?, Password:): as on
// Cisco's CLI the command is abandoned (a reload is not done), `^C` is shown
// and the prompt returns, so that the next Enter is an empty line.
func (t *Terminal) interrupt() {
	t.emit("^C\n")
	t.line = t.line[:0]
	t.s.Abandon()
	t.finish()
}

// help answers `?` at once: the help for the line so far, then the prompt
// and the line again, ready to be completed. Ansible's `show running-config
// ?` relies on it: the Enter it sends after the `?` runs `show
// running-config`, whose prompt ends the read.
func (t *Terminal) help() {
	t.emit("?\n")
	t.show(t.s.Line(string(t.line) + "?"))
}

// show prints a command's output, paged, then the prompt (and the line being
// edited, after help) unless the session ended.
func (t *Terminal) show(out string) {
	if out == "" {
		t.finish()
		return
	}
	lines := strings.SplitAfter(out, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	t.more = lines
	t.page(t.s.Pager())
}

// page prints the next n lines of paged output (all when n is 0), then the
// More prompt if some are left, else the prompt.
func (t *Terminal) page(n int) {
	if n <= 0 || n >= len(t.more) || t.s.Closed() {
		n = len(t.more)
	}
	for _, l := range t.more[:n] {
		t.emit(l)
	}
	t.more = t.more[n:]
	if len(t.more) > 0 {
		t.emit(t.morePrompt())
		return
	}
	t.more = nil
	t.finish()
}

// pagerKey answers a key at the More prompt: space shows the next page,
// Enter the next line, q (or Ctrl-C) drops the rest. Other keys are ignored.
func (t *Terminal) pagerKey(c byte) {
	switch c {
	case ' ':
		t.emit(t.moreErase())
		t.page(t.s.Pager())
	case '\r', '\n':
		t.emit(t.moreErase())
		t.page(1)
	case 'q', 'Q', 0x03:
		t.emit(t.moreErase())
		t.more = nil
		t.finish()
	}
}

// finish shows the prompt and the line being edited.
func (t *Terminal) finish() {
	if !t.s.Closed() {
		t.emit(t.s.Prompt())
		t.out = append(t.out, t.line...)
	}
}
