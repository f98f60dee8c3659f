package sim

import (
	"encoding/binary"
	"encoding/json"

	"context"
	"github.com/cockroachdb/pebble/v2"
	"math/rand/v2"
	"sync"

	"errors"
	"fmt"
	"github.com/cockroachdb/pebble/v2/vfs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"

	simstore "github.com/asalab/asalab/sim/store"
)

// eventLines renders events as "SEQ KIND HEADEND SYSLOG|TEXT" lines.
func eventLines(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%d %s %s %s|%s", e.Seq, e.Kind, cmpOr(e.Headend, "-"), e.Syslog, e.Text))
	}
	return out
}

func cmpOr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// allEvents lists every event of the lab.
func allEvents(t *testing.T, lab *Lab, f EventFilter) []Event {
	t.Helper()
	evs, _, more, err := lab.ListEvents(0, 1<<30, f)
	if err != nil || more {
		t.Fatalf("ListEvents: more %v, %v", more, err)
	}
	return evs
}

func checkSequence(t *testing.T, evs []Event) {
	t.Helper()
	for i, e := range evs {
		if e.Seq != uint64(i+1) {
			t.Fatalf("event %d has sequence %d: %v", i+1, e.Seq, eventLines(evs[max(0, i-2):i+1]))
		}
	}
}

