package cli

import (
	"math"
	"strings"
)

// Script is a session run line by line, with no terminal: a Session that
// says whether each line was answered with an error.
type Script interface {
	Session
	// Failed reports whether the last line was answered with an error.
	Failed() bool
}

// Result is one input line of a scripted session and what it printed.
type Result struct {
	Input  string
	Output string
	// Error: the line answered with an error (Script.Failed).
	Error bool
}

// Run feeds lines to a session and returns the transcript, as a terminal
// would show it: prompt, echoed input, output, next prompt. It stops early if
// the session ends (exit, reload).
func Run(s Script, lines []string) (string, []Result) {
	t, results, _ := RunLimit(s, lines, math.MaxInt)
	return t, results
}

// RunLimit is Run with a budget: it stops after the line that takes the
// transcript and the results together (inputs and outputs) past limit bytes,
// and reports over. The lines after it do not run, so a caller refusing an
// oversized answer never holds more than the limit plus one line's output.
func RunLimit(s Script, lines []string, limit int) (transcript string, results []Result, over bool) {
	var t strings.Builder
	results = make([]Result, 0, len(lines))
	t.WriteString(s.Prompt())
	size := t.Len()
	for _, l := range lines {
		if s.Closed() {
			break
		}
		before := t.Len()
		t.WriteString(s.Echo(l))
		t.WriteByte('\n')
		out := s.Line(l)
		t.WriteString(out)
		results = append(results, Result{Input: l, Output: out, Error: s.Failed()})
		if !s.Closed() {
			t.WriteString(s.Prompt())
		}
		size += t.Len() - before + len(l) + len(out)
		if size > limit {
			return t.String(), results, true
		}
	}
	return t.String(), results, false
}
