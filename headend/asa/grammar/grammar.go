package grammar

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend"
)

// The configuration language a provisioning tool pushes beyond the commands
// the simulator acts on (object groups, access lists, SNMP, NTP, AAA, crypto,
// tunnel groups, class and policy maps): the ASA keeps those lines and prints
// them back in `show running-config`, normalised and in its own section
// order. The grammar is data: each entry is a pattern of keywords and typed
// arguments, the section it belongs to, and, for a command that opens a
// sub-mode, the sub-mode's prompt and commands.
//
// Pattern words:
//
//	keyword      a keyword, typed as any unique prefix, kept in full
//	a|b|c        one of the keywords
//	WORD         a name
//	LINE         the rest of the line, as typed
//	SECRET       a key or password: `show running-config` prints *****
//	IP, MASK     a dotted IPv4 address, a contiguous netmask
//	INT<lo-hi>   a number in the range
//	PORT         a port number or name; known numbers print as the ASA's names
//	PROTO        an IP protocol name or number
//	ADDR         an access-list address: any, any4, host A, A M, object-group N, object N, interface N
//	[ ... ]      optional words
type grammarEntry struct {
	section string
	pattern string
	// key is how many leading words name the setting: a line with the
	// same first key words replaces it (`snmp-server contact`). 0: the
	// whole line is the setting, lines add up (`network-object`).
	key int
	// prompt and sub: the sub-mode the command opens and its commands.
	prompt string
	sub    string
	items  []gItem
	// What the line names must exist (see checkReferences): nameif is
	// the 1-based index of the word naming an interface by its nameif,
	// acl the index of the word naming an access list, objects that the
	// line's `object N`, `object-group N` and `interface N` must exist.
	nameif, acl int
	objects     bool
	// resets: the entry is a `default` form; it puts back the factory
	// value of the settings whose first words these are, by removing
	// their lines, and is not kept itself.
	resets string
}

// configSections is the order of the grammar's sections; where each prints
// within `show running-config` is decided by the renderer.
var configSections = []string{
	"banner", "same-security-traffic", "object", "object-group", "access-list",
	"access-group", "route", "aaa-server", "aaa", "http", "snmp-server", "crypto",
	"ntp", "tunnel-group", "class-map", "policy-map", "service-policy",
}

