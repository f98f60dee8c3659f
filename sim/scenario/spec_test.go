package scenario_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asalab/asalab/sim/scenario"
)

// TestEmbeddedScenarios: every scenario file of the repository reads.
func TestEmbeddedScenarios(t *testing.T) {
	all, err := scenario.Load()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
		if len(s.Hints) == 0 || s.Title == "" || s.Description == "" {
			t.Errorf("%s: a scenario needs a title, a description and hints", s.File)
		}
	}
	if got := strings.Join(names, " "); got != "asav-smart essentials-to-plus premium-to-apex rma-rehost shared-to-plus timebased-expiry" {
		t.Fatalf("scenarios: %s", got)
	}
}

const minimal = `name: "tiny"
title: "Tiny"
description: "one headend"
clock_start: "2030-01-07T08:00:00Z"
headends {
  hostname: "hq"
  model: "ASA5525"
}
goals {
  check: "connect_all"
  description: "all connect"
}
`

// TestParseErrors: a scenario file's mistakes are named with the file,
// the line and the field.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"syntax", strings.Replace(minimal, `title: "Tiny"`, `title "Tiny`, 1),
			`bad.textpb:2:1: syntax error: missing field separator :`},
		{"unknown field", strings.Replace(minimal, `title: "Tiny"`, `titel: "Tiny"`, 1),
			`bad.textpb:2:1: unknown field: titel`},
		{"not a Monday", strings.Replace(minimal, "2030-01-07T08", "2030-01-08T08", 1),
			`bad.textpb:4: field clock_start: clock_start 2030-01-08T08:00:00Z is not a Monday 08:00 UTC`},
		{"model", strings.Replace(minimal, "ASA5525", "ASA9999", 1),
			`bad.textpb:7: field model: headend hq: unknown model "ASA9999"`},
		{"check", strings.Replace(minimal, "connect_all", "connect_some", 1),
			`bad.textpb:10: field check: goal 1: unknown check "connect_some"`},
		{"feature", strings.Replace(minimal, `model: "ASA5525"`, "model: \"ASA5525\"\n  features: \"premium=lots\"", 1),
			`bad.textpb:8: field features: headend hq: keygen: invalid feature set: "premium" needs a positive number, as premium=N`},
		{"users", minimal + "traffic {\n  users { headend: \"branch\" count: 5 }\n}\n",
			`bad.textpb:14: field count: users 1: a headend of the scenario ("branch") and a count 1..100000 (5)`},
		{"order", minimal + "portal {\n  customer: \"A\"\n  orders { sku: \"L-NOPE=\" }\n}\n",
			`bad.textpb:15: field sku: order 1: portal: unknown SKU "L-NOPE="`},
		{"smart tag", minimal + "smart {\n  account: \"Acme\"\n  entitlements { tag: \"ASAv-STD-1G\" count: 2 }\n  entitlements { tag: \"ASAv-STD-3G\" count: 1 }\n}\n",
			`bad.textpb:16: field tag: entitlement 2: tag "ASAv-STD-3G" is not one of ASAv-STD-100M, ASAv-STD-1G`},
		{"smart virtual account", minimal + "smart {\n  account: \"Acme\"\n  tokens { virtual_account: \"Lab\" }\n}\n",
			`bad.textpb:15: field virtual_account: token 1: virtual account "Lab" is not DEFAULT or one of virtual_accounts`},
		{"smart account", minimal + "smart {\n  account: \"Acme/Corp\"\n}\n",
			`bad.textpb:14: field account: smart account "Acme/Corp": 1 to 60 letters, digits, spaces`},
		{"smart_balanced without an account", strings.Replace(minimal, "connect_all", "smart_balanced", 1),
			`bad.textpb:10: field check: goal 1: smart_balanced needs the file's smart account`},
		{"smart_authorized tier", strings.Replace(minimal, `check: "connect_all"`, "check: \"smart_authorized\"\n  tier: \"plus\"", 1),
			`bad.textpb:11: field tier: goal 1: tier "plus" is not an ASAv entitlement (one of ASAv-STD-100M, ASAv-STD-1G`},
		{"cut_link peer", minimal + "actions { headend: \"hq\" cut_link: \"cloud\" }\n",
			`bad.textpb:13: field cut_link: action 1: cut_link "cloud" is neither "smart" nor another headend of the scenario`},
		{"smart_registered throughput", strings.Replace(minimal, `model: "ASA5525"`, "model: \"ASAv10\"\n  smart_registered { before: \"48h\" throughput: \"3G\" }", 1) +
			"smart {\n  account: \"Acme\"\n  tokens { days: 365 }\n}\n",
			`bad.textpb:8: field throughput: headend hq: throughput "3G" is not one of 100M, 1G, 2G, 10G, 20G`},
		{"before on an rma", minimal + "actions { headend: \"hq\" rma: true before: \"2h\" }\n",
			`bad.textpb:13: field before: action 1: before "2h": a cut_link's, a duration from 1h to 5 years`},
		{"token placeholder", strings.Replace(minimal, `description: "one headend"`, `description: "token {token2}"`, 1) +
			"smart {\n  account: \"Acme\"\n  tokens { days: 365 }\n}\n",
			`bad.textpb:3: field description: {token2} names no token of the file's smart account`},
		{"rma and cut_link", minimal + "actions { headend: \"hq\" rma: true cut_link: \"smart\" }\n",
			`bad.textpb:13: field headend: action 1: an rma or a cut_link of a headend of the scenario`},
	} {
		_, err := scenario.Parse("bad.textpb", []byte(c.src))
		if !errors.Is(err, scenario.ErrInvalidScenario) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant it to contain %s", c.name, err, c.want)
		}
	}
	if _, err := scenario.Parse("ok.textpb", []byte(minimal)); err != nil {
		t.Fatal(err)
	}
}

// TestLoadDir: a directory's files are carried beside the built-in
// scenarios, one named as a built-in replaces it, and a file that does not
// read, or a second file of one name, is refused naming the file, the line
// and the field.
func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tiny.textpb", minimal)
	write("mine.textpb", strings.Replace(strings.Replace(minimal, `name: "tiny"`, `name: "rma-rehost"`, 1), `title: "Tiny"`, `title: "My RMA"`, 1))
	write("notes.txt", "not a scenario")
	all, err := scenario.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{}
	for _, s := range all {
		titles[s.Name] = s.Title
	}
	if len(all) != 7 || titles["tiny"] != "Tiny" || titles["rma-rehost"] != "My RMA" || titles["shared-to-plus"] == "" {
		t.Fatalf("scenarios: %v", titles)
	}
	write("twin.textpb", minimal)
	if _, err := scenario.LoadDir(dir); !errors.Is(err, scenario.ErrInvalidScenario) || !strings.Contains(err.Error(), `name "tiny" is taken by `+filepath.Join(dir, "tiny.textpb")) {
		t.Fatalf("two files named tiny: %v", err)
	}
	os.Remove(filepath.Join(dir, "twin.textpb"))
	write("bad.textpb", strings.Replace(minimal, "ASA5525", "ASA9999", 1))
	if _, err := scenario.LoadDir(dir); err == nil || err.Error() != "scenario: invalid scenario file: "+filepath.Join(dir, "bad.textpb")+`:7: field model: headend hq: unknown model "ASA9999"` {
		t.Fatalf("a bad file: %v", err)
	}
	if _, err := scenario.LoadDir(filepath.Join(dir, "nope")); err == nil {
		t.Fatal("a directory that is not there was accepted")
	}
}
