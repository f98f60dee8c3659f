package web_test

// The web console in a real browser: Debian's chromium, driven over the
// DevTools protocol by chromedp, against a headendd started in this
// process with a known lab. Each test opens a tab of one shared browser,
// reads the DOM as a user would see it, fails on any JavaScript error or
// console error of the page, and saves a screenshot of every page it
// visits.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/asalab/asalab/cmd/headendd/daemon"
	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the fleet page's screenshot to docs/screenshots/fleet.png (shown in the README)")

// browserStart is where the known labs' simulated clocks start: a Monday
// morning, fixed so that every run shows the same times and days left.
var browserStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// knownLab is the lab every browser test but the scenario's looks at: a
// failover pair, a shared licensing server with a participant, an ASA
// with a time-based key, one on its factory key, an ASAv and an IOS
// router. knownLab adds the time-based key and the sessions.
const knownLab = `
headends:
  - hostname: asa1
    model: ASA5525
    serial: FCH2648L0A1
    keys: [premium=250, 3des]
    failover: {peer: asa2, unit: primary, key: s3cr3t}
  - hostname: asa2
    model: ASA5525
    serial: FCH2648L0A2
    keys: [premium=250, 3des]
    failover: {peer: asa1, unit: secondary, key: s3cr3t}
  - hostname: srv
    model: ASA5545
    serial: FCH2650S001
    keys: [premium=500, shared-server=500, 3des]
    essentials: false
    interfaces:
      - {name: GigabitEthernet0/1, nameif: inside, address: 10.1.0.1/24}
    shared: {role: server, secret: AcmeShared1, interface: inside}
  - hostname: branch1
    model: ASA5515
    serial: FCH2651B001
    keys: [premium=25, shared-participant, 3des]
    interfaces:
      - {name: GigabitEthernet0/1, nameif: inside, address: 10.1.0.2/24}
    shared: {role: participant, server: 10.1.0.1, secret: AcmeShared1}
  - hostname: hq
    model: ASA5520
    serial: JMX1234H001
    keys: [3des]
  - hostname: edge1
    model: ASA5510
    serial: JMX1234E001
  - hostname: vasa1
    model: ASAv10
    serial: 9A5L7VAS001
  - hostname: rtr1
    model: CISCO2911
    serial: FTX1840R001
`

// The sessions knownLab admits: the factory key's 2 Premium peers refuse
// edge1's third user; branch1 borrows from srv's pool beyond its 25.
var knownSessions = map[string]int{"asa1": 12, "srv": 40, "branch1": 30, "hq": 7, "edge1": 3}

// browserDaemon is the headendd the browser tests share, with tokens on.
type browserDaemon struct {
	d          *daemon.Daemon
	base       string // the web console's URL
	adminToken string
	signer     *keygen.Signer
	conn       *grpc.ClientConn
	labs       headendv1.LabsServiceClient
	seq        atomic.Int64
}

// browserEnv is the daemon and the browser, started by the first test
// that needs them and stopped by TestMain.
var browserEnv struct {
	once     sync.Once
	err      error
	skip     string
	d        *browserDaemon
	root     context.Context // the browser's first tab, logged in as admin
	stop     []func()
	userData string
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(browserEnv.stop) - 1; i >= 0; i-- {
		browserEnv.stop[i]()
	}
	os.Exit(code)
}

