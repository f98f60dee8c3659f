package labfile_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labfile"
)

// bootTime is how long a reload keeps a headend down, as headendd's default.
const bootTime = 30 * time.Second

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
	lab, err := sim.OpenLab(sim.Config{Store: store, Signer: master.ForLab(sim.DefaultLab), ClockMode: sim.ClockSimulated,
		ClockStart: labStart, PeakSampleInterval: -1, BootTime: bootTime, UsageFlushInterval: time.Hour,
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
		"anyconnect-essentials disabled on srv",
		"configured branch1 (6 lines)",
	}
	wantLines(t, "changes", r.Changes, want)
	// The dry run says the same, but for the clock the PAKs wait for.
	wantLines(t, "dry run", dry.Changes, slices.DeleteFunc(slices.Clone(want), func(s string) bool { return strings.Contains(s, "PAKs are usable") }))

	for host, ok := range map[string]func(f family.LicensedFeatures) bool{
		"asa1": func(f family.LicensedFeatures) bool { return f.PlusApex },
		"asa2": func(f family.LicensedFeatures) bool { return f.TripleDES && !f.PlusApex },
		"srv": func(f family.LicensedFeatures) bool {
			return f.Shared && f.SharedPool == 500 && f.Premium == 500 && !f.Essentials
		},
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

// TestApplyDryRunChangesNothing: a dry run says what would change and
// leaves the lab as it was: no headend, no event, the clock where it was.
func TestApplyDryRunChangesNothing(t *testing.T) {
	tl := openLab(t)
	last, now := tl.lab.LastEvent(), tl.lab.Clock().Now()
	r, err := tl.apply("lab.yaml", example(t), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) == 0 {
		t.Fatal("a dry run of a new lab says nothing would change")
	}
	if tl.lab.Len() != 0 || tl.lab.LastEvent() != last || !tl.lab.Clock().Now().Equal(now) {
		t.Fatalf("the dry run changed the lab: %d headends, event %d (was %d), clock %s", tl.lab.Len(), tl.lab.LastEvent(), last, tl.lab.Clock().Now())
	}
	if _, ok, _ := tl.lab.LabFileRecord(); ok {
		t.Fatal("the dry run wrote the lab-file record")
	}
}

const base = `headends:
  - hostname: asa1
    model: ASA5525
    keys: [premium=250]
  - hostname: asa9
    model: ASA5515
`

// TestApplyConverges: an existing headend follows the file's key,
// Essentials and configuration; what is already so is not touched.
func TestApplyConverges(t *testing.T) {
	tl := openLab(t)
	wantLines(t, "first", tl.mustApply("a.yaml", base).Changes,
		[]string{"created headend asa1 (ASA5525)", "created headend asa9 (ASA5515)", "installed key on asa1: premium=250"})
	next := `headends:
  - hostname: asa1
    model: ASA5525
    keys: [premium=250, 3des]
    essentials: false
    config: ["username alice password s3cret privilege 15"]
  - hostname: asa9
    model: ASA5515
`
	wantLines(t, "second", tl.mustApply("a.yaml", next).Changes,
		[]string{"installed key on asa1: premium=250, 3des", "configured asa1 (1 lines)", "anyconnect-essentials disabled on asa1"})
	s, _ := tl.lab.Get("asa1")
	k, _ := s.KeyLicense()
	if !k.Features.TripleDES || k.Features.Premium != 250 || k.RunningEssentials || k.SavedEssentials {
		t.Fatalf("asa1 %+v", k)
	}
	wantLines(t, "third", tl.mustApply("a.yaml", next).Changes, nil)
	// The user changes the box by hand: the file takes it back.
	if _, err := tl.lab.Exec("asa1", []string{"configure terminal", "webvpn", "anyconnect-essentials", "exit", "end", "write memory"}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, "after a hand change", tl.mustApply("a.yaml", next).Changes, []string{"anyconnect-essentials disabled on asa1"})
}

// TestApplyRefusalChangesNothing: a file that does not fit the lab (a
// model change of an existing headend, a serial another holds, an order
// changed after it was placed) is refused naming the line and field, and
// nothing of it is applied, not even what comes before the bad headend.
func TestApplyRefusalChangesNothing(t *testing.T) {
	tl := openLab(t)
	tl.mustApply("a.yaml", base+"portal:\n  customer: Acme\n  orders: [{name: p1, sku: L-AC-PLS-LIC=, users: 25, months: 12}]\n")
	asa9, _ := tl.lab.Get("asa9")
	for _, c := range []struct{ name, src, want string }{
		{"model change", `clock: {start: 2027-01-01T00:00:00Z}
headends:
  - {hostname: new1, model: ASA5525}
  - {hostname: asa1, model: ASA5545}
`, "b.yaml:4:29: headends[1].model: asa1 is of model ASA5525 in the lab, not ASA5545; delete it first (headendctl delete asa1) for the file to create it anew"},
		{"serial taken", `headends:
  - {hostname: new1, model: ASA5515, serial: ` + asa9.Device.SerialNumber() + `}
`, "b.yaml:2:46: headends[0].serial: serial " + asa9.Device.SerialNumber() + " is asa9's in the lab"},
		{"order changed", `portal:
  customer: Acme
  orders: [{name: p1, sku: L-AC-PLS-LIC=, users: 50, months: 12}]
headends:
  - {hostname: new1, model: ASA5525}
`, "b.yaml:3:12: portal.orders[0]: order p1 was placed (PAK "},
		{"order refused by the portal", `portal:
  customer: Acme
  orders: [{name: p2, sku: L-AC-PLS-LIC=, users: 25, months: 3}]
headends:
  - {hostname: new1, model: ASA5525}
`, "b.yaml:3:12: portal.orders[0]: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			last, n, now := tl.lab.LastEvent(), tl.lab.Len(), tl.lab.Clock().Now()
			_, err := tl.apply("b.yaml", c.src, false)
			var fe *labfile.Error
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("err %v\nwant %s", err, c.want)
			}
			t.Log(err)
			if tl.lab.LastEvent() != last || tl.lab.Len() != n || !tl.lab.Clock().Now().Equal(now) {
				t.Fatalf("the refused file changed the lab")
			}
		})
	}
}

