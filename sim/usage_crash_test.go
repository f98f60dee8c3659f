package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"

	simstore "github.com/asalab/asalab/sim/store"
)

// TestUsageSurvivesCrash: every user admitted before a flush of the usage
// records is in the compliance report after a crash that keeps only what
// was synced (a SIGKILL followed by a power cut, as pebble's crashable
// file system models it).
func TestUsageSurvivesCrash(t *testing.T) {
	fs := vfs.NewCrashableMem()
	store, lab := openUsageLab(t, fs, "store")
	licensedASA(t, lab, 750)
	const users = 400
	for i := range users {
		d, err := lab.Admit("asa1", fmt.Sprintf("user%03d", i), "laptop", headend.KindAnyConnect)
		if err != nil || !d.Admitted {
			t.Fatalf("user %d: %+v %v", i, d, err)
		}
	}
	if err := lab.flushUsage(); err != nil {
		t.Fatal(err)
	}
	crashed := fs.CrashClone(vfs.CrashCloneCfg{}) // only what was synced
	lab.Close()
	store.Close()

	store, lab = openUsageLab(t, crashed, "store")
	defer store.Close()
	defer lab.Close()
	day := simStart.Truncate(24 * time.Hour)
	all, _ := lab.Users([]string{"FCH1947V0GY"}, day, day.Add(24*time.Hour))
	if len(all) != users {
		t.Fatalf("after the crash the report has %d of the %d users admitted before the flush", len(all), users)
	}
}

// openUsageLab opens a lab on a simulated clock at simStart, whose flusher
// never runs on its own: the tests flush and forget themselves, as the
// flusher would, so that what they see does not depend on timing.
func openUsageLab(t *testing.T, fs vfs.FS, dir string) (*Store, *Lab) {
	t.Helper()
	store, lab, err := openUsageLabErr(fs, dir)
	if err != nil {
		t.Fatal(err)
	}
	return store, lab
}

// openUsageLabErr is openUsageLab for a caller without a *testing.T (the
// soak's start-up process).
func openUsageLabErr(fs vfs.FS, dir string) (*Store, *Lab, error) {
	master, _ := keygen.NewSigner([]byte("asalab-test-secret-0123456789abcdef"))
	store, err := simstore.OpenBare(dir, fs, nil)
	if err != nil {
		return nil, nil, err
	}
	lab, err := OpenLab(Config{Store: store, Signer: master.ForLab(DefaultLab), ClockMode: ClockSimulated,
		RealNow: func() time.Time { return simStart }, UsageFlushInterval: time.Hour, PeakSampleInterval: -1})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, lab, nil
}
