package grammar

import (
	"errors"
	"testing"
)

// TestParseConfigLine: abbreviations print in full, ports by name, and a
// refused word is located for the caret.
func TestParseConfigLine(t *testing.T) {
	p, err := ParseConfigLine("", "access-list A ext perm udp any 10.0.0.0 255.0.0.0 eq 53", false)
	if err != nil || p.Text != "access-list A extended permit udp any 10.0.0.0 255.0.0.0 eq domain" || p.Section != "access-list" {
		t.Fatalf("%+v %v", p, err)
	}
	_, err = ParseConfigLine("", "snmp-server host outside 10.0.0.300", false)
	var se *ConfigSyntaxError
	if !errors.As(err, &se) || se.Pos != 25 || !errors.Is(err, ErrConfigSyntax) {
		t.Fatalf("bad address: %v", err)
	}
}
