package sim

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
)

// faultLab is a lab of three ASA 5525-X, a, b and c, with the addresses
// 10.0.0.1, .2 and .3 on their outside interfaces, saved.
func faultLab(t *testing.T, dir string, cfg Config) *testLab {
	t.Helper()
	tl := openTestLabWith(t, dir, cfg)
	for i, name := range []string{"a", "b", "c"} {
		must(tl.lab.Create("ASA5525", name, fmt.Sprintf("FCH1947V0G%c", 'X'+i)))
		must(tl.lab.Exec(name, []string{"configure terminal", "interface GigabitEthernet0/0", "nameif outside",
			fmt.Sprintf("ip address 10.0.0.%d 255.255.255.0", i+1), "no shutdown", "end", "write memory"}))
	}
	return tl
}

func simConfig() Config { return Config{ClockMode: ClockSimulated, RealNow: simNow} }

// paths renders which of a, b, c reach which: "a>b" for each pair that
// answers.
func paths(t *testing.T, lab *Lab) string {
	t.Helper()
	var out []string
	for _, from := range []string{"a", "b", "c"} {
		h := must(lab.Headend(from))
		for i, to := range []string{"a", "b", "c"} {
			if from == to {
				continue
			}
			if _, ok := lab.Reachable(h, netip.MustParseAddr(fmt.Sprintf("10.0.0.%d", i+1))); ok {
				out = append(out, from+">"+to)
			}
		}
	}
	return strings.Join(out, " ")
}

const allPaths = "a>b a>c b>a b>c c>a c>b"

