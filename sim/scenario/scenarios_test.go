package scenario_test

import (
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/sim"
)

// TestEssentialsToPlus: the right way (Essentials off first, Plus, saved,
// reloaded) passes; on edge2 the wrong way (the key runs with Essentials
// still on) fails the refusal goal, naming edge2 and the times.
func TestEssentialsToPlus(t *testing.T) {
	for _, right := range []bool{true, false} {
		tl := openLab(t)
		st := tl.start("essentials-to-plus")
		tl.at(st, "08:30")
		pak := tl.order(portal.OrderLine{SKU: "L-AC-PLS-LIC=", Users: 600, Months: 12, Customer: "Acme Corp"}) // 12:30
		tl.convert("edge1", tl.register(pak, "edge1"), true)
		tl.advance(10 * time.Minute)
		tl.convert("edge2", tl.register(pak, "edge2"), right)
		tl.advance(10 * time.Minute)
		if !right {
			tl.exec("edge2", "configure terminal", "webvpn", "no anyconnect-essentials", "end")
		}
		tl.exec("edge2", "write memory")
		g := tl.grade()
		if right {
			wantGrade(t, g, "PASS both headends", "PASS no anyconnect-essentials", "PASS the Plus/Apex order",
				"PASS at grade time", "PASS no user was refused",
				"note edge1 reloaded at 12:30 lab time with 270 users connected: they were dropped and had to connect again",
				"note edge2 reloaded at 12:40 lab time with 275 users connected", "score 5/5")
			continue
		}
		wantGrade(t, g, "PASS both headends", "PASS no anyconnect-essentials", "PASS the Plus/Apex order",
			"PASS at grade time",
			"FAIL no user was refused during the conversion: edge2 refused 278 users between 12:41 and 12:50 lab time: Plus key installed while anyconnect-essentials was still on",
			"note edge1 reloaded at 12:30 lab time with 270 users connected", "note edge2 reloaded at 12:40 lab time with 275 users connected",
			"score 4/5")
	}
}

// TestPremiumToApex: Apex for the 400 users passes; Plus instead leaves
// the clientless users uncovered: the order goal fails, and the portal's
// report finds the clientless users on Plus.
func TestPremiumToApex(t *testing.T) {
	for _, sku := range []string{"L-AC-APX-LIC=", "L-AC-PLS-LIC="} {
		tl := openLab(t)
		st := tl.start("premium-to-apex")
		tl.at(st, "08:30")
		// The term starts the day the order ships, so that the users
		// of the day are within it.
		pak := tl.order(portal.OrderLine{SKU: sku, Users: 400, Months: 12, Customer: "Acme Corp", Start: st.StartedAt.Format("2006-01-02")})
		tl.convert("vpn1", tl.register(pak, "vpn1"), true)
		tl.advance(30 * time.Minute)
		g := tl.grade()
		if sku == "L-AC-APX-LIC=" {
			wantGrade(t, g, "PASS vpn1 runs", "PASS an Apex order", "PASS the portal's compliance report",
				"PASS at grade time", "PASS no user was refused", "note vpn1 reloaded at 12:30 lab time with 400 users connected", "score 5/5")
			continue
		}
		wantGrade(t, g, "PASS vpn1 runs",
			"FAIL an Apex order covers the 400 users, clientless included: clientless is an Apex service: the Apex orders of Acme Corp since the start cover 0 users, not 400",
			"FAIL the portal's compliance report finds nothing against Acme Corp: ",
			"PASS at grade time", "PASS no user was refused", "note vpn1 reloaded at 12:30 lab time", "score 3/5")
	}
}

// TestRMARehost: p2's licenses re-hosted at the portal and its key
// installed brings it back into the pool; re-hosted after more than 24
// hours, the goal fails with the time.
func TestRMARehost(t *testing.T) {
	for _, late := range []bool{false, true} {
		tl := openLab(t)
		st := tl.start("rma-rehost")
		old := ""
		for _, l := range tl.eventLines() {
			if _, rest, ok := strings.Cut(l, "unit replaced (RMA): serial "+tl.serial("p2")+", was "); ok {
				old, _, _ = strings.Cut(rest, ";")
			}
		}
		if old == "" {
			t.Fatal("no RMA event for p2")
		}
		if late {
			tl.advance(25 * time.Hour)
		} else {
			tl.at(st, "09:00")
		}
		if _, err := tl.lab.RehostForRma(old, tl.serial("p2")); err != nil {
			t.Fatal(err)
		}
		lic, err := tl.lab.ListLicenses(tl.serial("p2"))
		if err != nil {
			t.Fatal(err)
		}
		tl.exec("p2", "configure terminal", "activation-key "+lic.Keys[0].Words.String(), "end", "write memory")
		tl.advance(5 * time.Minute)
		g := tl.grade()
		if !late {
			wantGrade(t, g, "PASS p2's licenses", "PASS p2 runs its 25", "PASS p2 is back", "PASS at grade time", "score 4/4")
			continue
		}
		wantGrade(t, g,
			"FAIL p2's licenses were re-hosted to the replacement within 24 hours of the failure: p2's licenses were re-hosted at Tue 09:00 lab time, 25h0m0s after the failure (more than 24h0m0s)",
			"PASS p2 runs its 25", "PASS p2 is back", "PASS at grade time", "score 3/4")
	}
}

// TestTimeBasedExpiry: permanent Premium peers bought and installed in
// time pass; nothing done, the key runs out on Wednesday and hq refuses
// the users beyond its 100 permanent Premium peers.
func TestTimeBasedExpiry(t *testing.T) {
	tl := openLab(t)
	st := tl.start("timebased-expiry")
	tl.at(st, "08:30")
	pak := tl.order(portal.OrderLine{SKU: "L-ASA-SSL-500=", Customer: "Acme Corp"})
	reg, err := tl.lab.RegisterPak(pak, tl.serial("hq"))
	if err != nil {
		t.Fatal(err)
	}
	tl.exec("hq", "configure terminal", "activation-key "+reg.Key.Words.String(), "end", "write memory")
	if s, _ := tl.lab.Get("hq"); mustKey(t, s).ReloadPending {
		t.Fatal("more Premium peers wait for a reload")
	}
	tl.advance(49 * time.Hour) // past the time-based key's end
	wantGrade(t, tl.grade(), "PASS hq's permanent key", "PASS at grade time", "PASS no user was refused", "score 3/3")

	tl = openLab(t)
	st = tl.start("timebased-expiry")
	tl.advance(49 * time.Hour) // Wednesday 09:00
	wantGrade(t, tl.grade(),
		"FAIL hq's permanent key covers its 400 users on its own: hq's permanent key covers 100 AnyConnect users, not 400",
		// The 192 sessions up when the key ran out stay up (a
		// lowered limit ends no session); every login since is
		// refused, users back from the day before included.
		"FAIL at grade time the lab connects all 400 users without a refusal: hq admitted 192 of its 400 users at grade time (208 refused)",
		"FAIL no user was refused, before or after the time-based key ran out: hq refused 108 users between Wed 08:00 and Wed 09:00 lab time: over its license (premium limit)",
		"score 0/3")
}

func mustKey(t *testing.T, s sim.Snapshot) sim.KeyLicense {
	t.Helper()
	k, ok := s.KeyLicense()
	if !ok {
		t.Fatal("no activation keys")
	}
	return k
}
