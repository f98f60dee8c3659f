package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
)

// fakeSmart is the fake family (fakeDevice) with the least of a Smart
// Agent: it registers, renews its authorization every 30 days, retries a
// failed renewal a week later, and loses its authorization 90 days after
// the last one (in Advance), logging a line for each.
type fakeSmart struct {
	fakeDevice
	State    string            `json:"state"`
	AuthAt   time.Time         `json:"auth_at"`
	Due      time.Time         `json:"due"`
	Deadline time.Time         `json:"deadline"`
	Renewals []time.Time       `json:"renewals"` // every attempt
	Log      []family.LogEntry `json:"log"`
	Count    int               `json:"count"`
}

const (
	fakeRenewEvery = 30 * 24 * time.Hour
	fakeRetryAfter = 7 * 24 * time.Hour
	fakeDeadline   = 90 * 24 * time.Hour
)

func newFakeSmart(p *headend.Platform, serial, hostname string, now time.Time) (family.Device, error) {
	d, err := newFake(p, serial, hostname, now)
	if err != nil {
		return nil, err
	}
	return &fakeSmart{fakeDevice: *d.(*fakeDevice), State: "UNREGISTERED"}, nil
}

func decodeFakeSmart(b []byte) (family.Device, error) {
	d := new(fakeSmart)
	if err := json.Unmarshal(b, d); err != nil {
		return nil, err
	}
	d.platform, _ = headend.LookupPlatform(d.Model)
	return d, nil
}

func (d *fakeSmart) Copy() family.Device {
	c := *d
	c.Renewals, c.Log = slices.Clone(d.Renewals), slices.Clone(d.Log)
	return &c
}

func (d *fakeSmart) log(at time.Time, msg string) {
	d.Log = append(d.Log, family.LogEntry{Time: at, Msg: msg})
	d.Count++
}

func (d *fakeSmart) LogEntries() ([]family.LogEntry, int) { return d.Log, d.Count }

func (d *fakeSmart) udi() string { return smart.UDI(d.Serial) }

// register is the console's `license smart register idtoken T`.
func (d *fakeSmart) register(now time.Time, m family.SmartManager, token string) error {
	r, err := m.Register(d.udi(), token, []string{smart.TagASAv1G})
	if err != nil {
		return err
	}
	d.authorized(now, string(r.Status))
	return nil
}

func (d *fakeSmart) authorized(now time.Time, st string) {
	d.State, d.AuthAt, d.Due, d.Deadline = st, now, now.Add(fakeRenewEvery), now.Add(fakeDeadline)
	d.log(now, "%ASA-6-444303: authorized: "+st)
}

func (d *fakeSmart) SmartRenew(now time.Time, m family.SmartManager) {
	d.Renewals = append(d.Renewals, now)
	r, err := m.RenewAuthorization(d.udi())
	if err != nil {
		d.Due = now.Add(fakeRetryAfter)
		d.log(now, "%ASA-3-444303: renewal failed: "+err.Error())
		return
	}
	d.authorized(now, string(r.Status))
}

func (d *fakeSmart) SmartDue() (time.Time, bool) {
	return d.Due, d.State == string(smart.StatusAuthorized) || d.State == string(smart.StatusOutOfCompliance) || d.State == "AUTHORIZATION EXPIRED"
}

func (d *fakeSmart) SmartLicense(now time.Time) family.SmartLicense {
	return family.SmartLicense{Authorization: d.State, UDI: d.udi(), AuthorizedAt: d.AuthAt, NextAttempt: d.Due, CommDeadline: d.Deadline}
}

func (d *fakeSmart) Advance(now time.Time) {
	if d.State == string(smart.StatusAuthorized) && !now.Before(d.Deadline) {
		d.State = "AUTHORIZATION EXPIRED"
		d.log(d.Deadline, "%ASA-2-444302: authorization expired")
	}
}

func (d *fakeSmart) NextTimedEvent() (time.Time, bool) {
	return d.Deadline, d.State == string(smart.StatusAuthorized)
}

func (d *fakeSmart) ChangesFrom(old family.Device) []family.Change {
	ch := d.fakeDevice.ChangesFrom(old)
	if o, ok := old.(*fakeSmart); ok && o.State != d.State {
		ch = append(ch, family.Change{Kind: family.ChangeSmart, Syslog: d.Log[len(d.Log)-1].Msg,
			Text: fmt.Sprintf("smart licensing: %s -> %s", o.State, d.State)})
	}
	return ch
}

