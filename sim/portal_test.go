package sim

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"

	simstore "github.com/asalab/asalab/sim/store"
)

var simStart = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type testLab struct {
	t     *testing.T
	dir   string
	store *Store
	lab   *Lab
}

// simNow is a real clock stopped at simStart.
func simNow() time.Time { return simStart }

func openTestLab(t *testing.T, dir string) *testLab {
	t.Helper()
	return openTestLabWith(t, dir, Config{ClockMode: ClockSimulated, RealNow: simNow, PAKActivationDelay: DefaultPAKActivationDelay})
}

// openTestLabWith opens a lab of cfg on a new store in dir, with the test
// signer; the lab and store are closed when the test ends.
func openTestLabWith(t *testing.T, dir string, cfg Config) *testLab {
	t.Helper()
	master, err := keygen.NewSigner([]byte("asalab-test-secret-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	store, err := OpenStore(filepath.Join(dir, "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Signer = store, master.ForLab(DefaultLab)
	lab, err := OpenLab(cfg)
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	tl := &testLab{t: t, dir: dir, store: store, lab: lab}
	t.Cleanup(tl.close)
	return tl
}

func (tl *testLab) close() {
	if tl.lab != nil {
		if err := tl.lab.Close(); err != nil {
			tl.t.Error(err)
		}
		tl.lab = nil
	}
	if tl.store != nil {
		if err := tl.store.Close(); err != nil {
			tl.t.Error(err)
		}
		tl.store = nil
	}
}

// portalKeys counts the portal's records in the store.
func (tl *testLab) portalKeys() int {
	n := 0
	if err := tl.store.Scan(simstore.PortalPrefix(DefaultLab), func(_, _ []byte) error { n++; return nil }); err != nil {
		tl.t.Fatal(err)
	}
	return n
}

// must returns v, or fails the test (by panicking: Go cannot pass a
// multi-value call along with t) if err is not nil.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

func TestPortalSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	l := tl.lab
	o := must(l.PlaceOrder([]portal.OrderLine{
		{SKU: "L-AC-PLS-LIC=", Users: 873, Months: 30, Customer: "Acme Corp"},
		{SKU: "L-AC-VPNO-100=", Customer: "Acme Corp"},
	}))
	plus, vpno := o.PAKs[0], o.PAKs[1]
	if _, err := l.RegisterPak(plus.ID, "FCH1947V0GY"); !errors.Is(err, portal.ErrPAKInactive) {
		t.Fatalf("register at once: %v", err)
	}
	// The PAK's activation time is stored: a restart does not reset it.
	tl.close()
	tl = openTestLab(t, dir)
	l = tl.lab
	if _, err := l.RegisterPak(plus.ID, "FCH1947V0GY"); !errors.Is(err, portal.ErrPAKInactive) {
		t.Fatalf("register after restart: %v", err)
	}
	must(l.AdvanceClock(4 * time.Hour))
	reg := must(l.RegisterPak(plus.ID, "FCH1947V0GY"))
	must(l.RegisterPak(vpno.ID, "JMX1628X0P9"))
	code := must(l.GetActivationCode("FCH1947V0GY", "FCH2648BCDE"))
	must(l.UseActivationCode(code.Code.Code, nil))
	must(l.RehostForRma("JMX1628X0P9", "JAD19440BQH"))
	must(l.RequestDemoLicense("FCH2648BCDE"))

	// A refused action writes nothing.
	before := tl.portalKeys()
	if _, err := l.RegisterPak(vpno.ID, "FCH1947V0GY"); err == nil {
		t.Fatal("VPN Only registered twice")
	}
	if _, err := l.PlaceOrder([]portal.OrderLine{{SKU: "L-AC-PLS-LIC=", Users: 10, Months: 99, Customer: "X"}}); err == nil {
		t.Fatal("a 99-month term was sold")
	}
	if after := tl.portalKeys(); after != before {
		t.Errorf("refused actions wrote %d records", after-before)
	}

	list := func(serial string) portal.Licenses { return must(l.ListLicenses(serial)) }
	serials := []string{"FCH1947V0GY", "FCH2648BCDE", "JMX1628X0P9", "JAD19440BQH"}
	want := map[string]portal.Licenses{}
	for _, s := range serials {
		want[s] = list(s)
	}
	tl.close()
	tl = openTestLab(t, dir)
	l = tl.lab
	for _, s := range serials {
		got := list(s)
		if fmt.Sprint(got) != fmt.Sprint(want[s]) {
			t.Errorf("%s after restart:\n got %+v\nwant %+v", s, got, want[s])
		}
	}
	if k := list("FCH1947V0GY").Keys[0].Words; k != reg.Key.Words {
		t.Errorf("key changed across the restart: %s vs %s", k, reg.Key.Words)
	}
	if _, err := l.UseActivationCode(code.Code.Code, nil); !errors.Is(err, portal.ErrCodeUsed) {
		t.Errorf("the used code works again after a restart: %v", err)
	}
	if _, err := l.RequestDemoLicense("FCH2648BCDE"); !errors.Is(err, portal.ErrDemoIssued) {
		t.Errorf("a second demo after a restart: %v", err)
	}
	if _, err := l.RegisterPak(vpno.ID, "FCH1947V0GY"); !errors.Is(err, portal.ErrPAKExhausted) &&
		!errors.Is(err, portal.ErrVPNOnlyWithPlusApex) {
		t.Errorf("VPN Only PAK after a restart: %v", err)
	}
	// The counters continue: no PAK is delivered twice.
	o2 := must(l.PlaceOrder([]portal.OrderLine{{SKU: "L-AC-PLS-P-G", Users: 5, Customer: "Beta"}}))
	if o2.SalesOrder != "100000002" || o2.PAKs[0].ID == plus.ID || o2.PAKs[0].ID == vpno.ID {
		t.Errorf("order after restart: %+v", o2)
	}
}

func TestSingleUsePAKUnderConcurrency(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	l := tl.lab
	o := must(l.PlaceOrder([]portal.OrderLine{{SKU: "L-AC-VPNO-500=", Quantity: 3, Customer: "Acme"}}))
	must(l.AdvanceClock(4 * time.Hour))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var won []string
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := fmt.Sprintf("FCH1947V%03d", i)
			if _, err := l.RegisterPak(o.PAKs[0].ID, s); err == nil {
				mu.Lock()
				won = append(won, s)
				mu.Unlock()
			} else if !errors.Is(err, portal.ErrPAKExhausted) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(won) != 3 {
		t.Fatalf("a quantity-3 VPN Only PAK registered to %d serials: %v", len(won), won)
	}
	for _, s := range won {
		if rows := must(l.ListLicenses(s)).Rows; len(rows) != 1 || !slices.ContainsFunc(rows, func(r portal.LicenseRow) bool {
			return r.PAK == o.PAKs[0].ID
		}) {
			t.Errorf("%s lists %+v", s, rows)
		}
	}
}

// TestPortalMigrationSurvivesRestart: a migration's history (what was
// replaced, when, by which PAK) and the serial's new key are in the store.
func TestPortalMigrationSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	l := tl.lab
	o := must(l.PlaceOrder([]portal.OrderLine{
		{SKU: "L-ASA-SSL-25=", Customer: "Fleet"},
		{SKU: "L-ASA-SSL-SHR-PRT=", Customer: "Fleet"},
		{SKU: "L-AC-PLS-LIC=", Users: 600, Months: 12, Customer: "Fleet"},
	}))
	must(l.AdvanceClock(4 * time.Hour))
	must(l.RegisterPak(o.PAKs[0].ID, "FCH1947V0GY"))
	must(l.RegisterPak(o.PAKs[1].ID, "FCH1947V0GY"))
	if _, err := l.RegisterPak(o.PAKs[2].ID, "FCH1947V0GY"); !errors.Is(err, ErrMigrationRequired) {
		t.Fatalf("Plus without migrate: %v", err)
	}
	must(l.AdvanceClock(24 * time.Hour))
	reg := must(l.RegisterPakWith(o.PAKs[2].ID, "FCH1947V0GY", RegisterOptions{Migrate: true}))
	if len(reg.Migrated) != 2 {
		t.Fatalf("migrated %+v", reg.Migrated)
	}
	want := fmt.Sprint(must(l.ListLicenses("FCH1947V0GY")))
	tl.close()
	tl = openTestLab(t, dir)
	got := must(tl.lab.ListLicenses("FCH1947V0GY"))
	if fmt.Sprint(got) != want {
		t.Errorf("after restart:\n got %+v\nwant %s", got, want)
	}
	if len(got.Migrated) != 2 || !got.Migrated[0].MigratedAt.Equal(simStart.Add(28*time.Hour)) ||
		got.Migrated[1].MigratedTo != o.PAKs[2].ID || got.Keys[0].Words != reg.Key.Words {
		t.Errorf("history after restart: %+v", got)
	}
}