// chromiumPath is the browser the tests drive: ASALAB_CHROMIUM, else
// Debian's.
func chromiumPath() string {
	if p := os.Getenv("ASALAB_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

const chromiumHint = "run .ci/run as root, or: apt-get install chromium (or set ASALAB_CHROMIUM to a Chromium or Chrome binary)"

// setupBrowser starts the daemon and the browser once for the package.
func setupBrowser(t *testing.T) {
	t.Helper()
	browserEnv.once.Do(func() {
		if _, err := exec.LookPath(chromiumPath()); err != nil {
			browserEnv.skip = fmt.Sprintf("no chromium at %s (%v); %s", chromiumPath(), err, chromiumHint)
			return
		}
		browserEnv.d, browserEnv.err = startBrowserDaemon()
		if browserEnv.err != nil {
			return
		}
		browserEnv.err = startBrowser()
	})
	if browserEnv.skip != "" {
		// In CI a missing browser is a failure: a skipped test would hide
		// that the pages went untested.
		if os.Getenv("CI") == "true" {
			t.Fatal(browserEnv.skip)
		}
		// Elsewhere a developer without chromium still runs the rest; the
		// message names the binary looked for and the apt-get line.
		t.Skip(browserEnv.skip)
	}
	if browserEnv.err != nil {
		t.Fatal(browserEnv.err)
	}
}

func startBrowserDaemon() (*browserDaemon, error) {
	dir, err := os.MkdirTemp("", "asalab-browser-")
	if err != nil {
		return nil, err
	}
	browserEnv.stop = append(browserEnv.stop, func() { _ = os.RemoveAll(dir) })
	cfg, err := daemon.ParseFlags([]string{"--data-dir", dir, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
		"--metrics-addr", "", "--auth", "--clock", "sim", "--clock-start", browserStart.Format(time.RFC3339), "--log-level", "warn"})
	if err != nil {
		return nil, err
	}
	d, err := daemon.Start(context.Background(), cfg, zap.NewNop())
	if err != nil {
		return nil, err
	}
	browserEnv.stop = append(browserEnv.stop, func() { _ = d.Stop() })
	a := d.Addrs()
	if a.HTTP == "" {
		return nil, errors.New("headendd serves no web console")
	}
	tok, err := os.ReadFile(a.AdminTokenFile)
	if err != nil {
		return nil, err
	}
	secret, err := keygen.ReadSecretFile(filepath.Join(dir, keygen.SecretFile))
	if err != nil {
		return nil, err
	}
	signer, err := keygen.NewSigner(secret)
	if err != nil {
		return nil, err
	}
	bd := &browserDaemon{d: d, base: "http://" + a.HTTP, adminToken: strings.TrimSpace(string(tok)), signer: signer}
	bd.conn, err = grpc.NewClient(a.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			return invoker(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+bd.adminToken), method, req, reply, cc, opts...)
		}))
	if err != nil {
		return nil, err
	}
	browserEnv.stop = append(browserEnv.stop, func() { _ = bd.conn.Close() })
	bd.labs = headendv1.NewLabsServiceClient(bd.conn)
	return bd, nil
}

func startBrowser() error {
	dir, err := os.MkdirTemp("", "asalab-chromium-")
	if err != nil {
		return err
	}
	browserEnv.userData = dir
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath()), chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900))
	if os.Geteuid() == 0 {
		// Chromium's sandbox refuses to run as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	// The browser runs as long as its first tab's context: cancelled last.
	browserEnv.stop = append(browserEnv.stop, func() { _ = os.RemoveAll(dir) }, cancelAlloc, cancelRoot)
	browserEnv.root = root
	ctx, cancel := context.WithTimeout(root, time.Minute)
	defer cancel()
	if err := chromedp.Do(root); err != nil {
		return fmt.Errorf("starting %s: %w; %s", chromiumPath(), err, chromiumHint)
	}
	// Log the shared browser context in as admin: every tab opened from
	// root shares its cookies.
	return chromedp.Do(ctx, chromedp.Navigate(browserEnv.d.base+"/login"),
		chromedp.SendKeys(chromedp.ID("token"), browserEnv.d.adminToken),
		chromedp.Submit(chromedp.ID("token")),
		chromedp.WaitVisible(chromedp.ID("labs")))
}

