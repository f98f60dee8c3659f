package config

import (
	"errors"
	"slices"
	"strings"

	"github.com/asalab/asalab/headend/asa/grammar"
)

// Errors of a configuration line naming something that does not exist.
var (
	// ErrAccessListNotFound: an access-group of an access list no line
	// defines.
	ErrAccessListNotFound = errors.New("headend: no such access-list")
	// ErrObjectNotFound: an access list entry naming an object or object
	// group that is not defined.
	ErrObjectNotFound = errors.New("headend: no such object")
)

// RefError is a configuration line naming an interface, access list, object
// or object group that does not exist. Word is the 1-based index of the
// offending word in the line.
type RefError struct {
	Kind string // "nameif", "access-list", "object" or "object-group"
	Name string
	Word int
}

func (e *RefError) Error() string { return "headend: " + e.Kind + " " + e.Name + " does not exist" }

func (e *RefError) Unwrap() error {
	switch e.Kind {
	case "nameif":
		return ErrUnknownNameif
	case "access-list":
		return ErrAccessListNotFound
	}
	return ErrObjectNotFound
}

// checkReferences refuses a line whose grammar entry names an interface
// (by nameif), an access list or objects that the configuration does not
// have: the ASA offers the interfaces' names as keywords and does not let a
// line refer forward to an access list or object ("you cannot reference an
// object or object group that does not exist in an ACL ... You also cannot
// reference an ACL that does not exist in an access-group command", Cisco
// ASA Series Firewall CLI Configuration Guide, Guidelines for ACLs).
func (c *Config) checkReferences(p grammar.ParsedLine) error {
	nameif, acl, objects := p.References()
	f := strings.Fields(p.Text)
	if acl > 0 && acl <= len(f) && !c.accessListExists(f[acl-1]) {
		return &RefError{Kind: "access-list", Name: f[acl-1], Word: acl}
	}
	if nameif > 0 && nameif <= len(f) {
		n := f[nameif-1]
		if strings.HasPrefix(n, "(") && strings.HasSuffix(n, ")") {
			n = n[1 : len(n)-1]
		}
		if _, ok := c.InterfaceByNameif(n); !ok {
			return &RefError{Kind: "nameif", Name: n, Word: nameif}
		}
	}
	if objects {
		for i := 0; i+1 < len(f); i++ {
			if (f[i] == "object" || f[i] == "object-group") && !c.objectExists(f[i], f[i+1]) {
				return &RefError{Kind: f[i], Name: f[i+1], Word: i + 2}
			}
			if _, ok := c.InterfaceByNameif(f[i+1]); f[i] == "interface" && !ok {
				return &RefError{Kind: "nameif", Name: f[i+1], Word: i + 2}
			}
		}
	}
	return nil
}

// accessListExists reports whether a line of the access list name is kept.
func (c *Config) accessListExists(name string) bool {
	return slices.ContainsFunc(c.Lines, func(l Line) bool {
		return l.Section == "access-list" && strings.Fields(l.Text)[1] == name
	})
}

// objectExists reports whether `object TYPE name` (kind "object") or
// `object-group TYPE name` is defined.
func (c *Config) objectExists(kind, name string) bool {
	return slices.ContainsFunc(c.Lines, func(l Line) bool {
		f := strings.Fields(l.Text)
		return l.Block && len(f) >= 3 && f[0] == kind && f[2] == name
	})
}

// objectUsed reports whether a line other than its definition refers to the
// object name (`object N` in an access list, `network-object object N`).
func (c *Config) objectUsed(name string) bool {
	var used func(ls []Line, top bool) bool
	used = func(ls []Line, top bool) bool {
		for _, l := range ls {
			f := strings.Fields(l.Text)
			for i := 0; i+1 < len(f); i++ {
				if f[i] == "object" && f[i+1] == name && !(top && i == 0) {
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

// dropOrphanAccessGroups removes the access-group lines of access lists
// that no longer have a line: the ASA removes an access list's binding
// with its last entry.
func (c *Config) dropOrphanAccessGroups() {
	acls := map[string]bool{}
	for _, l := range c.Lines {
		if l.Section == "access-list" {
			acls[strings.Fields(l.Text)[1]] = true
		}
	}
	c.Lines = slices.DeleteFunc(c.Lines, func(l Line) bool {
		return l.Section == "access-group" && !acls[strings.Fields(l.Text)[1]]
	})
}
