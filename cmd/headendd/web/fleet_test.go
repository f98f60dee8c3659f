package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/keygen/smart"
	"github.com/asalab/asalab/sim"
)

// TestFleetStatesAndFamilies: the fleet tells an ASA, an ASAv and an IOS
// router apart, and a headend up, reloading and powered off.
func TestFleetStatesAndFamilies(t *testing.T) {
	lab := openLabBooting(t, "default", 30*time.Minute)
	for host, model := range map[string]string{"v1": "ASAv30", "r1": "CISCO2911", "a1": "ASA5525", "a2": "ASA5525"} {
		if _, err := lab.Create(model, host, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Lab time 09:30: a2 is back at 10:00.
	if _, err := lab.Reload("a2", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := lab.PowerOff("a1"); err != nil {
		t.Fatal(err)
	}
	c := labClient(t, lab)
	_, page, _ := c.get("/labs/default/")
	for host, cols := range map[string]map[string]string{
		"a1": {"family": "ASA", "state": "powered off", "license": "Premium 2"},
		"a2": {"family": "ASA", "state": "reloading until 10:00:00", "license": "Premium 2"},
		"v1": {"family": "ASAv", "state": "up", "license": "Smart unregistered, no licenses in use", "essentials": "—"},
		"r1": {"family": "IOS", "state": "up", "license": "SSL VPN 0 seats", "sessions": "0/1000"},
	} {
		for col, v := range cols {
			if got := cell(t, page, host, col); got != v {
				t.Errorf("%s %s = %q, want %q", host, col, got, v)
			}
		}
	}
	_, page, _ = c.get("/labs/default/?family=IOS")
	if !strings.Contains(page, `data-hostname="r1"`) || strings.Contains(page, `data-hostname="v1"`) {
		t.Errorf("family=IOS:\n%s", page)
	}
	_, page, _ = c.get("/labs/default/?state=reloading")
	if !strings.Contains(page, `data-hostname="a2"`) || strings.Contains(page, `data-hostname="a1"`) {
		t.Errorf("state=reloading:\n%s", page)
	}

	// A headend that is off has no console to ask: the page says why.
	code, page, _ := c.get("/labs/default/headends/a1")
	if code != http.StatusOK {
		t.Fatalf("a1: %d", code)
	}
	want(t, page, `<p id="features-error">sim: the headend is powered off: a1 was powered off at 2029-12-06T09:30:00Z; power it on first</p>`)
	_, page, _ = c.get("/labs/default/headends/v1")
	want(t, page, `<dd data-field="registration">UNREGISTERED</dd>`, `<dd data-field="authorization">NO LICENSES IN USE</dd>`,
		`<pre id="features">Licensed features for this platform:`)
	// An IOS router's licensing is its License Info and technology
	// packages.
	_, page, _ = c.get("/labs/default/headends/r1")
	want(t, page, `<pre id="features">License Info:`, "ipbase        ipbasek9             Permanent      ipbasek9")
	if strings.Contains(page, "Configuration register") {
		t.Error("r1's features run past its license information")
	}
}

// TestFleetBeforeTheFirstLook: refusals made before anyone looked at the
// lab (its sampler starts then) are in the last hour while the headend
// has been up for less; a shared licensing participant's key is named as
// such, not as a pool of 0.
func TestFleetBeforeTheFirstLook(t *testing.T) {
	lab := openLab(t, "default")
	if _, err := lab.Create("ASA5510", "edge1", ""); err != nil {
		t.Fatal(err)
	}
	// The factory key's 2 Premium peers refuse the third user.
	for _, u := range []string{"u1", "u2", "u3"} {
		if _, err := lab.Admit("edge1", u, "laptop", sim.KindAnyConnect); err != nil {
			t.Fatal(err)
		}
	}
	sn, err := lab.Create("ASA5515", "branch1", "")
	if err != nil {
		t.Fatal(err)
	}
	master, err := keygen.NewSigner(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	w, err := master.ForLab("default").Encode(keygen.Key{Serial: sn.Device.SerialNumber(), Features: keygen.Features{PremiumPeers: 25, SharedParticipant: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := lab.InstallKey("branch1", w.String(), sim.KeyActivate); err != nil {
		t.Fatal(err)
	}
	c := labClient(t, lab)
	_, page, _ := c.get("/labs/default/")
	if got := cell(t, page, "edge1", "refusals"); got != "1" {
		t.Errorf("edge1 refusals = %q, want 1", got)
	}
	if got := cell(t, page, "branch1", "license"); got != "Premium 25, Shared participant" {
		t.Errorf("branch1 license = %q, want %q", got, "Premium 25, Shared participant")
	}
}

// TestRefusalsLastHourFollowTheClockAndRestarts: the fleet's "refusals in
// the last hour" are those whose lab time is in the hour up to the lab's
// now, whatever the clock's steps and whether the web console was running
// when they were made.
func TestRefusalsLastHourFollowTheClockAndRestarts(t *testing.T) {
	lab := openLab(t, "default")
	if _, err := lab.Create("ASA5510", "edge1", ""); err != nil {
		t.Fatal(err)
	}
	open := func() *client {
		return labClient(t, lab)
	}
	refusals := func(c *client, want string) {
		t.Helper()
		_, page, _ := c.get("/labs/default/")
		if got := cell(t, page, "edge1", "refusals"); got != want {
			t.Errorf("at %s: edge1 refusals = %q, want %s", lab.Clock().Now().Format("15:04"), got, want)
		}
		_, page, _ = c.get("/labs/default/headends/edge1")
		dd := fmt.Sprintf(`<dd data-field="refusals">%s</dd>`, want)
		if !strings.Contains(page, dd) {
			t.Errorf("headend page has no %s", dd)
		}
	}
	advance := func(d time.Duration) {
		t.Helper()
		if _, err := lab.AdvanceClock(d); err != nil {
			t.Fatal(err)
		}
	}
	admit := func(users ...string) {
		t.Helper()
		for _, u := range users {
			if _, err := lab.Admit("edge1", u, "laptop", sim.KindAnyConnect); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := open()
	refusals(c, "0")
	// The factory key's 2 Premium peers: u3 and u4 are refused at 09:30,
	// u5 at 10:00.
	admit("u1", "u2", "u3", "u4")
	advance(30 * time.Minute)
	admit("u5")
	advance(35 * time.Minute) // 10:35
	refusals(c, "1")
	advance(24 * time.Hour)
	refusals(c, "0")
	// A refusal made while no web console ran is counted by the next.
	admit("u6")
	advance(59 * time.Minute)
	refusals(open(), "1")
	advance(time.Minute)
	refusals(c, "0")
}

// TestChartsFollowTheLabTime: sessions admitted while the lab clock
// stands are drawn at that time at once, and stay there when the clock
// moves on, however little.
func TestChartsFollowTheLabTime(t *testing.T) {
	lab := openLab(t, "default")
	if _, err := lab.Create("ASA5510", "edge1", ""); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Labs: labs{"default": lab}, Tick: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	c := (&fixture{ts: ts}).client(t)
	c.get("/labs/default/charts")
	// The factory key's 2 Premium peers: 2 admitted, 2 refused at 09:30.
	for _, u := range []string{"u1", "u2", "u3", "u4"} {
		if _, err := lab.Admit("edge1", u, "laptop", sim.KindAnyConnect); err != nil {
			t.Fatal(err)
		}
	}
	_, page, _ := c.get("/labs/default/charts")
	want(t, page, `<svg id="chart-flow"`, `<span id="admitted-total" data-n="2">`, `<span data-reason="premium_limit" data-n="2">`)
	sm := srv.sampler(lab)
	check := func(wantAt []time.Time, wantActive []int) {
		t.Helper()
		at, fleet, per, _ := sm.series([]string{"edge1"})
		var active []int
		for i := range fleet {
			active = append(active, fleet[i].Active)
		}
		if !slices.EqualFunc(at, wantAt, time.Time.Equal) || !slices.Equal(active, wantActive) || !slices.Equal(per["edge1"], wantActive) {
			t.Errorf("samples at %v: fleet %v, edge1 %v; want at %v: %v", at, active, per["edge1"], wantAt, wantActive)
		}
	}
	check([]time.Time{labStart}, []int{2})
	// A minute later (less than a sample interval), as the watch of the
	// lab's events samples after a clock move.
	if _, err := lab.AdvanceClock(time.Minute); err != nil {
		t.Fatal(err)
	}
	sm.clockMoved()
	check([]time.Time{labStart, labStart.Add(time.Minute)}, []int{2, 2})
}

// TestReloadingUntilTheSecond: a unit reloading says when it is back to
// the second, and on which day when that is not the lab's day.
func TestReloadingUntilTheSecond(t *testing.T) {
	lab := openLabBooting(t, "default", 30*time.Second)
	if _, err := lab.Create("ASA5525", "a1", ""); err != nil {
		t.Fatal(err)
	}
	c := labClient(t, lab)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{labStart.Add(10 * time.Minute), "reloading until 09:40:30"},
		{time.Date(2029, 12, 6, 23, 59, 50, 0, time.UTC), "reloading until 2029-12-07 00:00:20"},
	} {
		if _, err := lab.SetClock(tc.at); err != nil {
			t.Fatal(err)
		}
		if _, err := lab.Reload("a1", true); err != nil {
			t.Fatal(err)
		}
		_, page, _ := c.get("/labs/default/")
		if got := cell(t, page, "a1", "state"); got != tc.want {
			t.Errorf("at %s: a1 state = %q, want %q", tc.at.Format(time.TimeOnly), got, tc.want)
		}
	}
}

// TestAnyConnectLimitInForce: the fleet shows the sessions against the
// limit AnyConnect users meet, not only the platform's total: edge1's
// factory key admits 2 Premium peers of 250 VPN peers.
func TestAnyConnectLimitInForce(t *testing.T) {
	lab := openLab(t, "default")
	if _, err := lab.Create("ASA5510", "edge1", ""); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"u1", "u2", "u3"} {
		if _, err := lab.Admit("edge1", u, "laptop", sim.KindAnyConnect); err != nil {
			t.Fatal(err)
		}
	}
	c := labClient(t, lab)
	_, page, _ := c.get("/labs/default/")
	for col, v := range map[string]string{"anyconnect": "2/2 Premium", "sessions": "2/250"} {
		if got := cell(t, page, "edge1", col); got != v {
			t.Errorf("edge1 %s = %q, want %q", col, got, v)
		}
	}
	want(t, page, `aria-label="2 of 2 AnyConnect sessions (Premium limit in force)"`, `<a href="?sort=anyconnect">AnyConnect / limit in force</a></th>`)
	_, page, _ = c.get("/labs/default/headends/edge1")
	want(t, page, `<dt>AnyConnect sessions / limit in force</dt><dd data-field="anyconnect" data-active="2" data-limit="2">`)
}

// TestSmartTimesLabelledInOrder: a registered ASAv's Smart Licensing
// times are named and ordered as `show license all` has them.
func TestSmartTimesLabelledInOrder(t *testing.T) {
	lab := openLab(t, "default")
	s := lab.Smart()
	if _, err := s.CreateAccount("Acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEntitlement("Acme", "", smart.TagASAv1G, 2, time.Time{}); err != nil {
		t.Fatal(err)
	}
	tok, err := s.CreateToken("Acme", "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lab.Create("ASAv10", "v1", "9AAAAAAAAA1"); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.Exec("v1", []string{"configure terminal", "license smart", "feature tier standard", "throughput level 1G", "exit", "end",
		"license smart register idtoken " + tok.Token}); err != nil {
		t.Fatal(err)
	}
	c := labClient(t, lab)
	_, page, _ := c.get("/labs/default/headends/v1")
	m := regexp.MustCompile(`(?s)<dl class="facts" id="smart-times">(.*?)</dl>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no Smart Licensing times:\n%s", page)
	}
	var labels []string
	for _, l := range regexp.MustCompile(`<dt>([^<]*)</dt>`).FindAllStringSubmatch(m[1], -1) {
		labels = append(labels, l[1])
	}
	wantLabels := []string{"Initial Registration", "Next Renewal Attempt", "Registration Expires", "Authorization status since",
		"Next Communication Attempt", "Communication Deadline"}
	if !slices.Equal(labels, wantLabels) {
		t.Errorf("Smart Licensing times %q, want %q", labels, wantLabels)
	}
	// The times are those `show license status` gives, under its labels.
	res, err := lab.Exec("v1", []string{"show license status"})
	if err != nil {
		t.Fatal(err)
	}
	out := res.Results[0].Output
	for field, label := range map[string]string{"registered": "Initial Registration: SUCCEEDED on", "renewal": "Next Renewal Attempt:",
		"expires": "Registration Expires:", "next": "Next Communication Attempt:", "deadline": "Communication Deadline:"} {
		sm := regexp.MustCompile(`(?m)^  ` + label + ` (.+)$`).FindStringSubmatch(out)
		if sm == nil {
			t.Fatalf("show license status has no %q:\n%s", label, out)
		}
		at, err := time.Parse("Jan 02 15:04:05 2006 MST", sm[1])
		if err != nil {
			t.Fatal(err)
		}
		v := fmtTime(at)
		if field == "registered" {
			v = "SUCCEEDED on " + v
		}
		want(t, m[1], `<dd data-field="`+field+`">`+v+`</dd>`)
	}
	want(t, m[1], `<dd data-field="registered">SUCCEEDED on 2029-12-06 09:30:00 UTC</dd>`)
}

// TestIOSAnyConnectAgainstSSLVPNSeats: an ISR G2 counts AnyConnect against
// the SSL VPN seats of its FL-SSLVPN license, and the fleet and headend
// page call the limit so, not Premium, which IOS has none of.
func TestIOSAnyConnectAgainstSSLVPNSeats(t *testing.T) {
	lab := openLab(t, "default")
	if _, err := lab.Create("CISCO2911", "r1", "FTX1628A1B2"); err != nil {
		t.Fatal(err)
	}
	o, err := lab.PlaceOrder([]portal.OrderLine{{SKU: "FL-SSLVPN10-K9", Customer: "Branch Co"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lab.AdvanceClock(4 * time.Hour); err != nil {
		t.Fatal(err)
	}
	reg, err := lab.RegisterPakWith(o.PAKs[0].ID, "", portal.RegisterOptions{UDI: "CISCO2911/K9:FTX1628A1B2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lab.PutFile("r1", "flash:ssl10.lic", reg.IOS.File); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.Exec("r1", []string{"license install flash:ssl10.lic", "configure terminal",
		"license boot module c2900 technology-package securityk9", "yes",
		"interface gi0/0", "ip address 192.0.2.1 255.255.255.0", "no shutdown",
		"webvpn gateway GW", "ip address 192.0.2.1 port 443", "inservice",
		"webvpn context CTX", "gateway GW", "inservice", "end", "write memory", "reload", ""}); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.AdvanceClock(time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"u1", "u2", "u3"} {
		if d, err := lab.Admit("r1", u, "laptop", sim.KindAnyConnect); err != nil || !d.Admitted {
			t.Fatalf("%s: %+v, %v", u, d, err)
		}
	}
	c := labClient(t, lab)
	_, page, _ := c.get("/labs/default/")
	if got := cell(t, page, "r1", "anyconnect"); got != "3/10 SSL VPN seats" {
		t.Errorf("r1 anyconnect = %q, want %q", got, "3/10 SSL VPN seats")
	}
	_, page, _ = c.get("/labs/default/headends/r1")
	want(t, page, `aria-label="3 of 10 AnyConnect sessions (SSL VPN seats limit in force)"></meter> 3/10 SSL VPN seats</dd>`)
}

// TestFleetSortsByAnyConnect: the AnyConnect column sorts like the others,
// by how full the limit in force is, so that a trainer finds the units
// about to refuse at the top of the descending order.
func TestFleetSortsByAnyConnect(t *testing.T) {
	lab := openLab(t, "default")
	// Factory ASA 5510s: 2 Premium peers each; e1 full, e2 half, e3 idle.
	// The 2911 has no SSL VPN seats: AnyConnect not licensed.
	for host, users := range map[string]int{"e1": 2, "e2": 1, "e3": 0} {
		if _, err := lab.Create("ASA5510", host, ""); err != nil {
			t.Fatal(err)
		}
		for i := range users {
			if d, err := lab.Admit(host, fmt.Sprintf("u%d", i), "laptop", sim.KindAnyConnect); err != nil || !d.Admitted {
				t.Fatalf("%s u%d: %+v, %v", host, i, d, err)
			}
		}
	}
	if _, err := lab.Create("CISCO2911", "r1", ""); err != nil {
		t.Fatal(err)
	}
	c := labClient(t, lab)
	order := func(page string) []string {
		var hosts []string
		for _, m := range regexp.MustCompile(`<tr data-hostname="([^"]+)"`).FindAllStringSubmatch(page, -1) {
			hosts = append(hosts, m[1])
		}
		return hosts
	}
	for _, c0 := range []struct {
		query, aria, next string
		hosts             []string
	}{
		{"?sort=anyconnect", "ascending", "?dir=desc&amp;sort=anyconnect", []string{"r1", "e3", "e2", "e1"}},
		{"?sort=anyconnect&dir=desc", "descending", "?sort=anyconnect", []string{"e1", "e2", "e3", "r1"}},
	} {
		code, page, _ := c.get("/labs/default/" + c0.query)
		if code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", c0.query, code, page)
		}
		if got := order(page); !slices.Equal(got, c0.hosts) {
			t.Errorf("%s: rows %q, want %q", c0.query, got, c0.hosts)
		}
		want(t, page, `<th scope="col" aria-sort="`+c0.aria+`"><a href="`+c0.next+`">AnyConnect / limit in force</a></th>`)
	}
}

// labClient serves the console of lab alone, as "default", to a new
// client.
func labClient(t *testing.T, lab *sim.Lab) *client {
	t.Helper()
	srv, err := New(Options{Labs: labs{"default": lab}, Tick: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return (&fixture{ts: ts}).client(t)
}