// rpc is a context for one gRPC call to the shared daemon.
func rpc(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newKnownLab makes a lab of its own for the test with knownLab applied,
// a 30-day time-based Premium key on hq and the sessions admitted; the
// lab is deleted when the test ends. It returns the lab's name and token.
func newKnownLab(t *testing.T, name string) (string, string) {
	t.Helper()
	name, token := newLab(t, name)
	d := browserEnv.d
	if _, err := d.labs.ApplyLab(rpc(t), &headendv1.ApplyLabRequest{Lab: name, FileName: "known.yaml", Content: knownLab}); err != nil {
		t.Fatalf("applying the known lab: %v", err)
	}
	hc := headendv1.NewHeadendServiceClient(d.conn)
	// The lab file configures the units at once: the first to enable
	// failover without seeing its mate is active, either of them. The
	// primary is made active, so that it holds the pair's sessions.
	res, err := hc.Exec(rpc(t), &headendv1.ExecRequest{Lab: name, Hostname: "asa1", Lines: []string{"failover active"}})
	if err != nil {
		t.Fatalf("making asa1 active: %v", err)
	}
	if r := res.GetResults(); len(r) != 1 || r[0].GetError() {
		t.Fatalf("making asa1 active:\n%s", res.GetTranscript())
	}
	hq, err := hc.GetHeadend(rpc(t), &headendv1.GetHeadendRequest{Lab: name, Hostname: "hq"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := keygen.ParseFeatures([]string{"premium=500"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := d.signer.ForLab(name).Encode(keygen.Key{Serial: hq.GetHeadend().GetSerial(), Features: f, Days: 30})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hc.InstallActivationKey(rpc(t), &headendv1.InstallActivationKeyRequest{Lab: name, Hostname: "hq", ActivationKey: key.String()}); err != nil {
		t.Fatalf("installing the time-based key on hq: %v", err)
	}
	for host, n := range knownSessions {
		for i := range n {
			user := fmt.Sprintf("%s-user%d", host, i+1)
			if _, err := hc.AdmitConnection(rpc(t), &headendv1.AdmitConnectionRequest{Lab: name, Headend: host, User: user,
				ClientDevice: "pc-" + user, Kind: headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT}); err != nil {
				t.Fatalf("admitting %s on %s: %v", user, host, err)
			}
		}
	}
	return name, token
}

// newLab creates an empty lab for the test, deleted when it ends; its
// name is name followed by a number unique in the daemon (the name shows
// on the screenshots).
func newLab(t *testing.T, name string) (string, string) {
	t.Helper()
	setupBrowser(t)
	d := browserEnv.d
	name = fmt.Sprintf("%s%d", name, d.seq.Add(1))
	resp, err := d.labs.CreateLab(rpc(t), &headendv1.CreateLabRequest{Lab: name, ClockMode: headendv1.ClockMode_CLOCK_MODE_SIMULATED,
		ClockStart: timestamppb.New(browserStart)})
	if err != nil {
		t.Fatalf("creating lab %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := d.labs.DeleteLab(ctx, &headendv1.DeleteLabRequest{Lab: name}); err != nil {
			t.Errorf("deleting lab %s: %v", name, err)
		}
	})
	return name, resp.GetToken()
}

// advance moves the lab's clock through the API.
func advance(t *testing.T, lab string, by time.Duration) {
	t.Helper()
	lc := headendv1.NewLabServiceClient(browserEnv.d.conn)
	if _, err := lc.AdvanceClock(rpc(t), &headendv1.AdvanceClockRequest{Lab: lab, Duration: durationpb.New(by)}); err != nil {
		t.Fatalf("advancing the clock of %s: %v", lab, err)
	}
}

// tab is a browser tab for one test.
type tab struct {
	t   *testing.T
	ctx context.Context
	mu  sync.Mutex
	bad []string // the page's JavaScript exceptions and console errors
	// allowed are the console errors the test expects: the browser logs
	// a page answered with an error status.
	allowed []string
}

// allow expects console errors holding s (a page the test loads on
// purpose with a status of 4xx).
func (tb *tab) allow(s string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.allowed = append(tb.allowed, s)
}

// newTab opens a tab in the shared browser (logged in as admin), or with
// fresh, in a browser context of its own (no cookies). It fails the test
// at its end if a page threw or logged an error.
func newTab(t *testing.T, fresh bool) *tab {
	t.Helper()
	setupBrowser(t)
	var opts []chromedp.ContextOption
	if fresh {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	tctx, cancelTab := chromedp.NewContext(browserEnv.root, opts...)
	tb := &tab{t: t}
	if err := chromedp.Do(tctx); err != nil {
		cancelTab()
		t.Fatalf("opening a tab: %v", err)
	}
	msgs := chromedp.Console(tctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				line := fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1)
				tb.mu.Lock()
				if !slices.ContainsFunc(tb.allowed, func(a string) bool { return strings.Contains(line, a) }) {
					tb.bad = append(tb.bad, line)
				}
				tb.mu.Unlock()
			}
		}
	}()
	// A wedged page fails the test instead of hanging it.
	ctx, cancel := context.WithTimeout(tctx, time.Minute)
	tb.ctx = ctx
	t.Cleanup(func() {
		cancel()
		cancelTab()
		<-done
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, b := range tb.bad {
			t.Errorf("the page logged %s", b)
		}
	})
	return tb
}

// do runs actions in the tab, failing the test on an error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// open loads a page of the console and waits for sel to show.
func (tb *tab) open(path, sel string) {
	tb.t.Helper()
	tb.do("opening "+path, chromedp.Navigate(browserEnv.d.base+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// follow clicks sel and waits for the page it loads.
func (tb *tab) follow(sel string) {
	tb.t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		tb.t.Fatalf("clicking %s: %v", sel, err)
	}
}

// text is the visible text of the first element sel matches, trimmed.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("reading %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// texts are the trimmed texts of every element sel matches, in order.
func (tb *tab) texts(sel string) []string {
	tb.t.Helper()
	return eval[[]string](tb, fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.textContent.trim())`, sel))
}

// attrs are an attribute of every element sel matches, in order.
func (tb *tab) attrs(sel, attr string) []string {
	tb.t.Helper()
	return eval[[]string](tb, fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.getAttribute(%q))`, sel, attr))
}

// screenshotDir is where the screenshots go: ASALAB_SCREENSHOT_DIR; else,
// with go test -artifacts, the test's artifact directory; else a directory
// under the system's temp dir, kept after the test (its path is logged).
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("ASALAB_SCREENSHOT_DIR"); d != "" {
		return d
	}
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		return t.ArtifactDir()
	}
	return filepath.Join(os.TempDir(), "asalab-screenshots")
}

