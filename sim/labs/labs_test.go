package labs_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labs"
	"github.com/asalab/asalab/sim/store"
)

var (
	machineNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	start      = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	master, _  = keygen.NewSigner([]byte("labs-test-secret-0123456789abcdef"))
)

// env is a store on disk and the set of labs opened on it.
type env struct {
	t     *testing.T
	dir   string
	store *sim.Store
	set   *labs.Set
	opts  labs.Options
	// opened and closing count the hooks' calls, by lab.
	mu      sync.Mutex
	opened  map[string]int
	closing map[string]int
}

func newEnv(t *testing.T, tweak func(*labs.Options)) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), opened: map[string]int{}, closing: map[string]int{}}
	e.opts = labs.Options{
		Master:  master,
		Default: labs.Spec{ClockMode: sim.ClockSimulated, ClockStart: start},
		Lab:     sim.Config{RealNow: func() time.Time { return machineNow }, PeakSampleInterval: -1},
		Opened: func(l *sim.Lab) error {
			e.mu.Lock()
			e.opened[l.Name()]++
			e.mu.Unlock()
			return nil
		},
		Closing: func(l *sim.Lab) {
			e.mu.Lock()
			e.closing[l.Name()]++
			e.mu.Unlock()
		},
	}
	if tweak != nil {
		tweak(&e.opts)
	}
	e.open()
	t.Cleanup(e.close)
	return e
}

