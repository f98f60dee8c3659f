package sim

import (
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"

	simstore "github.com/asalab/asalab/sim/store"
)

// TestFlushNotBehindForgetting: a use is written within the second the
// lab promises while a forgetting of principals runs (on a lab of millions
// of principals one takes a good part of a second: 240 ms for 900,000 on
// 10,000 headends). The forgetting here is held until the use is durable.
func TestFlushNotBehindForgetting(t *testing.T) {
	master, _ := keygen.NewSigner([]byte("asalab-test-secret-0123456789abcdef"))
	store, err := simstore.OpenBare(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lab, err := OpenLab(Config{Store: store, Signer: master.ForLab(DefaultLab), ClockMode: ClockSimulated,
		RealNow: func() time.Time { return simStart }, UsageFlushInterval: 10 * time.Millisecond, PeakSampleInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	licensedASA(t, lab, 100)
	release, started := make(chan struct{}), make(chan struct{})
	defer close(release)
	hold := func() {
		close(started)
		<-release
	}
	lab.usage.forgetting.Store(&hold)
	// A new lab day: the flusher's next round forgets.
	if _, err := lab.AdvanceClock(24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	<-started
	lab.usage.forgetting.Store(nil)
	if d, err := lab.Admit("asa1", "alice", "alice-laptop", headend.KindAnyConnect); err != nil || !d.Admitted {
		t.Fatalf("alice: %+v %v", d, err)
	}
	h, _ := lab.Headend("asa1")
	key := simstore.AppendUsageKey(simstore.UsagePrefix(lab.name), h.id, lab.Clock().Now().Unix()/86400)
	key = append(append(append(key, "alice"...), 0), "alice-laptop"...)
	// The promise is a second; the flusher runs every 10 ms here.
	for deadline := time.Now().Add(time.Second); ; time.Sleep(5 * time.Millisecond) {
		_, closer, err := store.DB().Get(key)
		if err == nil {
			closer.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("alice's use not written within a second while a forgetting runs")
		}
	}
}
