package replay

import (
	"fmt"
	"regexp"
	"strings"
)

// Rule is a named normaliser: it rewrites a line of output, on both
// sides of the comparison, so that a field that differs from box to box
// or from minute to minute compares equal.
type Rule struct {
	Name string
	// Doc says what the rule blanks and why.
	Doc  string
	subs []sub
	// may, when set, is false for a line the rule cannot change: a
	// cheap test that spares most lines the regular expressions.
	may func(line string) bool
}

type sub struct {
	re   *regexp.Regexp
	repl string
}

// Apply is the line with the rule applied.
func (r Rule) Apply(line string) string {
	if r.may != nil && !r.may(line) {
		return line
	}
	for _, s := range r.subs {
		line = s.re.ReplaceAllString(line, s.repl)
	}
	return line
}

func rule(name, doc string, may func(string) bool, pairs ...string) Rule {
	r := Rule{Name: name, Doc: doc, may: may}
	for i := 0; i < len(pairs); i += 2 {
		r.subs = append(r.subs, sub{regexp.MustCompile(pairs[i]), pairs[i+1]})
	}
	return r
}

const (
	weekday = `(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)`
	month   = `(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)`
)

// DefaultRules are the documented volatile fields, applied in this order.
var DefaultRules = []Rule{
	rule("trailing-space",
		"Blanks at the end of a line: captures keep or lose them (the ASA pads some columns, copy and paste drops them).",
		func(l string) bool { return strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t") },
		`[ \t]+$`, ``),
	rule("uptime",
		"The time since the last reload (`asa1 up 41 days 19 hours`, `failover cluster up 1 year 97 days`): it grows by the minute.",
		contains("up "),
		`\bup(?: \d+ (?:years?|days?|hours?|mins?|secs?))+\b`, `up <uptime>`),
	rule("last-modified",
		"Who last changed the configuration and when (`Configuration last modified by enable_15 at 10:02:33.129 UTC Mon Nov 30 2026`, "+
			"or `Configuration has not been modified since last system restart.`), and the `: Written by ... at ...` header of a saved configuration.",
		func(l string) bool {
			return strings.HasPrefix(l, "Configuration ") || strings.HasPrefix(l, ": Written by ")
		},
		`^Configuration (?:last modified by .*|has not been modified since last system restart\.)$`, `Configuration last modified <volatile>`,
		`^: Written by \S+ at .*$`, `: Written by <volatile>`),
	rule("timestamp",
		"Times of day with seconds (`18:56:48.410`) and dates (`Wed Apr 5 2017`, `Apr 26 2017`, `2017-04-05`): clock lines, log lines, "+
			"file dates, the last failover. Durations in the configuration (`timeout conn 1:00:00`) have a one-digit hour and stay; "+
			"so does the build date (`Compiled on Mon 15-Feb-16 19:00 PST`), part of the software version.",
		func(l string) bool { return clock(l) || digits(4)(l) },
		`\b\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?\b`, `<time>`,
		`\b`+weekday+` `+month+` +\d{1,2} \d{4}\b`, `<date>`,
		`\b`+month+` +\d{1,2} \d{4}\b`, `<date>`,
		`\b\d{4}-\d{2}-\d{2}\b`, `<date>`),
	rule("mac",
		"MAC addresses (`5000.000a.0001`, `00:50:56:bf:6f:2d`): burnt into each unit.",
		func(l string) bool {
			return strings.Count(l, ".") >= 2 || strings.Count(l, ":") >= 5 || strings.Count(l, "-") >= 5
		},
		`\b[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\b`, `<mac>`,
		`\b(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}\b`, `<mac>`),
	rule("serial",
		"Serial numbers: after `Serial Number:` (both units of `Serial Number: Ours X, Mate Y`) and `SN:` (show inventory, "+
			"where every part has its own). An empty `SN:` stays empty.",
		contains("Serial Number:", "SN:"),
		`(Serial Number:\s*(?:Ours\s+)?)[A-Za-z0-9]+`, `${1}<serial>`,
		`(Serial Number:.*,\s*Mate\s+)[A-Za-z0-9]+`, `${1}<serial>`,
		`(\bSN:\s*)[A-Za-z0-9]+`, `${1}<serial>`),
	rule("activation-key",
		"Activation keys (five hex words): a key is bound to its unit's serial and signed with a secret "+
			"(the lab's; Cisco's is not public), so the same features give another key on every unit.",
		contains("0x"),
		`\b0x[0-9a-fA-F]{1,8}(?:\s+0x[0-9a-fA-F]{1,8}){4}\b`, `<activation-key>`),
	rule("checksum",
		"The configuration's checksum (`Cryptochecksum:5bfcf8a8 ...`): any change of the configuration changes it.",
		contains("Cryptochecksum:"),
		`(Cryptochecksum:\s*)[0-9a-fA-F][0-9a-fA-F ]*`, `${1}<checksum>`),
	rule("session-counters",
		"Session counters that grow with time and traffic the lab does not carry: bytes and packets, durations "+
			"(`Duration : 0h:05m:12s`, `Inactivity`), the session `Index`, and in the `show vpn-sessiondb` summary tables every "+
			"column but Active (Cumulative, Peak Concurrent, Inactive; `Total Cumulative`). Active counts stay: "+
			"they are what the lab's licensing decides.",
		func(l string) bool {
			return strings.Count(l, ":") >= 2 || contains("Bytes", "Pkts", "Duration", "Inactivity", "Index", "Cumulative")(l)
		},
		`\b((?:Bytes|Pkts)(?: Tx| Rx)(?: Drop)?\s*:\s*)\d+`, `${1}<n>`,
		`\b((?:Duration|Inactivity)\s*:\s*)\S+`, `${1}<duration>`,
		`\b(Index\s*:\s*)\d+`, `${1}<n>`,
		`(Total Cumulative\s*:\s*)\d+`, `${1}<n>`,
		`^(\S[^:]*?\s*:\s+\d+)(?:\s+:\s+\d+)+$`, `${1} : <n>`),
}

// contains is a Rule.may: the line holds one of the words.
func contains(words ...string) func(string) bool {
	return func(l string) bool {
		for _, w := range words {
			if strings.Contains(l, w) {
				return true
			}
		}
		return false
	}
}

// clock is a Rule.may: the line holds a time of day, two digits, a
// colon, two digits, a colon.
func clock(l string) bool {
	for i := 2; i+3 < len(l); i++ {
		if l[i] == ':' && l[i+3] == ':' && isDigit(l[i-1]) && isDigit(l[i-2]) && isDigit(l[i+1]) && isDigit(l[i+2]) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits is a Rule.may: the line holds n digits in a row.
func digits(n int) func(string) bool {
	return func(l string) bool {
		run := 0
		for i := 0; i < len(l); i++ {
			if l[i] >= '0' && l[i] <= '9' {
				if run++; run >= n {
					return true
				}
			} else {
				run = 0
			}
		}
		return false
	}
}

// Rules are the normalisers of one replay: DefaultRules, then the
// caller's patterns, each match of which reads <ignored>.
type Rules []Rule

// Limits of the ignore patterns of one replay: each pattern runs on every
// line of both sides.
const (
	MaxIgnore    = 64
	MaxIgnoreLen = 1024
)

// NewRules adds the ignore patterns (regular expressions, RE2 syntax) to
// DefaultRules; a pattern that does not compile, or matches the empty
// string (it would blank nothing and everything), or more patterns or a
// longer one than the limits, is ErrInvalidIgnore.
func NewRules(ignore []string) (Rules, error) {
	if len(ignore) > MaxIgnore {
		return nil, fmt.Errorf("%w: %d patterns, at most %d", ErrInvalidIgnore, len(ignore), MaxIgnore)
	}
	rs := append(Rules(nil), DefaultRules...)
	for i, pat := range ignore {
		if len(pat) > MaxIgnoreLen {
			return nil, fmt.Errorf("%w: pattern %d has %d characters, at most %d", ErrInvalidIgnore, i+1, len(pat), MaxIgnoreLen)
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("%w: pattern %d %q: %w", ErrInvalidIgnore, i+1, pat, err)
		}
		if re.MatchString("") {
			return nil, fmt.Errorf("%w: pattern %d %q matches the empty string", ErrInvalidIgnore, i+1, pat)
		}
		rs = append(rs, Rule{Name: "ignore " + pat, Doc: "--ignore " + pat, subs: []sub{{re, "<ignored>"}}})
	}
	return rs, nil
}

// Normalise is the line with every rule applied, in order.
func (rs Rules) Normalise(line string) string {
	for _, r := range rs {
		line = r.Apply(line)
	}
	return line
}

// normaliseAll normalises lines and drops blank ones at the start and end.
func (rs Rules) normaliseAll(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, rs.Normalise(l))
	}
	return trimBlank(out)
}

// Describe lists the rules, one per line: name, then what it does.
func (rs Rules) Describe() string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%-16s %s\n", r.Name, r.Doc)
	}
	return b.String()
}