// screenshot saves the whole page as NAME.png.
func (tb *tab) screenshot(name string) []byte {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot of %s: %v", name, err)
	}
	dir := screenshotDir(tb.t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
	return png
}

// a11y lists what a page lacks for a screen reader or a keyboard: a field
// without a label, a table without a caption or with a header cell that
// does not say what it heads, a link or button without a name, an image
// without a text.
const a11y = `(() => {
  const bad = [];
  const what = e => e.outerHTML.slice(0, 100);
  for (const e of document.querySelectorAll('input:not([type=hidden]), select, textarea'))
    if (!(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby')) bad.push('a field without a label: ' + what(e));
  for (const t of document.querySelectorAll('table')) {
    if (!t.querySelector(':scope > caption')) bad.push('a table without a caption: ' + what(t));
    for (const th of t.querySelectorAll('th')) if (!th.getAttribute('scope')) bad.push('a header cell without scope: ' + what(th));
  }
  for (const e of document.querySelectorAll('a[href], button'))
    if (!e.textContent.trim() && !e.getAttribute('aria-label')) bad.push('a control without a name: ' + what(e));
  for (const e of document.querySelectorAll('img:not([alt]), svg[role=img]:not([aria-labelledby]):not([aria-label])')) bad.push('an image without a text: ' + what(e));
  for (const e of document.querySelectorAll('[id]'))
    if (document.querySelectorAll('[id="' + CSS.escape(e.id) + '"]').length > 1) bad.push('an id used twice: ' + e.id);
  // Text against its background: 4.5:1 at least, 3:1 for large text
  // (WCAG 2.1, 1.4.3).
  const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = e => {
    for (; e && e.nodeType === 1; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  for (const e of document.querySelectorAll('body *:not(svg):not(svg *)')) {
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (!e.getClientRects().length) continue;
    const st = getComputedStyle(e);
    const fg = lum(rgb(st.color)), bg = lum(background(e));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) bad.push('text of contrast ' + ratio.toFixed(2) + ':1: ' + what(e));
  }
  if (!document.documentElement.lang) bad.push('no lang on html');
  if (!document.title) bad.push('no title');
  return [...new Set(bad)];
})()`

// checkA11y fails the test for what the page lacks (a11y).
func (tb *tab) checkA11y(page string) {
	tb.t.Helper()
	for _, b := range eval[[]string](tb, a11y) {
		tb.t.Errorf("%s: %s", page, b)
	}
}

// row is the texts of a table row's data-col cells, by column.
func (tb *tab) row(sel string) map[string]string {
	tb.t.Helper()
	return eval[map[string]string](tb, fmt.Sprintf(`(() => {
  const r = document.querySelector(%q);
  if (!r) return null;
  return Object.fromEntries(Array.from(r.querySelectorAll('[data-col]'), c => [c.dataset.col, c.textContent.trim()]));
})()`, sel))
}

func wantEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantSlice(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func wantRow(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %s = %q, want %q", what, k, got[k], v)
		}
	}
}

// fleetScreenshot is where -update-screenshots writes the fleet page for
// the README, from this package's directory.
const fleetScreenshot = "../../../docs/screenshots/fleet.png"

