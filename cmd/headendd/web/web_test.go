package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/scenario"
)

// labStart is a Thursday: the scenario starts at the next Monday 08:00.
var labStart = time.Date(2029, 12, 6, 9, 30, 0, 0, time.UTC)

var testSecret = []byte("asalab-web-test-secret-0123456789abcdef")

// labs is a LabSource of open labs, by name.
type labs map[string]*sim.Lab

func (l labs) Lab(name string) (*sim.Lab, error) {
	if lab := l[name]; lab != nil {
		return lab, nil
	}
	return nil, fmt.Errorf("%w: %s", sim.ErrLabNotFound, name)
}

func (l labs) Labs() []string {
	var out []string
	for n := range l {
		out = append(out, n)
	}
	slicesSort(out)
	return out
}

func slicesSort(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// openLab opens a lab with a simulated clock on a store in a temp dir.
func openLab(t testing.TB, name string) *sim.Lab { return openLabBooting(t, name, 0) }

// openLabBooting is openLab with a reload keeping a headend down for boot.
func openLabBooting(t testing.TB, name string, boot time.Duration) *sim.Lab {
	t.Helper()
	store, err := sim.OpenStore(filepath.Join(t.TempDir(), "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	master, err := keygen.NewSigner(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	serials := 0
	lab, err := sim.OpenLab(sim.Config{Name: name, Store: store, Signer: master.ForLab(name), ClockMode: sim.ClockSimulated,
		Rand:       func(n int) int { serials++; return serials * 7919 % n },
		ClockStart: labStart, PeakSampleInterval: -1, UsageFlushInterval: time.Hour, BootTime: boot})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		lab.SetTraffic(0, nil)
		lab.Close()
		store.Close()
	})
	return lab
}

// fixture is the known lab: the timebased-expiry scenario (hq, an ASA
// 5525-X with 400 users on a time-based 500-peer Premium key, 200 of
// them connected at its start, Monday 08:00) and one more headend, edge1
// (an ASA 5510 with no key), and a second lab, other, with one headend.
type fixture struct {
	lab, other *sim.Lab
	eng        *scenario.Engine
	srv        *Server
	ts         *httptest.Server
}

func newFixture(t *testing.T, auth Authenticator) *fixture {
	t.Helper()
	f := &fixture{lab: openLab(t, "default"), other: openLab(t, "other")}
	eng, err := scenario.Open(f.lab)
	if err != nil {
		t.Fatal(err)
	}
	f.eng = eng
	if _, err := eng.Start("timebased-expiry"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lab.Create("ASA5510", "edge1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.other.Create("ASA5510", "lonely", ""); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Labs: labs{"default": f.lab, "other": f.other}, Auth: auth, Tick: time.Hour,
		Scenario: func(lab string) *scenario.Engine {
			if lab == "default" {
				return eng
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(func() { f.ts.Close(); srv.Close() })
	return f
}

// client is a browser without JavaScript: it keeps cookies and does not
// follow redirects by itself.
type client struct {
	t  *testing.T
	c  *http.Client
	ts *httptest.Server
}

func (f *fixture) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, ts: f.ts, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *client) get(path string) (int, string, http.Header) {
	c.t.Helper()
	resp, err := c.c.Get(c.ts.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (c *client) post(path string, form url.Values, hdr ...string) (int, string, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// csrf is the CSRF token a page's forms carry.
func csrf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", page)
	}
	return m[1]
}

// cell is the text of the element with the data attribute, within the row
// of the hostname.
func cell(t *testing.T, page, host, col string) string {
	t.Helper()
	row := regexp.MustCompile(`(?s)<tr data-hostname="` + regexp.QuoteMeta(host) + `"[^>]*>(.*?)</tr>`).FindStringSubmatch(page)
	if row == nil {
		t.Fatalf("no row %s in the page:\n%s", host, page)
	}
	m := regexp.MustCompile(`(?s)data-col="` + col + `"[^>]*>(.*?)</t[dh]>`).FindStringSubmatch(row[1])
	if m == nil {
		t.Fatalf("row %s has no column %s: %s", host, col, row[1])
	}
	return strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))
}

func want(t *testing.T, page string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(page, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", page)
	}
}

func TestLabsPageListsTheLabs(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	code, page, _ := c.get("/")
	if code != http.StatusOK {
		t.Fatalf("GET /: %d", code)
	}
	want(t, page, `<tr data-lab="default">`, `<tr data-lab="other">`, `<caption>The labs you can see</caption>`)
	if got := cell(t, strings.ReplaceAll(page, "data-lab=", "data-hostname="), "default", "headends"); got != "2" {
		t.Errorf("default has %s headends, want 2", got)
	}
}

func TestFleetPageShowsRowsAndNumbers(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	code, page, _ := c.get("/labs/default/")
	if code != http.StatusOK {
		t.Fatalf("fleet: %d\n%s", code, page)
	}
	for col, v := range map[string]string{
		"model": "ASA5525", "family": "ASA", "state": "up", "reload": "no",
		"license": "Premium 500, time-based", "sessions": "200/750", "refusals": "0", "essentials": "off / off",
	} {
		if got := cell(t, page, "hq", col); got != v {
			t.Errorf("hq %s = %q, want %q", col, got, v)
		}
	}
	// A new ASA 5510 runs its factory key: 2 Premium peers, Essentials on.
	for col, v := range map[string]string{"sessions": "0/250", "license": "Premium 2", "essentials": "on / on"} {
		if got := cell(t, page, "edge1", col); got != v {
			t.Errorf("edge1 %s = %q, want %q", col, got, v)
		}
	}
	// The page's script follows the lab from the last event the page
	// shows, so that no change between the render and its connection is
	// missed.
	want(t, page, fmt.Sprintf(`<body data-lab="default" data-stream="/labs/default/events/stream?from=%d">`, f.lab.LastEvent()))
	want(t, page, `data-total="2" data-matched="2" data-active="200" data-capacity="1000"`,
		`<th scope="col" aria-sort="ascending"><a href="?dir=desc&amp;sort=hostname">Hostname</a></th>`)
	if strings.Index(page, `data-hostname="edge1"`) > strings.Index(page, `data-hostname="hq"`) {
		t.Error("the rows are not sorted by hostname")
	}

	// Sorted by sessions, descending: hq first.
	_, page, _ = c.get("/labs/default/?sort=sessions&dir=desc")
	if strings.Index(page, `data-hostname="hq"`) > strings.Index(page, `data-hostname="edge1"`) {
		t.Error("sorted by sessions descending, hq is not first")
	}
	// Filtered: only the 5510.
	_, page, _ = c.get("/labs/default/?q=5510")
	if strings.Contains(page, `data-hostname="hq"`) || !strings.Contains(page, `data-hostname="edge1"`) {
		t.Errorf("q=5510 should list edge1 alone:\n%s", page)
	}
	// A bad query is refused, saying why.
	code, page, _ = c.get("/labs/default/?sort=nonsense")
	if code != http.StatusBadRequest || !strings.Contains(page, `unknown sort column &#34;nonsense&#34;`) {
		t.Errorf("sort=nonsense: %d\n%s", code, page)
	}
}

func TestFleetPagesAndRefusalsInTheLastHour(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.o.PageSize = 1
	c := f.client(t)
	_, page, _ := c.get("/labs/default/")
	want(t, page, `Page 1 of 2`, `<a rel="next" href="?page=2">`)
	if strings.Contains(page, `data-hostname="hq"`) {
		t.Error("page 1 of one row shows hq")
	}
	_, page, _ = c.get("/labs/default/?page=2")
	want(t, page, `data-hostname="hq"`, `<a rel="prev" href="?">`)

	// Users beyond edge1's license are refused; the fleet counts them.
	for i := range 3 {
		if _, err := f.lab.Admit("edge1", fmt.Sprintf("u%d", i), "laptop", sim.KindAnyConnect); err != nil {
			t.Fatal(err)
		}
	}
	cn, _ := f.lab.Counts("edge1")
	refused := refusedTotal(&cn.Refused)
	if refused == 0 {
		t.Fatal("edge1 refused nobody: the test needs refusals")
	}
	_, page, _ = c.get("/labs/default/")
	if got := cell(t, page, "edge1", "refusals"); got != fmt.Sprint(refused) {
		t.Errorf("edge1 refusals = %s, want %d", got, refused)
	}
	// Two hours later (sampled as the clock moves), they are older than
	// an hour.
	for range 2 {
		if _, err := f.lab.AdvanceClock(time.Hour); err != nil {
			t.Fatal(err)
		}
		f.srv.sampler(f.lab).sample(true)
	}
	_, page, _ = c.get("/labs/default/")
	if got := cell(t, page, "edge1", "refusals"); got != "0" {
		t.Errorf("edge1 refusals two hours later = %s, want 0", got)
	}
}

func TestHeadendPageShowsFeaturesKeysAndSessions(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	code, page, _ := c.get("/labs/default/headends/hq")
	if code != http.StatusOK {
		t.Fatalf("headend: %d\n%s", code, page)
	}
	// The features are the console's own `show version` lines.
	res, err := f.lab.Exec("hq", []string{"show version"})
	if err != nil {
		t.Fatal(err)
	}
	out := res.Results[0].Output
	for _, line := range []string{"Licensed features for this platform:", "AnyConnect Premium Peers          : 500            2 days"} {
		if !strings.Contains(out, line) {
			t.Fatalf("show version lacks %q:\n%s", line, out)
		}
		want(t, page, line)
	}
	want(t, page, `<td data-col="days">2</td>`, `data-field="sessions" data-active="200" data-capacity="750"`,
		`<p id="failover">Failover is off.</p>`, `<p id="shared">Plays no part in shared licensing.</p>`,
		`<caption>Active sessions (the first 100)</caption>`)
	if n := strings.Count(page, "<tr data-session="); n != 100 {
		t.Errorf("%d session rows, want 100", n)
	}
	code, page, _ = c.get("/labs/default/headends/nosuch")
	if code != http.StatusNotFound || !strings.Contains(page, "No such headend in this lab.") {
		t.Errorf("unknown headend: %d\n%s", code, page)
	}
}

func TestConsolePaneRunsShowVersion(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	_, page, _ := c.get("/labs/default/headends/edge1")
	tok := csrf(t, page)
	// Without JavaScript: the whole page, the transcript in a <pre>.
	code, page, _ := c.post("/labs/default/headends/edge1/console", url.Values{"csrf": {tok}, "line": {"show version"}})
	if code != http.StatusOK {
		t.Fatalf("console: %d\n%s", code, page)
	}
	want(t, page, `<pre id="console-output">edge1# show version`, "Cisco Adaptive Security Appliance Software Version", `<h2 id="h-features">`)
	// With htmx: the result alone.
	code, frag, _ := c.post("/labs/default/headends/edge1/console", url.Values{"csrf": {tok}, "line": {"show version"}}, "HX-Request", "true")
	if code != http.StatusOK || !strings.HasPrefix(frag, `<div id="console-result"`) || strings.Contains(frag, "<html") {
		t.Errorf("htmx console: %d\n%s", code, frag)
	}
	want(t, frag, "Hardware:   ASA5510")
	// A change made from the pane is a change of the lab.
	_, _, _ = c.post("/labs/default/headends/edge1/console", url.Values{"csrf": {tok}, "line": {"configure terminal\nhostname edge2\nend"}})
	if _, err := f.lab.Get("edge2"); err != nil {
		t.Errorf("the console's hostname change did not take: %v", err)
	}
	// Without the CSRF token nothing runs.
	code, page, _ = c.post("/labs/default/headends/edge2/console", url.Values{"line": {"configure terminal\nhostname edge3\nend"}})
	if code != http.StatusForbidden {
		t.Errorf("console without CSRF token: %d", code)
	}
	if _, err := f.lab.Get("edge3"); err == nil {
		t.Error("a console post without the CSRF token ran")
	}
}

func TestClockAdvancesOnlyWhenConfirmed(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	before := f.lab.Clock().Now()
	code, page, _ := c.get("/labs/default/clock?step=1h")
	if code != http.StatusOK {
		t.Fatalf("clock: %d\n%s", code, page)
	}
	want(t, page, `<p id="clock-question">Advance the lab clock of default by 1h?</p>`)
	if !f.lab.Clock().Now().Equal(before) {
		t.Fatal("the confirmation page moved the clock")
	}
	tok := csrf(t, page)
	// A GET of the action does nothing.
	if code, _, _ := c.get("/labs/default/clock/advance?step=1h&confirm=yes&csrf=" + tok); code != http.StatusMethodNotAllowed {
		t.Errorf("GET advance: %d, want 405", code)
	}
	// A POST without the token, or with another session's, does nothing.
	if code, _, _ := c.post("/labs/default/clock/advance", url.Values{"step": {"1h"}, "confirm": {"yes"}}); code != http.StatusForbidden {
		t.Errorf("POST without CSRF: %d, want 403", code)
	}
	other := f.client(t)
	_, p2, _ := other.get("/labs/default/clock?step=1h")
	if code, _, _ := c.post("/labs/default/clock/advance", url.Values{"step": {"1h"}, "confirm": {"yes"}, "csrf": {csrf(t, p2)}}); code != http.StatusForbidden {
		t.Errorf("POST with another session's CSRF token: %d, want 403", code)
	}
	// Not confirmed: asked again.
	if code, page, _ := c.post("/labs/default/clock/advance", url.Values{"step": {"1h"}, "csrf": {tok}}); code != http.StatusOK || !strings.Contains(page, "clock-question") {
		t.Errorf("POST unconfirmed: %d", code)
	}
	if !f.lab.Clock().Now().Equal(before) {
		t.Fatal("the clock moved without a confirmed POST")
	}
	code, _, hdr := c.post("/labs/default/clock/advance", url.Values{"step": {"1h"}, "confirm": {"yes"}, "csrf": {tok}})
	if code != http.StatusSeeOther {
		t.Fatalf("POST confirmed: %d", code)
	}
	if got := f.lab.Clock().Now(); !got.Equal(before.Add(time.Hour)) {
		t.Fatalf("lab time %s, want %s", got, before.Add(time.Hour))
	}
	_, page, _ = c.get(hdr.Get("Location"))
	want(t, page, `<p id="clock-moved" role="status">The lab clock moved to `+before.Add(time.Hour).UTC().Format(time.RFC3339)+`.</p>`)
	// A bad step changes nothing and says why.
	code, page, _ = c.post("/labs/default/clock/advance", url.Values{"step": {"-1h"}, "confirm": {"yes"}, "csrf": {tok}})
	if code != http.StatusBadRequest || !strings.Contains(page, "a step is from 1m to 366d") && !strings.Contains(page, "not a step") {
		t.Errorf("bad step: %d\n%s", code, page)
	}
}

func TestEventsPageAndLiveStream(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	code, page, _ := c.get("/labs/default/events?headend=edge1")
	if code != http.StatusOK {
		t.Fatalf("events: %d\n%s", code, page)
	}
	want(t, page, `data-kind="created" data-headend="edge1"`, `<a href="/labs/default/events?headend=edge1" id="refresh">Refresh</a>`)
	if strings.Contains(page, `data-headend="hq"`) {
		t.Error("the filter by headend lists hq's events")
	}
	code, page, _ = c.get("/labs/default/events?kind=nonsense")
	if code != http.StatusBadRequest {
		t.Errorf("kind=nonsense: %d", code)
	}

	// The stream from now: a change shows up as its row.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.ts.URL+"/labs/default/events/stream?kind=clock", nil)
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, ": lab default") {
		t.Fatalf("stream opens with %q, %v", line, err)
	}
	if _, err := f.lab.AdvanceClock(time.Hour); err != nil {
		t.Fatal(err)
	}
	var msg []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream: %v (read %q)", err, msg)
		}
		line = strings.TrimRight(line, "\n")
		if strings.HasPrefix(line, "id: ") {
			msg = nil
		}
		msg = append(msg, line)
		if line == "" && len(msg) > 1 && strings.HasPrefix(msg[0], "id: ") {
			break
		}
	}
	got := strings.Join(msg, "\n")
	if !strings.Contains(got, "event: lab") || !strings.Contains(got, `data-kind="clock"`) || !strings.Contains(got, `<td data-col="text">clock passed 2030-01-07T08:05:00Z`) {
		t.Errorf("stream message:\n%s", got)
	}
}

