package replay

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Errors of a replay.
var (
	// ErrNoPrompt: the text has no prompt line: it is not a transcript.
	ErrNoPrompt = errors.New("sim: not a transcript: no prompt line (HOST#, HOST>, HOST(config)#)")
	// ErrStartMode: the capture starts in a configuration sub-mode, which
	// the replay cannot enter without the command that entered it.
	ErrStartMode = errors.New("sim: the transcript starts in a configuration sub-mode")
	// ErrInvalidIgnore: an --ignore pattern is not a valid regular
	// expression.
	ErrInvalidIgnore = errors.New("sim: invalid ignore pattern")
	// ErrTooLarge: the transcript holds more commands, or the replay
	// printed more, than one replay may.
	ErrTooLarge = errors.New("sim: replay too large")
)

// Transcript is a parsed capture.
type Transcript struct {
	// Host is the hostname of the first prompt.
	Host string
	// StartMode is the mode of the first prompt: ">", "#" or "(config)#".
	StartMode string
	Commands  []Command
}

// Command is one command of a transcript and what the device printed.
type Command struct {
	// Line is the transcript's line number of the prompt line (from 1).
	Line int
	// Prompt is the prompt the command was typed at ("asa1(config)#").
	Prompt string
	Input  string
	// Expected are the output lines, cleaned of line ends and pager
	// remnants (see the package doc).
	Expected []string
	// NextPrompt is the prompt after the output ("asa1(config-if)#"),
	// NextMode its mode ("(config-if)#"); empty when the capture ends
	// first.
	NextPrompt, NextMode string
}