func TestBrowserFleet(t *testing.T) {
	lab, _ := newKnownLab(t, "acme")
	tb := newTab(t, false)
	tb.open("/labs/"+lab+"/", "#fleet-rows")
	png := tb.screenshot("fleet")
	if *updateScreenshots {
		if err := os.MkdirAll(filepath.Dir(fleetScreenshot), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fleetScreenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", fleetScreenshot)
	}
	tb.checkA11y("fleet")
	rows := `#fleet-rows tbody tr[data-hostname]`
	wantSlice(t, "the rows", tb.attrs(rows, "data-hostname"), "asa1", "asa2", "branch1", "edge1", "hq", "rtr1", "srv", "vasa1")
	wantEqual(t, "the summary", tb.text("#fleet-summary"), "8 of 8 headends, rows 1–8; 91 active sessions of a capacity of 6500.")
	for host, want := range map[string]map[string]string{
		"hq":      {"model": "ASA5520", "family": "ASA", "state": "up", "license": "Premium 500, time-based", "sessions": "7/750", "anyconnect": "7/500 Premium", "reload": "yes"},
		"edge1":   {"license": "Premium 2", "sessions": "2/250", "anyconnect": "2/2 Premium", "refusals": "1"},
		"srv":     {"license": "Premium 500, Shared 500", "sessions": "40/2500", "anyconnect": "40/950 Premium (500 local + 450 the pool can lend)", "essentials": "off / off"},
		"branch1": {"license": "Premium 25, Shared participant", "sessions": "30/250", "anyconnect": "30/250 Premium (25 local + 50 borrowed + 175 the pool can lend)"},
		"asa2":    {"state": "standby", "sessions": "0/750", "anyconnect": "0/250 Premium"},
		"vasa1":   {"family": "ASAv", "license": "Smart unregistered, no licenses in use", "essentials": "—", "anyconnect": "0/2 Premium"},
		"rtr1":    {"family": "IOS", "license": "SSL VPN 0 seats", "sessions": "0/1000", "anyconnect": "not licensed"},
	} {
		wantRow(t, host, tb.row(`tr[data-hostname="`+host+`"]`), want)
	}
	// The bars a user sees are the meters of the sessions: against the
	// AnyConnect limit in force and the platform's total.
	meter := func(host, col string) []string {
		return eval[[]string](tb, `(() => { const m = document.querySelector('tr[data-hostname="`+host+`"] td[data-col="`+col+`"] meter'); return [String(m.value), String(m.max)]; })()`)
	}
	wantSlice(t, "srv's sessions meter", meter("srv", "sessions"), "40", "2500")
	wantSlice(t, "edge1's AnyConnect meter", meter("edge1", "anyconnect"), "2", "2")

	// Live: a headend powered off through the API changes its row
	// without a reload.
	tb.do("marking the page", chromedp.Evaluate[chromedp.Void](`window.stayed = true; undefined`))
	if _, err := headendv1.NewLabServiceClient(browserEnv.d.conn).PowerOff(rpc(t), &headendv1.PowerOffRequest{Lab: lab, Hostname: "rtr1"}); err != nil {
		t.Fatalf("powering rtr1 off: %v", err)
	}
	tb.do("waiting for rtr1 to go off", chromedp.WaitVisible(chromedp.CSS(`tr[data-hostname="rtr1"][data-state="off"]`)))
	wantRow(t, "rtr1 powered off", tb.row(`tr[data-hostname="rtr1"]`), map[string]string{"state": "powered off"})
	if !eval[bool](tb, `window.stayed === true`) {
		t.Error("the fleet reloaded the page")
	}

	// Sorted by clicking the header: fewest sessions first (ties by
	// hostname), then most.
	tb.follow(`#fleet-rows thead a[href*="sort=sessions"]`)
	wantSlice(t, "sorted by sessions", tb.attrs(rows, "data-hostname"), "asa2", "rtr1", "vasa1", "edge1", "hq", "asa1", "branch1", "srv")
	wantEqual(t, "aria-sort", eval[string](tb, `document.querySelector('#fleet-rows thead a[href*="sort=sessions"]').parentElement.getAttribute('aria-sort')`), "ascending")
	tb.follow(`#fleet-rows thead a[href*="sort=sessions"]`)
	wantEqual(t, "the first row sorted by sessions, descending", tb.attrs(rows, "data-hostname")[0], "srv")

	// Filtered through the form: a family, then a search.
	tb.do("filtering by family", chromedp.SetValue(chromedp.ID("f-family"), "ASAv"))
	tb.follow(`form.filters button[type=submit]`)
	wantSlice(t, "the ASAv", tb.attrs(rows, "data-hostname"), "vasa1")
	tb.follow(`form.filters a[href="?"]`)
	tb.do("searching", chromedp.SendKeys(chromedp.ID("f-q"), "FCH26"))
	tb.follow(`form.filters button[type=submit]`)
	wantSlice(t, "the serials FCH26…", tb.attrs(rows, "data-hostname"), "asa1", "asa2", "branch1", "srv")
	wantEqual(t, "the summary", tb.text("#fleet-summary"), "4 of 8 headends, rows 1–4; 82 active sessions of a capacity of 4250.")
}

func TestBrowserHeadend(t *testing.T) {
	lab, _ := newKnownLab(t, "acme")
	tb := newTab(t, false)
	tb.open("/labs/"+lab+"/headends/hq", "#features")
	tb.checkA11y("headend")
	features := tb.text("#features")
	for _, line := range []string{"Licensed features for this platform:", "AnyConnect Premium Peers", "Encryption-3DES-AES"} {
		if !strings.Contains(features, line) {
			t.Errorf("the features lack %q:\n%s", line, features)
		}
	}
	wantRow(t, "the time-based key", tb.row(`#timed-keys tbody tr[data-key]`), map[string]string{"active": "yes", "days": "30", "features": "premium=500"})
	wantEqual(t, "sessions", len(tb.attrs(`#sessions tbody tr[data-session]`, "data-session")), 7)

	// The console pane: the output swaps in, the page stays (a reload
	// would drop the marker).
	tb.do("typing show version", chromedp.Evaluate[chromedp.Void](`window.stayed = true; undefined`),
		chromedp.SetValue(chromedp.ID("console-line"), "show version"),
		chromedp.Click(chromedp.CSS(`#console-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("console-output")))
	out := tb.text("#console-output")
	for _, line := range []string{"Cisco Adaptive Security Appliance Software Version", "Serial Number: JMX1234H001", "AnyConnect Premium Peers"} {
		if !strings.Contains(out, line) {
			t.Errorf("the console's output lacks %q:\n%s", line, out)
		}
	}
	if !eval[bool](tb, `window.stayed === true`) {
		t.Error("running a command reloaded the page")
	}
	tb.screenshot("headend")
}

func TestBrowserShared(t *testing.T) {
	lab, _ := newKnownLab(t, "acme")
	tb := newTab(t, false)
	tb.open("/labs/"+lab+"/shared", "#shared-live")
	tb.screenshot("shared")
	tb.checkA11y("shared")
	pool := `table.pool[data-server="srv"]`
	wantSlice(t, "srv's pool total, available, used", tb.texts(pool+` caption [data-field]`), "500", "450", "50")
	wantSlice(t, "the participants", tb.attrs(pool+` tbody tr[data-hostname]`, "data-hostname"), "branch1")
	// branch1 holds 30 sessions on 25 local peers: it borrowed blocks of 50.
	wantRow(t, "branch1", tb.row(pool+` tr[data-hostname="branch1"]`), map[string]string{"answers": "yes", "local": "25", "borrowed": "50", "active": "30", "limit": "250"})
	wantEqual(t, "the pair's combined license", tb.text(`table.pair [data-field="cluster"]`), "Premium 500, Total VPN Peers 750")
	wantRow(t, "asa1", tb.row(`table.pair tr[data-hostname="asa1"]`), map[string]string{"role": "Primary", "state": "active", "mate": "asa2", "lan": "up"})
	wantRow(t, "asa2", tb.row(`table.pair tr[data-hostname="asa2"]`), map[string]string{"role": "Secondary", "state": "standby ready", "lan": "up"})
}

func TestBrowserEventsLive(t *testing.T) {
	lab, _ := newKnownLab(t, "acme")
	tb := newTab(t, false)
	tb.open("/labs/"+lab+"/events", "#events")
	tb.checkA11y("events")
	// The stream is open once the page says it is live.
	tb.do("waiting for the stream", chromedp.WaitVisible(chromedp.ID("live-status")))
	last := eval[int](tb, `Number(document.getElementById('events-summary').dataset.last)`)
	tb.do("marking the page", chromedp.Evaluate[chromedp.Void](`window.stayed = true; undefined`))
	advance(t, lab, time.Hour)
	tb.do("waiting for the clock's event", chromedp.WaitVisible(chromedp.CSS(`#event-rows tr[data-kind="clock"]:not([data-seq="1"])`)))
	row := tb.row(`#event-rows tr[data-kind="clock"]:not([data-seq="1"])`)
	wantEqual(t, "the new event's time", row["at"], "2026-01-05 10:00:00 UTC")
	if !eval[bool](tb, `window.stayed === true`) {
		t.Error("the new event came with a reload")
	}
	if seq := eval[int](tb, `Number(document.querySelector('#event-rows tr[data-seq]').dataset.seq)`); seq <= last {
		t.Errorf("the top row is event %d, not one after %d", seq, last)
	}
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`document.getElementById('lab-now').textContent === '2026-01-05 10:00:00 UTC'`)); err != nil {
		t.Fatalf("waiting for the header's clock: %v", err)
	}
	tb.screenshot("events")

	// Filtered: edge1's refusal, with its syslog line. The lab logs
	// refusals when it next flushes its usage records (every 500 ms of
	// real time): on the page already, or arriving live.
	tb.open("/labs/"+lab+"/events?headend=edge1&kind=refusal", "#events")
	tb.do("waiting for the refusal", chromedp.WaitVisible(chromedp.CSS(`#event-rows tr[data-kind="refusal"]`)))
	wantSlice(t, "edge1's events of the filter", tb.attrs(`#event-rows tr[data-seq]`, "data-kind"), "refusal")
	wantSlice(t, "their headends", tb.attrs(`#event-rows tr[data-seq]`, "data-headend"), "edge1")
	if got := tb.text(`#event-rows [data-col="syslog"]`); !strings.HasPrefix(got, "%ASA-4-113029: Group <DfltGrpPolicy> User <edge1-user3>") {
		t.Errorf("the refusal's syslog line = %q", got)
	}
	tb.screenshot("events-filtered")
}

// TestBrowserLabDeleted: pages left open on a lab that is deleted say so
// and stop saying they are live; the console pane shows the error its
// command got.
func TestBrowserLabDeleted(t *testing.T) {
	setupBrowser(t)
	d := browserEnv.d
	lab := fmt.Sprintf("gone%d", d.seq.Add(1))
	if _, err := d.labs.CreateLab(rpc(t), &headendv1.CreateLabRequest{Lab: lab, ClockMode: headendv1.ClockMode_CLOCK_MODE_SIMULATED,
		ClockStart: timestamppb.New(browserStart)}); err != nil {
		t.Fatalf("creating lab %s: %v", lab, err)
	}
	hc := headendv1.NewHeadendServiceClient(d.conn)
	if _, err := hc.CreateHeadend(rpc(t), &headendv1.CreateHeadendRequest{Lab: lab, Hostname: "g1", Model: "ASA5525"}); err != nil {
		t.Fatal(err)
	}
	events := newTab(t, false)
	events.open("/labs/"+lab+"/events", "#events")
	events.do("waiting for the stream", chromedp.WaitVisible(chromedp.ID("live-status")))
	host := newTab(t, false)
	// The console's POST to the deleted lab is answered 404.
	host.allow("404")
	host.open("/labs/"+lab+"/headends/g1", "#console-form")
	if _, err := chromedp.Run(host.ctx, chromedp.Poll[bool](`document.body.dataset.live === 'open'`)); err != nil {
		t.Fatalf("waiting for the headend page's stream: %v", err)
	}
	if _, err := d.labs.DeleteLab(rpc(t), &headendv1.DeleteLabRequest{Lab: lab}); err != nil {
		t.Fatalf("deleting lab %s: %v", lab, err)
	}
	for _, tb := range []*tab{events, host} {
		tb.do("waiting for the banner", chromedp.WaitVisible(chromedp.ID("lab-gone")))
		if got := tb.text("#lab-gone"); !strings.HasPrefix(got, "This lab was deleted.") {
			t.Errorf("the banner says %q", got)
		}
	}
	if eval[bool](events, `!document.getElementById('live-status').hidden`) {
		t.Error("the events page still says it is live")
	}
	events.screenshot("lab-deleted")
	host.do("running a command", chromedp.SetValue(chromedp.ID("console-line"), "show version"),
		chromedp.Click(chromedp.CSS(`#console-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#console-result .error`)))
	if got := host.text(`#console-result .error`); !strings.HasPrefix(got, "Error 404:") || !strings.Contains(got, lab) {
		t.Errorf("the console pane says %q", got)
	}
}

func TestBrowserScenario(t *testing.T) {
	lab, _ := newLab(t, "class")
	sc := headendv1.NewScenarioServiceClient(browserEnv.d.conn)
	if _, err := sc.StartScenario(rpc(t), &headendv1.StartScenarioRequest{Lab: lab, Name: "timebased-expiry"}); err != nil {
		t.Fatalf("starting the scenario: %v", err)
	}
	tb := newTab(t, false)
	tb.open("/labs/"+lab+"/scenario", "#goals")
	tb.checkA11y("scenario")
	wantEqual(t, "the scenario", eval[string](tb, `document.getElementById('scenario-name').dataset.name`), "timebased-expiry")
	// At the start the permanent key covers 100 of hq's 400 users; the
	// connections are checked when graded; nobody was refused.
	wantSlice(t, "the goals", tb.attrs(`#goals tbody tr[data-check]`, "data-check"), "permanent_premium", "connect_all", "no_refusals")
	wantSlice(t, "their states", tb.texts(`#goals tbody [data-col="state"]`), "failed", "at grade", "passed")
	wantEqual(t, "hints used", eval[string](tb, `document.querySelector('[data-field="hints"]').dataset.used`), "0")
	tb.screenshot("scenario")
	tb.follow(`#grade-form button[type=submit]`)
	tb.do("waiting for the grade", chromedp.WaitVisible(chromedp.ID("grade-score")))
	wantEqual(t, "the score", tb.text("#grade-score"), "score 2/3")
	wantEqual(t, "the grade", tb.text("#grade"), "FAIL hq's permanent key covers its 400 users on its own: hq's permanent key covers 100 AnyConnect users, not 400\n"+
		"PASS at grade time the lab connects all 400 users without a refusal\n"+
		"PASS no user was refused, before or after the time-based key ran out\n"+
		"score 2/3")
	tb.screenshot("scenario-graded")
}

func TestBrowserCharts(t *testing.T) {
	lab, _ := newKnownLab(t, "acme")
	tb := newTab(t, false)
	tb.open("/labs/"+lab+"/charts", "#chart-fleet")
	tb.checkA11y("charts")
	// The lab's clock moves: the charts gain a sample without a reload.
	tb.do("marking the page", chromedp.Evaluate[chromedp.Void](`window.stayed = true; undefined`))
	advance(t, lab, time.Hour)
	// A timer due on the way may add a sample of its own: at least two.
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`Number(document.getElementById('chart-fleet')?.dataset.points) >= 2`)); err != nil {
		t.Fatalf("waiting for a second sample: %v", err)
	}
	if !eval[bool](tb, `window.stayed === true`) {
		t.Error("the charts reloaded the page")
	}
	wantSlice(t, "the fleet's series", tb.attrs(`#chart-fleet polyline.series`, "data-series"), "fleet active sessions")
	wantSlice(t, "the busiest headends' series", tb.attrs(`#chart-headends polyline.series`, "data-series")[:3], "srv", "branch1", "asa1")
	wantEqual(t, "time-based keys charted", eval[string](tb, `document.getElementById('chart-days').dataset.bars`), "1")
	wantRow(t, "hq's key", tb.row(`#timed tr[data-hostname="hq"]`), map[string]string{"days": "30"})
	tb.screenshot("charts")
}