func TestScenarioPage(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	code, page, _ := c.get("/labs/default/scenario")
	if code != http.StatusOK {
		t.Fatalf("scenario: %d\n%s", code, page)
	}
	want(t, page, `<title>Scenario in default · asalab</title>`, `data-name="timebased-expiry">A time-based Premium key about to expire (<code>timebased-expiry</code>)</h2>`, `data-field="hints" data-used="0" data-of="3"`,
		`<tr data-check="connect_all" data-state="at grade">`, `<tr data-check="permanent_premium" data-state="failed">`,
		`<tr data-check="no_refusals" data-state="passed">`)
	if _, _, _, err := f.eng.Hint(); err != nil {
		t.Fatal(err)
	}
	_, page, _ = c.get("/labs/default/scenario")
	want(t, page, `data-used="1" data-of="3"`)
	code, page, _ = c.post("/labs/default/scenario/grade", url.Values{"csrf": {csrf(t, page)}})
	if code != http.StatusOK {
		t.Fatalf("grade: %d\n%s", code, page)
	}
	want(t, page, `<p id="grade-score" data-passed="2" data-of="3">score 2/3</p>`, "hints used 1")
	// The other lab runs no engine.
	_, page, _ = c.get("/labs/other/scenario")
	want(t, page, "This lab runs no scenario engine.")
}

