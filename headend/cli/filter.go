package cli

import (
	"fmt"
	"regexp"
	"strings"
)

// OutputFilter is "| include|exclude|begin|grep [-v] REGEX" after a
// command, as the ASA and IOS have it, which automation tools rely on
// ("show running-config | include checksum:").
type OutputFilter struct {
	kind   string
	invert bool
	re     *regexp.Regexp
}

type filterKind struct{ word, help string }

// FilterKinds are the filters a console offers after '|'.
type FilterKinds []filterKind

// ASAFilters are the ASA's.
var ASAFilters = FilterKinds{
	{"begin", "Begin with the line that matches"},
	{"exclude", "Exclude lines that match"},
	{"grep", "Include/exclude lines that match"},
	{"include", "Include lines that match"},
}

// IOSFilters are those of IOS 15 the lab does: IOS has no grep, and
// has `count` and `section`, which Ansible's cisco.ios modules read
// configuration through ("show running-config | section ^interface").
var IOSFilters = FilterKinds{
	{"begin", "Begin with the line that matches"},
	{"count", "Count number of lines which match regexp"},
	{"exclude", "Exclude lines that match"},
	{"include", "Include lines that match"},
	{"section", "Filter a section of output"},
}

func (ks FilterKinds) words() []string {
	w := make([]string, len(ks))
	for i, k := range ks {
		w[i] = k.word
	}
	return w
}

// SplitPipe cuts a line at its first '|'. The filter's token positions are
// relative to the whole line, for the caret.
func SplitPipe(line string) (cmd string, spec string, specPos int, ok bool) {
	i := strings.IndexByte(line, '|')
	if i < 0 {
		return line, "", 0, false
	}
	return line[:i], line[i+1:], i + 1, true
}

// ParseFilter reads the part after '|', which starts at offset in the
// line, as the ASA has it.
func ParseFilter(spec string, offset int) (*OutputFilter, *ParseError) {
	return ASAFilters.Parse(spec, offset)
}

// Parse reads the part after '|', which starts at offset in the line.
func (ks FilterKinds) Parse(spec string, offset int) (*OutputFilter, *ParseError) {
	toks := Tokenize(spec)
	if len(toks) == 0 {
		return nil, &ParseError{Kind: ErrIncomplete}
	}
	kind := Pick(toks[0].Text, ks.words()...)
	if kind == "" {
		return nil, &ParseError{Kind: ErrInvalid, Pos: offset + toks[0].Pos}
	}
	f := &OutputFilter{kind: kind}
	rest := toks[1:]
	if kind == "grep" && len(rest) > 0 && rest[0].Text == "-v" {
		f.invert, rest = true, rest[1:]
	}
	if kind == "section" && len(rest) > 1 {
		// IOS's `section [include|exclude] REGEX`.
		switch Pick(rest[0].Text, "include", "exclude") {
		case "include":
			rest = rest[1:]
		case "exclude":
			f.invert, rest = true, rest[1:]
		}
	}
	if len(rest) == 0 {
		return nil, &ParseError{Kind: ErrIncomplete}
	}
	expr := spec[rest[0].Pos:]
	re, err := regexp.Compile(expr)
	if err != nil {
		re = regexp.MustCompile(regexp.QuoteMeta(expr))
	}
	f.re = re
	return f, nil
}

// Apply filters command output line by line.
func (f *OutputFilter) Apply(out string) string {
	if out == "" && f.kind != "count" {
		return out
	}
	lines := strings.SplitAfter(out, "\n")
	var b strings.Builder
	begun := false
	// section: the indent of the matching line whose children are
	// kept, -1 outside a section.
	section, count := -1, 0
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
		case "count":
			if m {
				count++
			}
		case "section":
			// IOS keeps a matching line with the more indented
			// lines under it.
			ind := len(l) - len(strings.TrimLeft(l, " "))
			if section >= 0 && ind > section && strings.TrimSpace(l) != "" {
				keep = true
				break
			}
			section = -1
			if m {
				keep, section = true, ind
			}
		}
		if f.kind == "section" && f.invert {
			keep = !keep
		}
		if keep {
			b.WriteString(l)
		}
	}
	if f.kind == "count" {
		return fmt.Sprintf("Number of lines which match regexp = %d\n", count)
	}
	return b.String()
}

// FilterHelp answers '?' after a '|' on the ASA.
func FilterHelp() []string { return ASAFilters.Help() }

// Help answers '?' after a '|'.
func (ks FilterKinds) Help() []string {
	out := make([]string, 0, len(ks))
	for _, k := range ks {
		out = append(out, fmt.Sprintf("  %-26s %s", k.word, k.help))
	}
	return out
}

// Pick resolves word against keywords by unique prefix, as the registry
// does for command words; "" when none or several match.
func Pick(word string, keywords ...string) string {
	w := strings.ToLower(word)
	found := ""
	for _, k := range keywords {
		if k == w {
			return k
		}
		if strings.HasPrefix(k, w) {
			if found != "" {
				return ""
			}
			found = k
		}
	}
	return found
}