// withFakeSmartFamily makes fakeSmart the family of the Smart-licensed
// models for the test, in place of any other. Not for parallel tests.
func withFakeSmartFamily(t testing.TB) {
	saved := families
	families = slices.DeleteFunc(slices.Clone(families), func(f family.Family) bool { return f.Licensing == headend.LicensingSmart })
	families = append(families, family.Family{
		Licensing: headend.LicensingSmart, New: newFakeSmart, Decode: decodeFakeSmart,
		ViewSession: func(s admission.SessionInfo, p *admission.Principal) family.SessionView {
			return family.SessionView{Info: s}
		},
		RefusalSyslog: func(admission.Decision, headend.Kind, *admission.Policy, string, string) string { return "" },
	})
	t.Cleanup(func() { families = saved })
}

// smartLab is a test lab with an account Acme holding n ASAv-STD-1G and a
// token for it.
func smartLab(t *testing.T, dir string, n int) (*testLab, string) {
	t.Helper()
	withFakeSmartFamily(t)
	tl := openSmartLab(t, dir)
	s := tl.lab.Smart()
	must(s.CreateAccount("Acme"))
	must(s.AddEntitlement("Acme", "", smart.TagASAv1G, n, time.Time{}))
	return tl, must(s.CreateToken("Acme", "", 0, 0)).Token
}

// openSmartLab opens a test lab whose headends take a minute to boot.
func openSmartLab(t *testing.T, dir string) *testLab {
	return openTestLabWith(t, dir, Config{ClockMode: ClockSimulated, RealNow: simNow,
		PAKActivationDelay: DefaultPAKActivationDelay, BootTime: time.Minute})
}

// fakeOf is the device of the headend name, as it is now.
func fakeOf(t *testing.T, tl *testLab, name string) *fakeSmart {
	t.Helper()
	s, err := tl.lab.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return s.Device.(*fakeSmart)
}

// registerFake creates an ASAv10 named name and registers it with token.
func registerFake(t *testing.T, tl *testLab, name, token string) {
	t.Helper()
	must(tl.lab.Create("ASAv10", name, ""))
	h := must(tl.lab.Headend(name))
	if err := h.Update(func(d family.Device) error { return d.(*fakeSmart).register(h.Now(), h.Smart(), token) }); err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
}