var grammarTables = map[string][]grammarEntry{
	"": {
		{section: "banner", pattern: "banner motd|exec|login|asdm LINE"},
		{section: "same-security-traffic", pattern: "same-security-traffic permit inter-interface|intra-interface"},
		{section: "object", pattern: "object network WORD", prompt: "config-network-object", sub: "object-network"},
		{section: "object", pattern: "object service WORD", prompt: "config-service-object", sub: "object-service"},
		{section: "object-group", pattern: "object-group network WORD", prompt: "config-network-object-group", sub: "og-network"},
		{section: "object-group", pattern: "object-group service WORD [ tcp|udp|tcp-udp ]", prompt: "config-service-object-group", sub: "og-service"},
		{section: "object-group", pattern: "object-group protocol WORD", prompt: "config-protocol-object-group", sub: "og-protocol"},
		{section: "access-list", pattern: "access-list WORD [ line INT<1-2147483647> ] remark LINE"},
		{section: "access-list", pattern: "access-list WORD [ line INT<1-2147483647> ] standard permit|deny ADDR", objects: true},
		{section: "access-list", pattern: "access-list WORD [ line INT<1-2147483647> ] extended permit|deny PROTO ADDR [ eq|neq|lt|gt PORT ] [ range PORT PORT ] ADDR [ eq|neq|lt|gt PORT ] [ range PORT PORT ] [ log ] [ inactive ]", objects: true},
		{section: "access-list", pattern: "access-list WORD [ line INT<1-2147483647> ] extended permit|deny object-group WORD ADDR ADDR [ log ] [ inactive ]", objects: true},
		{section: "access-group", pattern: "access-group WORD in|out interface WORD", key: 4, acl: 2, nameif: 5},
		{section: "access-group", pattern: "access-group WORD global", key: 3, acl: 2},
		{section: "route", pattern: "route WORD IP MASK IP [ INT<1-255> ]", nameif: 2},
		{section: "aaa-server", pattern: "aaa-server WORD protocol radius|tacacs+|ldap|kerberos|sdi|nt", key: 2},
		{section: "aaa-server", pattern: "aaa-server WORD WORD host IP", nameif: 3, prompt: "config-aaa-server-host", sub: "aaa-host"},
		{section: "aaa", pattern: "aaa authentication ssh|telnet|http|serial|enable console WORD [ LOCAL ]", key: 4},
		{section: "aaa", pattern: "aaa authorization command|exec WORD [ LOCAL ]", key: 3},
		{section: "aaa", pattern: "aaa accounting command|ssh|telnet|enable WORD", key: 3},
		{section: "http", pattern: "http server enable [ INT<1-65535> ]", key: 3},
		{section: "http", pattern: "http IP MASK WORD", nameif: 4},
		{section: "snmp-server", pattern: "snmp-server host WORD IP [ community SECRET ] [ version 1|2c|3 ] [ udp-port PORT ]", key: 4, nameif: 3},
		{section: "snmp-server", pattern: "snmp-server location LINE", key: 2},
		{section: "snmp-server", pattern: "snmp-server contact LINE", key: 2},
		{section: "snmp-server", pattern: "snmp-server community SECRET", key: 2},
		{section: "snmp-server", pattern: "snmp-server enable traps LINE", key: 3},
		{section: "snmp-server", pattern: "snmp-server enable", key: 2},
		{section: "crypto", pattern: "crypto ipsec ikev1 transform-set WORD LINE", key: 5},
		{section: "crypto", pattern: "crypto ipsec ikev2 ipsec-proposal WORD", prompt: "config-ipsec-proposal", sub: "ipsec-proposal"},
		{section: "crypto", pattern: "crypto map WORD INT<1-65535> LINE"},
		{section: "crypto", pattern: "crypto map WORD interface WORD", key: 3, nameif: 5},
		{section: "crypto", pattern: "crypto ca trustpoint WORD", prompt: "config-ca-trustpoint", sub: "trustpoint"},
		{section: "crypto", pattern: "crypto ikev1 enable WORD", nameif: 4},
		{section: "crypto", pattern: "crypto ikev2 enable WORD", nameif: 4},
		{section: "crypto", pattern: "crypto ikev1 policy INT<1-65535>", prompt: "config-ikev1-policy", sub: "ike-policy"},
		{section: "crypto", pattern: "crypto ikev2 policy INT<1-65535>", prompt: "config-ikev2-policy", sub: "ike-policy"},
		{section: "ntp", pattern: "ntp server IP [ key INT<1-4294967295> ] [ source WORD ] [ prefer ]", key: 3},
		{section: "ntp", pattern: "ntp authenticate", key: 2},
		{section: "ntp", pattern: "ntp trusted-key INT<1-4294967295>"},
		{section: "ntp", pattern: "ntp authentication-key INT<1-4294967295> md5 SECRET", key: 3},
		{section: "tunnel-group", pattern: "tunnel-group WORD type remote-access|ipsec-l2l|webvpn", key: 3},
		{section: "tunnel-group", pattern: "tunnel-group WORD general-attributes", prompt: "config-tunnel-general", sub: "tg-general"},
		{section: "tunnel-group", pattern: "tunnel-group WORD ipsec-attributes", prompt: "config-tunnel-ipsec", sub: "tg-ipsec"},
		{section: "tunnel-group", pattern: "tunnel-group WORD webvpn-attributes", prompt: "config-tunnel-webvpn", sub: "tg-webvpn"},
		{section: "class-map", pattern: "class-map WORD", prompt: "config-cmap", sub: "cmap"},
		{section: "policy-map", pattern: "policy-map WORD", prompt: "config-pmap", sub: "pmap"},
		{section: "service-policy", pattern: "service-policy WORD global", key: 0},
		{section: "service-policy", pattern: "service-policy WORD interface WORD", nameif: 4},
	},
	"object-network": {
		{pattern: "host IP", key: 1},
		{pattern: "subnet IP MASK", key: 1},
		{pattern: "range IP IP", key: 1},
		{pattern: "fqdn WORD", key: 1},
		{pattern: "description LINE", key: 1},
	},
	"object-service": {
		{pattern: "service tcp|udp|tcp-udp destination eq|neq|lt|gt PORT", key: 1},
		{pattern: "description LINE", key: 1},
	},
	"og-network": {
		{pattern: "description LINE", key: 1},
		{pattern: "network-object host IP"},
		{pattern: "network-object object WORD"},
		{pattern: "network-object IP MASK"},
		{pattern: "group-object WORD"},
	},
	"og-service": {
		{pattern: "description LINE", key: 1},
		{pattern: "port-object eq|neq|lt|gt PORT"},
		{pattern: "port-object range PORT PORT"},
		{pattern: "service-object PROTO [ destination eq|neq|lt|gt PORT ]"},
		{pattern: "group-object WORD"},
	},
	"og-protocol": {
		{pattern: "description LINE", key: 1},
		{pattern: "protocol-object PROTO"},
		{pattern: "group-object WORD"},
	},
	"aaa-host": {
		{pattern: "key SECRET", key: 1},
		{pattern: "timeout INT<1-300>", key: 1},
		{pattern: "authentication-port PORT", key: 1},
		{pattern: "accounting-port PORT", key: 1},
	},
	"ipsec-proposal": {
		{pattern: "protocol esp encryption LINE", key: 3},
		{pattern: "protocol esp integrity LINE", key: 3},
	},
	// The `default` form exists only where the ASA has it: `default
	// enrollment` in trustpoint mode (Cisco ASA command reference, "default
	// enrollment"; recalled, no stored source shows it). In the other
	// modes the word gets the caret, as on the box.
	"trustpoint": {
		{pattern: "default enrollment", resets: "enrollment"},
		{pattern: "enrollment terminal|self", key: 1},
		{pattern: "subject-name LINE", key: 1},
		{pattern: "keypair WORD", key: 1},
		{pattern: "crl configure", key: 2},
	},
	"ike-policy": {
		{pattern: "authentication pre-share|rsa-sig", key: 1},
		{pattern: "encryption LINE", key: 1},
		{pattern: "integrity LINE", key: 1},
		{pattern: "hash md5|sha", key: 1},
		{pattern: "group LINE", key: 1},
		{pattern: "prf LINE", key: 1},
		{pattern: "lifetime INT<120-2147483647>", key: 1},
		{pattern: "lifetime seconds INT<120-2147483647>", key: 1},
	},
	"tg-general": {
		{pattern: "default-group-policy WORD", key: 1},
		{pattern: "address-pool LINE", key: 1},
		{pattern: "authentication-server-group LINE", key: 1},
	},
	"tg-ipsec": {
		{pattern: "ikev1 pre-shared-key SECRET", key: 2},
		{pattern: "ikev2 local-authentication pre-shared-key SECRET", key: 2},
		{pattern: "ikev2 remote-authentication pre-shared-key SECRET", key: 2},
		{pattern: "peer-id-validate req|cert|nocheck", key: 1},
		{pattern: "isakmp keepalive LINE", key: 2},
	},
	"tg-webvpn": {
		{pattern: "group-alias WORD enable|disable", key: 2},
		{pattern: "group-url WORD enable|disable", key: 2},
		{pattern: "authentication LINE", key: 1},
	},
	"cmap": {
		{pattern: "match default-inspection-traffic", key: 1},
		{pattern: "match any", key: 1},
		{pattern: "match access-list WORD", key: 1},
		{pattern: "match port tcp|udp eq PORT", key: 1},
		{pattern: "description LINE", key: 1},
	},
	"pmap": {
		{pattern: "class WORD", prompt: "config-pmap-c", sub: "pmap-c"},
		{pattern: "description LINE", key: 1},
	},
	"pmap-c": {
		{pattern: "inspect WORD [ WORD ]"},
		{pattern: "set connection LINE", key: 2},
		{pattern: "police input|output LINE", key: 2},
	},
}

