package config

import (
	"encoding/json"
	"testing"
)

// TestIKEv2ProfileStoredName: a configuration stored when profiles were
// bare names still loads, each name a profile with no lines (not yet
// complete enough to answer a peer).
func TestIKEv2ProfileStoredName(t *testing.T) {
	var c Config
	if err := json.Unmarshal([]byte(`{"hostname":"r1","interfaces":[],"ikev2_profiles":["FLEX"]}`), &c); err != nil {
		t.Fatal(err)
	}
	p, ok := c.IKEv2Profile("FLEX")
	if !ok || *p != (IKEv2Profile{Name: "FLEX"}) || c.IKEv2Ready() {
		t.Fatalf("profiles %+v, ready %v", c.IKEv2Profiles, c.IKEv2Ready())
	}
	for _, l := range []struct {
		what string
		args []string
	}{{"match", []string{"any"}}, {"remote", []string{"pre-share"}}, {"local", []string{"rsa-sig"}}} {
		if err := c.SetIKEv2ProfileLine("FLEX", l.what, l.args); err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(c) || !back.IKEv2Ready() {
		t.Fatalf("round trip %s: %v, ready %v", b, err, back.IKEv2Ready())
	}
}
