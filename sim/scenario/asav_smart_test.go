package scenario_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen/smart"
	"github.com/asalab/asalab/sim"
)

// smartLines license a unit for the standard tier at 1G and save it.
var smartLines = []string{"configure terminal", "license smart", "feature tier standard", "throughput level 1G", "exit", "end"}

// TestASAvSmart solves asav-smart as a trainee would, from the brief's
// account and token: the missing ASAv-STD-1G added at the manager, every
// unit licensed on its console and saved, v3's path to the manager
// restored after its registration failed (or v3 licensed by a Permanent
// License Reservation instead), v4's restored and its
// authorization renewed before its communication deadline at noon; the
// brief and the hints name the run's account and token, across a restart
// too. The wrong ways: no license added and v1 not saved (v2 out of
// compliance at the manager, the account over-consumed), or the cut paths missed (v3 unlicensed, its
// users refused at grade time; v4 unauthorized at noon, its users back
// from lunch refused); the grade names the units and the lab times.
func TestASAvSmart(t *testing.T) {
	for _, way := range []string{"right", "plr", "unsaved-over-consumed", "cut-missed"} {
		t.Run(way, func(t *testing.T) {
			tl := openLab(t)
			st := tl.start("asav-smart")
			m := regexp.MustCompile(`Smart Account (.+) holds .* ID token is (\S+)\.`).FindStringSubmatch(st.Scenario.Description)
			if m == nil {
				t.Fatalf("the brief names no account and token: %s", st.Scenario.Description)
			}
			account, token := m[1], m[2]
			for _, sc := range tl.eng.List() {
				if sc.Name == "asav-smart" && !strings.Contains(sc.Description, "The Smart Account Acme Corp holds the ASAv licenses bought for them; its ID token is (given at the start).") {
					t.Errorf("the listed brief: %s", sc.Description)
				}
			}
			tl.at(st, "08:30")
			if got := tl.active("v1"); got != 2 {
				t.Fatalf("v1, unregistered, has %d users up at 08:30, want the 2 of its evaluation", got)
			}
			if way != "unsaved-over-consumed" {
				if _, err := tl.lab.Smart().AddEntitlement(account, "", smart.TagASAv1G, 1, time.Time{}); err != nil {
					t.Fatal(err)
				}
			}
			for _, h := range []string{"v1", "v2", "v3"} {
				lines := append(smartLines, "write memory")
				if h == "v1" && way == "unsaved-over-consumed" {
					lines = smartLines
				}
				tl.exec(h, append(lines, "license smart register idtoken "+token)...)
			}
			all := tl.exec("v3", "show license all")
			if !strings.Contains(all, "Communication message send error") {
				t.Errorf("v3's show license all does not tell its failure:\n%s", all)
			}
			switch way {
			case "plr":
				// v3 licensed by a Permanent License Reservation instead,
				// with no path to the manager.
				out := tl.exec("v3", "configure terminal", "license smart reservation", "end", "write memory",
					"license smart reservation request universal")
				req := regexp.MustCompile(`(?m)^CB-\S+`).FindString(out)
				res, err := tl.lab.Smart().Reserve(account, "", req, "")
				if err != nil {
					t.Fatalf("reserve %q: %v\n%s", req, err, out)
				}
				tl.exec("v3", "license smart reservation install "+res.AuthorizationCode)
			case "right", "unsaved-over-consumed":
				if err := tl.lab.RestoreLink("v3", sim.SmartPeer); err != nil {
					t.Fatal(err)
				}
				tl.exec("v3", "license smart register idtoken "+token)
			}
			if way != "cut-missed" {
				// v4's deadline, at noon, is in its show license all.
				if all := tl.exec("v4", "show license all"); !strings.Contains(all, "Communication message send error") {
					t.Errorf("v4's show license all does not tell its failed renewals:\n%s", all)
				}
				if err := tl.lab.RestoreLink("v4", sim.SmartPeer); err != nil {
					t.Fatal(err)
				}
				tl.exec("v4", "license smart renew auth")
			}
			// Past v4's communication deadline and lunch.
			tl.at(st, "14:00")
			switch way {
			case "right":
				tl.restart()
				st2, err := tl.eng.Status()
				if err != nil {
					t.Fatal(err)
				}
				if st2.Scenario.Description != st.Scenario.Description {
					t.Errorf("the brief after a restart: %q, want %q", st2.Scenario.Description, st.Scenario.Description)
				}
				for range 2 {
					if _, _, _, err := tl.eng.Hint(); err != nil {
						t.Fatal(err)
					}
				}
				if n, _, h, err := tl.eng.Hint(); err != nil || n != 3 || !strings.Contains(h, `smart usage --account "`+account+`"`) {
					t.Errorf("hint 3: %d %q %v; want the run's account %q", n, h, err, account)
				}
				wantGrade(t, tl.grade(), "PASS every ASAv is AUTHORIZED for ASAv-STD-1G", "PASS the Smart Account is in compliance",
					"PASS at grade time", "PASS v4 kept its users", "hints used 3", "score 4/4")
			case "plr":
				wantGrade(t, tl.grade(), "PASS every ASAv is AUTHORIZED for ASAv-STD-1G", "PASS the Smart Account is in compliance",
					"PASS at grade time", "PASS v4 kept its users", "score 4/4")
			case "unsaved-over-consumed":
				wantGrade(t, tl.grade(),
					"FAIL every ASAv is AUTHORIZED for ASAv-STD-1G, its license smart configuration saved: v1's license smart configuration is not saved (write memory) at 14:00 lab time; "+
						"v2 shows AUTHORIZED but the Smart Software Manager has it OUT OF COMPLIANCE at 14:00 lab time",
					"FAIL the Smart Account is in compliance: no entitlement used more than it holds: Acme Corp/DEFAULT uses 4 ASAv-STD-1G and holds 3 (balance -1) at 14:00 lab time",
					"PASS at grade time", "PASS v4 kept its users", "score 2/4")
			case "cut-missed":
				wantGrade(t, tl.grade(),
					"FAIL every ASAv is AUTHORIZED for ASAv-STD-1G, its license smart configuration saved: v3 is UNREGISTERED, EVAL MODE (Communication message send error) at 14:00 lab time; "+
						"v4 is REGISTERED, AUTHORIZATION EXPIRED (Communication message send error) at 14:00 lab time",
					"PASS the Smart Account is in compliance",
					"FAIL at grade time the lab connects all 800 users (200 a unit) without a refusal: v3 admitted 2 of its 200 users at grade time (198 refused); v4 admitted 140 of its 200 users at grade time (60 refused)",
					"FAIL v4 kept its users: none refused past its communication deadline: v4 refused 60 users between 12:35 and 14:00 lab time: "+
						"its Smart Licensing authorization expired at 12:00 lab time, 90 days without reaching the Smart Software Manager",
					"score 1/4")
				// The manager keeps the first run's account, its licenses
				// and devices: the next run has one of its own.
				st, err := tl.eng.Reset()
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(st.Scenario.Description, "Smart Account Acme Corp 2 holds") {
					t.Fatalf("the brief after a reset: %s", st.Scenario.Description)
				}
				// v4 registered to it before the new start.
				u, err := tl.lab.Smart().Usage("Acme Corp 2")
				if err != nil || len(u.Tags) != 1 || u.Tags[0].Purchased != 3 || u.Tags[0].InUse != 1 {
					t.Fatalf("the reset's account: %+v %v", u, err)
				}
			}
		})
	}
}
