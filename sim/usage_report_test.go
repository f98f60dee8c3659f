package sim

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/asalab/asalab/headend"
)

// syncCountFS counts the syncs of the files it opens for writing.
type syncCountFS struct {
	vfs.FS
	syncs *atomic.Int64
}

type syncCountFile struct {
	vfs.File
	syncs *atomic.Int64
}

func (f syncCountFile) Sync() error { f.syncs.Add(1); return f.File.Sync() }
func (f syncCountFile) SyncData() error {
	f.syncs.Add(1)
	return f.File.SyncData()
}
func (f syncCountFile) SyncTo(n int64) (bool, error) {
	f.syncs.Add(1)
	return f.File.SyncTo(n)
}

func (fs syncCountFS) wrap(f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return syncCountFile{f, fs.syncs}, nil
}

func (fs syncCountFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	return fs.wrap(fs.FS.Create(name, c))
}

func (fs syncCountFS) ReuseForWrite(old, name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	return fs.wrap(fs.FS.ReuseForWrite(old, name, c))
}

func (fs syncCountFS) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	return fs.wrap(fs.FS.OpenReadWrite(name, c, opts...))
}

// TestUsersWritesNothing: the compliance report's reading of the usage
// (which the portal does with its lock held, once or more per entitlement)
// syncs nothing, and still counts the users admitted a moment ago, whose
// records are not written yet, with their Apex-only flag.
func TestUsersWritesNothing(t *testing.T) {
	var syncs atomic.Int64
	store, lab := openUsageLab(t, syncCountFS{vfs.NewMem(), &syncs}, "store")
	defer store.Close()
	defer lab.Close()
	licensedASA(t, lab, 100)
	admit := func(user string, k headend.Kind) {
		t.Helper()
		if d, err := lab.Admit("asa1", user, user+"-laptop", k); err != nil || !d.Admitted {
			t.Fatalf("%s: %+v %v", user, d, err)
		}
	}
	day := simStart.Truncate(24 * time.Hour)
	report := func() string {
		all, apex := lab.Users([]string{"FCH1947V0GY"}, day, day.Add(24*time.Hour))
		return joinUsers(all) + " | " + joinUsers(apex)
	}
	admit("alice", headend.KindClientless)
	if err := lab.flushUsage(); err != nil {
		t.Fatal(err)
	}
	admit("bob", headend.KindAnyConnect)
	admit("carol", headend.KindClientless)
	before := syncs.Load()
	if got, want := report(), "alice bob carol | alice carol"; got != want {
		t.Fatalf("report %q, want %q", got, want)
	}
	if n := syncs.Load() - before; n != 0 {
		t.Fatalf("reading the usage synced the store %d times", n)
	}
	// The records are written by the next flush, and read from the store.
	if err := lab.flushUsage(); err != nil {
		t.Fatal(err)
	}
	if got, want := report(), "alice bob carol | alice carol"; got != want {
		t.Fatalf("report after the flush %q, want %q", got, want)
	}
}

// TestDeletedHeadendUsageNotInherited: a headend created after a restart
// may get the number of the last one deleted before it (numbers continue
// from the highest stored); it does not inherit that one's users in the
// compliance report.
func TestDeletedHeadendUsageNotInherited(t *testing.T) {
	dir := t.TempDir()
	store, lab := openUsageLab(t, nil, dir)
	for _, c := range [][2]string{{"asa1", "FCH1947V0G1"}, {"asa2", "FCH1947V0G2"}} {
		if _, err := lab.Create("ASA5525", c[0], c[1]); err != nil {
			t.Fatal(err)
		}
	}
	if d, err := lab.Admit("asa2", "alice", "alice-laptop", headend.KindAnyConnect); err != nil || !d.Admitted {
		t.Fatalf("alice: %+v %v", d, err)
	}
	if err := lab.flushUsage(); err != nil {
		t.Fatal(err)
	}
	if err := lab.Delete("asa2"); err != nil {
		t.Fatal(err)
	}
	lab.Close()
	store.Close()
	store, lab = openUsageLab(t, nil, dir)
	defer store.Close()
	defer lab.Close()
	if _, err := lab.Create("ASA5525", "asa3", "FCH1947V0G3"); err != nil {
		t.Fatal(err)
	}
	day := simStart.Truncate(24 * time.Hour)
	if all, _ := lab.Users([]string{"FCH1947V0G3"}, day, day.Add(24*time.Hour)); len(all) != 0 {
		t.Fatalf("a new headend's report has the users of a deleted one: %v", all)
	}
}
