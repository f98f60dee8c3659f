package scenario_test

import (
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim/scenario"
)

const checksScenario = `name: "checks"
title: "Every check"
description: "one headend, every goal failing, then some passing"
clock_start: "2030-01-07T08:00:00Z"
portal { customer: "Acme Corp" }
headends {
  hostname: "hq"
  model: "ASA5525"
  features: ["premium=50", "shared-participant"]
  interfaces { name: "GigabitEthernet0/1" nameif: "inside" address: "10.9.0.11/24" }
  config: ["license-server address 10.9.0.1 secret Nobody1", "webvpn", "anyconnect-essentials", "exit"]
}
traffic {
  users { headend: "hq" count: 60 }
  curve { hour: "00:00" fraction: 1 }
}
goals { check: "key_plus_apex" description: "plus" }
goals { check: "essentials_off_saved" description: "essentials" }
goals { check: "no_license_server_saved" description: "license-server" }
goals { check: "order_covers" description: "order" users: 10 tier: "apex" fail: "buy Apex: {detail}" }
goals { check: "connect_all" description: "connect" }
goals { check: "no_refusals" description: "refusals" fail: "{units} turned users away: {detail}" }
goals { check: "shared_kept" description: "shared kept" }
goals { check: "permanent_premium" description: "premium" users: 100 }
goals { check: "shared_registered" description: "registered" }
goals { check: "rehosted_within" description: "rehosted" within: "1h" }
goals { check: "compliance_clean" description: "compliance" }
hints: "the only hint"
`

// TestGoalChecks: each check's lines, failing and passing, on a headend
// whose license (50 Premium peers, minted, not bought) leaves 10 of its
// 60 users out.
func TestGoalChecks(t *testing.T) {
	sc, err := scenario.Parse("checks.textpb", []byte(checksScenario))
	if err != nil {
		t.Fatal(err)
	}
	tl := openLab(t)
	if tl.eng, err = scenario.OpenWith(tl.lab, []*scenario.Scenario{sc}); err != nil {
		t.Fatal(err)
	}
	tl.start("checks")
	tl.advance(2 * time.Minute)
	g := tl.grade()
	wantGrade(t, g,
		"FAIL plus: hq runs a key without AnyConnect Plus or Apex",
		"FAIL essentials: hq still runs anyconnect-essentials",
		"FAIL license-server: hq keeps `license-server address 10.9.0.1 secret *****` in its running configuration; hq keeps `license-server address 10.9.0.1 secret *****` in its startup configuration",
		"FAIL order: buy Apex: the Apex orders of Acme Corp since the start cover 0 users, not 10",
		"FAIL connect: hq admitted 50 of its 60 users at grade time (10 refused)",
		"FAIL refusals: hq turned users away: hq refused 10 users between 08:00 and 08:02 lab time: over its license (premium limit)",
		"PASS shared kept",
		"FAIL premium: hq's permanent key covers 50 AnyConnect users, not 100",
		"FAIL registered: hq is not registered with its shared licensing server",
		"FAIL rehosted: hq was not replaced",
		"PASS compliance",
		"score 2/11")

	// Essentials off but not saved; a Plus key minted for the serial,
	// which the portal never issued, and that waits for a reload.
	tl.exec("hq", "configure terminal", "webvpn", "no anyconnect-essentials", "exit", "no license-server address", "end")
	h, err := tl.lab.Headend("hq")
	if err != nil {
		t.Fatal(err)
	}
	w, err := h.Signer().Encode(keygen.Key{Serial: tl.serial("hq"), Features: keygen.Features{PlusApex: true}})
	if err != nil {
		t.Fatal(err)
	}
	tl.exec("hq", "configure terminal", "activation-key "+w.String(), "end")
	lines := statusLines(t, tl)
	for _, want := range []string{
		"FAIL plus: hq runs a key without AnyConnect Plus or Apex",
		"FAIL essentials: hq has no anyconnect-essentials running but not saved (write memory)",
		"FAIL license-server: hq keeps `license-server address 10.9.0.1 secret *****` in its startup configuration",
		"WAIT connect: checked at grade time",
		"FAIL premium: hq's new key waits for a reload",
	} {
		if !strings.Contains(lines, want+"\n") {
			t.Fatalf("status lacks %q:\n%s", want, lines)
		}
	}
	tl.exec("hq", "write memory")
	tl.exec("hq", "reload", "")
	lines = statusLines(t, tl)
	for _, want := range []string{
		"FAIL plus: hq runs a key the portal did not issue for its serial " + tl.serial("hq"),
		"PASS essentials",
		"PASS license-server",
		"PASS premium",
	} {
		if !strings.Contains(lines, want+"\n") {
			t.Fatalf("status lacks %q:\n%s", want, lines)
		}
	}
}

func statusLines(t *testing.T, tl *tlab) string {
	t.Helper()
	st, err := tl.eng.Status()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, g := range st.Goals {
		b.WriteString(g.Line + "\n")
	}
	return b.String()
}
