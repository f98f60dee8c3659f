package sim

import (
	"slices"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/keygen"
)

// licensedASA creates asa1, an ASA 5525-X, in lab and activates a
// permanent key for peers AnyConnect Premium peers on it.
func licensedASA(t *testing.T, lab *Lab, peers int) {
	t.Helper()
	if _, err := lab.Create("ASA5525", "asa1", "FCH1947V0GY"); err != nil {
		t.Fatal(err)
	}
	w, _ := lab.signer.Encode(keygen.Key{Serial: "FCH1947V0GY", Features: keygen.Features{PremiumPeers: peers}})
	if _, _, err := lab.InstallKey("asa1", w.String(), asa.KeyActivate); err != nil {
		t.Fatal(err)
	}
}

// TestUsageSurvivesRestart: the unique users seen are in the store;
// sessions are not.
func TestUsageSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	lab := tl.lab
	licensedASA(t, lab, 100)
	var ids []uint64
	for _, u := range []struct{ user, device string }{{"alice", "mac"}, {"bob", "pc"}, {"alice", "phone"}} {
		k := headend.KindAnyConnect
		if u.user == "bob" {
			k = headend.KindClientless
		}
		dec, err := lab.Admit("asa1", u.user, u.device, k)
		if err != nil || !dec.Admitted {
			t.Fatalf("%v: %+v %v", u, dec, err)
		}
		ids = append(ids, dec.Session)
	}
	day := simStart.Truncate(24 * time.Hour)
	all, apex := lab.Users([]string{"FCH1947V0GY"}, day, day.Add(24*time.Hour))
	if !slices.Equal(all, []string{"alice", "bob"}) || !slices.Equal(apex, []string{"bob"}) {
		t.Fatalf("before restart: %v %v", all, apex)
	}
	tl.close()

	tl = openTestLab(t, dir)
	all, apex = tl.lab.Users([]string{"FCH1947V0GY"}, day, day.Add(24*time.Hour))
	if !slices.Equal(all, []string{"alice", "bob"}) || !slices.Equal(apex, []string{"bob"}) {
		t.Fatalf("after restart: %v %v", all, apex)
	}
	// Start-up reads no usage history: no principal is interned until
	// it connects again.
	if n := tl.lab.principals.Len(); n != 0 {
		t.Fatalf("%d principals after the restart, want 0", n)
	}
	// bob, seen clientless (Apex-only) before the restart, connects with
	// AnyConnect the same day: his record keeps the Apex-only flag.
	dec, err := tl.lab.Admit("asa1", "bob", "pc", headend.KindAnyConnect)
	if err != nil || !dec.Admitted {
		t.Fatalf("bob after the restart: %+v %v", dec, err)
	}
	if err := tl.lab.Release("asa1", dec.Session); err != nil {
		t.Fatal(err)
	}
	if err := tl.lab.flushUsage(); err != nil {
		t.Fatal(err)
	}
	all, apex = tl.lab.Users([]string{"FCH1947V0GY"}, day, day.Add(24*time.Hour))
	if !slices.Equal(all, []string{"alice", "bob"}) || !slices.Equal(apex, []string{"bob"}) {
		t.Fatalf("after bob's AnyConnect session past the restart: %v %v", all, apex)
	}
	if c, _ := tl.lab.Counts("asa1"); c.Total() != 0 {
		t.Fatalf("sessions survived the daemon restart: %+v", c)
	}
	if err := tl.lab.Release("asa1", ids[0]); err == nil {
		t.Fatal("an old session id released after the restart")
	}
}

// TestPeakIsSampled: the lab samples the peak of active sessions on its
// own, so a peak nobody listed while it lasted still shows.
func TestPeakIsSampled(t *testing.T) {
	master, _ := keygen.NewSigner([]byte("asalab-test-secret-0123456789abcdef"))
	store, err := OpenStore(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lab, err := OpenLab(Config{Store: store, Signer: master, PeakSampleInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	if _, err := lab.Create("ASA5525", "asa1", ""); err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, u := range []string{"a", "b"} {
		dec, err := lab.Admit("asa1", u, u, headend.KindAnyConnect)
		if err != nil || !dec.Admitted {
			t.Fatal(dec, err)
		}
		ids = append(ids, dec.Session)
	}
	time.Sleep(300 * time.Millisecond) // some 60 samples
	for _, id := range ids {
		if err := lab.Release("asa1", id); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := lab.Counts("asa1")
	if c.Active[headend.KindAnyConnect] != 0 || c.Peak[headend.KindAnyConnect] != 2 {
		t.Fatalf("active %d, peak %d; want 0 and 2", c.Active[headend.KindAnyConnect], c.Peak[headend.KindAnyConnect])
	}
}