// promptRE is an ASA prompt line: host, `prompt` parts (context, failover
// priority and state), configuration mode, > or #, then what was typed.
var promptRE = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]{0,62})((?:/[A-Za-z0-9._-]+)*)(\([a-z][a-z0-9-]*\))?([#>])(?:\s(.*))?$`)

// renamesTo is the hostname a configuration command gives the device
// (`hostname NAME`, `no hostname`: the factory name), "" for any other.
func renamesTo(input string) string {
	f := strings.Fields(input)
	keyword := func(w string) bool { return len(w) >= 4 && strings.HasPrefix("hostname", w) }
	switch {
	case len(f) == 2 && keyword(f[0]):
		return f[1]
	case len(f) == 2 && f[0] == "no" && keyword(f[1]):
		return "ciscoasa"
	}
	return ""
}

// prompt splits a prompt line: host, mode (">" "#" "(config)#" ...), the
// prompt itself and the input.
func prompt(line string) (host, mode, p, input string, ok bool) {
	m := promptRE.FindStringSubmatch(line)
	if m == nil {
		return "", "", "", "", false
	}
	p = m[1] + m[2] + m[3] + m[4]
	return m[1], m[3] + m[4], p, strings.TrimSpace(m[5]), true
}

// Mode is the mode part of a prompt ("#", ">", "(config-if)#"), "" when
// p is no prompt (a question: "Password: ").
func Mode(p string) string {
	_, mode, _, _, ok := prompt(strings.TrimSpace(p))
	if !ok {
		return ""
	}
	return mode
}

// Parse reads a transcript (see the package doc for the accepted forms).
func Parse(text string) (Transcript, error) {
	lines, nums := cleanLines(text)
	var t Transcript
	var cur *Command
	host, next := "", "" // next: the host a `hostname` command moves to
	for i, l := range lines {
		n := nums[i]
		h, mode, p, input, ok := prompt(l)
		if ok && host != "" && h != host && h != next {
			ok = false // output that looks like a prompt of another device
		}
		if !ok {
			if cur != nil {
				cur.Expected = append(cur.Expected, l)
			}
			continue
		}
		if host == "" {
			t.Host, t.StartMode = h, mode
		}
		host, next = h, ""
		if cur != nil {
			cur.NextPrompt, cur.NextMode = p, mode
			t.Commands = append(t.Commands, *cur)
			cur = nil
		}
		if input == "" {
			// A bare Enter prints nothing; if it printed something,
			// that output is compared as the output of an empty line.
			cur = &Command{Line: n, Prompt: p}
			continue
		}
		cur = &Command{Line: n, Prompt: p, Input: input}
		if strings.HasPrefix(mode, "(config") {
			next = renamesTo(input)
		}
	}
	if host == "" {
		return Transcript{}, ErrNoPrompt
	}
	if cur != nil {
		t.Commands = append(t.Commands, *cur)
	}
	// Bare Enters that printed nothing are not commands.
	cmds := t.Commands[:0]
	for _, c := range t.Commands {
		if c.Input != "" || len(trimBlank(c.Expected)) > 0 {
			cmds = append(cmds, c)
		}
	}
	t.Commands = cmds
	if t.StartMode != ">" && t.StartMode != "#" && t.StartMode != "(config)#" {
		return Transcript{}, fmt.Errorf("%w: its first prompt is %s%s; start the capture at a HOST# or HOST> prompt", ErrStartMode, t.Host, t.StartMode)
	}
	return t, nil
}

// ansiRE is an ANSI escape sequence (CSI or a two-byte one).
var ansiRE = regexp.MustCompile(`\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])`)

// moreRE is the ASA pager's prompt with the blanks that erased it.
var moreRE = regexp.MustCompile(`<--- More --->[ \t]*`)

// cleanLines splits text into lines as a terminal would have shown them:
// line ends, carriage returns and backspaces applied, escape sequences
// and pager prompts removed; nums are their line numbers in text, which a
// pager's line dropped does not shift.
func cleanLines(text string) (out []string, nums []int) {
	text = strings.TrimSuffix(text, "\n")
	raw := strings.Split(text, "\n")
	out, nums = make([]string, 0, len(raw)), make([]int, 0, len(raw))
	for i, l := range raw {
		l = strings.TrimRight(l, "\r")
		if strings.IndexByte(l, 0x1b) >= 0 {
			l = ansiRE.ReplaceAllString(l, "")
		}
		more := strings.Contains(l, "<--- More --->")
		if strings.ContainsAny(l, "\r\b") {
			l = overwrite(l)
		}
		if more {
			l = moreRE.ReplaceAllString(l, "")
			if strings.TrimSpace(l) == "" {
				continue // the pager's line, erased or not
			}
		}
		out, nums = append(out, l), append(nums, i+1)
	}
	return out, nums
}

// overwrite plays a line with carriage returns and backspaces on a line
// of screen: what is left visible, trailing blanks dropped.
func overwrite(l string) string {
	var screen []rune
	col := 0
	for _, r := range l {
		switch r {
		case '\r':
			col = 0
		case '\b':
			if col > 0 {
				col--
			}
		default:
			if col < len(screen) {
				screen[col] = r
			} else {
				screen = append(screen, r)
			}
			col++
		}
	}
	return strings.TrimRight(string(screen), " ")
}

// trimBlank drops blank lines at the start and the end.
func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// ErrNotBareOutput: a command was given for a text that is a transcript
// already.
var ErrNotBareOutput = errors.New("sim: not a bare output")

// FromOutput is the transcript of one command's output captured without
// its prompt line, as `twin` takes a `show version`: the output after a
// prompt line "HOSTNAME# command", the line the report numbers 1 (the
// output's first line is its line 2). Text with a prompt line of its own
// is refused: its commands are its own.
func FromOutput(hostname, command, output string) (string, error) {
	command = strings.TrimSpace(command)
	if command == "" || strings.ContainsAny(command, "\r\n") {
		return "", fmt.Errorf("%w: the command is one non-empty line", ErrNotBareOutput)
	}
	if t, err := Parse(output); err == nil && len(t.Commands) > 0 {
		return "", fmt.Errorf("%w: line %d is a prompt line (%s# %s): the text is a transcript, replay it without a command",
			ErrNotBareOutput, t.Commands[0].Line, t.Host, t.Commands[0].Input)
	}
	return hostname + "# " + command + "\n" + output, nil
}
