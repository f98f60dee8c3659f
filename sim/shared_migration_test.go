package sim

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen/portal"
)

// portalFleet is the migration fleet with its licenses bought and
// registered at the lab's portal, as a real fleet's are, so that the
// portal knows what a migration replaces.
func portalFleet(t *testing.T, lab *Lab) *migrationFleet {
	t.Helper()
	f := &migrationFleet{t: t, lab: lab, parts: []string{"p1", "p2", "p3"}, users: map[string]int{}}
	skus := map[string][]string{
		"srv": {"L-ASA-SSL-SHR-SRV-1000="},
		"bk":  {"L-ASA-SSL-SHR-PRT="},
		"p1":  {"L-ASA-SSL-25=", "L-ASA-SSL-SHR-PRT="},
		"p2":  {"L-ASA-SSL-25=", "L-ASA-SSL-SHR-PRT="},
		"p3":  {"L-ASA-SSL-25=", "L-ASA-SSL-SHR-PRT="},
	}
	hosts := []string{"srv", "bk", "p1", "p2", "p3"}
	var lines []portal.OrderLine
	for _, h := range hosts {
		for _, s := range skus[h] {
			lines = append(lines, portal.OrderLine{SKU: s, Customer: "Fleet"})
		}
	}
	o, err := lab.PlaceOrder(lines)
	if err != nil {
		t.Fatal(err)
	}
	f.advance(DefaultPAKActivationDelay)
	paks := o.PAKs
	keys := map[string]string{}
	for _, h := range hosts {
		for range skus[h] {
			reg, err := lab.RegisterPak(paks[0].ID, migrationSerials[h])
			if err != nil {
				t.Fatal(err)
			}
			paks = paks[1:]
			keys[h] = reg.Key.Words.String()
		}
	}
	models := map[string]string{"srv": "ASA5545"}
	addrs := map[string]string{"srv": "10.0.0.1", "bk": "10.0.0.2", "p1": "10.0.0.11", "p2": "10.0.0.12", "p3": "10.0.0.13"}
	for _, h := range hosts {
		lines := []string{"license-server address 10.0.0.1 secret SeKreTkey", "license-server backup address 10.0.0.2"}
		switch h {
		case "srv":
			lines = []string{"license-server secret SeKreTkey", "license-server enable inside",
				"license-server backup 10.0.0.2 backup-id " + migrationSerials["bk"]}
		case "bk":
			lines = []string{"license-server address 10.0.0.1 secret SeKreTkey", "license-server backup enable inside"}
		}
		model := models[h]
		if model == "" {
			model = "ASA5525"
		}
		f.unitKey(h, model, keys[h], addrs[h], lines...)
	}
	return f
}

// capacity is how many more users the fleet's units admit, tried on the
// participants, then the server and the backup (which draw from the pool
// too), each in turn until it refuses; the sessions tried are released and
// the blocks they took go back at the next refresh.
func (f *migrationFleet) capacity() map[string]int {
	f.t.Helper()
	out := map[string]int{}
	var tried []struct {
		host string
		id   uint64
	}
	for _, p := range append(slices.Clone(f.parts), "srv", "bk") {
		for {
			f.users[p]++
			d, err := f.lab.Admit(p, fmt.Sprintf("%s-probe%d", p, f.users[p]), "laptop", KindAnyConnect)
			if err != nil {
				f.t.Fatal(err)
			}
			if !d.Admitted {
				break
			}
			out[p]++
			tried = append(tried, struct {
				host string
				id   uint64
			}{p, d.Session})
		}
	}
	for _, s := range tried {
		if err := f.lab.Release(s.host, s.id); err != nil {
			f.t.Fatal(err)
		}
	}
	f.advance(time.Minute)
	return out
}

func (f *migrationFleet) wantCapacity(step string, want map[string]int) {
	f.t.Helper()
	got := f.capacity()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		f.t.Fatalf("%s: the participants admit %v more users, want %v", step, got, want)
	}
}