// TestApplyPrune: headends the file does not declare are kept and noted,
// or deleted with prune: true.
func TestApplyPrune(t *testing.T) {
	tl := openLab(t)
	tl.mustApply("a.yaml", base)
	only := "headends:\n  - {hostname: asa1, model: ASA5525, keys: [premium=250]}\n"
	r := tl.mustApply("a.yaml", only)
	wantLines(t, "changes", r.Changes, nil)
	wantLines(t, "notes", r.Notes, []string{"not in the file: asa9 (kept; prune: true deletes them)"})
	r = tl.mustApply("a.yaml", "prune: true\n"+only)
	wantLines(t, "pruned", r.Changes, []string{"deleted headend asa9 (not in the file; prune)"})
	if _, err := tl.lab.Get("asa9"); !sim.IsNotFound(err) {
		t.Fatalf("asa9 after the prune: %v", err)
	}
}

// fleet is a lab file of n headends with keys.
func fleet(n int) string {
	var b strings.Builder
	b.WriteString("headends:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {hostname: asa%d, model: ASA5525, keys: [premium=250, 3des]}\n", i)
	}
	return b.String()
}

// configFleet is fleet with an interface and a configuration line on
// each headend: the file a provisioning test writes.
func configFleet(n int, line string) string {
	var b strings.Builder
	b.WriteString("headends:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {hostname: asa%d, model: ASA5525, keys: [premium=250, 3des], interfaces: [{name: GigabitEthernet0/0, nameif: outside, address: 192.0.2.%d/24}], config: [%q]}\n", i, 1+i%250, line)
	}
	return b.String()
}

// BenchmarkApplyConfig1000 applies 1,000 headends with an interface and a
// configuration line each to an empty lab, and, as the baseline in the
// same run, the same headends with keys only. A username line's password
// is hashed as the ASA stores it (PBKDF2-HMAC-SHA512, 5000 iterations),
// once per process for a password: 2,000 hashes of one password cost one.
func BenchmarkApplyConfig1000(b *testing.B) {
	benchApply(b, []struct{ name, src string }{{"keys-only", fleet(1000)}, {"interface+config", configFleet(1000, "ssh timeout 30")},
		{"interface+username", configFleet(1000, "username alice password s3cret privilege 15")}})
}

// benchApply runs a sub-benchmark a case that applies its file to an
// empty lab, the opening and closing of the lab untimed.
func benchApply(b *testing.B, cases []struct{ name, src string }) {
	for _, c := range cases {
		f, err := labfile.Parse("fleet.yaml", []byte(c.src))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				tl := openLab(b)
				b.StartTimer()
				if _, err := labfile.Apply(tl.lab, f, labfile.Options{}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				tl.close()
				b.StartTimer()
			}
		})
	}
}

