package config

import (
	"errors"
	"testing"

	"github.com/asalab/asalab/headend/asa/grammar"
)

// applyTopLines applies top-level configuration lines, stopping at the first
// error.
func applyTopLines(t *testing.T, c *Config, lines ...string) error {
	t.Helper()
	for _, l := range lines {
		p, err := grammar.ParseConfigLine("", l, false)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if err := c.ApplyConfigLine(nil, p); err != nil {
			return err
		}
	}
	return nil
}

// TestConfigReferences: a line naming a nameif, access list, object or
// object group that does not exist is refused with the offending word and
// changes nothing.
func TestConfigReferences(t *testing.T) {
	c := Default("asa1")
	c.SetInterface(Interface{Name: "GigabitEthernet0/0", Nameif: "outside"})
	if err := applyTopLines(t, &c, "object-group network OG", "object network WEB"); err != nil {
		t.Fatal(err)
	}
	for line, want := range map[string]RefError{
		"route inside 0.0.0.0 0.0.0.0 192.0.2.1":                 {Kind: "nameif", Name: "inside", Word: 2},
		"http 10.0.0.0 255.0.0.0 inside":                         {Kind: "nameif", Name: "inside", Word: 4},
		"snmp-server host inside 192.0.2.9":                      {Kind: "nameif", Name: "inside", Word: 3},
		"aaa-server RAD (inside) host 192.0.2.5":                 {Kind: "nameif", Name: "inside", Word: 3},
		"access-group ACL in interface outside":                  {Kind: "access-list", Name: "ACL", Word: 2},
		"access-list ACL extended permit ip any object-group NO": {Kind: "object-group", Name: "NO", Word: 8},
		"access-list ACL extended permit ip object NO any":       {Kind: "object", Name: "NO", Word: 7},
		"access-list ACL extended permit ip any interface dmz":   {Kind: "nameif", Name: "dmz", Word: 8},
	} {
		before := c
		err := applyTopLines(t, &c, line)
		var ref *RefError
		if !errors.As(err, &ref) || *ref != want {
			t.Errorf("%s: %v, want %+v", line, err, want)
		}
		if !c.Equal(before) {
			t.Errorf("%s: the refused line changed the configuration", line)
		}
	}
	if err := applyTopLines(t, &c, "access-list ACL extended permit ip object WEB object-group OG",
		"access-group ACL in interface outside", "route outside 0.0.0.0 0.0.0.0 192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveConfigLines(nil, "object network WEB"); !errors.Is(err, ErrObjectGroupInUse) {
		t.Errorf("no object in use: %v", err)
	}
	if err := c.RemoveConfigLines(nil, "access-list ACL"); err != nil || len(c.Lines) != 3 {
		t.Errorf("no access-list: %v, %d lines left (the objects and the route)", err, len(c.Lines))
	}
}
