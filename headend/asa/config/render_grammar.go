package config

import (
	"slices"
	"strings"
)

// Where the grammar's sections print in `show running-config`: before the
// factory line (or renderer anchor) named here, in the order of a real 9.x
// configuration (banner after the interfaces; objects, object groups and
// access lists between `ftp mode passive` and `pager`; access-group and route
// before the timeouts; aaa-server before user-identity; http and snmp-server
// after aaa; crypto around the factory crypto lines; ntp after
// threat-detection; tunnel groups after the users; class maps before
// inspection_default; policy maps and service-policy before prompt).
var grammarAnchors = map[string][]string{
	"ftp mode passive":                     {"banner"},
	"pager":                                {"same-security-traffic", "object", "object-group", "access-list"},
	"timeout xlate 3:00:00":                {"access-group", "route"},
	"user-identity default-domain LOCAL":   {"aaa-server"},
	"aaa authentication ssh console LOCAL": {"aaa"},
	"no snmp-server location":              {"http", "snmp-server"},
	"crypto ipsec security-association pmtu-aging infinite": {"crypto ipsec"},
	"crypto ca trustpool policy":                            {"crypto map", "crypto dynamic-map", "crypto ca"},
	"telnet timeout 5":                                      {"crypto ikev2", "crypto ikev1"},
	"webvpn":                                                {"ntp"},
	"tail":                                                  {"tunnel-group"},
	"class-map inspection_default":                          {"class-map"},
	"prompt hostname context":                               {"policy-map", "service-policy"},
}

// GrammarBefore prints the grammar's lines that come before the factory line
// next, and reports whether the factory line is to be left out because the
// configuration replaces it.
func GrammarBefore(c Config, next string, reveal bool, line func(string)) (skip bool) {
	if len(c.Lines) == 0 {
		return false
	}
	for _, sec := range grammarAnchors[next] {
		switch sec {
		case "snmp-server":
			snmpLines(c, reveal, line)
		case "policy-map":
			if printSection(c, "policy-map", "", reveal, line) {
				line("!")
			}
		default:
			if sub, ok := strings.CutPrefix(sec, "crypto "); ok {
				printSection(c, "crypto", sub, reveal, line)
				continue
			}
			printSection(c, sec, "", reveal, line)
		}
	}
	switch next {
	case "no snmp-server location", "no snmp-server contact":
		return true
	case "aaa authentication ssh console LOCAL":
		return hasTop(c, next)
	case "class-map inspection_default", " match default-inspection-traffic":
		return hasTop(c, "class-map inspection_default")
	}
	return false
}

func hasTop(c Config, text string) bool {
	return slices.ContainsFunc(c.Lines, func(l Line) bool { return l.Text == text })
}

// printSection prints the section's lines (for crypto, those whose second
// word is sub), in the order they were entered; tunnel groups print grouped
// by name. It reports whether it printed any.
func printSection(c Config, section, sub string, reveal bool, line func(string)) bool {
	var ls []Line
	for _, l := range c.Lines {
		if l.Section != section {
			continue
		}
		if sub != "" && strings.Fields(l.Text)[1] != sub {
			continue
		}
		ls = append(ls, l)
	}
	if section == "tunnel-group" {
		ls = tunnelGroupOrder(ls)
	}
	for _, l := range ls {
		printLine(l, "", reveal, line)
	}
	return len(ls) > 0
}

// tunnelGroupOrder groups a tunnel group's lines under its type line, in
// the order the ASA prints the attribute blocks.
func tunnelGroupOrder(ls []Line) []Line {
	var names []string
	for _, l := range ls {
		if n := strings.Fields(l.Text)[1]; !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	rank := func(l Line) int {
		return slices.Index([]string{"type", "general-attributes", "ipsec-attributes", "ppp-attributes", "webvpn-attributes"},
			strings.Fields(l.Text)[2])
	}
	out := slices.Clone(ls)
	slices.SortStableFunc(out, func(a, b Line) int {
		na, nb := slices.Index(names, strings.Fields(a.Text)[1]), slices.Index(names, strings.Fields(b.Text)[1])
		if na != nb {
			return na - nb
		}
		return rank(a) - rank(b)
	})
	return out
}

// snmpLines prints the snmp-server section in the ASA's order: hosts,
// location, contact, community, enable; location and contact print as `no
// snmp-server ...` when unset.
func snmpLines(c Config, reveal bool, line func(string)) {
	var by [6][]Line
	for _, l := range c.Lines {
		if l.Section != "snmp-server" {
			continue
		}
		i := slices.Index([]string{"host", "location", "contact", "community", "enable"}, strings.Fields(l.Text)[1])
		if i < 0 {
			i = 5
		}
		by[i] = append(by[i], l)
	}
	if len(by[1]) == 0 {
		by[1] = []Line{{Text: "no snmp-server location"}}
	}
	if len(by[2]) == 0 {
		by[2] = []Line{{Text: "no snmp-server contact"}}
	}
	for _, ls := range by {
		for _, l := range ls {
			printLine(l, "", reveal, line)
		}
	}
}

func printLine(l Line, indent string, reveal bool, line func(string)) {
	text := l.Text
	if l.Secret > 0 && !reveal {
		f := strings.Fields(text)
		if l.Secret <= len(f) {
			f[l.Secret-1] = "*****"
			text = strings.Join(f, " ")
		}
	}
	line(indent + text)
	for _, s := range l.Sub {
		printLine(s, indent+" ", reveal, line)
	}
}

// SectionText is `show running-config SECTION` for a grammar section:
// the lines of the whole configuration whose first keyword (after `no`) is
// the section's, with their sub-mode lines.
func SectionText(body, section string) string {
	var b strings.Builder
	in := false
	for _, l := range strings.SplitAfter(body, "\n") {
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, " ") {
			if in {
				b.WriteString(l)
			}
			continue
		}
		f := strings.Fields(strings.TrimPrefix(l, "no "))
		in = len(f) > 0 && f[0] == section
		if in {
			b.WriteString(l)
		}
	}
	return b.String()
}