// TestEventsOfEachChange: every kind of change tells its events, with the
// ASA's syslog line where it logs one, numbered from 1 without gaps, and
// the numbering goes on after a restart.
func TestEventsOfEachChange(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	lab := tl.lab
	if _, err := lab.Create("ASA5525", "asa1", "FCH1947V0GY"); err != nil {
		t.Fatal(err)
	}
	w, _ := lab.signer.Encode(keygen.Key{Serial: "FCH1947V0GY", Features: keygen.Features{PremiumPeers: 100}})
	must(0, func() error { _, _, err := lab.InstallKey("asa1", w.String(), KeyActivate); return err }())
	res := must(lab.Exec("asa1", []string{"configure terminal", "webvpn", "no anyconnect-essentials", "exit", "logging buffered informational",
		"interface GigabitEthernet0/0", "nameif outside", "ip address 192.0.2.1 255.255.255.0", "no shutdown", "exit",
		"username bob password Secret123 privilege 15", "no username bob", "hostname edge1", "hostname asa1", "end", "write memory"}))
	for _, r := range res.Results {
		if r.Error {
			t.Fatalf("%q: %s", r.Input, r.Output)
		}
	}
	must(lab.Reload("asa1", false))
	must(lab.AdvanceClock(time.Hour))
	must(lab.RequestDemoLicense("FCH1947V0GY"))
	tw, _ := lab.signer.Encode(keygen.Key{Serial: "FCH1947V0GY", Features: keygen.Features{PremiumPeers: 250}, Days: 28, Nonce: 1})
	must(0, func() error { _, _, err := lab.InstallKey("asa1", tw.String(), KeyActivate); return err }())
	must(lab.AdvanceClock(25 * 24 * time.Hour)) // into the last days of the time-based key
	must(lab.Exec("asa1", []string{"show version"}))
	_, _ = must2(lab.ReturnForRepair("asa1", "FCH1947V0GZ"))
	if err := lab.Delete("asa1"); err != nil {
		t.Fatal(err)
	}
	got := eventLines(allEvents(t, lab, EventFilter{}))
	want := []string{
		"1 clock - |simulated clock started at 2026-11-27T12:00:00Z",
		"2 created asa1 |created: model ASA5525, serial FCH1947V0GY, version 9.14(4)",
		"3 key_installed asa1 |activation keys changed: flash 0x4414f161 0xf96afd07 0xdbeefd61 0x74012312 0x62308379, running 0x4414f161 0xf96afd07 0xdbeefd61 0x74012312 0x62308379, 0 time-based",
		"4 essentials asa1 %ASA-5-111008: User 'enable_15' executed the 'no anyconnect-essentials' command.|AnyConnect Essentials disabled",
		"5 config_changed asa1 " + cmd("logging buffered informational"),
		"6 config_changed asa1 " + cmd("nameif outside"),
		// The ASA sets it with the nameif "outside".
		"7 config_changed asa1 " + cmd("security-level 0"),
		"8 config_changed asa1 " + cmd("ip address 192.0.2.1 255.255.255.0"),
		"9 config_changed asa1 " + cmd("no shutdown"),
		"10 config_changed asa1 " + cmd("username bob password ***** pbkdf2 privilege 15"),
		"11 config_changed asa1 " + cmd("no username bob"),
		"12 config_changed edge1 " + cmd("hostname edge1"),
		"13 config_changed asa1 " + cmd("hostname asa1"),
		"14 config_changed asa1 %ASA-5-111008: User 'enable_15' executed the 'write memory' command.|configuration saved",
		"15 reloaded asa1 %ASA-6-199005: Startup begin|reloaded; up at 2026-11-27T12:00:00Z",
		"16 clock - |clock set to 2026-11-27T13:00:00Z",
		"17 portal_demo - |demo license issued to FCH1947V0GY",
		"18 key_installed asa1 |activation keys changed: flash 0x4414f161 0xf96afd07 0xdbeefd61 0x74012312 0x62308379, running 0x4414f161 0xf96afd07 0xdbeefd61 0x74012312 0x62308379, 1 time-based",
		"19 clock - |clock set to 2026-12-22T13:00:00Z",
		// Logged as the clock move passed them, right after it.
		"20 syslog asa1 %ASA-4-444005: Timebased license key 0x3f8d6ccc 0xe57d6894 0x9facfd11 0x9b3a5815 0xaa1077e4 will expire in 14 days.|",
		"21 syslog asa1 %ASA-4-444005: Timebased license key 0x3f8d6ccc 0xe57d6894 0x9facfd11 0x9b3a5815 0xaa1077e4 will expire in 7 days.|",
		"22 rma asa1 %ASA-6-199005: Startup begin|unit replaced (RMA): serial FCH1947V0GZ, was FCH1947V0GY; up at 2026-12-22T13:00:00Z",
		"23 deleted asa1 |deleted: model ASA5525, serial FCH1947V0GZ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	tl.close()
	tl = openTestLab(t, dir)
	if _, err := tl.lab.Create("ASA5525", "asa2", "FCH1947V0GX"); err != nil {
		t.Fatal(err)
	}
	evs := allEvents(t, tl.lab, EventFilter{})
	checkSequence(t, evs)
	if got := eventLines(evs[len(want):]); !slices.Equal(got, []string{"24 created asa2 |created: model ASA5525, serial FCH1947V0GX, version 9.14(4)"}) {
		t.Errorf("after the restart: %q", got)
	}
}

// cmd is the event of a configuration command of the Exec session.
func cmd(c string) string {
	return "%ASA-5-111008: User 'enable_15' executed the '" + c + "' command.|running configuration: " + c
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return a, b
}

// TestEventFiltersAndPages: ListEvents selects by headend and kind, and
// pages by sequence without losing or repeating an event.
func TestEventFiltersAndPages(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	lab := tl.lab
	for i := range 3 {
		must(lab.Create("ASA5525", fmt.Sprintf("asa%d", i+1), ""))
	}
	must(lab.Reload("asa2", false))
	must(lab.Reload("asa3", false))
	must(lab.AdvanceClock(time.Minute))
	must(lab.PlaceOrder([]portal.OrderLine{{SKU: "L-AC-PLS-LIC=", Users: 100, Months: 12, Customer: "ACME"}}))

	f := EventFilter{Headends: []string{"asa2"}}
	if got := eventLines(allEvents(t, lab, f)); len(got) != 2 || !strings.Contains(got[0], " created asa2 ") || !strings.Contains(got[1], " reloaded asa2 ") {
		t.Errorf("asa2's events: %q", got)
	}
	f = EventFilter{Kinds: []EventKind{EventReloaded, EventPortalOrder}}
	got := allEvents(t, lab, f)
	var kinds []string
	for _, e := range got {
		kinds = append(kinds, e.Kind.String()+" "+e.Headend)
	}
	if want := []string{"reloaded asa2", "reloaded asa3", "portal_order "}; !slices.Equal(kinds, want) {
		t.Errorf("reloads and orders: %q, want %q", kinds, want)
	}
	if !strings.HasPrefix(got[2].Text, "sales order ") || !strings.Contains(got[2].Text, "(L-AC-PLS-LIC=, ACME)") {
		t.Errorf("order event: %q", got[2].Text)
	}

	// Pages of 2, selected or not: every event once, in order.
	var paged []Event
	after := uint64(0)
	for {
		evs, next, more, err := lab.ListEvents(after, 2, EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, evs...)
		if !more {
			break
		}
		after = next
	}
	checkSequence(t, paged)
	if all := allEvents(t, lab, EventFilter{}); len(paged) != len(all) {
		t.Errorf("paged %d events, listed %d", len(paged), len(all))
	}
	// A filtered page continues after the last event it read.
	evs, next, more, err := lab.ListEvents(0, 1, EventFilter{Headends: []string{"asa3"}})
	if err != nil || len(evs) != 1 || !more || next != evs[0].Seq {
		t.Errorf("first asa3 page: %v next %d more %v %v", eventLines(evs), next, more, err)
	}
	if _, _, _, err := lab.ListEvents(0, 10, EventFilter{Kinds: []EventKind{99}}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("unknown kind: %v", err)
	}
}

// TestRefusalsSampled: a flood of refused connections is one event per
// headend per flush, counting the refusals it stands for, with the ASA's
// syslog line of the first.
func TestRefusalsSampled(t *testing.T) {
	_, lab := openUsageLab(t, nil, filepath.Join(t.TempDir(), "store"))
	defer lab.Close()
	licensedASA(t, lab, 25)
	for i := range 25 {
		if d := must(lab.Admit("asa1", fmt.Sprintf("user%02d", i), "pc", headend.KindAnyConnect)); !d.Admitted {
			t.Fatalf("user %d refused", i)
		}
	}
	before := lab.LastEvent()
	for i := range 38 {
		if d := must(lab.Admit("asa1", fmt.Sprintf("late%02d", i), "pc", headend.KindAnyConnect)); d.Admitted {
			t.Fatalf("late user %d admitted", i)
		}
	}
	if lab.LastEvent() != before {
		t.Fatal("a refusal wrote an event before the flush")
	}
	if err := lab.flushRefusals(); err != nil {
		t.Fatal(err)
	}
	evs, _, _, err := lab.ListEvents(before, 10, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprintf("%d refusal asa1 %%ASA-4-113029: Group <DfltGrpPolicy> User <late00> IP <100.78.85.100> Session could not be established: session limit of 25 reached|"+
		"connection of late00 from pc refused: premium_limit (37 similar refusals suppressed)", before+1)}
	if got := eventLines(evs); !slices.Equal(got, want) {
		t.Errorf("refusal events:\n%q\nwant\n%q", got, want)
	}
	// Nothing refused since: nothing written.
	if err := lab.flushRefusals(); err != nil || lab.LastEvent() != before+1 {
		t.Errorf("an idle flush: last event %d, want %d (%v)", lab.LastEvent(), before+1, err)
	}
}

// syslogEvents are n events for a test to commit at once.
func syslogEvents(n int, tag string) []Event {
	evs := make([]Event, n)
	for i := range evs {
		evs[i] = Event{At: simStart, Headend: "asa1", Kind: EventSyslog, Syslog: fmt.Sprintf("%s %d", tag, i)}
	}
	return evs
}

// commitEvents commits events with no change, as the refusal flush does.
func commitEvents(t *testing.T, lab *Lab, evs []Event) {
	t.Helper()
	b := lab.store.NewBatch(lab.name)
	defer b.Close()
	if err := lab.commit(b, evs, nil); err != nil {
		t.Fatal(err)
	}
}

// TestWatchEventsCatchesUp: a subscriber gets every event after its
// starting point once, in order: those older than memory holds from the
// store, then live ones; one that stalls holds no producer up and catches
// up after; closing the lab ends the watch.
func TestWatchEventsCatchesUp(t *testing.T) {
	store, lab := openUsageLab(t, nil, filepath.Join(t.TempDir(), "store"))
	// Closed before the temporary directory goes (cleanups run last
	// first), so no store file is written while it is removed.
	t.Cleanup(func() { _ = store.Close() })
	first := lab.LastEvent()
	commitEvents(t, lab, syslogEvents(eventRing+500, "old")) // the first 500 and more are out of memory

	var mu sync.Mutex
	var got []uint64
	stall := make(chan struct{})
	stalled := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- lab.WatchEvents(context.Background(), first, EventFilter{}, func(evs []Event) error {
			mu.Lock()
			for _, e := range evs {
				got = append(got, e.Seq)
			}
			n := len(got)
			mu.Unlock()
			if n == eventRing+500 {
				stalled <- struct{}{}
				<-stall // a subscriber stuck in its send
			}
			return nil
		})
	}()
	<-stalled
	// Producers go on while the subscriber is stuck, past what memory holds.
	for range 3 {
		commitEvents(t, lab, syslogEvents(eventRing/2, "new"))
	}
	close(stall)
	want := lab.LastEvent() - first
	deadline := time.After(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if uint64(n) == want {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("the subscriber has %d of %d events", n, want)
		case <-time.After(time.Millisecond):
		}
	}
	for i, s := range got {
		if s != first+uint64(i)+1 {
			t.Fatalf("event %d received has sequence %d", i, s)
		}
	}
	if err := lab.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("WatchEvents after Close: %v", err)
	}
}