// TestApply1000: a file of 1,000 headends with keys applies to an empty
// lab, and a second apply changes nothing.
func TestApply1000(t *testing.T) {
	tl := openLab(t)
	src := fleet(1000)
	r := tl.mustApply("fleet.yaml", src)
	if len(r.Changes) != 2000 || tl.lab.Len() != 1000 {
		t.Fatalf("%d changes, %d headends", len(r.Changes), tl.lab.Len())
	}
	wantLines(t, "second apply", tl.mustApply("fleet.yaml", src).Changes, nil)
}

// TestApplyManyConfigured: headends with an interface and a line each,
// configured concurrently, each get their own block; a second apply
// changes nothing.
func TestApplyManyConfigured(t *testing.T) {
	tl := openLab(t)
	src := configFleet(200, "ssh timeout 30")
	r := tl.mustApply("fleet.yaml", src)
	if len(r.Changes) != 600 || tl.lab.Len() != 200 {
		t.Fatalf("%d changes, %d headends", len(r.Changes), tl.lab.Len())
	}
	for _, i := range []int{0, 117, 199} {
		rc := tl.exec(fmt.Sprintf("asa%d", i), "show running-config")
		for _, want := range []string{fmt.Sprintf("hostname asa%d", i), fmt.Sprintf("ip address 192.0.2.%d 255.255.255.0", 1+i%250), "ssh timeout 30"} {
			if !strings.Contains(rc, want) {
				t.Fatalf("asa%d: show running-config lacks %q:\n%s", i, want, rc)
			}
		}
	}
	wantLines(t, "second apply", tl.mustApply("fleet.yaml", src).Changes, nil)
}

// BenchmarkApplyLabFile1000 applies a file of 1,000 headends with keys to
// an empty lab; the baseline makes the same headends and keys one by one
// through sim.Lab, as a client of the API would.
func BenchmarkApplyLabFile1000(b *testing.B) {
	src := fleet(1000)
	f, err := labfile.Parse("fleet.yaml", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("labfile", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			tl := openLab(b)
			b.StartTimer()
			if _, err := labfile.Apply(tl.lab, f, labfile.Options{}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			tl.close()
			b.StartTimer()
		}
	})
	b.Run("one-by-one", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			tl := openLab(b)
			b.StartTimer()
			for _, h := range f.Headends {
				s, err := tl.lab.Create(h.Model, h.Hostname, "")
				if err != nil {
					b.Fatal(err)
				}
				hd, _ := tl.lab.Headend(h.Hostname)
				w, err := hd.Signer().Encode(keygen.Key{Serial: s.Device.SerialNumber(), Features: *h.Features})
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := tl.lab.InstallKey(h.Hostname, w.String(), sim.KeyActivate); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			tl.close()
			b.StartTimer()
		}
	})
}

