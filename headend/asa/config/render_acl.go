package config

import (
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
)

// `show access-list [NAME]` in the layout of ASA 9.x: the deny-flow header,
// then per access list its element count and name hash, its numbered lines
// with their hit counts and hashes, and under an entry that names objects
// or object groups the entries it expands to, indented. The simulator passes
// no traffic, so every hit count is 0; the hashes are FNV-1a of the printed
// text (the ASA's own are internal), so they are stable across runs.

// aclHeader are the first lines of `show access-list`: no deny flows are
// cached, at the factory deny-flow-max 4096 and alert-interval 300.
const aclHeader = "access-list cached ACL log flows: total 0, denied 0 (deny-flow-max 4096)\n" +
	"            alert-interval 300\n"

func aclHash(s string) string {
	h := fnv.New32a()
	h.Write([]byte(s))
	return "0x" + strconv.FormatUint(uint64(h.Sum32()), 16)
}

// AccessListNames are the access lists of c in the order they were first
// configured.
func AccessListNames(c Config) []string {
	var out []string
	for _, l := range c.Lines {
		if l.Section != "access-list" {
			continue
		}
		if n := strings.Fields(l.Text)[1]; !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// RenderAccessList is `show access-list [NAME]` ("" all lists); false when
// no list has that name.
func RenderAccessList(c Config, name string) (string, bool) {
	var b strings.Builder
	b.WriteString(aclHeader)
	found := false
	for _, n := range AccessListNames(c) {
		if name != "" && n != name {
			continue
		}
		found = true
		renderOneACL(c, n, &b)
	}
	return b.String(), found || name == ""
}

func renderOneACL(c Config, name string, b *strings.Builder) {
	var body strings.Builder
	elements, line := 0, 0
	for _, l := range c.Lines {
		f := strings.Fields(l.Text)
		if l.Section != "access-list" || f[1] != name {
			continue
		}
		line++
		prefix := "access-list " + name + " line " + strconv.Itoa(line) + " "
		if f[2] == "remark" {
			body.WriteString(prefix + strings.Join(f[2:], " ") + " \n")
			continue
		}
		ace := prefix + aceShow(f[2:], false)
		body.WriteString(ace + " " + aclHash(ace) + " \n")
		kids := aceExpand(c, f[2:])
		if kids == nil {
			elements++
			continue
		}
		for _, k := range kids {
			elements++
			kid := "  " + prefix + k
			body.WriteString(kid + " " + aclHash(strings.TrimSpace(kid)) + " \n")
		}
	}
	b.WriteString("access-list " + name + "; " + strconv.Itoa(elements) + " elements; name hash: " + aclHash(name) + "\n")
	b.WriteString(body.String())
}

// aceShow prints an entry's words (from its type on) as `show access-list`
// does: a bare `log` with its default level and interval, the hit count,
// and an inactive entry marked after it. unresolved: an address is an FQDN
// the lab cannot resolve, which the ASA shows inactive without a hit count.
func aceShow(words []string, unresolved bool) string {
	out := make([]string, 0, len(words)+4)
	inactive := false
	for _, w := range words {
		switch w {
		case "log":
			out = append(out, "log", "informational", "interval", "300")
			continue
		case "inactive":
			inactive = true
		}
		out = append(out, w)
	}
	switch {
	case unresolved:
		out = append(out, "(inactive)")
	case inactive:
		out = append(out, "(hitcnt=0)", "(inactive)")
	default:
		out = append(out, "(hitcnt=0)")
	}
	return strings.Join(out, " ")
}

// aceAlt is one expansion of an object or object group in an entry.
type aceAlt struct {
	words      []string
	port       []string // a service object's destination port
	unresolved bool
}

// aceExpand lists the entries an extended entry (its words from the type on)
// stands for when it names objects or object groups; nil when it names
// none.
func aceExpand(c Config, f []string) []string {
	if len(f) < 3 || f[0] != "extended" {
		return nil
	}
	named := false
	i := 2
	var protos []aceAlt
	if f[i] == "object-group" && i+1 < len(f) {
		protos, named = protoAlts(c, f[i+1], 0), true
		i += 2
	} else {
		protos = []aceAlt{{words: []string{f[i]}}}
		i++
	}
	addr := func() []aceAlt {
		w, n := aceAddrWords(f, i)
		i += n
		if len(w) == 2 && (w[0] == "object-group" || w[0] == "object") {
			named = true
			return addrAlts(c, w[0], w[1], 0)
		}
		return []aceAlt{{words: w}}
	}
	port := func() []string {
		if i >= len(f) {
			return nil
		}
		switch f[i] {
		case "eq", "neq", "lt", "gt":
			i += 2
			return f[i-2 : i]
		case "range":
			i += 3
			return f[i-3 : i]
		}
		return nil
	}
	srcs := addr()
	sport := port()
	dsts := addr()
	dport := port()
	rest := f[min(i, len(f)):]
	if !named {
		return nil
	}
	out := []string{}
	for _, p := range protos {
		for _, s := range srcs {
			for _, d := range dsts {
				w := []string{f[0], f[1]}
				w = append(w, p.words...)
				w = append(w, s.words...)
				w = append(w, sport...)
				w = append(w, d.words...)
				w = append(w, dport...)
				w = append(w, p.port...)
				w = append(w, rest...)
				out = append(out, aceShow(w, s.unresolved || d.unresolved))
			}
		}
	}
	return out
}

// aceAddrWords are the words of the access-list address at f[i].
func aceAddrWords(f []string, i int) ([]string, int) {
	if i >= len(f) {
		return nil, 0
	}
	switch f[i] {
	case "any", "any4", "any6":
		return f[i : i+1], 1
	}
	return f[i:min(i+2, len(f))], min(2, len(f)-i)
}

// objectBlock finds the block `KIND TYPE name` (object or object-group).
func objectBlock(c Config, kind, name string) (Line, bool) {
	for _, l := range c.Lines {
		if f := strings.Fields(l.Text); l.Block && len(f) >= 3 && f[0] == kind && f[2] == name {
			return l, true
		}
	}
	return Line{}, false
}

// addrAlts expands a network object or object group into addresses; depth
// stops a group that contains itself.
func addrAlts(c Config, kind, name string, depth int) []aceAlt {
	b, ok := objectBlock(c, kind, name)
	if !ok || depth > 8 {
		return nil
	}
	var out []aceAlt
	for _, s := range b.Sub {
		f := strings.Fields(s.Text)
		switch {
		case f[0] == "host" && len(f) == 2:
			out = append(out, aceAlt{words: f})
		case f[0] == "subnet" && len(f) == 3:
			out = append(out, aceAlt{words: f[1:]})
		case f[0] == "range" && len(f) == 3:
			out = append(out, aceAlt{words: f})
		case f[0] == "fqdn" && len(f) == 2:
			out = append(out, aceAlt{words: []string{"fqdn", f[1], "(unresolved)"}, unresolved: true})
		case f[0] == "network-object" && len(f) == 3 && f[1] == "object":
			out = append(out, addrAlts(c, "object", f[2], depth+1)...)
		case f[0] == "network-object" && len(f) == 3:
			out = append(out, aceAlt{words: f[1:]})
		case f[0] == "group-object" && len(f) == 2:
			out = append(out, addrAlts(c, "object-group", f[1], depth+1)...)
		}
	}
	return out
}

// protoAlts expands a protocol or service object group in the protocol
// position into protocols, with a service object's destination port.
func protoAlts(c Config, name string, depth int) []aceAlt {
	b, ok := objectBlock(c, "object-group", name)
	if !ok || depth > 8 {
		return nil
	}
	var out []aceAlt
	for _, s := range b.Sub {
		f := strings.Fields(s.Text)
		switch {
		case (f[0] == "protocol-object" || f[0] == "service-object") && len(f) == 2:
			out = append(out, aceAlt{words: f[1:]})
		case f[0] == "service-object" && len(f) == 5 && f[2] == "destination":
			out = append(out, aceAlt{words: f[1:2], port: f[3:5]})
		case f[0] == "group-object" && len(f) == 2:
			out = append(out, protoAlts(c, f[1], depth+1)...)
		}
	}
	return out
}