func TestBrowserClock(t *testing.T) {
	lab, _ := newKnownLab(t, "acme")
	tb := newTab(t, false)
	tb.open("/labs/"+lab+"/clock", "#clock-step")
	tb.checkA11y("clock")
	wantEqual(t, "the lab time", eval[string](tb, `document.getElementById('clock-now').dataset.now`), "2026-01-05 09:00:00 UTC")
	tb.do("choosing 6h", chromedp.Click(chromedp.CSS(`#clock-step input[value="6h"]`)))
	tb.follow(`#clock-step button[type=submit]`)
	// Nothing moved before the confirmation.
	wantEqual(t, "the question", tb.text("#clock-question"), "Advance the lab clock of "+lab+" by 6h?")
	wantEqual(t, "the lab time before the confirmation", tb.text("#lab-now"), "2026-01-05 09:00:00 UTC")
	tb.checkA11y("clock confirmation")
	tb.screenshot("clock-confirm")
	tb.follow(`#clock-confirm button[type=submit]`)
	tb.do("waiting for the move", chromedp.WaitVisible(chromedp.ID("clock-moved")))
	wantEqual(t, "the lab time", eval[string](tb, `document.getElementById('clock-now').dataset.now`), "2026-01-05 15:00:00 UTC")
	wantEqual(t, "the header's lab time", tb.text("#lab-now"), "2026-01-05 15:00:00 UTC")
	tb.screenshot("clock")
}

