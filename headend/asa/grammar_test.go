package asa

import (
	"encoding/json"
	"testing"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/grammar"
)

// TestConfigLinesStored: the grammar's lines survive the stored JSON form,
// and a record stored before they existed loads with none.
func TestConfigLinesStored(t *testing.T) {
	var legacy config.Config
	if err := json.Unmarshal([]byte(`{"hostname":"asa1","essentials":true}`), &legacy); err != nil || legacy.Lines != nil {
		t.Fatalf("legacy: %v %+v", err, legacy.Lines)
	}
	c := config.Default("asa1")
	for _, l := range []struct{ table, line string }{
		{"", "object-group network OG"}, {"og-network", "network-object 10.0.0.1 255.255.255.255"},
	} {
		p, err := grammar.ParseConfigLine(l.table, l.line, false)
		if err != nil {
			t.Fatal(err)
		}
		path := []string{}
		if l.table != "" {
			path = []string{"object-group network OG"}
		}
		if err := c.ApplyConfigLine(path, p); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := json.Marshal(c)
	var back config.Config
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(c) {
		t.Fatalf("round trip: %v\n%s", err, b)
	}
	if got := back.Lines[0].Sub[0].Text; got != "network-object host 10.0.0.1" {
		t.Errorf("normalised %q", got)
	}
}