// gKind is the type of one pattern word.
type gKind int

const (
	gLit gKind = iota
	gWord
	gLine
	gSecret
	gIP
	gMask
	gInt
	gPort
	gProto
	gAddr
	gOpt
)

type gItem struct {
	kind   gKind
	words  []string // gLit: the keywords it may be
	lo, hi uint64   // gInt
	opt    []gItem  // gOpt
}

func init() {
	for name, t := range grammarTables {
		for i := range t {
			items, rest := parsePattern(strings.Fields(t[i].pattern))
			if len(rest) > 0 {
				panic("headend: unbalanced pattern " + t[i].pattern)
			}
			t[i].items = items
			if t[i].sub != "" && grammarTables[t[i].sub] == nil {
				panic("headend: no sub-mode table " + t[i].sub)
			}
		}
		grammarTables[name] = t
	}
}

func parsePattern(ws []string) ([]gItem, []string) {
	var out []gItem
	for len(ws) > 0 {
		w := ws[0]
		ws = ws[1:]
		switch {
		case w == "]":
			return out, append([]string{"]"}, ws...)
		case w == "[":
			opt, rest := parsePattern(ws)
			if len(rest) == 0 || rest[0] != "]" {
				panic("headend: unbalanced pattern")
			}
			ws = rest[1:]
			out = append(out, gItem{kind: gOpt, opt: opt})
		case w == "WORD":
			out = append(out, gItem{kind: gWord})
		case w == "LINE":
			out = append(out, gItem{kind: gLine})
		case w == "SECRET":
			out = append(out, gItem{kind: gSecret})
		case w == "IP":
			out = append(out, gItem{kind: gIP})
		case w == "MASK":
			out = append(out, gItem{kind: gMask})
		case w == "PORT":
			out = append(out, gItem{kind: gPort})
		case w == "PROTO":
			out = append(out, gItem{kind: gProto})
		case w == "ADDR":
			out = append(out, gItem{kind: gAddr})
		case strings.HasPrefix(w, "INT<"):
			lo, hi, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(w, "INT<"), ">"), "-")
			l, _ := strconv.ParseUint(lo, 10, 64)
			h, _ := strconv.ParseUint(hi, 10, 64)
			out = append(out, gItem{kind: gInt, lo: l, hi: h})
		default:
			out = append(out, gItem{kind: gLit, words: strings.Split(w, "|")})
		}
	}
	return out, nil
}