// TestWatchEventsFilterAndCancel: a watch delivers only what its filter
// selects and ends with the context's error.
func TestWatchEventsFilterAndCancel(t *testing.T) {
	_, lab := openUsageLab(t, nil, filepath.Join(t.TempDir(), "store"))
	defer lab.Close()
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan Event, 100)
	done := make(chan error, 1)
	go func() {
		done <- lab.WatchEvents(ctx, 0, EventFilter{Headends: []string{"asa2"}, Kinds: []EventKind{EventCreated}}, func(evs []Event) error {
			for _, e := range evs {
				got <- e
			}
			return nil
		})
	}()
	must(lab.Create("ASA5525", "asa1", ""))
	must(lab.Create("ASA5525", "asa2", ""))
	must(lab.Reload("asa2", false))
	if e := <-got; e.Headend != "asa2" || e.Kind != EventCreated {
		t.Errorf("first event: %+v", e)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v", err)
	}
	if len(got) != 0 {
		t.Errorf("unselected events delivered: %+v", <-got)
	}
}

// TestEventsCrashKeepsWholeChanges: after a crash in the middle of
// concurrent changes, keeping a random part of what was not synced, the
// event log has no gap, every acknowledged change and its events are
// there, and a change is in the store exactly when its event is.
func TestEventsCrashKeepsWholeChanges(t *testing.T) {
	for round := range 5 {
		fs := vfs.NewCrashableMem()
		store, lab := openUsageLab(t, fs, "store")
		var wg sync.WaitGroup
		var mu sync.Mutex
		acked := map[string]bool{}
		var crashed *vfs.MemFS
		ackedAtCrash := map[string]bool{}
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 20 {
					name := fmt.Sprintf("asa%d-%d", g, i)
					if _, err := lab.Create("ASA5525", name, ""); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					acked[name] = true
					if g == 0 && i == 10 {
						crashed = fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 50, RNG: rand.New(rand.NewPCG(uint64(round), 1))})
						for n := range acked {
							ackedAtCrash[n] = true
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		lab.Close()
		store.Close()

		store, lab = openUsageLab(t, crashed, "store")
		evs := allEvents(t, lab, EventFilter{})
		checkSequence(t, evs)
		created := map[string]bool{}
		for _, e := range evs {
			if e.Kind == EventCreated {
				created[e.Headend] = true
				if _, err := lab.Get(e.Headend); err != nil {
					t.Errorf("round %d: event %d tells %s created, which the store lacks", round, e.Seq, e.Headend)
				}
			}
		}
		snaps, _ := lab.List("", 1000)
		for _, s := range snaps {
			if !created[s.Device.Hostname()] {
				t.Errorf("round %d: %s is stored without its event", round, s.Device.Hostname())
			}
		}
		for n := range ackedAtCrash {
			if !created[n] {
				t.Errorf("round %d: %s was acknowledged before the crash; its event is lost", round, n)
			}
		}
		if len(ackedAtCrash) < 11 {
			t.Fatalf("round %d: only %d creations acknowledged at the crash", round, len(ackedAtCrash))
		}
		lab.Close()
		store.Close()
	}
}

// TestOldStoreMigrated: a store written before the layout had a version
// (no schema key: headends, clock, usage keyed by principal number) opens:
// its headends are there, its usage is rewritten, the version is stored,
// and the event log starts at 1.
func TestOldStoreMigrated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	db, err := pebble.Open(dir, &pebble.Options{FormatMajorVersion: pebble.FormatNewest})
	if err != nil {
		t.Fatal(err)
	}
	d, err := asa.NewDevice("ASA5525", "FCH1947V0GY", "asa1", simStart)
	if err != nil {
		t.Fatal(err)
	}
	dj, _ := json.Marshal(d)
	clock, _ := simstore.EncodeClock(simStart), error(nil)
	day := uint64(simStart.Unix() / 86400)
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	usageKey := append(append(binary.BigEndian.AppendUint64(simstore.OldUsagePrefix(DefaultLab), 1), binary.BigEndian.AppendUint64(nil, day)...), u32(7)...)
	for _, kv := range [][2][]byte{
		{simstore.HeadendKey(DefaultLab, 1), dj},
		{simstore.ClockKey(DefaultLab), clock},
		{append(simstore.OldPrincipalPrefix(DefaultLab), u32(7)...), []byte("carol\x00mac")},
		{usageKey, {admission.UsedAny}},
	} {
		if err := db.Set(kv[0], kv[1], pebble.Sync); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	store, lab := openUsageLab(t, nil, dir)
	if store.Schema() != simstore.SchemaVersion {
		t.Errorf("schema %d after the migration, want %d", store.Schema(), simstore.SchemaVersion)
	}
	if _, err := lab.Get("asa1"); err != nil {
		t.Fatal(err)
	}
	from := simStart.Truncate(24 * time.Hour)
	if all, _ := lab.Users([]string{"FCH1947V0GY"}, from, from.Add(24*time.Hour)); !slices.Equal(all, []string{"carol"}) {
		t.Errorf("users after the migration: %q", all)
	}
	must(lab.Reload("asa1", false))
	if got := allEvents(t, lab, EventFilter{}); len(got) != 1 || got[0].Seq != 1 || got[0].Kind != EventReloaded {
		t.Errorf("events: %q", eventLines(got))
	}
	lab.Close()
	store.Close()
	db, err = pebble.Open(dir, &pebble.Options{FormatMajorVersion: pebble.FormatNewest})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, closer, err := db.Get(simstore.SchemaKey())
	if err != nil {
		t.Fatalf("no schema version stored: %v", err)
	}
	defer closer.Close()
	if binary.BigEndian.Uint64(v) != simstore.SchemaVersion {
		t.Errorf("stored schema version %x", v)
	}
}

// TestNewerStoreRefused: a store of a newer layout than this code knows
// does not open, and says why.
func TestNewerStoreRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := OpenStore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Set(simstore.SchemaKey(), simstore.SchemaValue(simstore.SchemaVersion+1), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = OpenStore(dir, nil)
	if !errors.Is(err, ErrStoreNewer) || !strings.Contains(err.Error(), fmt.Sprintf("has layout version %d; this headendd reads versions up to %d", simstore.SchemaVersion+1, simstore.SchemaVersion)) {
		t.Fatalf("opening a newer store: %v", err)
	}
}

func TestSyslogTag(t *testing.T) {
	for line, want := range map[string]string{
		"%ASA-4-113029: Group <G> User <u> IP <1.2.3.4> Session could not be established: session limit of 2 reached": "4 113029 true",
		"%ASA-6-199005: Startup begin": "6 199005 true",
		"":                             "0  false",
		"%ASA-9-1: x":                  "0  false",
		"%ASA-4-113029 no colon":       "0  false",
	} {
		e := Event{Syslog: line}
		sev, id, ok := e.SyslogTag()
		if got := fmt.Sprint(sev, " ", id, " ", ok); got != want {
			t.Errorf("%q: %s, want %s", line, got, want)
		}
	}
}

// TestReloadEventsNoCommands: the lines a reload brings back or drops are
// not commands anybody typed: no 111008 for them, one event saying the
// unsaved changes are lost, and the reload names the hostname it dropped.
func TestReloadEventsNoCommands(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	lab := tl.lab
	must(lab.Create("ASA5525", "fw1", ""))
	must(lab.Exec("fw1", []string{"configure terminal", "hostname fw2", "logging buffered informational", "end"}))
	from := lab.LastEvent()
	must(lab.Reload("fw2", false))
	got := eventLines(allEvents(t, lab, EventFilter{})[from:])
	want := []string{
		fmt.Sprintf("%d reloaded fw1 %%ASA-6-199005: Startup begin|reloaded; up at 2026-11-27T12:00:00Z; hostname fw2 until the reload", from+1),
		fmt.Sprintf("%d config_changed fw1 |running configuration replaced by the startup configuration; unsaved changes lost", from+2),
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	from = lab.LastEvent()
	must(lab.Exec("fw1", []string{"configure terminal", "hostname fw3", "end"}))
	must(lab.Reload("fw3", true))
	got = eventLines(allEvents(t, lab, EventFilter{})[from:])
	want = []string{
		fmt.Sprintf("%d config_changed fw3 %s", from+1, cmd("hostname fw3")),
		fmt.Sprintf("%d config_changed fw3 %%ASA-5-111008: User 'enable_15' executed the 'write memory' command.|configuration saved", from+2),
		fmt.Sprintf("%d reloaded fw3 %%ASA-6-199005: Startup begin|reloaded; up at 2026-11-27T12:00:00Z", from+3),
	}
	if !slices.Equal(got, want) {
		t.Errorf("with save:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
