package sim

import (
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// consoleLab opens a lab on dir with console ports [base, base+count).
func consoleLab(t *testing.T, dir string, ssh *SSHPorts) (*Lab, func()) {
	t.Helper()
	store, err := OpenStore(filepath.Join(dir, "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	master, _ := keygen.NewSigner([]byte("sim-test-secret-0123456789abcdef"))
	lab, err := OpenLab(Config{Store: store, Signer: master.ForLab(DefaultLab), ClockMode: ClockSimulated,
		RealNow: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }, SSH: ssh})
	if err != nil {
		t.Fatal(err)
	}
	return lab, func() {
		if err := lab.Close(); err != nil {
			t.Error(err)
		}
		if err := store.Close(); err != nil {
			t.Error(err)
		}
	}
}

// eventLog records console events. A watcher runs under the lab's locks, so
// it keeps the headend and names it later.
type eventLog struct {
	mu  sync.Mutex
	evs []ConsoleEvent
}

func (e *eventLog) add(ev ConsoleEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evs = append(e.evs, ev)
}

func (e *eventLog) String() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.evs {
		kind := map[ConsoleEventKind]string{ConsoleAdded: "added", ConsoleRemoved: "removed", ConsoleReloaded: "reloaded"}[ev.Kind]
		name := "(deleted)"
		if ev.Headend.Available() == nil {
			name = ev.Headend.Hostname()
		}
		out = append(out, kind+" "+name+" "+strconv.Itoa(ev.Port))
	}
	return out
}

func TestConsolePorts(t *testing.T) {
	dir := t.TempDir()
	busy := 2203 // another program holds it
	ssh := &SSHPorts{Host: "127.0.0.1", Base: 2201, Count: 4, Usable: func(p int) bool { return p != busy }}
	lab, closeLab := consoleLab(t, dir, ssh)
	var log eventLog
	if evs := lab.WatchConsoles(log.add); len(evs) != 0 {
		t.Fatalf("a new lab has consoles: %v", evs)
	}
	addr := func(s Snapshot, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s.SSHAddress
	}
	for i, want := range []string{"127.0.0.1:2201", "127.0.0.1:2202", "127.0.0.1:2204", ""} {
		host := "asa" + strconv.Itoa(i+1)
		if got := addr(lab.Create("ASA5525", host, "")); got != want {
			t.Errorf("create %s: ssh %q, want %q", host, got, want)
		}
	}
	if got := addr(lab.Get("asa2")); got != "127.0.0.1:2202" {
		t.Errorf("get asa2: %q", got)
	}
	// A rename keeps the port; a reload (back to the saved hostname) drops
	// the sessions; a delete frees the port.
	h, _ := lab.Headend("asa2")
	if err := h.Update(func(d family.Device) error { d.(*asa.Device).Running.Hostname = "edge2"; return nil }); err != nil {
		t.Fatal(err)
	}
	if got := addr(lab.Get("edge2")); got != "127.0.0.1:2202" {
		t.Errorf("renamed: %q", got)
	}
	if _, err := lab.Reload("edge2", false); err != nil {
		t.Fatal(err)
	}
	if err := lab.Delete("asa1"); err != nil {
		t.Fatal(err)
	}
	want := []string{"added (deleted) 2201", "added asa2 2202", "added asa3 2204", "reloaded asa2 2202", "removed (deleted) 2201"}
	if got := log.String(); !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	closeLab()

	// After a restart the ports are the same, and the headend that had none
	// gets the one freed by the delete.
	lab, closeLab = consoleLab(t, dir, ssh)
	defer closeLab()
	var got []string
	for _, ev := range lab.WatchConsoles(func(ConsoleEvent) {}) {
		got = append(got, ev.Headend.Hostname()+" "+strconv.Itoa(ev.Port))
	}
	if want := []string{"asa4 2201", "asa2 2202", "asa3 2204"}; !slices.Equal(got, want) {
		t.Errorf("after restart: %q, want %q", got, want)
	}
}

// TestConsolePortsOff: without SSHPorts no port is given or reported.
func TestConsolePortsOff(t *testing.T) {
	lab, closeLab := consoleLab(t, t.TempDir(), nil)
	defer closeLab()
	s, err := lab.Create("ASA5525", "asa1", "", WithLogin("ops", "pw", "en"))
	if err != nil {
		t.Fatal(err)
	}
	if s.SSHAddress != "" || len(lab.WatchConsoles(func(ConsoleEvent) {})) != 0 {
		t.Errorf("ssh without SSHPorts: %q", s.SSHAddress)
	}
	if u, ok := s.Device.(*asa.Device).Running.User("ops"); !ok || !config.CheckPassword(u.Hash, "pw") {
		t.Errorf("WithLogin: %+v", s.Device.(*asa.Device).Running.Users)
	}
	if _, err := lab.Create("ASA5525", "asa2", "", WithLogin("ops", "", "")); err == nil {
		t.Error("a user without a password was accepted")
	}
	if _, err := lab.Get("asa2"); err == nil {
		t.Error("a refused create left a headend")
	}
}

// TestConsolePortsGivenInOneSync: headends stored while SSH was off get
// their ports when the lab next opens with SSH, written in one synced
// batch rather than a sync each (a fleet of 1,000 took seconds to start),
// and keep them after another restart.
func TestConsolePortsGivenInOneSync(t *testing.T) {
	dir := t.TempDir()
	lab, closeLab := consoleLab(t, dir, nil)
	const n = 20
	for i := range n {
		if _, err := lab.Create("ASA5525", "asa"+strconv.Itoa(i), ""); err != nil {
			t.Fatal(err)
		}
	}
	closeLab()

	store, err := OpenStore(filepath.Join(dir, "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// The WAL's fsyncs, counted by pebble's latency histogram.
	fsyncs := func() uint64 {
		t.Helper()
		var m dto.Metric
		if err := store.DB().Metrics().LogWriter.FsyncLatency.Write(&m); err != nil {
			t.Fatal(err)
		}
		return m.GetHistogram().GetSampleCount()
	}
	before := fsyncs()
	master, _ := keygen.NewSigner([]byte("sim-test-secret-0123456789abcdef"))
	lab, err = OpenLab(Config{Store: store, Signer: master.ForLab(DefaultLab), ClockMode: ClockSimulated,
		SSH: &SSHPorts{Host: "127.0.0.1", Base: 2201, Count: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if syncs := fsyncs() - before; syncs > 2 {
		t.Errorf("giving %d headends their ports took %d fsyncs", n, syncs)
	}
	want := map[string]string{}
	for _, ev := range lab.WatchConsoles(func(ConsoleEvent) {}) {
		want[ev.Headend.Hostname()] = strconv.Itoa(ev.Port)
	}
	if len(want) != n {
		t.Fatalf("%d headends have a port, want %d", len(want), n)
	}
	if err := lab.Close(); err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	lab, closeLab = consoleLab(t, dir, &SSHPorts{Host: "127.0.0.1", Base: 2201, Count: 50})
	defer closeLab()
	for _, ev := range lab.WatchConsoles(func(ConsoleEvent) {}) {
		if h := ev.Headend.Hostname(); want[h] != strconv.Itoa(ev.Port) {
			t.Errorf("%s has port %d after a restart, had %s", h, ev.Port, want[h])
		}
	}
}