// AddressMaskError: a network whose address has bits outside its mask.
type AddressMaskError struct{ Addr, Mask string }

func (e *AddressMaskError) Error() string {
	return "headend: address " + e.Addr + " does not pair with mask " + e.Mask
}

// normalizeNetwork prints a network object of one host as the ASA does
// (`network-object host A`) and refuses an address with host bits set.
func normalizeNetwork(p *ParsedLine) error {
	f := strings.Fields(p.Text)
	if len(f) != 3 || (f[0] != "network-object" && f[0] != "subnet") {
		return nil
	}
	a, ok1 := parseV4(f[1])
	m, ok2 := parseV4(f[2])
	if !ok1 || !ok2 {
		return nil
	}
	ab, mb := a.As4(), m.As4()
	for i := range ab {
		if ab[i]&mb[i] != ab[i] {
			return &AddressMaskError{Addr: f[1], Mask: f[2]}
		}
	}
	if f[0] == "network-object" && f[2] == "255.255.255.255" {
		p.Text = "network-object host " + f[1]
	}
	return nil
}

// Errors of a configuration line the grammar refuses.
var (
	// ErrConfigSyntax: a word the grammar does not accept; the position
	// says which (the console's caret).
	ErrConfigSyntax = errors.New("headend: invalid configuration input")
	// ErrConfigIncomplete: the line stops before the command is complete.
	ErrConfigIncomplete = errors.New("headend: incomplete configuration command")
	// ErrConfigAmbiguous: an abbreviation that fits several keywords.
	ErrConfigAmbiguous = errors.New("headend: ambiguous configuration command")
)

