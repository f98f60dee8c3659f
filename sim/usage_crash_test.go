package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
)

// TestUsageSurvivesCrash: every user admitted before a flush of the usage
// records is in the compliance report after a crash that keeps only what
// was synced (a SIGKILL followed by a power cut, as pebble's crashable
// file system models it).
func TestUsageSurvivesCrash(t *testing.T) {
	master, _ := keygen.NewSigner([]byte("asalab-test-secret-0123456789abcdef"))
	signer := master.ForLab(DefaultLab)
	open := func(fs vfs.FS) (*Store, *Lab) {
		t.Helper()
		store, err := openStore("store", fs, nil)
		if err != nil {
			t.Fatal(err)
		}
		// A flush interval the test never reaches: it flushes itself,
		// as the flusher would.
		lab, err := OpenLab(Config{Store: store, Signer: signer, ClockMode: ClockSimulated,
			RealNow: func() time.Time { return simStart }, UsageFlushInterval: time.Hour, PeakSampleInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		return store, lab
	}
	fs := vfs.NewCrashableMem()
	store, lab := open(fs)
	if _, err := lab.Create("ASA5525", "asa1", "FCH1947V0GY"); err != nil {
		t.Fatal(err)
	}
	w, _ := signer.Encode(keygen.Key{Serial: "FCH1947V0GY", Features: keygen.Features{PremiumPeers: 750}})
	if _, _, err := lab.InstallKey("asa1", w.String(), headend.KeyActivate); err != nil {
		t.Fatal(err)
	}
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

	store, lab = open(crashed)
	defer store.Close()
	defer lab.Close()
	day := simStart.Truncate(24 * time.Hour)
	all, _ := lab.Users([]string{"FCH1947V0GY"}, day, day.Add(24*time.Hour))
	if len(all) != users {
		t.Fatalf("after the crash the report has %d of the %d users admitted before the flush", len(all), users)
	}
}