func TestBrowserLogin(t *testing.T) {
	lab, token := newKnownLab(t, "acme")
	other, _ := newLab(t, "other")
	// A browser context of its own: no admin cookie.
	tb := newTab(t, true)
	tb.open("/labs/"+lab+"/", "#login")
	tb.checkA11y("login")
	tb.screenshot("login")
	tb.allow("status of 401 (Unauthorized) (" + browserEnv.d.base + "/login:")
	tb.do("logging in with a wrong token", chromedp.SendKeys(chromedp.ID("token"), "not-a-token"))
	tb.follow(`#login button[type=submit]`)
	tb.do("waiting for the refusal", chromedp.WaitVisible(chromedp.ID("login-error")))
	wantEqual(t, "the refusal", tb.text("#login-error"), "That token is not valid.")
	tb.do("logging in with the lab's token", chromedp.SendKeys(chromedp.ID("token"), token))
	tb.follow(`#login button[type=submit]`)
	// Back on the page asked for, as the lab's user.
	tb.do("waiting for the fleet", chromedp.WaitVisible(chromedp.ID("fleet-rows")))
	wantEqual(t, "headends", len(tb.attrs(`#fleet-rows tbody tr[data-hostname]`, "data-hostname")), 8)
	tb.open("/", "#labs")
	tb.checkA11y("labs")
	tb.screenshot("labs")
	wantSlice(t, "the labs the lab token sees", tb.attrs(`#labs tbody tr[data-lab]`, "data-lab"), lab)
	tb.allow("status of 404 (Not Found) (" + browserEnv.d.base + "/labs/" + other + "/:")
	tb.open("/labs/"+other+"/", "#error")
	wantEqual(t, "another lab", tb.text("#error"), fmt.Sprintf("No lab %q.", other))
	tb.follow(`form.logout button[type=submit]`)
	tb.do("waiting for the login page", chromedp.WaitVisible(chromedp.ID("login")))
}

// TestCIFailsSkippedBrowserTests: the CI script runs the tests with
// CI=true, so that a missing chromium fails the browser tests there
// rather than skipping them and leaving the run green.
func TestCIFailsSkippedBrowserTests(t *testing.T) {
	b, err := os.ReadFile("../../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `export CI="${CI:-true}"`) {
		t.Fatalf(".ci/run does not set CI=true:\n%s", b)
	}
}
