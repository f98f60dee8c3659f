package sim

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"

	simstore "github.com/asalab/asalab/sim/store"
)

// TestConcurrentCreate: creations racing for the same hostnames and serials
// give each hostname and each serial to exactly one headend, refuse the
// others with ErrHostnameTaken or ErrSerialTaken, and the winners are what
// a restart finds.
func TestConcurrentCreate(t *testing.T) {
	dir := t.TempDir()
	lab, closeLab := consoleLab(t, dir, &SSHPorts{Host: "127.0.0.1", Base: 3000, Count: 1000})
	const racers, names = 8, 40
	serialOf := func(i int) string { return fmt.Sprintf("JMX2%07d", i) }
	var mu sync.Mutex
	won := map[string]string{} // hostname -> serial
	var wg sync.WaitGroup
	for g := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range names {
				// Even racers collide on hostname and serial; odd ones on
				// the serial alone, under a hostname of their own.
				host := fmt.Sprintf("asa%d", i)
				if g%2 == 1 {
					host = fmt.Sprintf("asa%d-%d", i, g)
				}
				s, err := lab.Create("ASA5525", host, serialOf(i))
				switch {
				case err == nil:
					mu.Lock()
					won[host] = s.Device.SerialNumber()
					mu.Unlock()
				case errors.Is(err, ErrHostnameTaken), errors.Is(err, ErrSerialTaken):
				default:
					t.Errorf("create %s: %v", host, err)
				}
			}
		}()
	}
	// Concurrent lookups must never see a headend that is not stored yet.
	stop := make(chan struct{})
	var looked sync.WaitGroup
	looked.Add(1)
	go func() {
		defer looked.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for i := range names {
				s, err := lab.Get(fmt.Sprintf("asa%d", i))
				if err != nil {
					continue
				}
				h, _ := lab.Headend(s.Device.Hostname())
				if _, closer, err := lab.store.DB().Get(simstore.HeadendKey(lab.name, h.id)); err != nil {
					t.Errorf("asa%d is visible before it is stored: %v", i, err)
				} else {
					closer.Close()
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	looked.Wait()

	check := func(lab *Lab) {
		t.Helper()
		if len(won) != names {
			t.Fatalf("%d creations won, want %d (one per serial): %v", len(won), names, won)
		}
		if n := lab.Len(); n != names {
			t.Errorf("Len %d, want %d", n, names)
		}
		serials, ports := map[string]bool{}, map[string]bool{}
		for host, serial := range won {
			s, err := lab.Get(host)
			if err != nil {
				t.Fatalf("get %s: %v", host, err)
			}
			if s.Device.SerialNumber() != serial || serials[serial] || ports[s.SSHAddress] || s.SSHAddress == "" {
				t.Errorf("%s: serial %s, ssh %q: shared or lost", host, s.Device.SerialNumber(), s.SSHAddress)
			}
			serials[serial], ports[s.SSHAddress] = true, true
		}
		if list, _ := lab.List("", 1000); len(list) != names {
			t.Errorf("List has %d headends, want %d", len(list), names)
		}
	}
	check(lab)
	closeLab()
	lab, closeLab = consoleLab(t, dir, &SSHPorts{Host: "127.0.0.1", Base: 3000, Count: 1000})
	defer closeLab()
	check(lab)
}

// TestRefusedCreateReleases: a creation refused after its hostname, serial
// and port were reserved (here by its login option) leaves them free.
func TestRefusedCreateReleases(t *testing.T) {
	lab, closeLab := consoleLab(t, t.TempDir(), &SSHPorts{Host: "127.0.0.1", Base: 3000, Count: 1})
	defer closeLab()
	if _, err := lab.Create("ASA5525", "asa1", "JMX20000001", WithLogin("ops", "", "")); err == nil {
		t.Fatal("a user without a password was accepted")
	}
	if n := lab.Len(); n != 0 {
		t.Errorf("Len %d after a refused create", n)
	}
	s, err := lab.Create("ASA5525", "asa1", "JMX20000001")
	if err != nil {
		t.Fatal(err)
	}
	if s.SSHAddress != "127.0.0.1:3000" {
		t.Errorf("ssh %q: the refused creation kept the port", s.SSHAddress)
	}
}

// TestConcurrentCreatesShareSyncs: creations in flight together are made
// durable by fewer WAL syncs than there are creations, because none holds
// the lab's lock across its sync.
func TestConcurrentCreatesShareSyncs(t *testing.T) {
	lab, closeLab := consoleLab(t, t.TempDir(), nil)
	defer closeLab()
	const workers, each = 32, 8
	before := walSyncs(t, lab.store)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := lab.Create("ASA5525", fmt.Sprintf("asa%d-%d", g, i), ""); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if syncs := walSyncs(t, lab.store) - before; syncs >= workers*each {
		t.Errorf("%d creations took %d WAL syncs: none was shared", workers*each, syncs)
	}
}

// walSyncs is the number of WAL syncs the store has done.
func walSyncs(t *testing.T, s *Store) uint64 {
	t.Helper()
	var m dto.Metric
	if err := s.DB().Metrics().LogWriter.FsyncLatency.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}

// TestHeadendsGaugeSkipsPendingCreate: the headends gauge counts stored
// headends only, also when one is deleted while a creation is in flight.
func TestHeadendsGaugeSkipsPendingCreate(t *testing.T) {
	store, err := OpenStore(filepath.Join(t.TempDir(), "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	master, _ := keygen.NewSigner([]byte("sim-test-secret-0123456789abcdef"))
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	lab, err := OpenLab(Config{Store: store, Signer: master.ForLab(DefaultLab), ClockMode: ClockSimulated,
		RealNow: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	gauge := func() float64 {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "asalab_lab_headends" {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no asalab_lab_headends gauge")
		return 0
	}
	for _, host := range []string{"asa1", "asa2"} {
		if _, err := lab.Create("ASA5525", host, ""); err != nil {
			t.Fatal(err)
		}
	}
	reserved, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := lab.Create("ASA5525", "asa3", "", func(family.Device) error {
			close(reserved)
			<-release
			return nil
		})
		done <- err
	}()
	<-reserved
	if err := lab.Delete("asa1"); err != nil {
		t.Fatal(err)
	}
	if g := gauge(); g != 1 {
		t.Errorf("headends gauge %v after a delete beside a pending create, want 1", g)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if g := gauge(); g != 2 {
		t.Errorf("headends gauge %v, want 2", g)
	}
}