// TestLinkCutRestore: a cut fails every path between its two headends, both
// ways, and no other; the order the two are named in does not matter; a
// restore brings them back; each is one event.
func TestLinkCutRestore(t *testing.T) {
	tl := faultLab(t, t.TempDir(), simConfig())
	lab := tl.lab
	if got := paths(t, lab); got != allPaths {
		t.Fatalf("before the cut: %q", got)
	}
	last := lab.LastEvent()
	lk := must(lab.CutLink("b", "a"))
	if lk != (Link{A: "a", B: "b", Since: simStart}) {
		t.Errorf("CutLink = %+v", lk)
	}
	if got, want := paths(t, lab), "a>c b>c c>a c>b"; got != want {
		t.Errorf("after cutting a-b: %q, want %q", got, want)
	}
	if pathUp(must(lab.Headend("a")), must(lab.Headend("b"))) || !pathUp(must(lab.Headend("a")), must(lab.Headend("c"))) {
		t.Error("pathUp disagrees with the cut")
	}
	if got := lab.Links(); !slices.Equal(got, []Link{{A: "a", B: "b", Since: simStart}}) {
		t.Errorf("Links = %+v", got)
	}
	must(lab.AdvanceClock(time.Hour))
	if err := lab.RestoreLink("a", "b"); err != nil {
		t.Fatal(err)
	}
	if got := paths(t, lab); got != allPaths {
		t.Errorf("after the restore: %q", got)
	}
	if got := lab.Links(); len(got) != 0 {
		t.Errorf("Links after the restore = %+v", got)
	}
	var got []string
	for _, e := range eventsAfter(t, lab, last) {
		if e.Kind != EventClock {
			got = append(got, fmt.Sprintf("%s %s %s: %s", e.At.Format(time.RFC3339), e.Kind, e.Headend, e.Text))
		}
	}
	want := []string{
		"2026-11-27T12:00:00Z link_cut b: link cut between b and a: no lab network path joins them",
		"2026-11-27T13:00:00Z link_restored a: link restored between a and b",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFaultErrorsChangeNothing: a link cut twice, one restored that is not
// cut, a link from a headend to itself or to one that does not exist, a
// unit powered off twice or on while on: each is its own error, and
// neither the network, the faults nor the event log change.
func TestFaultErrorsChangeNothing(t *testing.T) {
	tl := faultLab(t, t.TempDir(), simConfig())
	lab := tl.lab
	must(lab.CutLink("a", "b"))
	must2(lab.PowerOff("c"))
	last := lab.LastEvent()
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"cut a-b again", second(lab.CutLink("a", "b")), ErrLinkAlreadyCut},
		{"cut b-a", second(lab.CutLink("b", "a")), ErrLinkAlreadyCut},
		{"restore a-c", lab.RestoreLink("a", "c"), ErrLinkNotCut},
		{"cut a-a", second(lab.CutLink("a", "a")), ErrInvalidArgument},
		{"cut a-x", second(lab.CutLink("a", "x")), ErrHeadendNotFound},
		{"restore x-a", lab.RestoreLink("x", "a"), ErrHeadendNotFound},
		{"power off c again", third(lab.PowerOff("c")), ErrAlreadyPoweredOff},
		{"power on a", second(lab.PowerOn("a")), ErrAlreadyPoweredOn},
		{"power off x", third(lab.PowerOff("x")), ErrHeadendNotFound},
		{"power on x", second(lab.PowerOn("x")), ErrHeadendNotFound},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	if got := lab.LastEvent(); got != last {
		t.Errorf("the errors logged %d events", got-last)
	}
	if got := lab.Links(); !slices.Equal(got, []Link{{A: "a", B: "b", Since: simStart}}) {
		t.Errorf("Links = %+v", got)
	}
	if got, want := paths(t, lab), ""; got != want {
		t.Errorf("paths %q, want %q (a-b cut, c off)", got, want)
	}
	if off, _ := must(lab.Headend("c")).PoweredOff(); !off {
		t.Error("c is on")
	}
}

func second[T any](_ T, err error) error        { return err }
func third[T, U any](_ T, _ U, err error) error { return err }

// TestPowerOff: a unit powered off ends its sessions, refuses admission as
// unavailable, answers nothing on the lab network and takes no request
// (console, key, reload, RMA) until powered on; the lab's view of it says
// it is off.
func TestPowerOff(t *testing.T) {
	tl := faultLab(t, t.TempDir(), simConfig())
	lab := tl.lab
	for _, u := range []string{"alice", "bob"} { // the Base license has 2 Premium peers
		if d := must(lab.Admit("a", u, "laptop", headend.KindAnyConnect)); !d.Admitted {
			t.Fatalf("admit %s: %+v", u, d)
		}
	}
	last := lab.LastEvent()
	s, ended, err := lab.PowerOff("a")
	if err != nil || ended != 2 || !s.PoweredOff || !s.PoweredOffSince.Equal(simStart) {
		t.Fatalf("PowerOff = off %v since %v, %d ended, %v", s.PoweredOff, s.PoweredOffSince, ended, err)
	}
	evs := eventsAfter(t, lab, last)
	if len(evs) != 1 || evs[0].Kind != EventPowerOff || evs[0].Headend != "a" ||
		evs[0].Text != "powered off: 2 VPN sessions ended; it answers nothing until powered on" {
		t.Errorf("events: %+v", evs)
	}
	if c := must(lab.Counts("a")); c.Total() != 0 {
		t.Errorf("%d sessions after the power cut", c.Total())
	}
	if d := must(lab.Admit("a", "dave", "laptop", headend.KindAnyConnect)); d.Admitted || d.Reason != headend.ReasonUnavailable {
		t.Errorf("admit while off: %+v", d)
	}
	if got, want := paths(t, lab), "b>c c>b"; got != want {
		t.Errorf("paths %q, want %q", got, want)
	}
	for name, err := range map[string]error{
		"exec":    second(lab.Exec("a", []string{"show version"})),
		"console": must(lab.Headend("a")).Available(),
		"key":     third(lab.InstallKey("a", "0x1 0x2 0x3 0x4 0x5", KeyActivate)),
		"reload":  second(lab.Reload("a", true)),
		"rma":     third(lab.ReturnForRepair("a", "")),
	} {
		if !errors.Is(err, ErrPoweredOff) || !errors.Is(err, headend.ErrUnavailable) ||
			!strings.Contains(err.Error(), "a was powered off at 2026-11-27T12:00:00Z") {
			t.Errorf("%s while off: %v", name, err)
		}
	}
	// Another unit's admission and console are untouched.
	if d := must(lab.Admit("b", "dave", "laptop", headend.KindAnyConnect)); !d.Admitted {
		t.Errorf("b: %+v", d)
	}
	// A time-based key's expiry does not bring the unit's policy back.
	must(lab.AdvanceClock(400 * day))
	if d := must(lab.Admit("a", "dave", "laptop", headend.KindAnyConnect)); d.Admitted || d.Reason != headend.ReasonUnavailable {
		t.Errorf("admit while off, later: %+v", d)
	}
}

// TestPowerOnBoots: power on boots the unit as a reload does: down for the
// boot time, then up with its saved configuration and the key on its
// flash; what was only running is gone.
func TestPowerOnBoots(t *testing.T) {
	cfg := simConfig()
	cfg.BootTime = 5 * time.Minute
	tl := faultLab(t, t.TempDir(), cfg)
	lab := tl.lab
	serial := "FCH1947V0GX"
	w := must(lab.signer.Encode(keygen.Key{Serial: serial, Features: keygen.Features{PremiumPeers: 250, SecurityPlus: true}}))
	must2(lab.InstallKey("a", w.String(), KeyActivate))
	must(lab.Exec("a", []string{"configure terminal", "hostname edge", "interface GigabitEthernet0/1", "nameif inside",
		"ip address 10.0.1.1 255.255.255.0", "no shutdown", "end"}))
	s := must(lab.Get("edge"))
	if !s.Device.ConfigUnsaved() {
		t.Fatal("the running configuration is saved")
	}
	must2(lab.PowerOff("edge"))
	must(lab.AdvanceClock(time.Hour))
	last := lab.LastEvent()
	s = must(lab.PowerOn("edge"))
	if s.PoweredOff || s.Device.Hostname() != "a" || !s.Device.Reloading(s.Now) ||
		!s.Device.UpSince().Equal(simStart.Add(time.Hour+5*time.Minute)) || s.Device.ConfigUnsaved() {
		t.Errorf("after power on: off %v, hostname %q, reloading %v, up at %v, unsaved %v", s.PoweredOff,
			s.Device.Hostname(), s.Device.Reloading(s.Now), s.Device.UpSince(), s.Device.ConfigUnsaved())
	}
	var kinds []string
	for _, e := range eventsAfter(t, lab, last) {
		kinds = append(kinds, e.Kind.String()+" "+e.Headend)
	}
	if want := []string{"power_on a", "reloaded a", "config_changed a"}; !slices.Equal(kinds, want) {
		t.Errorf("events of the power on: %v, want %v", kinds, want)
	}
	if _, err := lab.Get("edge"); !errors.Is(err, ErrHeadendNotFound) {
		t.Errorf("the running hostname outlived the power cut: %v", err)
	}
	if _, err := lab.Exec("a", []string{"show version"}); !errors.Is(err, headend.ErrUnavailable) || errors.Is(err, ErrPoweredOff) {
		t.Errorf("exec while booting: %v", err)
	}
	if d := must(lab.Admit("a", "alice", "laptop", headend.KindAnyConnect)); d.Admitted || d.Reason != headend.ReasonUnavailable {
		t.Errorf("admit while booting: %+v", d)
	}
	must(lab.AdvanceClock(5 * time.Minute))
	if d := must(lab.Admit("a", "alice", "laptop", headend.KindAnyConnect)); !d.Admitted {
		t.Errorf("admit once up: %+v", d)
	}
	k, _ := must(lab.Get("a")).KeyLicense()
	if k.RunningKey != w.String() || k.Features.Premium != 250 {
		t.Errorf("running key %q with %d premium peers, want the flash key %q", k.RunningKey, k.Features.Premium, w)
	}
	if got, want := paths(t, lab), allPaths; got != want {
		t.Errorf("paths %q, want %q", got, want)
	}
	if _, ok := lab.Reachable(must(lab.Headend("b")), netip.MustParseAddr("10.0.1.1")); ok {
		t.Error("the unsaved inside address answers after the power cut")
	}
}

// TestTimeBasedKeyCountsWhileOff: a time-based key counts down while its
// unit is off; the lines due meanwhile are logged at power on, with their
// own times, and not before.
func TestTimeBasedKeyCountsWhileOff(t *testing.T) {
	tl := faultLab(t, t.TempDir(), simConfig())
	lab := tl.lab
	key := installTimed(t, lab, "a", "FCH1947V0GX", 10, 1) // warnings at 7 and 1 days left, expiry at 10
	must2(lab.PowerOff("a"))
	last := lab.LastEvent()
	must(lab.AdvanceClock(20 * day))
	for _, e := range eventsAfter(t, lab, last) {
		if e.Kind != EventClock {
			t.Errorf("while off: %s", timedLines([]Event{e}))
		}
	}
	last = lab.LastEvent()
	must(lab.PowerOn("a"))
	at := func(days int) string { return simStart.Add(time.Duration(days) * day).Format(time.RFC3339) }
	got := timedLines(eventsAfter(t, lab, last))
	want := []string{
		at(3) + " syslog a " + warnLine(key, 7),
		at(9) + " syslog a " + warnLine(key, 1),
		at(10) + " syslog a " + expiryPrefix(key),
		at(20) + " power_on a powered on: booting, up at " + at(20),
		at(20) + " reloaded a",
	}
	if len(got) != len(want) {
		t.Fatalf("events of the power on:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("event %d:\n%s\nwant:\n%s", i+1, got[i], want[i])
		}
	}
	k, _ := must(lab.Get("a")).KeyLicense()
	if k.Features.Premium != 2 {
		t.Errorf("%d premium peers after the expiry, want the base 2", k.Features.Premium)
	}
}

// TestFaultsSurviveRestart: a daemon restart keeps the links cut and the
// units powered off, with their times.
func TestFaultsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	tl := faultLab(t, dir, simConfig())
	must(tl.lab.CutLink("a", "b"))
	must(tl.lab.CutLink("c", "b"))
	must(tl.lab.AdvanceClock(time.Minute))
	must2(tl.lab.PowerOff("c"))
	must(tl.lab.Admit("a", "alice", "laptop", headend.KindAnyConnect))
	tl.close()

	tl = openTestLabWith(t, dir, simConfig())
	lab := tl.lab
	want := []Link{{A: "a", B: "b", Since: simStart}, {A: "b", B: "c", Since: simStart}}
	if got := lab.Links(); !slices.Equal(got, want) {
		t.Errorf("Links after the restart = %+v, want %+v", got, want)
	}
	s := must(lab.Get("c"))
	if !s.PoweredOff || !s.PoweredOffSince.Equal(simStart.Add(time.Minute)) {
		t.Errorf("c after the restart: off %v since %v", s.PoweredOff, s.PoweredOffSince)
	}
	if got := paths(t, lab); got != "" {
		t.Errorf("paths after the restart: %q", got)
	}
	if d := must(lab.Admit("c", "bob", "laptop", headend.KindAnyConnect)); d.Admitted || d.Reason != headend.ReasonUnavailable {
		t.Errorf("admit on c after the restart: %+v", d)
	}
	if _, err := lab.Exec("c", []string{"show version"}); !errors.Is(err, ErrPoweredOff) {
		t.Errorf("exec on c after the restart: %v", err)
	}
	must(lab.PowerOn("c"))
	if err := lab.RestoreLink("b", "a"); err != nil {
		t.Fatal(err)
	}
	tl.close()

	tl = openTestLabWith(t, dir, simConfig())
	if got, want := tl.lab.Links(), want[1:]; !slices.Equal(got, want) {
		t.Errorf("Links after the second restart = %+v, want %+v", got, want)
	}
	if off, _ := must(tl.lab.Headend("c")).PoweredOff(); off {
		t.Error("c is off after the second restart")
	}
}

