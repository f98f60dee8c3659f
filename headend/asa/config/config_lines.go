package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/asalab/asalab/headend/asa/grammar"
)

// Line is a configuration line kept by the grammar (see grammar.go),
// with the lines of the sub-mode it opens.
type Line struct {
	Text string `json:"text"`
	// Secret is 1 + the index of the word `show running-config` masks.
	Secret int `json:"secret,omitempty"`
	// Section is the running-config section of a top-level line.
	Section string `json:"section,omitempty"`
	// Block: the line opens a sub-mode; Sub are its lines.
	Block bool   `json:"block,omitempty"`
	Sub   []Line `json:"sub,omitempty"`
}

func (l Line) equal(o Line) bool {
	return l.Text == o.Text && l.Secret == o.Secret && l.Section == o.Section && l.Block == o.Block &&
		slices.EqualFunc(l.Sub, o.Sub, Line.equal)
}

func cloneLines(ls []Line) []Line {
	if ls == nil {
		return nil
	}
	out := make([]Line, len(ls))
	for i, l := range ls {
		out[i] = l
		out[i].Sub = cloneLines(l.Sub)
	}
	return out
}

// Errors of grammar configuration changes.
var (
	// ErrObjectGroupInUse: an object group an access list or another
	// group refers to cannot be removed.
	ErrObjectGroupInUse = errors.New("headend: object-group in use")
	// ErrTunnelGroupUnknown: attributes of a tunnel group that was not
	// created with `tunnel-group NAME type ...` and is not built in.
	ErrTunnelGroupUnknown = errors.New("headend: no such tunnel-group")
	// ErrTunnelGroupType: `tunnel-group NAME type` of a group that exists
	// with another type.
	ErrTunnelGroupType = errors.New("headend: the tunnel-group exists with another type")
	// ErrTunnelGroupAttrs: webvpn-attributes of a LAN-to-LAN group.
	ErrTunnelGroupAttrs = errors.New("headend: the tunnel-group type has no such attributes")
	// ErrNoSuchBlock: a sub-mode whose block is gone.
	ErrNoSuchBlock = errors.New("headend: configuration block not found")
)

// container finds the lines of the sub-mode at path (block header texts from
// the top), in a configuration whose lines were cloned.
func (c *Config) container(path []string) (*[]Line, error) {
	ls := &c.Lines
	for _, h := range path {
		i := slices.IndexFunc(*ls, func(l Line) bool { return l.Block && l.Text == h })
		if i < 0 {
			return nil, ErrNoSuchBlock
		}
		ls = &(*ls)[i].Sub
	}
	return ls, nil
}

// ApplyConfigLine adds the parsed line p in the sub-mode at path: a block is
// entered if it exists, a setting with a key replaces the line it names in
// place, and a line already there is left as it is.
func (c *Config) ApplyConfigLine(path []string, p grammar.ParsedLine) error {
	if done, err := c.checkTunnelGroupLine(path, p); done || err != nil {
		return err
	}
	if err := c.checkReferences(p); err != nil {
		return err
	}
	if r := p.Resets(); r != "" {
		return c.RemoveConfigLines(path, r)
	}
	if len(path) == 0 && p.Section == "access-list" {
		c.applyACE(p.Text)
		return nil
	}
	c.Lines = cloneLines(c.Lines)
	ls, err := c.container(path)
	if err != nil {
		return err
	}
	nl := Line{Text: p.Text, Secret: p.Secret, Block: p.Sub != ""}
	if len(path) == 0 {
		nl.Section = p.Section
	}
	if p.Key > 0 && !nl.Block {
		key := strings.Join(strings.Fields(p.Text)[:p.Key], " ")
		for i, l := range *ls {
			if !l.Block && (l.Text == key || strings.HasPrefix(l.Text, key+" ")) && sameEntry(p, l.Text) {
				(*ls)[i] = nl
				return nil
			}
		}
	}
	if slices.ContainsFunc(*ls, func(l Line) bool { return l.Text == nl.Text && l.Block == nl.Block }) {
		return nil
	}
	*ls = append(*ls, nl)
	return nil
}

// builtinTunnelGroups exist on every ASA, with their type, without a
// `type` line: their attributes can be set, and they print without one.
var builtinTunnelGroups = map[string]string{
	"DefaultRAGroup": "remote-access", "DefaultL2LGroup": "ipsec-l2l", "DefaultWEBVPNGroup": "remote-access",
}

// tunnelGroupType is the type of the tunnel group name, if it exists.
func (c *Config) tunnelGroupType(name string) (string, bool) {
	for _, l := range c.Lines {
		if t, ok := strings.CutPrefix(l.Text, "tunnel-group "+name+" type "); ok && l.Section == "tunnel-group" {
			return t, true
		}
	}
	t, ok := builtinTunnelGroups[name]
	return t, ok
}

