package console

import (
	"fmt"
	"regexp"
	"strings"
)

// outputFilter is the ASA's "| include|exclude|begin|grep [-v] REGEX" after a
// command, which automation tools rely on ("show running-config | include
// checksum:").
type outputFilter struct {
	kind   string
	invert bool
	re     *regexp.Regexp
}

var filterKinds = []struct{ word, help string }{
	{"begin", "Begin with the line that matches"},
	{"exclude", "Exclude lines that match"},
	{"grep", "Include/exclude lines that match"},
	{"include", "Include lines that match"},
}

// splitPipe cuts a line at its first '|'. The filter's token positions are
// relative to the whole line, for the caret.
func splitPipe(line string) (cmd string, spec string, specPos int, ok bool) {
	i := strings.IndexByte(line, '|')
	if i < 0 {
		return line, "", 0, false
	}
	return line[:i], line[i+1:], i + 1, true
}

// parseFilter reads the part after '|'.
func parseFilter(spec string, offset int) (*outputFilter, *parseError) {
	toks := tokenize(spec)
	if len(toks) == 0 {
		return nil, &parseError{kind: errIncomplete}
	}
	kind := pick(toks[0].text, "begin", "exclude", "grep", "include")
	if kind == "" {
		return nil, &parseError{kind: errInvalid, pos: offset + toks[0].pos}
	}
	f := &outputFilter{kind: kind}
	rest := toks[1:]
	if kind == "grep" && len(rest) > 0 && rest[0].text == "-v" {
		f.invert, rest = true, rest[1:]
	}
	if len(rest) == 0 {
		return nil, &parseError{kind: errIncomplete}
	}
	expr := spec[rest[0].pos:]
	re, err := regexp.Compile(expr)
	if err != nil {
		re = regexp.MustCompile(regexp.QuoteMeta(expr))
	}
	f.re = re
	return f, nil
}

// apply filters command output line by line.
func (f *outputFilter) apply(out string) string {
	if out == "" {
		return out
	}
	lines := strings.SplitAfter(out, "\n")
	var b strings.Builder
	begun := false
	for _, l := range lines {
		if l == "" {
			continue
		}
		m := f.re.MatchString(strings.TrimRight(l, "\n"))
		keep := false
		switch f.kind {
		case "include":
			keep = m
		case "exclude":
			keep = !m
		case "grep":
			keep = m != f.invert
		case "begin":
			begun = begun || m
			keep = begun
		}
		if keep {
			b.WriteString(l)
		}
	}
	return b.String()
}

// filterHelp answers '?' after a '|'.
func filterHelp() []string {
	out := make([]string, 0, len(filterKinds))
	for _, k := range filterKinds {
		out = append(out, fmt.Sprintf("  %-26s %s", k.word, k.help))
	}
	return out
}