// A headend reaches the manager unless its path is cut, it is powered
// off or reloading; the cut is listed, refused twice, stored across a
// restart and dropped with the headend. A headend named "smart" is still
// linked by naming it first.
func TestSmartPathUnreachable(t *testing.T) {
	dir := t.TempDir()
	tl, tok := smartLab(t, dir, 5)
	registerFake(t, tl, "v1", tok)
	registerFake(t, tl, "smart", tok)
	h := must(tl.lab.Headend("v1"))
	udi := fakeOf(t, tl, "v1").udi()
	renew := func() error { _, err := h.Smart().RenewAuthorization(udi); return err }
	if err := renew(); err != nil {
		t.Fatalf("renewal on an intact path: %v", err)
	}
	lk, err := tl.lab.CutLink("v1", SmartPeer)
	if err != nil || lk != (Link{A: "v1", B: "smart", Since: simStart, Manager: true}) {
		t.Fatalf("cut: %+v %v", lk, err)
	}
	if _, err := tl.lab.CutLink("v1", SmartPeer); !errors.Is(err, ErrLinkAlreadyCut) {
		t.Fatalf("second cut: %v", err)
	}
	if err := renew(); !errors.Is(err, family.ErrSmartUnreachable) {
		t.Fatalf("renewal while cut: %v", err)
	}
	// The other headend's path and the headends' paths between them
	// are untouched; a headend named smart is a headend in the first place.
	if _, err := must(tl.lab.Headend("smart")).Smart().RenewAuthorization(fakeOf(t, tl, "smart").udi()); err != nil {
		t.Fatalf("the other headend: %v", err)
	}
	if _, err := tl.lab.CutLink("smart", "v1"); err != nil {
		t.Fatalf("link between headends v1 and smart: %v", err)
	}
	want := []Link{{A: "smart", B: "v1", Since: simStart}, {A: "v1", B: "smart", Since: simStart, Manager: true}}
	if got := tl.lab.Links(); !slices.Equal(got, want) {
		t.Fatalf("links %+v, want %+v", got, want)
	}
	tl.close()

	tl = openSmartLab(t, dir)
	if got := tl.lab.Links(); !slices.Equal(got, want) {
		t.Fatalf("links after a restart %+v, want %+v", got, want)
	}
	h = must(tl.lab.Headend("v1"))
	if err := renew(); !errors.Is(err, family.ErrSmartUnreachable) {
		t.Fatalf("renewal while cut, after a restart: %v", err)
	}
	if err := tl.lab.RestoreLink("v1", SmartPeer); err != nil {
		t.Fatal(err)
	}
	if err := tl.lab.RestoreLink("v1", SmartPeer); !errors.Is(err, ErrLinkNotCut) {
		t.Fatalf("second restore: %v", err)
	}
	if err := renew(); err != nil {
		t.Fatalf("renewal once restored: %v", err)
	}
	evs, _, _, err := tl.lab.ListEvents(0, 1000, EventFilter{Kinds: []EventKind{EventLinkCut, EventLinkRestored}})
	if err != nil || len(evs) != 3 || evs[0].Headend != "v1" ||
		evs[0].Text != "link cut between v1 and the Smart Software Manager: its Smart Agent reaches no manager" ||
		evs[2].Text != "link restored between v1 and the Smart Software Manager" {
		t.Fatalf("link events (%v): %+v", err, evs)
	}

	must(tl.lab.Reload("v1", false))
	if err := renew(); !errors.Is(err, family.ErrSmartUnreachable) {
		t.Fatalf("renewal while reloading: %v", err)
	}
	must(tl.lab.AdvanceClock(time.Hour))
	if err := renew(); err != nil {
		t.Fatalf("renewal once up: %v", err)
	}
	if _, _, err := tl.lab.PowerOff("v1"); err != nil {
		t.Fatal(err)
	}
	if err := renew(); !errors.Is(err, family.ErrSmartUnreachable) {
		t.Fatalf("renewal while powered off: %v", err)
	}
	must(tl.lab.PowerOn("v1"))

	must(tl.lab.CutLink("v1", SmartPeer))
	if err := tl.lab.Delete("v1"); err != nil {
		t.Fatal(err)
	}
	tl.close()
	tl = openSmartLab(t, dir)
	if got := tl.lab.Links(); len(got) != 0 {
		t.Fatalf("links after the headend's deletion and a restart: %+v", got)
	}
}

// days is simStart plus n days.
func days(n int) time.Time { return simStart.Add(time.Duration(n) * 24 * time.Hour) }