// TestApplyConfigLineRefused: a block the console would refuse (a
// configuration line, an interface the model lacks, failover without a
// key, a shared licensing role without its key) fails the apply before
// its first change, naming the file, line, field, the refused line and
// the console's answer; the file fixed, the next apply makes the headend.
func TestApplyConfigLineRefused(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"config line", "headends:\n  - {hostname: asa1, model: ASA5525, config: [\"hostname asa1\", frobnicate now]}\n",
			`a.yaml:2:64: headends[0].config[1]: the console refused "frobnicate now": ERROR: % Invalid input detected at '^' marker.`},
		{"interface the model lacks", "headends:\n  - hostname: asa1\n    model: ASA5525\n    interfaces:\n      - {name: GigabitEthernet9/9, nameif: outside, address: 192.0.2.1/24}\n",
			`a.yaml:5:9: headends[0].interfaces[0].name: the ASA5525 has no interface GigabitEthernet9/9 (it has GigabitEthernet0/0, GigabitEthernet0/1, GigabitEthernet0/2, GigabitEthernet0/3, GigabitEthernet0/4, GigabitEthernet0/5, GigabitEthernet0/6, GigabitEthernet0/7, Management0/0)`},
		{"failover without a key", "headends:\n  - {hostname: a, model: ASA5525, failover: {peer: b, unit: primary, key: k}}\n  - {hostname: b, model: ASA5525, failover: {peer: a, unit: secondary, key: k}}\n",
			`a.yaml:2:45: headends[0].failover: failover needs a permanent activation key: give the headend keys (as [3des]) or orders`},
		{"failover on a license without it", "headends:\n  - {hostname: a, model: ASA5512, keys: [3des], failover: {peer: b, unit: primary, key: k, interface: GigabitEthernet0/5}}\n  - {hostname: b, model: ASA5512, keys: [3des], failover: {peer: a, unit: secondary, key: k, interface: GigabitEthernet0/5}}\n",
			`a.yaml:2:59: headends[0].failover: the console refused "failover": ERROR: The running license does not support failover; it needs the Security Plus license`},
		{"shared server on an interface not declared", "headends:\n  - {hostname: a, model: ASA5525, keys: [shared-server=500], shared: {role: server, secret: s3cret, interface: inside}}\n",
			`a.yaml:2:70: headends[0].shared.interface: the server serves on "inside", which no interface of the headend is named (nameif) in its interfaces or config`},
		{"shared server without its key", "headends:\n  - hostname: a\n    model: ASA5525\n    keys: [3des]\n    interfaces: [{name: GigabitEthernet0/1, nameif: inside, address: 10.1.0.1/24}]\n    shared: {role: server, secret: s3cret, interface: inside}\n",
			`a.yaml:6:13: headends[0].shared.role: a shared licensing server needs a key with a pool: shared-server=N in its keys (or an order of L-ASA-SSL-SHR-SRV-<n>=)`},
		{"shared participant without its key", "headends:\n  - {hostname: a, model: ASA5525, keys: [3des], shared: {role: participant, secret: s3cret, server: 10.1.0.1}}\n",
			`a.yaml:2:57: headends[0].shared.role: a shared licensing participant needs a key with shared-participant in its keys (or an order of L-ASA-SSL-SHR-PRT=)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl := openLab(t)
			last := tl.lab.LastEvent()
			_, err := tl.apply("a.yaml", tc.src, false)
			var fe *labfile.Error
			if !errors.As(err, &fe) || err.Error() != tc.want {
				t.Fatalf("err\n got %v\nwant %s", err, tc.want)
			}
			if tl.lab.Len() != 0 || tl.lab.LastEvent() != last {
				t.Fatalf("the refused file changed the lab: %d headends", tl.lab.Len())
			}
		})
	}
	tl := openLab(t)
	r := tl.mustApply("a.yaml", "headends:\n  - {hostname: asa1, model: ASA5525, config: [\"hostname asa1\"]}\n")
	wantLines(t, "fixed", r.Changes, []string{"created headend asa1 (ASA5525)", "configured asa1 (1 lines)"})
}

// TestApplyOrdersOnRealClock: on the machine's clock an order's PAK is not
// usable until the portal's activation delay has passed: the apply places
// it and notes when to apply again, and registers it then.
func TestApplyOrdersOnRealClock(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	store, err := sim.OpenStore(filepath.Join(t.TempDir(), "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	master, _ := keygen.NewSigner(testSecret)
	lab, err := sim.OpenLab(sim.Config{Store: store, Signer: master.ForLab(sim.DefaultLab), ClockMode: sim.ClockReal,
		RealNow: func() time.Time { return now }, PeakSampleInterval: -1, UsageFlushInterval: time.Hour,
		PAKActivationDelay: sim.DefaultPAKActivationDelay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lab.Close(); store.Close() })
	f, err := labfile.Parse("a.yaml", []byte(`portal:
  customer: Acme
  orders: [{name: plus, sku: L-AC-PLS-LIC=, users: 25, months: 12}]
headends:
  - {hostname: asa1, model: ASA5525, orders: [plus]}
`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := labfile.Apply(lab, f, labfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, "first", r.Changes, []string{"placed order plus (L-AC-PLS-LIC=)", "created headend asa1 (ASA5525)"})
	wantLines(t, "first notes", r.Notes, []string{"order plus is usable from 2026-03-02T14:00:00Z: apply again then to register it to asa1"})
	now = now.Add(4 * time.Hour)
	r, err = labfile.Apply(lab, f, labfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, "later", r.Changes, []string{"registered order plus to asa1 and installed its key"})
	r, _ = labfile.Apply(lab, f, labfile.Options{})
	wantLines(t, "again", r.Changes, nil)
}

// TestApplyTwoPairs: two failover pairs of one file each get a link of
// their own, and each unit pairs with its peer.
func TestApplyTwoPairs(t *testing.T) {
	tl := openLab(t)
	tl.mustApply("p.yaml", `headends:
  - {hostname: a1, model: ASA5525, keys: [3des], failover: {peer: a2, unit: primary, key: k}}
  - {hostname: a2, model: ASA5525, keys: [3des], failover: {peer: a1, unit: secondary, key: k}}
  - {hostname: b1, model: ASA5525, keys: [3des], failover: {peer: b2, unit: primary, key: k}}
  - {hostname: b2, model: ASA5525, keys: [3des], failover: {peer: b1, unit: secondary, key: k}}
`)
	for host, mate := range map[string]string{"a1": "a2", "a2": "a1", "b1": "b2", "b2": "b1"} {
		s, err := tl.lab.Get(host)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Failover.Enabled || !s.Failover.MateSeen || s.Failover.MateHostname != mate {
			t.Errorf("%s: failover %+v, want the mate %s", host, s.Failover, mate)
		}
	}
}

// TestApplyKeyDowngradeWaitsForReload: a key with fewer features than the
// running one is installed and kept in flash, and takes effect at the
// headend's next reload, which the apply notes rather than makes (a reload
// takes the headend down for the boot time, and the configuration lines
// after it would find it down).
func TestApplyKeyDowngradeWaitsForReload(t *testing.T) {
	tl := openLab(t)
	tl.mustApply("a.yaml", "headends:\n  - {hostname: asa1, model: ASA5525, keys: [premium=250, 3des]}\n")
	down := "headends:\n  - {hostname: asa1, model: ASA5525, keys: [3des], config: [\"hostname asa1\"]}\n"
	r := tl.mustApply("a.yaml", down)
	wantLines(t, "changes", r.Changes, []string{"installed key on asa1: 3des", "configured asa1 (1 lines)"})
	note := []string{"asa1: the key it keeps takes effect at its next reload (headendctl reload asa1)"}
	wantLines(t, "notes", r.Notes, note)
	r = tl.mustApply("a.yaml", down)
	wantLines(t, "again", r.Changes, nil)
	wantLines(t, "notes again", r.Notes, note)
	if _, err := tl.lab.Reload("asa1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.lab.AdvanceClock(bootTime); err != nil {
		t.Fatal(err)
	}
	r = tl.mustApply("a.yaml", down)
	if len(r.Changes)+len(r.Notes) != 0 {
		t.Fatalf("after the reload: %+v", r)
	}
	s, _ := tl.lab.Get("asa1")
	if k, _ := s.KeyLicense(); k.Features.Premium != 2 || !k.Features.TripleDES {
		t.Fatalf("asa1 after the reload: %+v", k.Features)
	}
}

// exec runs lines on a headend and returns the transcript.
func (tl *tlab) exec(host string, lines ...string) string {
	tl.t.Helper()
	r, err := tl.lab.Exec(host, lines)
	if err != nil {
		tl.t.Fatalf("%s: %v", host, err)
	}
	return r.Transcript
}

// TestApplyExamplePairFormsOnThePrimary: the example's pair forms with
// the primary asa1 active and its declared configuration on both units
// (the standby takes the active unit's), whichever unit's block is the
// shorter; run many times, as the units once raced to go active first.
func TestApplyExamplePairFormsOnThePrimary(t *testing.T) {
	src := example(t)
	for i := range 20 {
		tl := openLab(t)
		tl.mustApply("lab.yaml", src)
		for host, state := range map[string]string{"asa1": "This host: Primary - Active", "asa2": "This host: Secondary - Standby Ready"} {
			if fo := tl.exec(host, "show failover"); !strings.Contains(fo, state) {
				t.Fatalf("run %d: %s: show failover lacks %q:\n%s", i, host, state, fo)
			}
			rc := tl.exec(host, "show running-config")
			for _, want := range []string{"hostname asa1", "username alice ", "ip address 192.0.2.1 255.255.255.0", "nameif outside"} {
				if !strings.Contains(rc, want) {
					t.Fatalf("run %d: %s: show running-config lacks %q:\n%s", i, host, want, rc)
				}
			}
		}
		if again := tl.mustApply("lab.yaml", src); len(again.Changes) != 0 {
			t.Fatalf("run %d: second apply: %q", i, again.Changes)
		}
		tl.close()
	}
}

// TestApplyPasswordsLogIn: headends given one password by a file (hashed
// once per process) each let that user log in, and refuse a wrong
// password; the hash they show, pasted back with pbkdf2, keeps working.
func TestApplyPasswordsLogIn(t *testing.T) {
	tl := openLab(t)
	r := tl.mustApply("fleet.yaml", configFleet(3, "username alice password s3cret privilege 15"))
	if len(r.Changes) != 9 {
		t.Fatalf("%d changes", len(r.Changes))
	}
	login := func(host, user, pass string) bool {
		t.Helper()
		h, err := tl.lab.Headend(host)
		if err != nil {
			t.Fatal(err)
		}
		priv, known, ok, err := h.CheckLogin(user, pass)
		if err != nil || !known || ok && priv != 15 {
			t.Fatalf("%s: login %s: privilege %d, known %v, err %v", host, user, priv, known, err)
		}
		return ok
	}
	for _, host := range []string{"asa0", "asa2"} {
		if !login(host, "alice", "s3cret") || login(host, "alice", "s3cre") {
			t.Fatalf("%s: alice's password does not check", host)
		}
	}
	rc := tl.exec("asa1", "more system:running-config")
	i := strings.Index(rc, "username alice password ")
	if i < 0 {
		t.Fatalf("no alice in:\n%s", rc)
	}
	hash := strings.Fields(rc[i:])[3]
	out := tl.exec("asa2", "configure terminal", "username bob password "+hash+" pbkdf2 privilege 15", "end")
	if strings.Contains(out, "ERROR") || !login("asa2", "bob", "s3cret") || login("asa2", "bob", "x") {
		t.Fatalf("bob with alice's hash %q:\n%s", hash, out)
	}
}

// TestApplyBlockEvents: the configuration block a file gives a headend
// tells the same events, in the same order, as the console would for each
// of its lines: one per command, with the ASA's 111008 line, then the
// save. (Pinned so that work to make a block cheaper cannot change them.)
func TestApplyBlockEvents(t *testing.T) {
	tl := openLab(t)
	tl.mustApply("fleet.yaml", `headends:
  - hostname: asa1
    model: ASA5525
    interfaces: [{name: GigabitEthernet0/1, nameif: inside, address: 10.1.0.1/16}]
    config: ["ssh timeout 30", "username alice password s3cret privilege 15", "logging buffered informational"]
`)
	evs, _, _, err := tl.lab.ListEvents(0, 100, sim.EventFilter{Headends: []string{"asa1"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.Kind.String()+" "+e.Syslog+"|"+e.Text)
	}
	cmd := func(c string) string {
		return "config_changed %ASA-5-111008: User 'enable_15' executed the '" + c + "' command.|running configuration: " + c
	}
	want := []string{
		cmd("nameif inside"),
		cmd("security-level 100"),
		cmd("ip address 10.1.0.1 255.255.0.0"),
		cmd("no shutdown"),
		cmd("ssh timeout 30"),
		cmd("username alice password ***** pbkdf2 privilege 15"),
		cmd("logging buffered informational"),
		"config_changed %ASA-5-111008: User 'enable_15' executed the 'write memory' command.|configuration saved",
	}
	if len(got) == 0 || !strings.HasPrefix(got[0], "created |created: model ASA5525, serial ") {
		t.Fatalf("events: %q", got)
	}
	if got = got[1:]; !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// pairFleet is a lab file of n failover pairs (pN primary, sN secondary)
// with keys, an interface on the primary, and the default link unless
// links is set (then 10.254.x.y/30 of its own each).
func pairFleet(n int, links bool) string {
	var b strings.Builder
	b.WriteString("headends:\n")
	for i := range n {
		link := ""
		if links {
			link = fmt.Sprintf(", link: 10.254.%d.%d/30", i>>6, (i&63)<<2|1)
		}
		fmt.Fprintf(&b, "  - {hostname: p%d, model: ASA5525, keys: [3des], interfaces: [{name: GigabitEthernet0/0, nameif: outside, address: 192.0.2.1/24}], failover: {peer: s%d, unit: primary, key: k%d%s}}\n", i, i, i, link)
		fmt.Fprintf(&b, "  - {hostname: s%d, model: ASA5525, keys: [3des], failover: {peer: p%d, unit: secondary, key: k%d%s}}\n", i, i, i, link)
	}
	return b.String()
}

// BenchmarkApplyPairs500 applies 1,000 headends as 500 failover pairs to
// an empty lab; the baseline in the same run is 1,000 headends with keys
// only.
func BenchmarkApplyPairs500(b *testing.B) {
	benchApply(b, []struct{ name, src string }{{"keys-only", fleet(1000)}, {"pairs", pairFleet(500, false)}})
}

// TestParsePairsDefaultLinks: 500 pairs that give no link each get a /30
// of 10.255.0.0/16 of their own, in the file's order, both units the
// same, around a link the file gives.
func TestParsePairsDefaultLinks(t *testing.T) {
	src := pairFleet(500, false) + "  - {hostname: x1, model: ASA5525, keys: [3des], failover: {peer: x2, unit: primary, key: k, link: 10.255.0.5/30}}\n" +
		"  - {hostname: x2, model: ASA5525, keys: [3des], failover: {peer: x1, unit: secondary, key: k}}\n"
	f, err := labfile.Parse("pairs.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for i := 0; i < 1000; i += 2 {
		p, s := f.Headends[i], f.Headends[i+1]
		link := p.Failover.Link.String()
		if s.Failover.Link != p.Failover.Link {
			t.Fatalf("%s has %s, %s %s", p.Hostname, link, s.Hostname, s.Failover.Link)
		}
		if other, ok := seen[link]; ok {
			t.Fatalf("%s and %s share the link %s", other, p.Hostname, link)
		}
		seen[link] = p.Hostname
	}
	for host, want := range map[string]string{"p0": "10.255.0.1/30", "p1": "10.255.0.9/30", "p2": "10.255.0.13/30", "p499": "10.255.7.209/30"} {
		if got := seen[want]; got != host {
			t.Errorf("%s has the link of %q", want, got)
		}
	}
}

// TestApplyPairsDefaultLinks: 100 pairs that give no link form, each
// unit with its peer; a second apply changes nothing.
func TestApplyPairsDefaultLinks(t *testing.T) {
	tl := openLab(t)
	src := pairFleet(100, false)
	tl.mustApply("pairs.yaml", src)
	for i := range 100 {
		for host, mate := range map[string]string{fmt.Sprintf("p%d", i): fmt.Sprintf("s%d", i), fmt.Sprintf("s%d", i): fmt.Sprintf("p%d", i)} {
			s, err := tl.lab.Get(host)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Failover.MateSeen || s.Failover.MateHostname != mate {
				t.Fatalf("%s: failover %+v, want the mate %s", host, s.Failover, mate)
			}
		}
	}
	wantLines(t, "second apply", tl.mustApply("pairs.yaml", src).Changes, nil)
}

// TestApplyDefaultLinksKeepTheLabs: a pair the lab has keeps its default
// link when a file puts a new pair before it, and the new pair takes a
// link no unit of the lab has, also when the lab's pair came from
// another file.
func TestApplyDefaultLinksKeepTheLabs(t *testing.T) {
	tl := openLab(t)
	pair := func(a, b string) string {
		return fmt.Sprintf("  - {hostname: %s, model: ASA5525, keys: [3des], failover: {peer: %s, unit: primary, key: k}}\n", a, b) +
			fmt.Sprintf("  - {hostname: %s, model: ASA5525, keys: [3des], failover: {peer: %s, unit: secondary, key: k}}\n", b, a)
	}
	tl.mustApply("a.yaml", "headends:\n"+pair("a1", "a2"))
	tl.mustApply("b.yaml", "headends:\n"+pair("b1", "b2"))
	r := tl.mustApply("ca.yaml", "headends:\n"+pair("c1", "c2")+pair("a1", "a2"))
	wantLines(t, "changes", r.Changes, []string{"created headend c1 (ASA5525)", "created headend c2 (ASA5525)",
		"installed key on c1: 3des", "installed key on c2: 3des", "configured c1 (9 lines)", "configured c2 (9 lines)"})
	for host, link := range map[string]string{"a1": "10.255.0.1", "a2": "10.255.0.1", "b1": "10.255.0.5", "c1": "10.255.0.9", "c2": "10.255.0.9"} {
		if rc := tl.exec(host, "show running-config failover"); !strings.Contains(rc, "failover interface ip folink "+link+" 255.255.255.252") {
			t.Errorf("%s: want the link %s:\n%s", host, link, rc)
		}
		s, _ := tl.lab.Get(host)
		if !s.Failover.MateSeen {
			t.Errorf("%s: no mate: %+v", host, s.Failover)
		}
	}
}

// TestApplyAfterFailoverEntersOnTheActive: once the pair has failed over
// (the secondary active), a changed block of the primary is entered on
// the active unit, which replicates it: both units have it, the roles
// stay, and a third apply changes nothing.
func TestApplyAfterFailoverEntersOnTheActive(t *testing.T) {
	tl := openLab(t)
	src := example(t)
	tl.mustApply("lab.yaml", src)
	tl.exec("asa1", "no failover active")
	if fo := tl.exec("asa2", "show failover"); !strings.Contains(fo, "This host: Secondary - Active") {
		t.Fatalf("asa2 after the failover:\n%s", fo)
	}
	if out := tl.exec("asa1", "configure terminal", "end"); !strings.Contains(out, "**** WARNING ****\n        Configuration Replication is NOT performed from Standby unit to Active unit.") {
		t.Fatalf("configure terminal on the standby asa1:\n%s", out)
	}
	changed := strings.Replace(src, `config: ["username alice password s3cret privilege 15"]`,
		`config: ["username alice password s3cret privilege 15", "username carol password s3cret privilege 15"]`, 1)
	if changed == src {
		t.Fatal("the example has no such config line")
	}
	r := tl.mustApply("lab.yaml", changed)
	wantLines(t, "changes", r.Changes, []string{"configured asa1 (16 lines, entered on the active unit asa2)"})
	for host, state := range map[string]string{"asa1": "This host: Primary - Standby Ready", "asa2": "This host: Secondary - Active"} {
		if fo := tl.exec(host, "show failover"); !strings.Contains(fo, state) {
			t.Errorf("%s: show failover lacks %q:\n%s", host, state, fo)
		}
		if rc := tl.exec(host, "show running-config"); !strings.Contains(rc, "username carol ") {
			t.Errorf("%s: no carol:\n%s", host, rc)
		}
	}
	wantLines(t, "third apply", tl.mustApply("lab.yaml", changed).Changes, nil)
}

// TestApplyPairsEventsAsOnePair: 64 pairs, whose units enable failover
// concurrently and are checked together, each tell the events one pair
// applied alone tells, in the same order, unit by unit; after a restart
// every pair is still formed.
func TestApplyPairsEventsAsOnePair(t *testing.T) {
	names := regexp.MustCompile(`\b([ps])\d+\b`)
	links := regexp.MustCompile(`10\.255\.\d+\.\d+`)
	events := func(tl *tlab, host string) []string {
		evs, _, _, err := tl.lab.ListEvents(0, 100, sim.EventFilter{Headends: []string{host}})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range evs {
			if k := e.Kind.String(); k != "created" && k != "key_installed" { // their serials and keys differ
				out = append(out, links.ReplaceAllString(names.ReplaceAllString(k+" "+e.Syslog+"|"+e.Text, "$1N"), "LINK"))
			}
		}
		return out
	}
	one := openLab(t)
	one.mustApply("pair.yaml", pairFleet(1, false))
	want := map[string][]string{"p": events(one, "p0"), "s": events(one, "s0")}
	if len(want["p"]) == 0 || len(want["s"]) == 0 {
		t.Fatalf("one pair: no events: %q", want)
	}
	tl := openLab(t)
	tl.mustApply("pairs.yaml", pairFleet(64, false))
	for i := range 64 {
		for _, u := range []string{"p", "s"} {
			host := fmt.Sprintf("%s%d", u, i)
			if got := events(tl, host); !slices.Equal(got, want[u]) {
				t.Fatalf("%s:\n%s\nwant (as the one pair):\n%s", host, strings.Join(got, "\n"), strings.Join(want[u], "\n"))
			}
		}
	}
	tl.restart()
	for i := range 64 {
		for host, mate := range map[string]string{fmt.Sprintf("p%d", i): fmt.Sprintf("s%d", i), fmt.Sprintf("s%d", i): fmt.Sprintf("p%d", i)} {
			s, err := tl.lab.Get(host)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Failover.MateSeen || s.Failover.MateHostname != mate || (s.Failover.State == family.FailoverActive) != (host[0] == 'p') {
				t.Fatalf("%s after a restart: failover %+v, want the mate %s, the primary active", host, s.Failover, mate)
			}
		}
	}
}