func TestChartsPage(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	f.srv.sampler(f.lab)
	// The scenario's users come and go as the clock moves: 400 by 10:00.
	for range 3 {
		if _, err := f.lab.AdvanceClock(time.Hour); err != nil {
			t.Fatal(err)
		}
		f.srv.sampler(f.lab).sample(true)
	}
	code, page, _ := c.get("/labs/default/charts")
	if code != http.StatusOK {
		t.Fatalf("charts: %d\n%s", code, page)
	}
	want(t, page, `<svg id="chart-fleet"`, `<svg id="chart-headends"`, `data-series="hq"`,
		`<svg id="chart-days"`, `data-bars="1"`, `<rect x="200"`, `data-hostname="hq" data-days="2"`)
	// A sample at 08:00 and at each hour to 11:00 at least.
	m := regexp.MustCompile(`id="chart-fleet"[^>]*data-points="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the fleet chart has no data-points")
	}
	if n, _ := strconv.Atoi(m[1]); n < 4 {
		t.Errorf("the fleet chart has %d points, want 4 or more", n)
	}
	if !strings.Contains(page, `<polyline class="series" data-series="fleet active sessions"`) {
		t.Error("no fleet series")
	}
	// 200 users more admitted between 08:00 and 11:00.
	want(t, page, `<span id="admitted-total" data-n="200">`)
}

func TestSharedPageWithoutPoolsOrPairs(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	code, page, _ := c.get("/labs/default/shared")
	if code != http.StatusOK {
		t.Fatalf("shared: %d\n%s", code, page)
	}
	want(t, page, `<p id="no-pools">`, `<p id="no-pairs">`, `None: every link is up.`)
	if _, err := f.lab.CutLink("hq", "edge1"); err != nil {
		t.Fatal(err)
	}
	_, page, _ = c.get("/labs/default/shared")
	want(t, page, `<tr><th scope="row">edge1</th><td>hq</td>`)
}

// tokens is a fake Authenticator: "admin" reaches every lab, "tok-other"
// the lab other.
func tokens(token string) (bool, string, error) {
	switch token {
	case "admin":
		return true, "", nil
	case "tok-other":
		return false, "other", nil
	}
	return false, "", errors.New("unknown token")
}

func TestAuthLoginAndLabTokens(t *testing.T) {
	f := newFixture(t, tokens)
	c := f.client(t)
	// No cookie: to the login page.
	code, _, hdr := c.get("/labs/default/")
	if code != http.StatusSeeOther || hdr.Get("Location") != "/login?next=%2Flabs%2Fdefault%2F" {
		t.Fatalf("no cookie: %d to %q", code, hdr.Get("Location"))
	}
	code, page, _ := c.get(hdr.Get("Location"))
	if code != http.StatusOK {
		t.Fatalf("login page: %d", code)
	}
	want(t, page, `<label for="token">`, `<input type="password" id="token" name="token"`)
	tok := csrf(t, page)
	// A wrong token stays out.
	code, page, _ = c.post("/login", url.Values{"csrf": {tok}, "token": {"nope"}, "next": {"/labs/default/"}})
	if code != http.StatusUnauthorized || !strings.Contains(page, "That token is not valid.") {
		t.Fatalf("wrong token: %d", code)
	}
	// A lab's token: in, its lab alone.
	code, _, hdr = c.post("/login", url.Values{"csrf": {tok}, "token": {"tok-other"}, "next": {"/"}})
	if code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	for _, ck := range strings.Split(strings.Join(hdr.Values("Set-Cookie"), "\n"), "\n") {
		if strings.HasPrefix(ck, loginCookie+"=") && (!strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict")) {
			t.Errorf("token cookie %q is not HttpOnly, SameSite=Strict", ck)
		}
	}
	_, page, _ = c.get("/")
	if !strings.Contains(page, `data-lab="other"`) || strings.Contains(page, `<tr data-lab="default"`) {
		t.Errorf("a token of lab other lists:\n%s", page)
	}
	if code, _, _ := c.get("/labs/other/"); code != http.StatusOK {
		t.Errorf("its own lab: %d", code)
	}
	for _, p := range []string{"/labs/default/", "/labs/default/headends/hq", "/labs/default/events/stream", "/labs/default/charts"} {
		if code, _, _ := c.get(p); code != http.StatusNotFound {
			t.Errorf("%s with the token of lab other: %d, want 404", p, code)
		}
	}
	// The admin token sees both.
	admin := f.client(t)
	_, page, _ = admin.get("/login")
	admin.post("/login", url.Values{"csrf": {csrf(t, page)}, "token": {"admin"}, "next": {"/"}})
	_, page, _ = admin.get("/")
	want(t, page, `<tr data-lab="default">`, `<tr data-lab="other">`)
}

func TestStaticAssetsAreEmbedded(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	for _, p := range []string{"/static/htmx.min.js", "/static/console.js", "/static/style.css"} {
		code, body, _ := c.get(p)
		if code != http.StatusOK || len(body) < 100 {
			t.Errorf("%s: %d, %d bytes", p, code, len(body))
		}
	}
}

func TestAuthLabTokenCannotMoveAnotherLabsClock(t *testing.T) {
	f := newFixture(t, tokens)
	c := f.client(t)
	_, page, _ := c.get("/login")
	tok := csrf(t, page)
	c.post("/login", url.Values{"csrf": {tok}, "token": {"tok-other"}, "next": {"/"}})
	before := f.lab.Clock().Now()
	code, _, _ := c.post("/labs/default/clock/advance", url.Values{"csrf": {tok}, "step": {"1h"}, "confirm": {"yes"}})
	if code != http.StatusNotFound || !f.lab.Clock().Now().Equal(before) {
		t.Errorf("a token of lab other advancing default's clock: %d, lab time %s (was %s)", code, f.lab.Clock().Now(), before)
	}
	// Its own lab's clock moves.
	otherBefore := f.other.Clock().Now()
	if code, _, _ := c.post("/labs/other/clock/advance", url.Values{"csrf": {tok}, "step": {"1h"}, "confirm": {"yes"}}); code != http.StatusSeeOther {
		t.Errorf("its own lab's clock: %d", code)
	}
	if got := f.other.Clock().Now(); !got.Equal(otherBefore.Add(time.Hour)) {
		t.Errorf("lab other's time %s, want %s", got, otherBefore.Add(time.Hour))
	}
	// After logging out, the console asks for a token again.
	if code, _, _ := c.post("/logout", url.Values{"csrf": {tok}}); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	if code, _, _ := c.get("/labs/other/"); code != http.StatusSeeOther {
		t.Errorf("after logout: %d, want a redirect to the login page", code)
	}
}

func TestCookiesAreSecureOverTLS(t *testing.T) {
	f := newFixture(t, tokens)
	f.srv.o.Secure = true
	c := f.client(t)
	_, page, hdr := c.get("/login")
	if ck := hdr.Get("Set-Cookie"); !strings.Contains(ck, "; Secure") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict") {
		t.Errorf("session cookie %q", ck)
	}
	_, _, hdr = c.post("/login", url.Values{"csrf": {csrf(t, page)}, "token": {"admin"}, "next": {"/"}})
	if ck := hdr.Get("Set-Cookie"); !strings.HasPrefix(ck, loginCookie+"=") || !strings.Contains(ck, "; Secure") {
		t.Errorf("login cookie %q", ck)
	}
}

// TestSamplerIsBounded: the sampler keeps SamplePoints samples, the
// newest, and a headend's history goes once no sample holds it.
func TestSamplerIsBounded(t *testing.T) {
	lab := openLab(t, "default")
	if _, err := lab.Create("ASA5510", "edge1", ""); err != nil {
		t.Fatal(err)
	}
	sm := newSampler(lab, time.Minute, 3)
	for i := range 5 {
		if i == 3 {
			if err := lab.Delete("edge1"); err != nil {
				t.Fatal(err)
			}
			sm.dirty = true
		}
		if _, err := lab.AdvanceClock(time.Hour); err != nil {
			t.Fatal(err)
		}
		sm.sample(false)
	}
	at, fleet, per, _ := sm.series([]string{"edge1"})
	if len(at) != 3 || len(fleet) != 3 {
		t.Fatalf("%d samples, want 3", len(at))
	}
	if want := labStart.Add(5 * time.Hour); !at[2].Equal(want) || !at[0].Equal(want.Add(-2*time.Hour)) {
		t.Errorf("sample times %v", at)
	}
	if got := per["edge1"]; len(got) != 3 || got[0] != 0 || got[1] != -1 || got[2] != -1 {
		t.Errorf("edge1's samples %v, want [0 -1 -1]", got)
	}
	// Two more and edge1 is gone from every sample, and from the sampler.
	for range 2 {
		lab.AdvanceClock(time.Hour)
		sm.sample(false)
	}
	if _, _, per, _ := sm.series([]string{"edge1"}); per["edge1"] != nil || len(sm.hosts) != 0 {
		t.Errorf("edge1 still sampled: %v, %d hosts", per["edge1"], len(sm.hosts))
	}
}

// TestFleetFragmentForHtmx: htmx asks for the table alone when the lab
// changes; a browser without JavaScript gets the page.
func TestFleetFragmentForHtmx(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/labs/default/?fragment=table&sort=sessions&dir=desc", nil)
	req.Header.Set("HX-Request", "true")
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	frag := string(b)
	if !strings.HasPrefix(frag, `<div id="fleet-table"`) || strings.Contains(frag, "<html") {
		t.Errorf("fragment:\n%s", frag)
	}
	if strings.Index(frag, `data-hostname="hq"`) > strings.Index(frag, `data-hostname="edge1"`) {
		t.Error("the fragment is not sorted as asked")
	}
	_, page, _ := c.get("/labs/default/?fragment=table")
	if !strings.Contains(page, "<html") {
		t.Error("without htmx, fragment=table still gets the page")
	}
}

// TestEventStreamResumesAfterLastEventID: a client that reconnects with
// Last-Event-ID gets what it missed, in order.
func TestEventStreamResumesAfterLastEventID(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	last := f.lab.LastEvent()
	if _, err := f.lab.Create("ASA5510", "late1", ""); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.ts.URL+"/labs/default/events/stream?from=0", nil)
	req.Header.Set("Last-Event-ID", fmt.Sprint(last))
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		if strings.HasPrefix(line, "id: ") {
			if got := strings.TrimSpace(strings.TrimPrefix(line, "id: ")); got != fmt.Sprint(last+1) {
				t.Fatalf("first event %s, want %d", got, last+1)
			}
			break
		}
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, "data: ") {
			if !strings.Contains(line, `data-kind="created" data-headend="late1"`) {
				t.Errorf("event data %q", line)
			}
			return
		}
	}
}

// TestLoginCookieIsNotTheToken: the login cookie is a random id the
// server maps to the token: it holds no token, a logout ends it even for a
// copy of it, and it ends after LoginIdle unused.
func TestLoginCookieIsNotTheToken(t *testing.T) {
	f := newFixture(t, tokens)
	now := time.Date(2030, 1, 1, 8, 0, 0, 0, time.UTC)
	f.srv.o.Now = func() time.Time { return now }
	loginAs := func() (*client, *http.Cookie) {
		c := f.client(t)
		_, page, _ := c.get("/login")
		_, _, hdr := c.post("/login", url.Values{"csrf": {csrf(t, page)}, "token": {"admin"}, "next": {"/"}})
		for _, ck := range (&http.Response{Header: hdr}).Cookies() {
			if ck.Name == loginCookie {
				if strings.Contains(ck.Value, "admin") {
					t.Errorf("the login cookie holds the token: %q", ck.Value)
				}
				return c, ck
			}
		}
		t.Fatalf("no %s cookie: %v", loginCookie, hdr)
		return nil, nil
	}
	// A copy of the cookie, as another browser would send it.
	copied := func(ck *http.Cookie) int {
		req, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/labs/default/", nil)
		req.AddCookie(ck)
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	c, ck := loginAs()
	if code := copied(ck); code != http.StatusOK {
		t.Fatalf("logged in: %d", code)
	}
	_, page, _ := c.get("/labs/default/")
	if code, _, _ := c.post("/logout", url.Values{"csrf": {csrf(t, page)}}); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	if code := copied(ck); code != http.StatusSeeOther {
		t.Errorf("a copy of the cookie after logout: %d, want a redirect to the login page", code)
	}
	// Used within the idle time it lasts; unused for 12 hours it ends.
	_, ck = loginAs()
	now = now.Add(11 * time.Hour)
	if code := copied(ck); code != http.StatusOK {
		t.Errorf("11 h later: %d", code)
	}
	now = now.Add(12 * time.Hour)
	if code := copied(ck); code != http.StatusSeeOther {
		t.Errorf("12 h unused: %d, want a redirect to the login page", code)
	}
}

// refusedTotal sums the refusals by reason (reason 0 is none).
func refusedTotal(r *[sim.NumReasons]uint64) uint64 {
	var n uint64
	for _, v := range r[1:] {
		n += v
	}
	return n
}
