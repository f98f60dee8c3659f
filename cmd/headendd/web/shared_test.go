package web

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/scenario"
)

// pairScenario is a failover pair of two ASA 5525-X, fw1 with 250 Premium
// peers, fw2 with none of its own.
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

// sharedFixture is two labs: shared, running the shared-to-plus scenario
// (a shared licensing server srv and its participants p1 to p3), and
// pair, a failover pair.
func sharedFixture(t *testing.T) (*client, map[string]*scenario.Engine) {
	t.Helper()
	pair, err := scenario.Parse("pair.textpb", []byte(pairScenario))
	if err != nil {
		t.Fatal(err)
	}
	all, err := scenario.Load()
	if err != nil {
		t.Fatal(err)
	}
	ls := labs{"shared": openLab(t, "shared"), "pair": openLab(t, "pair")}
	engs := map[string]*scenario.Engine{}
	for name, run := range map[string]string{"shared": "shared-to-plus", "pair": "pair"} {
		e, err := scenario.OpenWith(ls[name], append(all, pair))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Start(run); err != nil {
			t.Fatal(err)
		}
		engs[name] = e
	}
	srv, err := New(Options{Labs: ls, Tick: time.Hour, Scenario: func(lab string) *scenario.Engine { return engs[lab] }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	f := &fixture{srv: srv, ts: ts}
	return f.client(t), engs
}

func TestSharedPoolAndFailoverPair(t *testing.T) {
	c, _ := sharedFixture(t)
	code, page, _ := c.get("/labs/shared/shared")
	if code != http.StatusOK {
		t.Fatalf("shared: %d\n%s", code, page)
	}
	want(t, page, `<table class="pool" data-server="srv">`,
		`<caption>Pool of srv (server): <span data-field="total">1000</span> sessions, <span data-field="available">700</span> available, <span data-field="used">300</span> used</caption>`,
		`<p id="no-pairs">`)
	// Each participant: its own 25 Premium peers, 100 borrowed, 100 users.
	for _, p := range []string{"p1", "p2", "p3"} {
		for col, v := range map[string]string{"answers": "yes", "local": "25", "borrowed": "100", "active": "100", "limit": "750"} {
			if got := cell(t, page, p, col); got != v {
				t.Errorf("%s %s = %q, want %q", p, col, got, v)
			}
		}
	}
	_, page, _ = c.get("/labs/shared/headends/p1")
	want(t, page, `<dd data-field="role">participant</dd>`, `<dd data-field="borrowed">100 (platform limit 750)</dd>`,
		`<dd data-field="pool">srv at 10.1.0.1, answering</dd>`)

	code, page, _ = c.get("/labs/pair/shared")
	if code != http.StatusOK {
		t.Fatalf("pair: %d\n%s", code, page)
	}
	// The pair's combined license is the units' own: fw1's 250 Premium
	// peers and fw2's 2 of its Base license.
	want(t, page, `<caption>Pair fw1 / fw2: combined license <span data-field="cluster">Premium 252, Total VPN Peers 750</span></caption>`, `<p id="no-pools">`)
	for host, st := range map[string][2]string{"fw1": {"Primary", "active"}, "fw2": {"Secondary", "standby ready"}} {
		if got := cell(t, page, host, "role"); got != st[0] {
			t.Errorf("%s role %q, want %q", host, got, st[0])
		}
		if got := cell(t, page, host, "state"); got != st[1] {
			t.Errorf("%s state %q, want %q", host, got, st[1])
		}
		if got := cell(t, page, host, "lan"); got != "up" {
			t.Errorf("%s LAN link %q, want up", host, got)
		}
	}
	// The fleet shows the standby unit as such, and filters by it.
	_, page, _ = c.get("/labs/pair/?state=standby")
	if got := cell(t, page, "fw2", "state"); got != "standby" {
		t.Errorf("fw2 state in the fleet %q, want standby", got)
	}
	if strings.Contains(page, `data-hostname="fw1"`) {
		t.Error("state=standby lists the active unit fw1")
	}
	_, page, _ = c.get("/labs/pair/headends/fw1")
	want(t, page, `<dd data-field="mate">fw2 (`, `), standby ready</dd>`, "Failover cluster licensed features for this platform:")
}

// TestSharedParticipantLimitIsWhatItAdmits: a shared licensing
// participant's "limit in force" is what it admits: its local Premium
// peers, the blocks it holds and the whole blocks the pool can still lend
// it within its platform limit; cut off from its server, what it holds.
// Each is checked by admitting until the first refusal.
func TestSharedParticipantLimitIsWhatItAdmits(t *testing.T) {
	c, engs := sharedFixture(t)
	lab := engs["shared"].Lab()
	n := 0
	fill := func(host string) int {
		t.Helper()
		for i := 0; ; i++ {
			d, err := lab.Admit(host, fmt.Sprintf("fill%d", n), "laptop", sim.KindAnyConnect)
			n++
			if err != nil {
				t.Fatal(err)
			}
			if !d.Admitted {
				return i
			}
			if i > 1000 {
				t.Fatalf("%s admits more than 1000 more", host)
			}
		}
	}
	check := func(host string, limit int, what string) {
		t.Helper()
		_, page, _ := c.get("/labs/shared/")
		m := regexp.MustCompile(`<tr data-hostname="` + host + `"[^>]*>(?s:.*?)<td data-col="anyconnect" data-active="(\d+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s row:\n%s", host, page)
		}
		active, _ := strconv.Atoi(m[1])
		label := fmt.Sprintf("%d/%d Premium (%s)", active, limit, what)
		if got := html.UnescapeString(cell(t, page, host, "anyconnect")); got != label {
			t.Errorf("%s anyconnect = %q, want %q", host, got, label)
		}
		if got := fill(host); got != limit-active {
			t.Errorf("%s admitted %d more, want %d", host, got, limit-active)
		}
	}
	// p1: 25 local + 100 borrowed, 100 up; the pool (700 free) lends it
	// up to its platform limit of 750.
	check("p1", 750, "25 local + 100 borrowed + 625 the pool can lend")
	// p2: the pool has 75 left, one whole block of 50.
	check("p2", 175, "25 local + 100 borrowed + 50 the pool can lend")
	// p3, its server off: it keeps the 100 it holds, and borrows no more.
	if _, _, err := lab.PowerOff("srv"); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.AdvanceClock(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	sn, err := lab.Get("p3")
	if err != nil {
		t.Fatal(err)
	}
	if sn.Shared.ExpiresAt.IsZero() {
		t.Fatalf("p3 is not cut off: %+v", sn.Shared)
	}
	check("p3", 125, "25 local + 100 borrowed, cut off from the server, kept until "+sn.Shared.ExpiresAt.UTC().Format("2006-01-02 15:04:05 UTC"))
}