// ConfigSyntaxError is a refused configuration line and the byte offset of
// the offending word in it.
type ConfigSyntaxError struct {
	Err  error
	Pos  int
	Word string
}

func (e *ConfigSyntaxError) Error() string { return e.Err.Error() + " at " + strconv.Quote(e.Word) }
func (e *ConfigSyntaxError) Unwrap() error { return e.Err }

// ParsedLine is a configuration line the grammar accepted.
type ParsedLine struct {
	// Text is the line as the ASA prints it: keywords in full, addresses
	// and ports normalised.
	Text string
	// Secret is 1 + the index of the word printed as ***** (0: none).
	Secret  int
	Section string
	Key     int
	// Table and Entry name the grammar entry that matched: a setting
	// replaces only a line of its own entry.
	Table string
	Entry int
	// Prompt and Sub: the sub-mode the line opens, if any.
	Prompt, Sub string
	// TokenPos are the byte offsets of the words typed, for the caret
	// under a word a reference check refuses.
	TokenPos []int
}

type gTok struct {
	text string
	pos  int
}

func gTokenize(line string) []gTok {
	var out []gTok
	start := -1
	for i := 0; i <= len(line); i++ {
		space := i == len(line) || line[i] == ' ' || line[i] == '\t'
		switch {
		case space && start >= 0:
			out = append(out, gTok{line[start:i], start})
			start = -1
		case !space && start < 0:
			start = i
		}
	}
	return out
}