// A move of the simulated clock makes each headend's renewals at their lab
// times: every 30 days through an intact path; with the path cut, the
// retries a week apart, and the authorization lost at its 90-day deadline,
// each with its line and the loss with a smart event, in lab-time order.
func TestSmartRenewalsStepAtClockMoves(t *testing.T) {
	tl, tok := smartLab(t, t.TempDir(), 5)
	registerFake(t, tl, "v1", tok)
	registerFake(t, tl, "v2", tok)
	must(tl.lab.CutLink("v2", SmartPeer))
	first := tl.lab.LastEvent()
	must(tl.lab.AdvanceClock(100 * 24 * time.Hour))

	if got, want := fakeOf(t, tl, "v1").Renewals, []time.Time{days(30), days(60), days(90)}; !slices.Equal(got, want) {
		t.Errorf("v1 renewed at %v, want %v", got, want)
	}
	v2 := fakeOf(t, tl, "v2")
	want := []time.Time{days(30), days(37), days(44), days(51), days(58), days(65), days(72), days(79), days(86), days(93), days(100)}
	if !slices.Equal(v2.Renewals, want) || v2.State != "AUTHORIZATION EXPIRED" {
		t.Errorf("v2 tried at %v (%s), want %v", v2.Renewals, v2.State, want)
	}
	evs, _, _, err := tl.lab.ListEvents(first, 1000, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	clock := slices.IndexFunc(evs, func(e Event) bool { return e.Kind == EventClock })
	if clock < 0 || slices.ContainsFunc(evs[:clock], func(e Event) bool { return e.Headend != "" }) {
		t.Errorf("the clock's event at %d, after a headend's: %+v", clock, evs)
	}
	var v2Lines []time.Time
	var renewed []time.Time
	var smartEvs []Event
	for i, e := range evs {
		if i > 0 && e.At.Before(evs[i-1].At) && i-1 != clock {
			t.Errorf("event %d at %s after one at %s", i, e.At, evs[i-1].At)
		}
		switch {
		case e.Kind == EventSyslog && e.Headend == "v2":
			v2Lines = append(v2Lines, e.At)
		case e.Kind == EventSmart && e.Headend == "":
			renewed = append(renewed, e.At)
		case e.Kind == EventSmart:
			smartEvs = append(smartEvs, e)
		}
	}
	wantLines := slices.Insert(slices.Clone(want), 9, days(90))
	if !slices.Equal(v2Lines, wantLines) {
		t.Errorf("v2 logged at %v, want %v", v2Lines, wantLines)
	}
	if !slices.Equal(renewed, []time.Time{days(30), days(60), days(90)}) {
		t.Errorf("the manager renewed at %v", renewed)
	}
	if len(smartEvs) != 1 || smartEvs[0].Headend != "v2" || !smartEvs[0].At.Equal(days(90)) ||
		smartEvs[0].Syslog != "%ASA-2-444302: authorization expired" ||
		smartEvs[0].Text != "smart licensing: AUTHORIZED -> AUTHORIZATION EXPIRED" {
		t.Errorf("smart events of the headends: %+v", smartEvs)
	}
}

// The lab finds its headends' due renewals again after a restart.
func TestSmartDueAfterRestart(t *testing.T) {
	dir := t.TempDir()
	tl, tok := smartLab(t, dir, 5)
	registerFake(t, tl, "v1", tok)
	tl.close()
	tl = openSmartLab(t, dir)
	must(tl.lab.AdvanceClock(31 * 24 * time.Hour))
	if got := fakeOf(t, tl, "v1").Renewals; !slices.Equal(got, []time.Time{days(30)}) {
		t.Fatalf("renewals after a restart: %v", got)
	}
}

// On a real clock, the flusher's round makes the renewals that fell due.
func TestSmartRenewalOnRealClock(t *testing.T) {
	withFakeSmartFamily(t)
	var mu sync.Mutex
	now := simStart
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	tl := openTestLabWith(t, t.TempDir(), Config{ClockMode: ClockReal, RealNow: clock, PAKActivationDelay: DefaultPAKActivationDelay})
	s := tl.lab.Smart()
	must(s.CreateAccount("Acme"))
	must(s.AddEntitlement("Acme", "", smart.TagASAv1G, 1, time.Time{}))
	registerFake(t, tl, "v1", must(s.CreateToken("Acme", "", 0, 0)).Token)
	mu.Lock()
	now = days(30).Add(time.Second)
	mu.Unlock()
	if err := tl.lab.flushRefusals(); err != nil { // what the flusher's round runs
		t.Fatal(err)
	}
	if got := fakeOf(t, tl, "v1").Renewals; !slices.Equal(got, []time.Time{days(30).Add(time.Second)}) {
		t.Fatalf("renewals on a real clock: %v", got)
	}
}

// The compliance report covers the ASAv by virtual account: the distinct
// AnyConnect users its registered headends admitted against its
// AnyConnect entitlements; nothing was refused (honor system).
func TestSmartCompliance(t *testing.T) {
	tl, tok := smartLab(t, t.TempDir(), 5)
	must(tl.lab.Smart().AddEntitlement("Acme", "", smart.TagPlus, 2, time.Time{}))
	registerFake(t, tl, "v1", tok)
	registerFake(t, tl, "v2", tok)
	must(tl.lab.Create("ASAv10", "v3", "")) // not registered: not counted
	for _, a := range [][2]string{{"v1", "alice"}, {"v2", "bob"}, {"v2", "carol"}, {"v1", "carol"}, {"v3", "dave"}} {
		if d, err := tl.lab.Admit(a[0], a[1], "laptop", headend.KindAnyConnect); err != nil || !d.Admitted {
			t.Fatalf("admit %v: %+v %v", a, d, err)
		}
	}
	must(tl.lab.AdvanceClock(time.Hour))
	got := tl.lab.SmartCompliance("acme")
	serials := []string{fakeOf(t, tl, "v1").Serial, fakeOf(t, tl, "v2").Serial}
	slices.Sort(serials)
	if len(got) != 1 || got[0].VirtualAccount != "DEFAULT" || got[0].Plus != 2 || got[0].UniqueUsers != 3 ||
		!slices.Equal(got[0].Serials, serials) || !got[0].Since.Equal(simStart) ||
		!slices.Equal(got[0].Findings, []string{"3 unique AnyConnect users on its ASAv, 2 licensed (Plus 2, Apex 0, VPN Only 0)"}) {
		t.Fatalf("report %+v", got)
	}
}
