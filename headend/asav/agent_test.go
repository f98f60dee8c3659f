package asav_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/headend/asav/asavtest"
	"github.com/asalab/asalab/keygen/smart"
)

// rig is one ASAv10's agent on a test clock, with a manager.
type rig struct {
	t    *testing.T
	now  time.Time
	cfg  asav.Config
	a    *asav.Agent
	m    *asavtest.Manager
	tok  string
	logs []string
}

var t0 = time.Date(2018, 12, 3, 16, 43, 48, 0, time.UTC)

func newRig(t *testing.T, serial string, count int) *rig {
	r := &rig{t: t, now: t0, a: asav.New(serial)}
	m, tok, err := asavtest.New(func() time.Time { return r.now }, smart.TagASAv1G, count)
	if err != nil {
		t.Fatal(err)
	}
	r.m, r.tok = m, tok
	return r
}

func (r *rig) log(at time.Time, msg string) { r.logs = append(r.logs, at.Format(time.RFC3339)+" "+msg) }

func (r *rig) configure() {
	r.cfg = asav.Config{Tier: "standard", Throughput: "1G"}
	r.a.Sync(r.cfg, "ASAv10", r.now, r.log)
}

func (r *rig) advance(d time.Duration) {
	r.now = r.now.Add(d)
	r.a.Advance(r.cfg, "ASAv10", r.now, r.log)
}

func (r *rig) view() (reg, authz string, premium int) {
	v := r.a.View(r.cfg, "ASAv10", r.now)
	return v.Registration, v.Authorization, v.PremiumPeers
}

func (r *rig) register(token string, force bool) error {
	return r.a.Register(r.cfg, "ASAv10", token, force, r.now, r.m, r.log)
}

func (r *rig) lastLog() string {
	if len(r.logs) == 0 {
		return ""
	}
	return r.logs[len(r.logs)-1]
}

func TestUnlicensedThenEvaluation(t *testing.T) {
	r := newRig(t, "9A6PGB43PJC", 2)
	if reg, authz, p := r.view(); reg != "UNREGISTERED" || authz != asav.StatusNoLicenses || p != 2 {
		t.Fatalf("factory: %s %s %d", reg, authz, p)
	}
	if l := r.a.Limits(r.cfg, "ASAv10", r.now); l.Licensed || l.Total != 250 || l.Throughput != "100 Kbps" {
		t.Fatalf("unlicensed limits %+v", l)
	}
	r.configure()
	if _, authz, p := r.view(); authz != asav.StatusEval || p != 2 {
		t.Fatalf("after feature tier: %s %d", authz, p)
	}
	if !strings.Contains(r.lastLog(), "%ASA-5-444305: %SMART_LIC-5-EVAL_START: Entering evaluation period.") {
		t.Fatalf("log %q", r.logs)
	}
	r.advance(22*time.Hour + 26*time.Minute + 9*time.Second)
	if got := r.a.EvalRemaining(r.now); got != 89*24*time.Hour+time.Hour+33*time.Minute+51*time.Second {
		t.Fatalf("remaining %v", got)
	}
	at, ok := r.a.NextEvent()
	if !ok || !at.Equal(t0.Add(asav.EvalPeriod)) {
		t.Fatalf("next event %v %v", at, ok)
	}
	r.advance(90 * 24 * time.Hour)
	if _, authz, _ := r.view(); authz != asav.StatusEvalExpired {
		t.Fatalf("after 90 days: %s", authz)
	}
	if want := t0.Add(asav.EvalPeriod).Format(time.RFC3339) + " %ASA-3-444303: %SMART_LIC-3-EVAL_EXPIRED: Evaluation period expired."; r.lastLog() != want {
		t.Fatalf("log %q, want %q", r.lastLog(), want)
	}
	if _, ok := r.a.NextEvent(); ok {
		t.Fatal("an event after the evaluation expired")
	}
}