// checkTunnelGroupLine applies the rules a tunnel group's lines follow: its
// attributes need the group to exist, a LAN-to-LAN group has no
// webvpn-attributes, the type of an existing group does not change (the
// built-in ones already have theirs, so done: nothing to add), and a default
// group policy must exist.
func (c *Config) checkTunnelGroupLine(path []string, p grammar.ParsedLine) (done bool, err error) {
	if len(path) == 1 && strings.HasPrefix(path[0], "tunnel-group ") && strings.HasSuffix(path[0], " general-attributes") {
		if g, ok := strings.CutPrefix(p.Text, "default-group-policy "); ok {
			if _, ok := c.VPN.GroupPolicy(g); !ok {
				return false, fmt.Errorf("%w %q", ErrGroupPolicyNotFound, g)
			}
		}
		return false, nil
	}
	if len(path) != 0 || p.Section != "tunnel-group" {
		return false, nil
	}
	f := strings.Fields(p.Text)
	typ, ok := c.tunnelGroupType(f[1])
	switch {
	case f[2] == "type":
		if ok && typ != f[3] {
			return false, fmt.Errorf("%w: %s is %s", ErrTunnelGroupType, f[1], typ)
		}
		_, builtin := builtinTunnelGroups[f[1]]
		return builtin, nil
	case !ok:
		return false, ErrTunnelGroupUnknown
	case f[2] == "webvpn-attributes" && typ == "ipsec-l2l":
		return false, fmt.Errorf("%w: %s is %s", ErrTunnelGroupAttrs, f[1], typ)
	}
	return false, nil
}

// TunnelGroupUsing names a tunnel group whose general-attributes have
// `default-group-policy policy`, or "" if none has.
func (c *Config) TunnelGroupUsing(policy string) string {
	for _, l := range c.Lines {
		if l.Section != "tunnel-group" || !strings.HasSuffix(l.Text, " general-attributes") {
			continue
		}
		if slices.ContainsFunc(l.Sub, func(s Line) bool { return s.Text == "default-group-policy "+policy }) {
			return strings.Fields(l.Text)[1]
		}
	}
	return ""
}

// sameEntry reports whether the kept line text is of p's grammar entry:
// `crypto map CM interface outside` does not replace `crypto map CM 10 ...`.
func sameEntry(p grammar.ParsedLine, text string) bool {
	o, err := grammar.ParseConfigLine(p.Table, text, false)
	return err == nil && o.Entry == p.Entry
}

// RemoveConfigLines is the `no` form: it removes the lines of the sub-mode
// at path that the words name (the whole line, or its first words), blocks
// with their lines. Naming nothing is no error, as on the ASA.
func (c *Config) RemoveConfigLines(path []string, words string) error {
	if len(path) == 0 && strings.HasPrefix(words, "object-group ") {
		if f := strings.Fields(words); len(f) >= 3 && c.objectGroupUsed(f[2]) {
			return &InUseError{Kind: "object-group", Name: f[2]}
		}
	}
	if len(path) == 0 && strings.HasPrefix(words, "object ") {
		if f := strings.Fields(words); len(f) >= 3 && c.objectUsed(f[2]) {
			return &InUseError{Kind: "object", Name: f[2]}
		}
	}
	if len(path) == 0 && c.removeACE(words) {
		c.dropOrphanAccessGroups()
		return nil
	}
	c.Lines = cloneLines(c.Lines)
	ls, err := c.container(path)
	if err != nil {
		return err
	}
	*ls = slices.DeleteFunc(*ls, func(l Line) bool { return l.Text == words || strings.HasPrefix(l.Text, words+" ") })
	if len(path) == 0 && strings.HasPrefix(words, "tunnel-group ") && strings.Contains(words+" ", " type ") {
		// Without its type the group's attributes go too.
		name := strings.Fields(words)[1]
		c.Lines = slices.DeleteFunc(c.Lines, func(l Line) bool {
			return l.Section == "tunnel-group" && strings.Fields(l.Text)[1] == name
		})
	}
	c.dropOrphanAccessGroups()
	return nil
}

// InUseError refuses to remove an object other configuration refers to.
type InUseError struct{ Kind, Name string }

func (e *InUseError) Error() string { return "headend: " + e.Kind + " " + e.Name + " is in use" }

func (e *InUseError) Unwrap() error { return ErrObjectGroupInUse }

func (c *Config) objectGroupUsed(name string) bool {
	var used func(ls []Line, top bool) bool
	used = func(ls []Line, top bool) bool {
		for _, l := range ls {
			f := strings.Fields(l.Text)
			for i := 0; i+1 < len(f); i++ {
				if (f[i] == "object-group" && f[i+1] == name && !(top && i == 0)) || (f[i] == "group-object" && f[i+1] == name) {
					return true
				}
			}
			if used(l.Sub, false) {
				return true
			}
		}
		return false
	}
	return used(c.Lines, true)
}

// ClearConfigSection is `clear configure SECTION [WORDS]`: it removes the
// section's lines, or those whose words after the section's keyword start
// with words (`clear configure access-list NAME`).
func (c *Config) ClearConfigSection(section, words string) {
	c.Lines = slices.DeleteFunc(cloneLines(c.Lines), func(l Line) bool {
		if l.Section != section {
			return false
		}
		if words == "" {
			return true
		}
		rest := strings.Join(strings.Fields(l.Text)[1:], " ")
		return rest == words || strings.HasPrefix(rest, words+" ")
	})
	c.dropOrphanAccessGroups()
}