func (e *env) open() {
	e.t.Helper()
	st, err := sim.OpenStore(filepath.Join(e.dir, "store"), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.store = st
	o := e.opts
	o.Store = st
	set, err := labs.Open(o)
	if err != nil {
		st.Close()
		e.store = nil
		e.t.Fatal(err)
	}
	e.set = set
}

func (e *env) close() {
	if e.set != nil {
		if err := e.set.Close(); err != nil {
			e.t.Error(err)
		}
		e.set = nil
	}
	if e.store != nil {
		if err := e.store.Close(); err != nil {
			e.t.Error(err)
		}
		e.store = nil
	}
}

func (e *env) restart() {
	e.t.Helper()
	e.close()
	e.open()
}

func (e *env) lab(name string) *sim.Lab {
	e.t.Helper()
	l, err := e.set.Get(name)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// keysOf counts the store's keys of a lab: its range and its record.
func (e *env) keysOf(name string) int {
	e.t.Helper()
	n := 0
	count := func(_, _ []byte) error { n++; return nil }
	if err := e.store.Scan(store.LabPrefix(name), count); err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.Scan(store.LabKey(name), count); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func names(infos []labs.Info) string {
	var s []string
	for _, i := range infos {
		s = append(s, i.Name)
	}
	return strings.Join(s, ",")
}

// TestCreateListDelete: a new store has the lab "default"; a created lab
// is listed with its spec and first token, which reaches it only; deleting
// it ends its event streams, runs its Closing hook, forgets its token and
// leaves nothing of it in the store, after a restart too.
func TestCreateListDelete(t *testing.T) {
	e := newEnv(t, nil)
	if got := names(e.set.List()); got != "default" {
		t.Fatalf("labs of a new store: %q", got)
	}
	info, tok, err := e.set.Create("team-a", labs.Spec{ClockStart: start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "asalab_") || len(tok) != len("asalab_")+43 {
		t.Fatalf("token %q", tok)
	}
	if info.Name != "team-a" || info.Mode != sim.ClockSimulated || !info.Now.Equal(start.Add(time.Hour)) ||
		!info.Spec.ClockStart.Equal(start.Add(time.Hour)) || !info.Created.Equal(machineNow) || info.Tokens != 1 || info.Headends != 0 {
		t.Fatalf("info %+v", info)
	}
	if got := names(e.set.List()); got != "default,team-a" {
		t.Fatalf("labs: %q", got)
	}
	if lab, err := e.set.LabOfToken(tok); err != nil || lab != "team-a" {
		t.Fatalf("token reaches %q, %v", lab, err)
	}
	for _, bad := range []string{"", tok[:len(tok)-1], "asalab_x", strings.ToUpper(tok)} {
		if _, err := e.set.LabOfToken(bad); !errors.Is(err, labs.ErrUnknownToken) {
			t.Fatalf("token %q: %v", bad, err)
		}
	}
	a := e.lab("team-a")
	if _, err := a.Create("ASA5525", "asa1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AdvanceClock(time.Hour); err != nil {
		t.Fatal(err)
	}
	if e.keysOf("team-a") < 3 {
		t.Fatalf("lab keys before delete: %d", e.keysOf("team-a"))
	}

	// A stream of the lab's events ends, without an error, when it goes.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ended := make(chan error, 1)
	go func() {
		ended <- a.WatchEvents(ctx, a.LastEvent(), sim.EventFilter{}, func([]sim.Event) error { return nil })
	}()
	if err := e.set.Delete("team-a"); err != nil {
		t.Fatal(err)
	}
	if err := <-ended; err != nil {
		t.Fatalf("the event stream ended with %v, want nil", err)
	}
	if e.closing["team-a"] != 1 || e.opened["team-a"] != 1 {
		t.Fatalf("hooks: opened %d, closing %d", e.opened["team-a"], e.closing["team-a"])
	}
	if _, err := e.set.Get("team-a"); !errors.Is(err, sim.ErrLabNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if _, err := e.set.LabOfToken(tok); !errors.Is(err, labs.ErrUnknownToken) {
		t.Fatalf("a deleted lab's token: %v", err)
	}
	if n := e.keysOf("team-a"); n != 0 {
		t.Fatalf("%d keys of the deleted lab remain", n)
	}
	e.restart()
	if got := names(e.set.List()); got != "default" {
		t.Fatalf("labs after restart: %q", got)
	}
	if n := e.keysOf("team-a"); n != 0 {
		t.Fatalf("%d keys of the deleted lab after restart", n)
	}
	// The name is free again, for an empty lab.
	if _, _, err := e.set.Create("team-a", labs.Spec{}); err != nil {
		t.Fatal(err)
	}
	if n := e.lab("team-a").Len(); n != 0 {
		t.Fatalf("a lab made again has %d headends", n)
	}
}

// TestBadInput: names, specs and deletions that cannot be change nothing.
func TestBadInput(t *testing.T) {
	e := newEnv(t, nil)
	for _, name := range []string{"", "-a", "A", "a_b", "a/b", "a.b", "é", strings.Repeat("a", 64)} {
		if _, _, err := e.set.Create(name, labs.Spec{}); !errors.Is(err, labs.ErrBadLabName) {
			t.Errorf("name %q: %v", name, err)
		}
	}
	if _, _, err := e.set.Create(strings.Repeat("a", 63), labs.Spec{}); err != nil {
		t.Errorf("63 letters: %v", err)
	}
	if _, _, err := e.set.Create("0-lab", labs.Spec{}); err != nil {
		t.Errorf("0-lab: %v", err)
	}
	if _, _, err := e.set.Create("default", labs.Spec{}); !errors.Is(err, labs.ErrLabExists) {
		t.Errorf("default again: %v", err)
	}
	if _, _, err := e.set.Create("0-lab", labs.Spec{}); !errors.Is(err, labs.ErrLabExists) {
		t.Errorf("0-lab again: %v", err)
	}
	if _, _, err := e.set.Create("real", labs.Spec{ClockMode: sim.ClockReal, ClockStart: start}); !errors.Is(err, sim.ErrInvalidArgument) {
		t.Errorf("real clock with a start: %v", err)
	}
	if _, _, err := e.set.Create("early", labs.Spec{ClockStart: time.Unix(-1, 0)}); !errors.Is(err, sim.ErrInvalidArgument) {
		t.Errorf("clock before 1970: %v", err)
	}
	if err := e.set.Delete("default"); !errors.Is(err, labs.ErrDefaultLab) {
		t.Errorf("delete default: %v", err)
	}
	if err := e.set.Delete("nope"); !errors.Is(err, sim.ErrLabNotFound) {
		t.Errorf("delete nope: %v", err)
	}
	if _, err := e.set.Reset("nope"); !errors.Is(err, sim.ErrLabNotFound) {
		t.Errorf("reset nope: %v", err)
	}
	if _, err := e.set.CreateToken("nope"); !errors.Is(err, sim.ErrLabNotFound) {
		t.Errorf("token of nope: %v", err)
	}
	if _, err := e.set.Info("nope"); !errors.Is(err, sim.ErrLabNotFound) {
		t.Errorf("info of nope: %v", err)
	}
	if got := names(e.set.List()); got != "0-lab,"+strings.Repeat("a", 63)+",default" {
		t.Fatalf("labs: %q", got)
	}
}

// TestResetKeepsSpecAndTokens: a reset lab is empty, its simulated clock
// back at its start, its tokens (the first and one made later) still
// reach it, after a restart too; the default lab can be reset.
func TestResetKeepsSpecAndTokens(t *testing.T) {
	e := newEnv(t, nil)
	_, tok1, err := e.set.Create("lab1", labs.Spec{ClockStart: start})
	if err != nil {
		t.Fatal(err)
	}
	tok2, err := e.set.CreateToken("lab1")
	if err != nil || tok2 == tok1 {
		t.Fatalf("second token %q, %v", tok2, err)
	}
	for _, name := range []string{"lab1", "default"} {
		l := e.lab(name)
		if _, err := l.Create("ASA5525", "asa1", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := l.AdvanceClock(48 * time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	info, err := e.set.Reset("lab1")
	if err != nil {
		t.Fatal(err)
	}
	if info.Headends != 0 || !info.Now.Equal(start) || info.Tokens != 2 {
		t.Fatalf("after reset: %+v", info)
	}
	if e.opened["lab1"] != 2 || e.closing["lab1"] != 1 {
		t.Fatalf("hooks: opened %d, closing %d", e.opened["lab1"], e.closing["lab1"])
	}
	if _, err := e.set.Reset("default"); err != nil {
		t.Fatal(err)
	}
	e.restart()
	for _, name := range []string{"lab1", "default"} {
		l := e.lab(name)
		if l.Len() != 0 || !l.Clock().Now().Equal(start) {
			t.Fatalf("%s after restart: %d headends, clock %s", name, l.Len(), l.Clock().Now())
		}
	}
	for _, tok := range []string{tok1, tok2} {
		if lab, err := e.set.LabOfToken(tok); err != nil || lab != "lab1" {
			t.Fatalf("token after reset and restart: %q, %v", lab, err)
		}
	}
}

// TestOldStoreOpensUnchanged: a store written before labs had records
// holds only the default lab's keys; the set opens it with its headends
// and its clock where they were, and gives it its record.
func TestOldStoreOpensUnchanged(t *testing.T) {
	dir := t.TempDir()
	st, err := sim.OpenStore(filepath.Join(dir, "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	lab, err := sim.OpenLab(sim.Config{Store: st, Signer: master.ForLab(sim.DefaultLab), ClockMode: sim.ClockSimulated,
		ClockStart: start, PeakSampleInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"asa1", "asa2"} {
		if _, err := lab.Create("ASA5525", h, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := lab.AdvanceClock(5 * time.Hour); err != nil {
		t.Fatal(err)
	}
	lastEvent := lab.LastEvent()
	if err := lab.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	e := &env{t: t, dir: dir, opened: map[string]int{}, closing: map[string]int{}}
	e.opts = labs.Options{Master: master, Default: labs.Spec{ClockMode: sim.ClockSimulated},
		Lab: sim.Config{RealNow: func() time.Time { return machineNow }, PeakSampleInterval: -1}}
	e.open()
	t.Cleanup(e.close)
	if got := names(e.set.List()); got != "default" {
		t.Fatalf("labs: %q", got)
	}
	d := e.lab("default")
	if d.Len() != 2 || !d.Clock().Now().Equal(start.Add(5*time.Hour)) || d.LastEvent() != lastEvent {
		t.Fatalf("default lab: %d headends, clock %s, last event %d (want 2, %s, %d)",
			d.Len(), d.Clock().Now(), d.LastEvent(), start.Add(5*time.Hour), lastEvent)
	}
	if _, err := d.Get("asa2"); err != nil {
		t.Fatal(err)
	}
	info, _ := e.set.Info("default")
	if !info.Created.Equal(machineNow) {
		t.Fatalf("default lab created %s", info.Created)
	}
}

// TestLabsAreIsolated: two labs, each with a headend asa1 of the same
// serial, have their own headends, clocks, keys and events.
func TestLabsAreIsolated(t *testing.T) {
	e := newEnv(t, nil)
	for _, n := range []string{"a", "b"} {
		if _, _, err := e.set.Create(n, labs.Spec{ClockStart: start}); err != nil {
			t.Fatal(err)
		}
	}
	a, b := e.lab("a"), e.lab("b")
	snap, err := a.Create("ASA5525", "asa1", "")
	if err != nil {
		t.Fatal(err)
	}
	serial := snap.Device.SerialNumber()
	if _, err := b.Create("ASA5525", "asa1", serial); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AdvanceClock(time.Hour); err != nil {
		t.Fatal(err)
	}
	if !b.Clock().Now().Equal(start) {
		t.Fatalf("b's clock moved with a's: %s", b.Clock().Now())
	}
	w, err := master.ForLab("a").Encode(keygen.Key{Serial: serial, Features: keygen.Features{PremiumPeers: 250}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.InstallKey("asa1", w.String(), sim.KeyActivate); err != nil {
		t.Fatalf("a's key in a: %v", err)
	}
	if _, _, err := b.InstallKey("asa1", w.String(), sim.KeyActivate); err == nil {
		t.Fatal("a's key was accepted in b")
	}
	if _, err := b.Create("ASA5525", "asa2", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Get("asa2"); !errors.Is(err, sim.ErrHeadendNotFound) {
		t.Fatalf("b's asa2 in a: %v", err)
	}
	evs, _, _, err := a.ListEvents(0, 1000, sim.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Headend == "asa2" {
			t.Fatalf("b's event in a's log: %+v", ev)
		}
	}
}

// TestConsolePortsAreDaemonWide: labs sharing the SSH range never give
// the same port; the ports are kept across a restart; a deleted lab's
// ports are free again.
func TestConsolePortsAreDaemonWide(t *testing.T) {
	e := newEnv(t, func(o *labs.Options) {
		o.Lab.SSH = &sim.SSHPorts{Host: "127.0.0.1", Base: 2200, Count: 10}
	})
	if _, _, err := e.set.Create("a", labs.Spec{ClockStart: start}); err != nil {
		t.Fatal(err)
	}
	port := func(lab, host string) string {
		t.Helper()
		s, err := e.lab(lab).Get(host)
		if err != nil {
			t.Fatal(err)
		}
		return s.SSHAddress
	}
	for _, h := range []string{"asa1", "asa2"} {
		for _, l := range []string{"default", "a"} {
			if _, err := e.lab(l).Create("ASA5525", h, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]string{
		"default/asa1": "127.0.0.1:2200", "a/asa1": "127.0.0.1:2201",
		"default/asa2": "127.0.0.1:2202", "a/asa2": "127.0.0.1:2203",
	}
	check := func(when string) {
		t.Helper()
		for k, w := range want {
			l, h, _ := strings.Cut(k, "/")
			if got := port(l, h); got != w {
				t.Errorf("%s: %s has %s, want %s", when, k, got, w)
			}
		}
	}
	check("created")
	e.restart()
	check("after restart")
	if err := e.set.Delete("a"); err != nil {
		t.Fatal(err)
	}
	s, err := e.lab("default").Create("ASA5525", "asa3", "")
	if err != nil {
		t.Fatal(err)
	}
	if s.SSHAddress != "127.0.0.1:2201" {
		t.Fatalf("after a's deletion the next port is %s, want 127.0.0.1:2201", s.SSHAddress)
	}
}

// TestMetricsSumOverLabs: the headends gauge is the sum over the labs,
// drops by a deleted lab's headends, and names no lab.
func TestMetricsSumOverLabs(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := newEnv(t, func(o *labs.Options) { o.Metrics = sim.NewMetrics(reg) })
	if _, _, err := e.set.Create("secret-lab", labs.Spec{ClockStart: start}); err != nil {
		t.Fatal(err)
	}
	for i, l := range []string{"default", "secret-lab", "secret-lab"} {
		if _, err := e.lab(l).Create("ASA5525", "asa"+string(rune('1'+i)), ""); err != nil {
			t.Fatal(err)
		}
	}
	series := map[string]int{}
	gauge := func() float64 {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			series[mf.GetName()] = len(mf.GetMetric())
			for _, m := range mf.GetMetric() {
				for _, lp := range m.GetLabel() {
					if strings.Contains(lp.GetValue(), "secret") {
						t.Fatalf("metric %s names a lab: %v", mf.GetName(), lp)
					}
				}
			}
			if mf.GetName() == "asalab_lab_headends" {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no asalab_lab_headends")
		return 0
	}
	if g := gauge(); g != 3 {
		t.Fatalf("headends %v, want 3", g)
	}
	if n := series["asalab_admission_active_sessions"]; n != 1 {
		t.Fatalf("%d active-session series, want 1 over all labs", n)
	}
	if err := e.set.Delete("secret-lab"); err != nil {
		t.Fatal(err)
	}
	if g := gauge(); g != 1 {
		t.Fatalf("headends after delete %v, want 1", g)
	}
}

// TestOrphanKeysRemoved: keys of a lab without a record (a write that
// raced the lab's deletion) are removed at open; the default lab's, in a
// store from before records, are not.
func TestOrphanKeysRemoved(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.lab("default").Create("ASA5525", "asa1", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.set.Create("kept", labs.Spec{}); err != nil {
		t.Fatal(err)
	}
	e.close()
	st, err := sim.OpenStore(filepath.Join(e.dir, "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DB().Set(store.HeadendKey("ghost", 1), []byte("{}"), nil); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().Set(store.ClockKey("ghost-2"), []byte("{}"), nil); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	e.open()
	for _, name := range []string{"ghost", "ghost-2"} {
		if n := e.keysOf(name); n != 0 {
			t.Errorf("%d keys of %s remain", n, name)
		}
	}
	if e.lab("default").Len() != 1 || e.keysOf("kept") == 0 {
		t.Fatalf("default has %d headends, kept %d keys", e.lab("default").Len(), e.keysOf("kept"))
	}
	if got := names(e.set.List()); got != "default,kept" {
		t.Fatalf("labs %q", got)
	}
}

// Moving a real clock is refused with advice that fits the lab: headendd's
// --clock sets only the default lab's clock, a created lab's is fixed when
// it is made.
func TestRealClockRefusalAdvice(t *testing.T) {
	e := newEnv(t, func(o *labs.Options) { o.Default = labs.Spec{ClockMode: sim.ClockReal} })
	if _, _, err := e.set.Create("r1", labs.Spec{ClockMode: sim.ClockReal}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		lab, want, not string
	}{
		{"r1", `lab "r1" was created with the real clock; a lab with a simulated clock is made with headendctl lab create NAME --clock sim`, "--clock=sim"},
		{sim.DefaultLab, "start headendd with --clock=sim", "lab create"},
	} {
		_, err := e.lab(tt.lab).SetClock(machineNow.Add(time.Hour))
		if !errors.Is(err, sim.ErrClockNotSimulated) {
			t.Fatalf("%s: err = %v, want ErrClockNotSimulated", tt.lab, err)
		}
		if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), tt.not) {
			t.Errorf("%s: %q, want %q and not %q", tt.lab, err, tt.want, tt.not)
		}
	}
}