// TestDeleteDropsFaults: deleting a headend ends its cuts and its power
// state, also in the store.
func TestDeleteDropsFaults(t *testing.T) {
	dir := t.TempDir()
	tl := faultLab(t, dir, simConfig())
	must(tl.lab.CutLink("a", "b"))
	must(tl.lab.CutLink("b", "c"))
	must2(tl.lab.PowerOff("b"))
	if err := tl.lab.Delete("b"); err != nil {
		t.Fatal(err)
	}
	if got := tl.lab.Links(); len(got) != 0 {
		t.Errorf("Links = %+v", got)
	}
	must(tl.lab.Create("ASA5525", "b", ""))
	if off, _ := must(tl.lab.Headend("b")).PoweredOff(); off {
		t.Error("the new b is off")
	}
	tl.close()
	tl = openTestLabWith(t, dir, simConfig())
	if got := tl.lab.Links(); len(got) != 0 {
		t.Errorf("Links after a restart = %+v", got)
	}
	n := 0
	for _, p := range [][]byte{[]byte("l/default/link/"), []byte("l/default/power/")} {
		if err := tl.store.Scan(p, func(_, _ []byte) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if n != 0 {
		t.Errorf("%d fault records left in the store", n)
	}
}

// TestNetWatchersTold: the lab network's watchers hear of every fault and
// of every change that moves addresses or up/down state, once each, with
// the lab time, and with no headend locked (a watcher may read them); a
// change that moves neither tells them nothing.
func TestNetWatchersTold(t *testing.T) {
	tl := faultLab(t, t.TempDir(), simConfig())
	lab := tl.lab
	var mu sync.Mutex
	var told []time.Time
	lab.onNetChange(func(now time.Time) {
		for _, n := range []string{"a", "b"} { // deadlocks if a lock is held
			if h, err := lab.Headend(n); err == nil {
				_, _ = h.PoweredOff()
			}
		}
		mu.Lock()
		told = append(told, now)
		mu.Unlock()
	})
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(told)
	}
	for _, step := range []struct {
		name string
		do   func() error
		want int
	}{
		{"cut", func() error { return second(lab.CutLink("a", "b")) }, 1},
		{"restore", func() error { return lab.RestoreLink("a", "b") }, 1},
		{"power off", func() error { return third(lab.PowerOff("a")) }, 1},
		{"power on", func() error { return second(lab.PowerOn("a")) }, 1},
		{"reload", func() error { return second(lab.Reload("b", false)) }, 1},
		{"address", func() error {
			return second(lab.Exec("b", []string{"configure terminal", "interface GigabitEthernet0/0", "ip address 10.0.0.9 255.255.255.0", "end"}))
		}, 1},
		{"shutdown", func() error {
			return second(lab.Exec("b", []string{"configure terminal", "interface GigabitEthernet0/0", "shutdown", "end"}))
		}, 1},
		{"no address change", func() error {
			return second(lab.Exec("b", []string{"configure terminal", "username jo password secret1 privilege 15", "end"}))
		}, 0},
		{"rma", func() error { return third(lab.ReturnForRepair("c", "")) }, 1},
		{"delete", func() error { return lab.Delete("c") }, 1},
		{"refused", func() error { second(lab.CutLink("a", "a")); return nil }, 0},
	} {
		before := count()
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got := count() - before; got != step.want {
			t.Errorf("%s: told %d times, want %d", step.name, got, step.want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, at := range told {
		if !at.Equal(simStart) {
			t.Errorf("told at %v, want the lab time %v", at, simStart)
		}
	}
}

// TestPingAcrossCut: the console's ping from a to b's address answers until
// the link is cut, and again once it is restored; a powered-off b answers
// nothing.
func TestPingAcrossCut(t *testing.T) {
	tl := faultLab(t, t.TempDir(), simConfig())
	lab := tl.lab
	ping := func() string {
		r := must(lab.Exec("a", []string{"ping 10.0.0.2"}))
		return strings.Split(strings.TrimSpace(r.Transcript), "\n")[3]
	}
	const ok, lost = "!!!!!", "?????"
	if got := ping(); got != ok {
		t.Errorf("before the cut: %q", got)
	}
	must(lab.CutLink("a", "b"))
	if got := ping(); got != lost {
		t.Errorf("across the cut: %q", got)
	}
	if err := lab.RestoreLink("a", "b"); err != nil {
		t.Fatal(err)
	}
	if got := ping(); got != ok {
		t.Errorf("after the restore: %q", got)
	}
	must2(lab.PowerOff("b"))
	if got := ping(); got != lost {
		t.Errorf("b off: %q", got)
	}
}

// TestFaultsConcurrent: faults race with admission, console sessions,
// lookups of the network, deletion and re-creation; the race detector
// watches, and at the end the faults in memory are those of the store.
func TestFaultsConcurrent(t *testing.T) {
	dir := t.TempDir()
	tl := faultLab(t, dir, simConfig())
	lab := tl.lab
	var wg sync.WaitGroup
	run := func(fn func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 60 {
				fn(i)
			}
		}()
	}
	run(func(i int) {
		if i%2 == 0 {
			_, _ = lab.CutLink("a", "b")
		} else {
			_ = lab.RestoreLink("b", "a")
		}
	})
	run(func(i int) {
		if i%2 == 0 {
			_, _, _ = lab.PowerOff("c")
		} else {
			_, _ = lab.PowerOn("c")
		}
	})
	run(func(i int) { _, _ = lab.Admit("c", fmt.Sprintf("u%d", i%3), "laptop", headend.KindAnyConnect) })
	run(func(int) { _, _ = lab.Exec("c", []string{"ping 10.0.0.1"}) })
	run(func(int) { _ = paths(t, lab); _ = lab.Links() })
	run(func(i int) {
		if i%2 == 0 {
			_, _ = lab.Create("ASA5516", "d", "")
			_, _ = lab.CutLink("d", "a")
			_, _, _ = lab.PowerOff("d")
		} else {
			_ = lab.Delete("d")
		}
	})
	wg.Wait()
	links, off := lab.Links(), must(lab.Get("c")).PoweredOff
	tl.close()
	tl = openTestLabWith(t, dir, simConfig())
	if got := tl.lab.Links(); !slices.Equal(got, links) {
		t.Errorf("links after a restart %+v, before %+v", got, links)
	}
	if got := must(tl.lab.Get("c")).PoweredOff; got != off {
		t.Errorf("c off after a restart %v, before %v", got, off)
	}
}

// TestLinkFollowsRename: a link joins two headends, not two names: a
// rename or an RMA keeps it, and it lists under the running names.
func TestLinkFollowsRename(t *testing.T) {
	tl := faultLab(t, t.TempDir(), simConfig())
	lab := tl.lab
	must(lab.CutLink("a", "c"))
	must(lab.Exec("a", []string{"configure terminal", "hostname z", "end"}))
	must2(lab.ReturnForRepair("c", ""))
	if got, want := lab.Links(), []Link{{A: "c", B: "z", Since: simStart}}; !slices.Equal(got, want) {
		t.Errorf("Links = %+v, want %+v", got, want)
	}
	if err := lab.RestoreLink("z", "c"); err != nil {
		t.Fatal(err)
	}
}
