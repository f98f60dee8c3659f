package sim

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"

	simstore "github.com/asalab/asalab/sim/store"
)

// TestForgetPrincipalsAcrossDays: principals without a session are
// forgotten once their day is over (refused ones at once), the compliance
// report still has them from the store, and a restart brings back only the
// current day's users.
func TestForgetPrincipalsAcrossDays(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	store, lab := openUsageLab(t, nil, dir)
	closeLab := func() {
		if err := lab.Close(); err != nil {
			t.Error(err)
		}
		if err := store.Close(); err != nil {
			t.Error(err)
		}
	}
	defer func() { closeLab() }()
	licensedASA(t, lab, 100)
	admit := func(user string, k headend.Kind) admission.Decision {
		t.Helper()
		d, err := lab.Admit("asa1", user, user+"-laptop", k)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	day1 := simStart.Truncate(24 * time.Hour)
	report := func(from time.Time, days int) string {
		all, apex := lab.Users([]string{"FCH1947V0GY"}, from, from.Add(time.Duration(days)*24*time.Hour))
		return joinUsers(all) + " | " + joinUsers(apex)
	}
	// Day 1: alice keeps a session, bob leaves, carol is refused (no
	// mobile license).
	if !admit("alice", headend.KindAnyConnect).Admitted {
		t.Fatal("alice refused")
	}
	if d := admit("bob", headend.KindClientless); !d.Admitted || lab.Release("asa1", d.Session) != nil {
		t.Fatalf("bob: %+v", d)
	}
	if admit("carol", headend.KindMobile).Admitted {
		t.Fatal("carol admitted without AnyConnect for Mobile")
	}
	bob, _ := lab.Principal("bob", "bob-laptop")
	if err := lab.flushUsage(); err != nil {
		t.Fatal(err)
	}
	lab.forgetPrincipals(true)
	if n := lab.principals.Len(); n != 2 {
		t.Fatalf("day 1: %d principals, want 2 (alice, bob)", n)
	}
	// Day 2: bob's day is over; alice still holds her session.
	if _, err := lab.AdvanceClock(24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	lab.forgetPrincipals(false)
	if n := lab.principals.Len(); n != 1 || !bob.Forgotten() {
		t.Fatalf("day 2: %d principals (bob forgotten: %v), want 1 (alice)", n, bob.Forgotten())
	}
	if got, want := report(day1, 2), "alice bob | bob"; got != want {
		t.Fatalf("report of days 1-2: %q, want %q", got, want)
	}
	// bob, interned again through the pointer a load tool kept, is a
	// user of day 2 too; dave is new.
	h, _ := lab.Headend("asa1")
	if d := h.Admit(bob, headend.KindAnyConnect); !d.Admitted {
		t.Fatalf("bob (forgotten) on day 2: %+v", d)
	}
	if !admit("dave", headend.KindAnyConnect).Admitted {
		t.Fatal("dave refused")
	}
	if got, want := report(day1.Add(24*time.Hour), 1), "bob dave | "; got != want {
		t.Fatalf("report of day 2: %q, want %q", got, want)
	}
	if got, want := report(day1, 1), "alice bob | bob"; got != want {
		t.Fatalf("report of day 1: %q, want %q", got, want)
	}
	// A restart reads no history: nobody is in memory until they
	// connect; the report reads the store.
	closeLab()
	store, lab = openUsageLab(t, nil, dir)
	if n := lab.principals.Len(); n != 0 {
		t.Fatalf("after the restart: %d principals, want 0", n)
	}
	if got, want := report(day1, 2), "alice bob dave | bob"; got != want {
		t.Fatalf("report after the restart: %q, want %q", got, want)
	}
	// dave's day-2 use may be stored already: admitting him again
	// records one merge, then nothing more that day.
	for range 2 {
		if !admit("dave", headend.KindAnyConnect).Admitted {
			t.Fatal("dave refused after the restart")
		}
	}
	hd, _ := lab.Headend("asa1")
	var uses []admission.Use
	hd.adm.DrainUses(func(u []admission.Use) { uses = append(uses, u...) })
	if len(uses) != 1 || !uses[0].Merge || uses[0].Principal.User() != "dave" {
		t.Errorf("dave's uses after the restart: %+v, want one merge", uses)
	}
}

func joinUsers(us []string) string { return strings.Join(us, " ") }

// TestUsageMigrated: the usage records of a store whose records named
// principal numbers are rewritten by name at start-up, once.
func TestUsageMigrated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	store, lab := openUsageLab(t, nil, dir)
	if _, err := lab.Create("ASA5525", "asa1", "FCH1947V0GY"); err != nil {
		t.Fatal(err)
	}
	lab.Close()
	day := simStart.Unix() / 86400
	old := func(sub string, tail ...[]byte) []byte {
		k := append(simstore.LabPrefix(DefaultLab), sub...)
		for _, t := range tail {
			k = append(k, t...)
		}
		return k
	}
	u32 := func(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }
	u64 := func(v uint64) []byte { return append(u32(uint32(v>>32)), u32(uint32(v))...) }
	for _, kv := range [][2][]byte{
		{old("p/", u32(0)), []byte("alice\x00mac")},
		{old("p/", u32(1)), []byte("bob\x00pc")},
		{old("u/", u64(1), u64(uint64(day-1)), u32(0)), {admission.UsedAny}},
		{old("u/", u64(1), u64(uint64(day)), u32(1)), {admission.UsedAny | admission.UsedApexOnly}},
	} {
		if err := store.DB().Set(kv[0], kv[1], pebble.Sync); err != nil {
			t.Fatal(err)
		}
	}
	// A store of that layout has no schema version.
	if err := store.DB().Delete(simstore.SchemaKey(), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	store.Close()
	for range 2 { // the second start finds nothing left to migrate
		store, lab = openUsageLab(t, nil, dir)
		from := simStart.Truncate(24 * time.Hour).Add(-24 * time.Hour)
		all, apex := lab.Users([]string{"FCH1947V0GY"}, from, from.Add(48*time.Hour))
		if got := joinUsers(all) + " | " + joinUsers(apex); got != "alice bob | bob" {
			t.Fatalf("report: %q", got)
		}
		if n := lab.principals.Len(); n != 0 {
			t.Fatalf("%d principals, want none: start-up reads no usage", n)
		}
		lab.Close()
		store.Close()
	}
}
