package config

import (
	"errors"
	"testing"

	"github.com/asalab/asalab/headend/asa/grammar"
)

// TestDefaultForm: `default enrollment` in a trustpoint removes the
// enrollment line and is not kept; `default` where the ASA has no such
// command is a syntax error at the word.
func TestDefaultForm(t *testing.T) {
	c := Default("asa1")
	if err := applyTopLines(t, &c, "crypto ca trustpoint TP"); err != nil {
		t.Fatal(err)
	}
	path := []string{"crypto ca trustpoint TP"}
	for _, l := range []string{"enrollment self", "keypair K", "default enrollment"} {
		p, err := grammar.ParseConfigLine("trustpoint", l, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ApplyConfigLine(path, p); err != nil {
			t.Fatal(err)
		}
	}
	if sub := c.Lines[0].Sub; len(sub) != 1 || sub[0].Text != "keypair K" {
		t.Fatalf("trustpoint lines %+v", sub)
	}
	for table, line := range map[string]string{"trustpoint": "default keypair", "og-network": "default description", "": "default snmp-server contact"} {
		_, err := grammar.ParseConfigLine(table, line, false)
		var se *grammar.ConfigSyntaxError
		if !errors.As(err, &se) || !errors.Is(err, grammar.ErrConfigSyntax) {
			t.Errorf("%q in %q: %v", line, table, err)
		}
	}
}