// TestSharedFleetMigration is the conversion the training rehearses, as
// Cisco's AnyConnect FAQ says: Plus for the users, registered to every
// serial with the migration, the keys installed, anyconnect-essentials
// off, shared licensing removed from each participant before the server,
// saved; at every step the test counts how many more users each unit of
// the fleet admits (the server and the backup too), the converted server
// and backup admit up to their platform limits, and at the end every
// participant admits up to its platform limit with the server gone.
func TestSharedFleetMigration(t *testing.T) {
	tl := openTestLabWith(t, t.TempDir(), Config{ClockMode: ClockSimulated, RealNow: simNow, PAKActivationDelay: DefaultPAKActivationDelay})
	f := portalFleet(t, tl.lab)
	for _, p := range f.parts {
		if a, s := f.connect(p, 200, "srv"); a != 200 || s != 175 {
			t.Fatalf("%s: %d admitted, %d on shared sessions; want 200 and 175", p, a, s)
		}
	}
	// 600 up on 3 x 25 local and 1,000 pooled: 475 more, p1 taking
	// what the pool has left, p2 and p3 their last 25 of 4 blocks; srv
	// and bk, which draw from the pool too, find it empty: their 2 local
	// sessions.
	f.wantCapacity("shared", map[string]int{"p1": 425, "p2": 25, "p3": 25, "srv": 2, "bk": 2})

	o, err := tl.lab.PlaceOrder([]portal.OrderLine{{SKU: "L-AC-PLS-LIC=", Users: 600, Months: 12, Customer: "Fleet"}})
	if err != nil {
		t.Fatal(err)
	}
	f.advance(DefaultPAKActivationDelay)
	plus := o.PAKs[0].ID
	for _, h := range []string{"p1", "p2", "p3", "bk", "srv"} {
		if _, err := tl.lab.RegisterPak(plus, migrationSerials[h]); !errors.Is(err, ErrMigrationRequired) {
			t.Fatalf("%s: Plus registered without the migration: %v", h, err)
		}
	}
	// install registers Plus to h with the migration and installs its key,
	// agreeing to the warning of a key without Essentials.
	install := func(h string) {
		t.Helper()
		reg, err := tl.lab.RegisterPakWith(plus, migrationSerials[h], RegisterOptions{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(reg.Migrated) == 0 {
			t.Fatalf("%s: the migration replaced nothing", h)
		}
		f.exec(h, "configure terminal", "activation-key "+reg.Key.Words.String(), "y", "end")
	}
	reload := func(h string) {
		t.Helper()
		if _, err := tl.lab.Reload(h, false); err != nil {
			t.Fatal(err)
		}
	}
	// The participants first, as Cisco's FAQ says: each one's key
	// replaced and its shared licensing off before the server's.
	steps := []struct {
		p                      string
		installed, out, onPlus map[string]int
	}{
		{"p1",
			map[string]int{"p1": 425, "p2": 25, "p3": 25, "srv": 2, "bk": 2},
			// p1's 200 users stay up on its 25 local sessions; its
			// blocks back in the pool go to p2, up to its platform's
			// 750, and p3.
			map[string]int{"p2": 550, "p3": 75, "srv": 2, "bk": 2},
			map[string]int{"p1": 550, "p2": 550, "p3": 75, "srv": 2, "bk": 2}},
		{"p2",
			map[string]int{"p1": 550, "p2": 550, "p3": 75, "srv": 2, "bk": 2},
			// p3 up to its 750 leaves 275 in the pool: srv takes 5
			// blocks of it, bk finds 25, less than a block.
			map[string]int{"p1": 550, "p3": 550, "srv": 252, "bk": 2},
			map[string]int{"p1": 550, "p2": 550, "p3": 550, "srv": 252, "bk": 2}},
		{"p3",
			map[string]int{"p1": 550, "p2": 550, "p3": 550, "srv": 252, "bk": 2},
			// The whole pool is srv's.
			map[string]int{"p1": 550, "p2": 550, "srv": 1002, "bk": 2},
			map[string]int{"p1": 550, "p2": 550, "p3": 550, "srv": 1002, "bk": 2}},
	}
	for _, st := range steps {
		install(st.p)
		// The new key drops the Premium peers and the participant
		// license: it runs after a reload, so nothing changes yet.
		f.wantCapacity(st.p+"'s Plus key installed", st.installed)
		f.exec(st.p, "configure terminal", "webvpn", "no anyconnect-essentials", "exit",
			"no license-server address", "no license-server backup address", "end", "write memory")
		f.wantCapacity(st.p+" out of the pool", st.out)
		reload(st.p) // its users drop, and come back on Plus
		if a, s := f.connect(st.p, 200, ""); a != 200 || s != 0 {
			t.Fatalf("%s on Plus: %d of 200 admitted, %d on shared sessions", st.p, a, s)
		}
		f.wantCapacity(st.p+" on Plus", st.onPlus)
	}
	// Then the backup and the server: once converted, each admits up to
	// its platform limit (an ASA 5525-X 750, a 5545-X 2,500); until it is
	// converted, the server admits its 2 local and the whole pool.
	onPlus := map[string]int{"p1": 550, "p2": 550, "p3": 550, "srv": 1002, "bk": 750}
	install("bk")
	f.exec("bk", "configure terminal", "webvpn", "no anyconnect-essentials", "exit",
		"no license-server address", "no license-server backup enable", "end", "write memory")
	reload("bk")
	f.wantCapacity("backup converted", onPlus)
	install("srv")
	f.exec("srv", "configure terminal", "webvpn", "no anyconnect-essentials", "exit",
		"no license-server backup", "no license-server enable", "no license-server secret", "end", "write memory")
	reload("srv")
	onPlus["srv"] = 2500
	f.wantCapacity("server converted", onPlus)
	// No server: every participant admits up to its platform limit.
	for _, h := range []string{"srv", "bk"} {
		if _, _, err := tl.lab.PowerOff(h); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range f.parts {
		if a, _ := f.connect(p, 600, ""); a != 550 {
			t.Fatalf("%s without the server: %d of 600 admitted, want 550 (750 in all)", p, a)
		}
		if n := f.active(p); n != 750 {
			t.Fatalf("%s: %d sessions up, want its platform's 750", p, n)
		}
	}
}
