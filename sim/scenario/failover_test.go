package scenario_test

import (
	"testing"

	"github.com/asalab/asalab/sim/scenario"
)

const pairScenario = `name: "pair"
title: "A failover pair"
description: "two units paired by their failover lines"
clock_start: "2030-01-07T08:00:00Z"
headends {
  hostname: "fw1"
  model: "ASA5525"
  features: ["premium=250"]
  interfaces { name: "GigabitEthernet0/0" nameif: "outside" address: "192.0.2.1/24" }
  config: ["interface GigabitEthernet0/7", "no shutdown", "exit",
    "failover lan unit primary", "failover lan interface folink GigabitEthernet0/7", "failover link folink",
    "failover interface ip folink 10.255.255.1 255.255.255.252 standby 10.255.255.2", "failover key s3cr3t", "failover"]
}
headends {
  hostname: "fw2"
  model: "ASA5525"
  features: ["3des"]
  config: ["interface GigabitEthernet0/7", "no shutdown", "exit",
    "failover lan unit secondary", "failover lan interface folink GigabitEthernet0/7", "failover link folink",
    "failover interface ip folink 10.255.255.1 255.255.255.252 standby 10.255.255.2", "failover key s3cr3t", "failover"]
}
goals { check: "permanent_premium" description: "premium" users: 250 headends: "fw1" }
`

// TestFailoverPairDeclared: a scenario's fleet declares a failover pair
// by its units' failover lines, and the pair forms before the start.
func TestFailoverPairDeclared(t *testing.T) {
	sc, err := scenario.Parse("pair.textpb", []byte(pairScenario))
	if err != nil {
		t.Fatal(err)
	}
	tl := openLab(t)
	if tl.eng, err = scenario.OpenWith(tl.lab, []*scenario.Scenario{sc}); err != nil {
		t.Fatal(err)
	}
	tl.start("pair")
	for host, want := range map[string]string{"fw1": "fw2", "fw2": "fw1"} {
		s, err := tl.lab.Get(host)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Failover.Enabled || !s.Failover.MateSeen || s.Failover.MateHostname != want {
			t.Fatalf("%s: failover %+v", host, s.Failover)
		}
	}
	wantGrade(t, tl.grade(), "PASS premium", "score 1/1")
}
