package replay

import (
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend/cli"
)

// Status is how a command's output compared.
type Status int

// Statuses.
const (
	// Same: the outputs are equal once normalised.
	Same Status = iota + 1
	// Differs: they are not (Result.Diff says how).
	Differs
	// NotCompared: a login step (enable, login) whose answers are not in
	// the capture; the replay went on in the mode the capture shows.
	NotCompared
)

func (s Status) String() string {
	switch s {
	case Same:
		return "same"
	case Differs:
		return "differs"
	case NotCompared:
		return "not compared"
	}
	return "unknown"
}

// Result is one command replayed.
type Result struct {
	Command
	Status Status
	// Diff is the unified diff, expected (the capture) to actual (the
	// headend), headed by the command; empty unless Status is Differs.
	Diff string
	// Note says why a command was not compared, or did not run.
	Note string
}

// Report is a whole replay.
type Report struct {
	Hostname string
	Results  []Result
}

// Differs reports whether any command's output differs.
func (r *Report) Differs() bool { return r.Count(Differs) > 0 }

// Count is the number of results with status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, res := range r.Results {
		if res.Status == s {
			n++
		}
	}
	return n
}

// Summary is the report's last line: "replay on p1: 12 commands, 11 the
// same, 1 differs".
func (r *Report) Summary() string {
	s := fmt.Sprintf("replay on %s: %d commands, %d the same, %d differ", r.Hostname, len(r.Results), r.Count(Same), r.Count(Differs))
	if n := r.Count(NotCompared); n > 0 {
		s += fmt.Sprintf(", %d not compared", n)
	}
	return s
}

// Text is the diffs of the commands that differ, in order, then the
// summary line.
func (r *Report) Text() string {
	var b strings.Builder
	for _, res := range r.Results {
		b.WriteString(res.Diff)
	}
	b.WriteString(r.Summary())
	b.WriteByte('\n')
	return b.String()
}

// Open opens a console session on the headend, privileged or in user
// EXEC, logged in as user ("" for a session entered with enable alone).
type Open func(privileged bool, user string) cli.Script

// maxQuestions bounds the questions one command may ask in a row, each
// answered with Enter.
const maxQuestions = 8

// MaxBytes bounds a transcript: a capture of a few hundred commands,
// `show running-config` of a large headend among them, is well within.
const MaxBytes = 4 << 20

// Prepare reads a transcript for Run, with the rules of the volatile
// fields and the patterns ignore adds: a bad pattern, text with no prompt
// line, more than MaxBytes of text or more than maxCommands commands is
// refused, before anything runs.
func Prepare(text string, ignore []string, maxCommands int) (Transcript, Rules, error) {
	rules, err := NewRules(ignore)
	if err != nil {
		return Transcript{}, nil, err
	}
	if len(text) > MaxBytes {
		return Transcript{}, nil, fmt.Errorf("%w: the transcript has %d bytes, at most %d", ErrTooLarge, len(text), MaxBytes)
	}
	t, err := Parse(text)
	if err != nil {
		return Transcript{}, nil, err
	}
	if len(t.Commands) > maxCommands {
		return Transcript{}, nil, fmt.Errorf("%w: the transcript has %d commands, at most %d", ErrTooLarge, len(t.Commands), maxCommands)
	}
	return t, rules, nil
}

// Run replays t on the headend whose console open opens, in one session
// (a second, privileged one takes over where the capture logs in with
// enable or login), and compares each command's output under rules. Once
// the headend's outputs pass maxOutput bytes it stops with ErrTooLarge
// after that command; the report holds the commands run.
func Run(hostname string, t Transcript, rules Rules, open Open, maxOutput int) (Report, error) {
	rep := Report{Hostname: hostname, Results: make([]Result, 0, len(t.Commands))}
	s := open(t.StartMode != ">", "")
	if t.StartMode == "(config)#" {
		s.Line("configure terminal")
	}
	size := 0
	for _, c := range t.Commands {
		if s.Closed() {
			rep.Results = append(rep.Results, Result{Command: c, Status: Differs,
				Note: "not run: the console session had ended (exit, reload)",
				Diff: header(c, hostname) + "@@ not run: the headend's console session had ended (exit, logout, reload) @@\n"})
			continue
		}
		actual, login := play(s, c.Input)
		if login {
			s.Abandon()
			note := "not compared: the password is not in the capture"
			user := loginUser(c.Expected)
			switch {
			case strings.HasSuffix(c.NextMode, "#"):
				s = open(true, user)
				note += "; the replay went on in a privileged session, as the capture did"
			case user != "":
				s = open(false, user)
				note += "; the replay went on in user EXEC as " + user + ", as the capture did"
			}
			rep.Results = append(rep.Results, Result{Command: c, Status: NotCompared, Note: note})
			continue
		}
		size += len(actual)
		res := Result{Command: c, Status: Same}
		exp, act := rules.normaliseAll(c.Expected), rules.normaliseAll(lines(actual))
		if c.NextMode != "" && !s.Closed() {
			if got := Mode(s.Prompt()); got != c.NextMode {
				exp = append(exp, "(next prompt) "+c.NextPrompt)
				act = append(act, "(next prompt) "+strings.TrimSpace(s.Prompt()))
			}
		}
		if d := Diff(fmt.Sprintf("%s %s (transcript line %d)", c.Prompt, c.Input, c.Line),
			fmt.Sprintf("%s (replayed on %s)", c.Input, hostname), exp, act); d != "" {
			res.Status, res.Diff = Differs, d
		}
		rep.Results = append(rep.Results, res)
		if size > maxOutput {
			return rep, fmt.Errorf("%w: the headend's outputs passed %d bytes at transcript line %d (command %d of %d); the rest did not run",
				ErrTooLarge, maxOutput, c.Line, len(rep.Results), len(t.Commands))
		}
	}
	return rep, nil
}

// header is the diff header of a command that could not run.
func header(c Command, hostname string) string {
	return fmt.Sprintf("--- %s %s (transcript line %d)\n+++ %s (replayed on %s)\n", c.Prompt, c.Input, c.Line, c.Input, hostname)
}

// play runs a line and answers the questions it asks with Enter, as a
// terminal shows them: the question, the (empty) echo, the output after.
// login reports a question for credentials (Password:, Username:), left
// pending for the caller.
func play(s cli.Script, input string) (out string, login bool) {
	var b strings.Builder
	b.WriteString(s.Line(input))
	for range maxQuestions {
		if !s.Asking() || s.Closed() {
			break
		}
		q := s.Prompt()
		if credential(q) {
			return b.String(), true
		}
		b.WriteString(q)
		b.WriteString(s.Echo(""))
		b.WriteByte('\n')
		b.WriteString(s.Line(""))
	}
	return b.String(), false
}

// loginUser is the user name a login step's output shows (`Username:
// admin`), "" for none.
func loginUser(out []string) string {
	for _, l := range out {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "Username:"); ok {
			if f := strings.Fields(rest); len(f) == 1 {
				return f[0]
			}
		}
	}
	return ""
}

// credential reports whether a question asks for a password or a user
// name.
func credential(q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	return strings.HasSuffix(q, "password:") || strings.HasSuffix(q, "username:")
}

// lines splits output into lines; "" has none.
func lines(out string) []string {
	if out == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}
