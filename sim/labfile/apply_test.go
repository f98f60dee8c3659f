package labfile_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labfile"
)

var testSecret = []byte("asalab-labfile-test-secret-0123456789")

// labStart is the lab clock's first reading, before the example file's
// start.
var labStart = time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)

// tlab is a lab on a store in a temp dir.
type tlab struct {
	t     testing.TB
	dir   string
	store *sim.Store
	lab   *sim.Lab
}

func openLab(t testing.TB) *tlab {
	t.Helper()
	tl := &tlab{t: t, dir: t.TempDir()}
	tl.open()
	t.Cleanup(tl.close)
	return tl
}

func (tl *tlab) open() {
	tl.t.Helper()
	store, err := sim.OpenStore(filepath.Join(tl.dir, "store"), nil)
	if err != nil {
		tl.t.Fatal(err)
	}
	master, err := keygen.NewSigner(testSecret)
	if err != nil {
		tl.t.Fatal(err)
	}
	serials := 0
	lab, err := sim.OpenLab(sim.Config{Store: store, Signer: master.ForLab(sim.DefaultLab), ClockMode: sim.ClockSimulated,
		Rand:       func(n int) int { serials++; return serials * 7919 % n },
		ClockStart: labStart, PeakSampleInterval: -1, UsageFlushInterval: time.Hour,
		PAKActivationDelay: sim.DefaultPAKActivationDelay})
	if err != nil {
		tl.t.Fatal(err)
	}
	tl.store, tl.lab = store, lab
}

func (tl *tlab) close() {
	if tl.lab == nil {
		return
	}
	tl.lab.Close()
	tl.store.Close()
	tl.lab = nil
}

func (tl *tlab) restart() {
	tl.t.Helper()
	tl.close()
	tl.open()
}

// apply parses src and applies it.
func (tl *tlab) apply(name, src string, dry bool) (labfile.Result, error) {
	tl.t.Helper()
	f, err := labfile.Parse(name, []byte(src))
	if err != nil {
		return labfile.Result{}, err
	}
	return labfile.Apply(tl.lab, f, labfile.Options{DryRun: dry})
}

func (tl *tlab) mustApply(name, src string) labfile.Result {
	tl.t.Helper()
	r, err := tl.apply(name, src, false)
	if err != nil {
		tl.t.Fatal(err)
	}
	return r
}

func example(t testing.TB) string {
	b, err := os.ReadFile("../../docs/examples/lab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantLines(t testing.TB, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\ngot  %q\nwant %q", what, got, want)
	}
}

// TestApplyExample: the documented example makes its lab, every field of
// it converged; a second apply changes nothing, after a restart too.
func TestApplyExample(t *testing.T) {
	tl := openLab(t)
	src := example(t)
	dry, err := tl.apply("lab.yaml", src, true)
	if err != nil {
		t.Fatal(err)
	}
	r := tl.mustApply("lab.yaml", src)
	want := []string{
		"clock set to 2026-01-05T09:00:00Z",
		"placed order plus250 (L-AC-PLS-LIC=)",
		"created Smart account Acme",
		"created virtual account Lab of Acme",
		"added 2 ASAv-STD-1G to Acme/DEFAULT",
		"added 500 AnyConnect Plus to Acme/Lab",
		"created headend asa1 (ASA5525)",
		"created headend asa2 (ASA5525)",
		"created headend srv (ASA5545)",
		"created headend branch1 (ASA5515)",
		"clock set to 2026-01-05T13:00:00Z: the portal's PAKs are usable from then",
		"registered order plus250 to asa1 and installed its key",
		"installed key on asa2: 3des",
		"installed key on srv: premium=500, shared-server=500, 3des",
		"installed key on branch1: premium=25, shared-participant, 3des",
		"configured asa1 (15 lines)",
		"configured asa2 (9 lines)",
		"configured srv (7 lines)",
		"anyconnect-essentials off on srv",
		"configured branch1 (6 lines)",
	}
	wantLines(t, "changes", r.Changes, want)
	// The dry run says the same, but for the clock the PAKs wait for.
	wantLines(t, "dry run", dry.Changes, slices.DeleteFunc(slices.Clone(want), func(s string) bool { return strings.Contains(s, "PAKs are usable") }))

	for host, ok := range map[string]func(f family.LicensedFeatures) bool{
		"asa1":    func(f family.LicensedFeatures) bool { return f.PlusApex },
		"asa2":    func(f family.LicensedFeatures) bool { return f.TripleDES && !f.PlusApex },
		"srv":     func(f family.LicensedFeatures) bool { return f.Shared && f.SharedPool == 500 && f.Premium == 500 && !f.Essentials },
		"branch1": func(f family.LicensedFeatures) bool { return f.Premium == 25 },
	} {
		s, err := tl.lab.Get(host)
		if err != nil {
			t.Fatal(err)
		}
		k, _ := s.KeyLicense()
		if k.RunningKey != k.FlashKey || !ok(k.Features) {
			t.Errorf("%s: key %s/%s features %+v", host, k.RunningKey, k.FlashKey, k.Features)
		}
	}
	srv, _ := tl.lab.Get("srv")
	if k, _ := srv.KeyLicense(); k.RunningEssentials || k.SavedEssentials {
		t.Errorf("srv runs anyconnect-essentials")
	}
	b1, _ := tl.lab.Get("branch1")
	if b1.Shared.Role != sim.SharedParticipant {
		t.Errorf("branch1 shared %+v", b1.Shared)
	}
	s, _ := tl.lab.Get("asa1")
	if s.Device.SerialNumber() != "FCH2648ABCD" {
		t.Errorf("asa1 serial %s", s.Device.SerialNumber())
	}
	for host, want := range map[string]string{"asa1": "asa2", "asa2": "asa1"} {
		s, err := tl.lab.Get(host)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Failover.Enabled || s.Failover.MateHostname != want {
			t.Errorf("%s: failover %+v", host, s.Failover)
		}
	}

	again := tl.mustApply("lab.yaml", src)
	wantLines(t, "second apply", again.Changes, nil)
	tl.restart()
	again = tl.mustApply("lab.yaml", src)
	wantLines(t, "apply after a restart", again.Changes, nil)
}