// Keywords are the first keywords of the commands of a sub-mode table
// ("" the configuration mode), for the console to register.
func Keywords(table string) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range grammarTables[table] {
		w := e.items[0].words[0]
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// Sections are the sections `show running-config SECTION` and
// `clear configure SECTION` take.
func Sections() []string { return configSections }

// ParseConfigLine matches line against the commands of a sub-mode table (""
// for the configuration mode). partial accepts a line that stops early, as
// the `no` form names a setting by its first words; the text is then the
// normalised words typed.
func ParseConfigLine(table, line string, partial bool) (ParsedLine, error) {
	toks := gTokenize(line)
	if len(toks) == 0 {
		return ParsedLine{}, &ConfigSyntaxError{Err: ErrConfigIncomplete}
	}
	var best *ConfigSyntaxError
	for i, e := range grammarTables[table] {
		m := gMatcher{line: line, toks: toks, partial: partial}
		words, ok := m.match(e.items, 0)
		if ok {
			p := ParsedLine{Text: strings.Join(words.words, " "), Secret: words.secret, Section: e.section,
				Key: e.key, Prompt: e.prompt, Sub: e.sub, Table: table, Entry: i}
			for _, t := range toks {
				p.TokenPos = append(p.TokenPos, t.pos)
			}
			if partial && words.short {
				p.Prompt, p.Sub = "", ""
				return p, nil
			}
			return p, normalizeNetwork(&p)
		}
		if best == nil || m.fail.Pos > best.Pos || (m.fail.Pos == best.Pos && m.fail.Err == ErrConfigIncomplete) {
			f := m.fail
			best = &f
		}
	}
	return ParsedLine{}, best
}

type gMatcher struct {
	line    string
	toks    []gTok
	partial bool
	fail    ConfigSyntaxError
}

type gResult struct {
	words  []string
	secret int
	short  bool // partial: the line ended before the pattern did
}

func (m *gMatcher) failAt(i int, err error) {
	pos, word := len(m.line), ""
	if i < len(m.toks) {
		pos, word = m.toks[i].pos, m.toks[i].text
	}
	if m.fail.Err == nil || pos > m.fail.Pos || (pos == m.fail.Pos && err == ErrConfigAmbiguous) {
		m.fail = ConfigSyntaxError{Err: err, Pos: pos, Word: word}
	}
}

// match matches items against the tokens from i to the end of the line,
// trying an optional group with and without its words.
func (m *gMatcher) match(items []gItem, i int) (gResult, bool) {
	if len(items) == 0 {
		if i < len(m.toks) {
			m.failAt(i, ErrConfigSyntax)
			return gResult{}, false
		}
		return gResult{}, true
	}
	it := items[0]
	if i >= len(m.toks) {
		if it.kind == gOpt {
			return m.match(items[1:], i)
		}
		if m.partial {
			return gResult{short: true}, true
		}
		m.failAt(i, ErrConfigIncomplete)
		return gResult{}, false
	}
	if it.kind == gOpt {
		seq := append(append([]gItem{}, it.opt...), items[1:]...)
		if r, ok := m.match(seq, i); ok {
			return r, true
		}
		return m.match(items[1:], i)
	}
	if it.kind == gLine {
		text := strings.TrimRight(m.line[m.toks[i].pos:], " \t")
		r, ok := m.match(items[1:], len(m.toks))
		return prepend(r, ok, text, false), ok
	}
	words, n, err := m.one(it, i)
	if err != nil {
		m.failAt(i+n, err)
		return gResult{}, false
	}
	r, ok := m.match(items[1:], i+n)
	if !ok {
		return r, false
	}
	if it.kind == gSecret {
		r.secret = 0 // the index is set once the words before are known
		r = prepend(r, ok, words[0], true)
		return r, true
	}
	for k := len(words) - 1; k >= 0; k-- {
		r = prepend(r, true, words[k], false)
	}
	return r, true
}

func prepend(r gResult, ok bool, w string, secret bool) gResult {
	if !ok {
		return r
	}
	r.words = append([]string{w}, r.words...)
	if r.secret > 0 {
		r.secret++
	}
	if secret {
		r.secret = 1
	}
	return r
}

// one matches a single-word (or, for an address, two-word) item at token i:
// the normalised words, and how many tokens they took; on error n is the
// offending token's offset from i.
func (m *gMatcher) one(it gItem, i int) (words []string, n int, err error) {
	t := m.toks[i].text
	switch it.kind {
	case gLit:
		var hits []string
		for _, w := range it.words {
			if w == strings.ToLower(t) {
				return []string{w}, 1, nil
			}
			if strings.HasPrefix(w, strings.ToLower(t)) {
				hits = append(hits, w)
			}
		}
		switch len(hits) {
		case 1:
			return hits, 1, nil
		case 0:
			return nil, 0, ErrConfigSyntax
		}
		return nil, 0, ErrConfigAmbiguous
	case gWord, gSecret:
		if len(t) > 64 {
			return nil, 0, ErrConfigSyntax
		}
		return []string{t}, 1, nil
	case gIP:
		if _, ok := parseV4(t); ok {
			return []string{t}, 1, nil
		}
	case gMask:
		if a, ok := parseV4(t); ok && validMask(a) {
			return []string{t}, 1, nil
		}
	case gInt:
		if v, e := strconv.ParseUint(t, 10, 64); e == nil && v >= it.lo && v <= it.hi {
			return []string{strconv.FormatUint(v, 10)}, 1, nil
		}
	case gPort:
		if name, ok := portName(t); ok {
			return []string{name}, 1, nil
		}
	case gProto:
		if p, ok := protoName(t); ok {
			return []string{p}, 1, nil
		}
	case gAddr:
		return m.addr(i)
	}
	return nil, 0, ErrConfigSyntax
}

// addr reads an access-list address; A 255.255.255.255 prints as host A.
func (m *gMatcher) addr(i int) ([]string, int, error) {
	t := strings.ToLower(m.toks[i].text)
	next := func() (string, bool) {
		if i+1 < len(m.toks) {
			return m.toks[i+1].text, true
		}
		return "", false
	}
	for _, kw := range []string{"any", "any4", "any6"} {
		if t == kw {
			return []string{kw}, 1, nil
		}
	}
	for _, kw := range []string{"host", "object-group", "object", "interface"} {
		if t == kw || (len(t) >= 3 && strings.HasPrefix(kw, t) && kw != "object" && kw != "object-group") {
			n, ok := next()
			if !ok {
				return nil, 1, ErrConfigIncomplete
			}
			if kw == "host" {
				if _, ok := parseV4(n); !ok {
					return nil, 1, ErrConfigSyntax
				}
			}
			return []string{kw, n}, 2, nil
		}
	}
	a, ok := parseV4(t)
	if !ok {
		return nil, 0, ErrConfigSyntax
	}
	n, has := next()
	if !has {
		return nil, 1, ErrConfigIncomplete
	}
	mask, ok := parseV4(n)
	if !ok || !validMask(mask) {
		return nil, 1, ErrConfigSyntax
	}
	if n == "255.255.255.255" {
		return []string{"host", a.String()}, 2, nil
	}
	return []string{a.String(), n}, 2, nil
}

func parseV4(t string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(t)
	return a, err == nil && a.Is4()
}

// validMask reports whether m is a contiguous netmask, 0.0.0.0 included.
func validMask(m netip.Addr) bool {
	_, ok := headend.MaskLen(m)
	return ok
}

// ports are the names the ASA prints for well-known port numbers
// (`show running-config` turns `eq 53` into `eq domain`).
var ports = map[string]string{
	"21": "ftp", "22": "ssh", "23": "telnet", "25": "smtp", "49": "tacacs", "53": "domain", "69": "tftp",
	"80": "www", "110": "pop3", "123": "ntp", "143": "imap4", "161": "snmp", "162": "snmptrap",
	"389": "ldap", "443": "https", "500": "isakmp", "514": "syslog", "636": "ldaps",
	"1645": "radius", "1646": "radius-acct", "3389": "3389",
}

func portName(t string) (string, bool) {
	t = strings.ToLower(t)
	if v, err := strconv.Atoi(t); err == nil {
		if v < 0 || v > 65535 {
			return "", false
		}
		if n, ok := ports[strconv.Itoa(v)]; ok {
			return n, true
		}
		return strconv.Itoa(v), true
	}
	for _, n := range ports {
		if n == t {
			return n, true
		}
	}
	switch t {
	case "http":
		return "www", true
	case "echo", "bgp", "sip", "h323", "kerberos", "netbios-ssn", "sqlnet", "pptp", "lpd", "rsh", "citrix-ica":
		return t, true
	}
	return "", false
}

var protocols = []string{"ip", "tcp", "udp", "icmp", "icmp6", "esp", "ah", "gre", "ospf", "eigrp", "pim", "igmp", "sctp", "ipsec", "pptp", "snp", "nos", "pcp", "igrp", "ipinip"}

func protoName(t string) (string, bool) {
	t = strings.ToLower(t)
	if v, err := strconv.Atoi(t); err == nil {
		return strconv.Itoa(v), v >= 0 && v <= 255
	}
	for _, p := range protocols {
		if p == t {
			return p, true
		}
	}
	return "", false
}

// Resets is what a `default` form puts back: the first words of the
// settings whose lines it removes; empty for any other line.
func (p ParsedLine) Resets() string {
	if t := grammarTables[p.Table]; p.Entry >= 0 && p.Entry < len(t) {
		return t[p.Entry].resets
	}
	return ""
}

// References are the words of the line that must name something that
// exists (1-based, 0: none): an interface by its nameif, an access list;
// objects: the line's `object N`, `object-group N` and `interface N`.
func (p ParsedLine) References() (nameif, acl int, objects bool) {
	if t := grammarTables[p.Table]; p.Entry >= 0 && p.Entry < len(t) {
		e := t[p.Entry]
		return e.nameif, e.acl, e.objects
	}
	return 0, 0, false
}