func TestRegisterAndRenewals(t *testing.T) {
	r := newRig(t, "9A6PGB43PJC", 2)
	if err := r.register(r.tok, false); !errors.Is(err, asav.ErrNoEntitlement) || r.m.Calls != 0 {
		t.Fatalf("register with nothing configured: %v, %d calls", err, r.m.Calls)
	}
	r.configure()
	if err := r.register(r.tok, false); err != nil {
		t.Fatal(err)
	}
	reg, authz, p := r.view()
	if reg != "REGISTERED" || authz != asav.StatusAuthorized || p != 250 {
		t.Fatalf("registered: %s %s %d", reg, authz, p)
	}
	v := r.a.View(r.cfg, "ASAv10", r.now)
	if v.SmartAccount != "Acme" || !v.NextAttempt.Equal(t0.Add(30*24*time.Hour)) || !v.CommDeadline.Equal(t0.Add(90*24*time.Hour)) ||
		!v.RegistrationExpires.Equal(t0.Add(365*24*time.Hour)) {
		t.Fatalf("view %+v", v)
	}
	if err := r.register(r.tok, false); !errors.Is(err, asav.ErrAlreadyRegistered) ||
		!strings.HasSuffix(r.lastLog(), "%SMART_LIC-6-AGENT_ALREADY_REGISTER: Smart Agent is already registered with the Cisco licensing cloud.") {
		t.Fatalf("again without force: %v %q", err, r.lastLog())
	}
	if err := r.register(r.tok, true); err != nil {
		t.Fatalf("again with force: %v", err)
	}
	// The agent renews its authorization when due, then its registration.
	due, _ := r.a.Due()
	r.now = due
	r.a.Renew(r.cfg, "ASAv10", r.now, r.m, r.log)
	if n, _ := r.a.Due(); !n.Equal(due.Add(30 * 24 * time.Hour)) {
		t.Fatalf("next attempt %v after a renewal at %v", n, due)
	}
	for i := 0; i < 6; i++ {
		due, _ = r.a.Due()
		r.now = due
		r.a.Renew(r.cfg, "ASAv10", r.now, r.m, r.log)
	}
	if r.a.Reg.Renewal == nil || r.a.Reg.Renewal.Failure != "" || !r.a.Reg.Expires.After(t0.Add(365*24*time.Hour)) {
		t.Fatalf("registration renewal: %+v", r.a.Reg)
	}
	if err := r.a.Deregister(r.cfg, "ASAv10", r.now, r.m, r.log); err != nil {
		t.Fatal(err)
	}
	if reg, authz, p := r.view(); reg != "UNREGISTERED" || authz != asav.StatusEval || p != 2 {
		t.Fatalf("deregistered: %s %s %d", reg, authz, p)
	}
	if _, ok := r.a.Due(); ok {
		t.Fatal("due while unregistered")
	}
}

func TestRegisterRefused(t *testing.T) {
	r := newRig(t, "9A6PGB43PJC", 2)
	r.configure()
	err := r.register("nosuchtoken", false)
	var te *smart.TokenError
	if !errors.As(err, &te) || r.a.RegFailure == nil || r.a.RegFailure.Failure != "The token 'nosuchtoken' is not valid." {
		t.Fatalf("bad token: %v %+v", err, r.a.RegFailure)
	}
	r.m.Down = true
	if err := r.register(r.tok, false); err == nil || r.a.RegFailure.Failure != asav.CommFailure {
		t.Fatalf("unreachable: %v %+v", err, r.a.RegFailure)
	}
	if reg, _, _ := r.view(); reg != "UNREGISTERED" {
		t.Fatal(reg)
	}
	if _, ok := r.a.Due(); ok {
		t.Fatal("a failed registration is not retried by itself")
	}
}

// TestOutageBackoffAndDeadline: with the manager out of reach the agent
// retries from 30 s, doubling up to a day: the 90-day deadline passes
// after about a hundred attempts, and the box is unlicensed; the first
// renewal that gets through authorizes it again.
func TestOutageBackoffAndDeadline(t *testing.T) {
	r := newRig(t, "9A6PGB43PJC", 2)
	r.configure()
	if err := r.register(r.tok, false); err != nil {
		t.Fatal(err)
	}
	r.m.Down = true
	deadline := t0.Add(asav.CommDeadline)
	attempts := 0
	var gaps []time.Duration
	for {
		due, _ := r.a.Due()
		if due.After(deadline) {
			break
		}
		r.now = due
		before := r.m.Calls
		r.a.Renew(r.cfg, "ASAv10", r.now, r.m, r.log)
		attempts += r.m.Calls - before
		if next, _ := r.a.Due(); len(gaps) < 3 {
			gaps = append(gaps, next.Sub(r.now))
		}
	}
	if gaps[0] != 30*time.Second || gaps[1] != time.Minute || gaps[2] != 2*time.Minute {
		t.Fatalf("retries after %v", gaps)
	}
	if attempts < 60 || attempts > 120 {
		t.Fatalf("%d attempts in a 90-day outage", attempts)
	}
	if _, authz, _ := r.view(); authz != asav.StatusAuthorized {
		t.Fatalf("before the deadline: %s", authz)
	}
	r.now = deadline
	r.a.Advance(r.cfg, "ASAv10", r.now, r.log)
	if _, authz, p := r.view(); authz != asav.StatusAuthExpired || p != 2 {
		t.Fatalf("past the deadline: %s %d", authz, p)
	}
	if !strings.HasSuffix(r.lastLog(), "%ASA-5-444305: %SMART_LIC-5-AUTHORIZATION_EXPIRED: Authorization expired.") {
		t.Fatalf("log %q", r.lastLog())
	}
	r.m.Down = false
	due, _ := r.a.Due()
	r.now = due
	r.a.Renew(r.cfg, "ASAv10", r.now, r.m, r.log)
	if _, authz, p := r.view(); authz != asav.StatusAuthorized || p != 250 {
		t.Fatalf("link back: %s %d", authz, p)
	}
	if got := strings.Join(r.logs[len(r.logs)-2:], "|"); !strings.Contains(got, "COMM_RESTORED") || !strings.Contains(got, "AUTH_RENEW_SUCCESS") {
		t.Fatalf("log %q", got)
	}
}

func TestOutOfCompliance(t *testing.T) {
	r := newRig(t, "9A6PGB43PJC", 1)
	r.configure()
	if err := r.register(r.tok, false); err != nil {
		t.Fatal(err)
	}
	b := asav.New("9AT1L9EX0DF")
	b.Sync(r.cfg, "ASAv10", r.now, r.log)
	if err := b.Register(r.cfg, "ASAv10", r.tok, false, r.now, r.m, r.log); err != nil {
		t.Fatal(err)
	}
	v := b.View(r.cfg, "ASAv10", r.now)
	if v.Authorization != asav.StatusOutOfCompliance || v.PremiumPeers != 250 || v.PlatformState != "Licensed" {
		t.Fatalf("second box on one license: %+v", v)
	}
	if !strings.HasSuffix(r.lastLog(), "%ASA-3-444303: %SMART_LIC-3-OUT_OF_COMPLIANCE: One or more entitlements are out of compliance.") {
		t.Fatalf("log %q", r.lastLog())
	}
}

func TestReservation(t *testing.T) {
	r := newRig(t, "9A6PGB43PJC", 2)
	if _, err := r.a.RequestReservation(r.cfg, r.now); !errors.Is(err, asav.ErrReservationMode) {
		t.Fatalf("request without reservation mode: %v", err)
	}
	r.cfg = asav.Config{Reservation: true}
	req, err := r.a.RequestReservation(r.cfg, r.now)
	if err != nil {
		t.Fatal(err)
	}
	if sn, err := smart.ParseRequestCode(req); err != nil || sn != "9A6PGB43PJC" {
		t.Fatalf("request code %q: %s %v", req, sn, err)
	}
	code, err := r.m.Reserve(req, smart.TagASAv1G)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.a.InstallReservation(r.cfg, "ASAv10", code+"X", r.now, r.m, r.log); err == nil || r.a.Reserved != nil {
		t.Fatalf("a wrong code: %v %+v", err, r.a.Reserved)
	}
	if err := r.a.InstallReservation(r.cfg, "ASAv10", code, r.now, r.m, r.log); err != nil {
		t.Fatal(err)
	}
	v := r.a.View(r.cfg, "ASAv10", r.now)
	if v.Registration != "RESERVED" || v.Entitlement != smart.TagASAv1G || v.PremiumPeers != 250 {
		t.Fatalf("reserved: %+v", v)
	}
	if _, ok := r.a.Due(); ok {
		t.Fatal("a reserved box talks to the manager")
	}
	r.advance(400 * 24 * time.Hour)
	if v := r.a.View(r.cfg, "ASAv10", r.now); v.Authorization != asav.StatusAuthorized {
		t.Fatalf("a year on: %+v", v)
	}
}

// The agent of another product (a CSR 1000V) registers with its own UDI,
// asks for what its configuration asks, and logs the bare SMART_LIC
// messages an IOS-XE agent logs.
func TestAgentOfAnotherProduct(t *testing.T) {
	tag := smart.CSRTag("SECURITY", "100M")
	r := &rig{t: t, now: t0, a: asav.NewFor(smart.PIDCSR, "9ABCDEFGHIJ")}
	m, tok, err := asavtest.New(func() time.Time { return r.now }, tag, 1)
	if err != nil {
		t.Fatal(err)
	}
	ask := asav.Ask{Tag: tag, Describe: func(string) string { return "CSR 1KV SECURITY 100M" }}
	r.a.SyncAsk(ask, r.now, r.log)
	if got := r.lastLog(); got != "2018-12-03T16:43:48Z %SMART_LIC-5-EVAL_START: Entering evaluation period." {
		t.Fatalf("eval log %q", got)
	}
	if err := r.a.RegisterAsk(ask, tok, false, r.now, m, r.log); err != nil {
		t.Fatal(err)
	}
	if got := r.a.UDI(); got != "PID:CSR1000V,SN:9ABCDEFGHIJ" {
		t.Fatalf("UDI %q", got)
	}
	if reg, authz := r.a.StatesAsk(ask); reg != "REGISTERED" || authz != asav.StatusAuthorized {
		t.Fatalf("states %s %s", reg, authz)
	}
	want := "  CSR 1KV SECURITY 100M   (CSR 1KV SECURITY 100M)           1 AUTHORIZED\n"
	if s := r.a.ShowLicenseSummaryAsk(ask, r.now); !strings.Contains(s, want) {
		t.Fatalf("summary lacks %q:\n%s", want, s)
	}
	for _, l := range r.logs {
		if strings.Contains(l, "%ASA-") {
			t.Fatalf("IOS-XE agent logged an ASA line: %q", l)
		}
	}
}
