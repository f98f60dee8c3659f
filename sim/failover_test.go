package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
)

// foDevice is a failover unit of the smallest kind: a name, a premium
// license, a configuration line and the failover settings, for the lab's
// side of failover pairs apart from any family's console.
type foDevice struct {
	fakeDevice
	Premium  int                       `json:"premium"`
	Enc      bool                      `json:"enc"`
	Cfg      string                    `json:"cfg"`
	SavedCfg string                    `json:"saved_cfg"`
	On       bool                      `json:"on"`
	Primary  bool                      `json:"primary"`
	Links    family.FailoverLinkConfig `json:"links"`
	// Addr is its data interface's address, Standby its standby one.
	Addr, Standby netip.Addr
}

func (d *foDevice) Addresses() []netip.Addr {
	if d.Addr.IsValid() {
		return []netip.Addr{d.Addr}
	}
	return nil
}

func (d *foDevice) StandbyAddresses() []netip.Addr {
	if d.Standby.IsValid() {
		return []netip.Addr{d.Standby}
	}
	return nil
}

func newFO(p *headend.Platform, serial, hostname string, now time.Time) (family.Device, error) {
	d, err := newFake(p, serial, hostname, now)
	if err != nil {
		return nil, err
	}
	return &foDevice{fakeDevice: *d.(*fakeDevice), Premium: 250, Enc: true}, nil
}

func decodeFO(b []byte) (family.Device, error) {
	d := new(foDevice)
	if err := json.Unmarshal(b, d); err != nil {
		return nil, err
	}
	d.platform, _ = headend.LookupPlatform(d.Model)
	return d, nil
}

func (d *foDevice) Copy() family.Device { c := *d; return &c }
func (d *foDevice) WriteMemory()        { d.Saved, d.SavedCfg = d.Name, d.Cfg }
func (d *foDevice) ConfigUnsaved() bool { return d.Saved != d.Name || d.SavedCfg != d.Cfg }
func (d *foDevice) Reload(now time.Time, boot time.Duration) {
	d.fakeDevice.Reload(now, boot)
	d.Cfg = d.SavedCfg
}

func (d *foDevice) ChangesFrom(old family.Device) []family.Change {
	if rebooted(old, d) {
		return []family.Change{{Kind: family.ChangeReloaded, Text: "reloaded"}}
	}
	if o := old.(*foDevice); o.Cfg != d.Cfg || o.Name != d.Name {
		return []family.Change{{Kind: family.ChangeConfig, Text: "config " + d.Cfg}}
	}
	return nil
}

func (d *foDevice) policy(premium int) *admission.Policy {
	r := admission.Rules{Total: uint32(premium), ValidUntil: admission.NoExpiry, UpAt: d.Up.Unix(), LogLevel: -1}
	r.Limit[admission.ClassPremium] = uint32(premium)
	for k := range r.Logins {
		r.Logins[k] = admission.NoLoginLimit
	}
	return admission.NewPolicy(r)
}

func (d *foDevice) AdmissionPolicy(time.Time) *admission.Policy { return d.policy(d.Premium) }

func (d *foDevice) ClusterAdmissionPolicy(c family.LicensedFeatures, _ time.Time) *admission.Policy {
	return d.policy(c.Premium)
}

func (d *foDevice) FailoverEnabled() (bool, string) {
	if d.Primary {
		return d.On, "primary"
	}
	return d.On, "secondary"
}

// CombinedLicense sums the premium peers up to 750 and needs the same
// encryption on both.
func (d *foDevice) CombinedLicense(mate family.Device, _ time.Time) (family.LicensedFeatures, string) {
	m := mate.(*foDevice)
	if m.Enc != d.Enc {
		return family.LicensedFeatures{}, "%ASA-1-105045: (Primary) Mate license (Encryption) is not compatible with my license"
	}
	n := min(d.Premium+m.Premium, 750)
	return family.LicensedFeatures{Premium: n, Total: n}, ""
}

func (d *foDevice) FailoverLinks() family.FailoverLinkConfig { return d.Links }

func (d *foDevice) ReplicateFrom(a family.Device, _ time.Time) error {
	src := a.(*foDevice)
	d.Name, d.Cfg, d.Addr, d.Standby = src.Name, src.Cfg, src.Addr, src.Standby
	return nil
}

// withFOFamily registers the failover fake for the ASAv models for the
// test, ahead of the real one; not in parallel.
func withFOFamily(t *testing.T) {
	saved := families
	families = append([]family.Family{{
		Licensing: headend.LicensingSmart, New: newFO, Decode: decodeFO,
		ViewSession: func(s admission.SessionInfo, p *admission.Principal) family.SessionView {
			return family.SessionView{Info: s, User: p.User()}
		},
		RefusalSyslog: func(admission.Decision, headend.Kind, *admission.Policy, string, string) string { return "" },
	}}, saved...)
	t.Cleanup(func() { families = saved })
}

var foLAN = family.FailoverLinkAddr{Name: "folink", Active: netip.MustParsePrefix("10.0.0.1/30"), Standby: netip.MustParseAddr("10.0.0.2")}
var foState = family.FailoverLinkAddr{Name: "stlink", Active: netip.MustParsePrefix("10.0.1.1/30"), Standby: netip.MustParseAddr("10.0.1.2")}

// foPair creates two units, a the primary and b the secondary, and turns
// failover on, a first.
func foPair(t *testing.T, tl *testLab, a, b string, stateful bool) {
	t.Helper()
	for _, n := range []string{a, b} {
		if _, err := tl.lab.Create("ASAv30", n, ""); err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range []string{a, b} {
		foUpdate(t, tl, n, func(d *foDevice) {
			d.On, d.Primary = true, i == 0
			d.Links = family.FailoverLinkConfig{Key: "k3y", LAN: foLAN}
			if stateful {
				d.Links.State = foState
			}
		})
	}
}

func foUpdate(t *testing.T, tl *testLab, name string, fn func(d *foDevice)) {
	t.Helper()
	h, err := tl.lab.headend(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Update(func(d family.Device) error { fn(d.(*foDevice)); return nil }); err != nil {
		t.Fatal(err)
	}
}

func foStatus(t *testing.T, tl *testLab, name string) family.FailoverStatus {
	t.Helper()
	s, err := tl.lab.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return s.Failover
}

func foWant(t *testing.T, tl *testLab, name string, state family.FailoverState, mate string) {
	t.Helper()
	st := foStatus(t, tl, name)
	if st.State != state || st.MateHostname != mate || st.MateSeen != (mate != "") {
		t.Fatalf("%s: state %d mate %q (seen %v), want state %d mate %q", name, st.State, st.MateHostname, st.MateSeen, state, mate)
	}
}

// admitN admits n distinct users to name and fails unless all are.
func admitN(t *testing.T, tl *testLab, name string, n int) {
	t.Helper()
	for i := range n {
		d, err := tl.lab.Admit(name, fmt.Sprintf("user%d", i), "laptop", headend.KindAnyConnect)
		if err != nil || !d.Admitted {
			t.Fatalf("admission %d on %s: %+v %v", i, name, d, err)
		}
	}
}

func activeCount(t *testing.T, tl *testLab, name string) int {
	t.Helper()
	c, err := tl.lab.Counts(name)
	if err != nil {
		t.Fatal(err)
	}
	return c.Total()
}

func foEvents(t *testing.T, tl *testLab, after uint64) []Event {
	t.Helper()
	evs, _, _, err := tl.lab.ListEvents(after, 1000, EventFilter{Kinds: []EventKind{EventFailoverPairFormed, EventFailoverSwitchover, EventFailoverMateLost}})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func evLines(evs []Event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "%s %s %s | %s\n", e.Headend, e.Kind, e.Syslog, e.Text)
	}
	return b.String()
}

// TestFailoverPairForms: two units that meet pair when the second turns
// failover on; the primary is active and admits against the cluster
// license (250 + 250), the standby refuses with ReasonStandby and takes the
// active's configuration, hostname included, under its own lab name.
func TestFailoverPairForms(t *testing.T) {
	withFOFamily(t)
	tl := openTestLab(t, t.TempDir())
	from := tl.lab.LastEvent()
	for _, n := range []string{"fo-a", "fo-b"} {
		if _, err := tl.lab.Create("ASAv30", n, ""); err != nil {
			t.Fatal(err)
		}
	}
	foUpdate(t, tl, "fo-a", func(d *foDevice) {
		d.On, d.Primary, d.Links = true, true, family.FailoverLinkConfig{Key: "k3y", LAN: foLAN}
		d.Name, d.Cfg = "fw", "interface x"
	})
	foWant(t, tl, "fo-a", family.FailoverActive, "")
	if got := activeCount(t, tl, "fo-a"); got != 0 {
		t.Fatal(got)
	}
	if _, err := tl.lab.Get("fo-a"); err != nil {
		t.Fatalf("a failover unit keeps its lab name when its hostname changes: %v", err)
	}
	foUpdate(t, tl, "fo-b", func(d *foDevice) {
		d.On, d.Links = true, family.FailoverLinkConfig{Key: "k3y", LAN: foLAN}
	})
	foWant(t, tl, "fo-a", family.FailoverActive, "fo-b")
	foWant(t, tl, "fo-b", family.FailoverStandbyReady, "fo-a")
	sb, err := tl.lab.Get("fo-b")
	if err != nil {
		t.Fatal(err)
	}
	if d := sb.Device.(*foDevice); d.Name != "fw" || d.Cfg != "interface x" || sb.LabName() != "fo-b" {
		t.Fatalf("standby after pairing: hostname %q cfg %q lab name %q", d.Name, d.Cfg, sb.LabName())
	}
	if st := sb.Failover; st.Cluster == nil || st.Cluster.Premium != 500 || st.Role != "Secondary" || st.Since.IsZero() {
		t.Fatalf("standby status %+v", st)
	}
	admitN(t, tl, "fo-a", 400)
	if d, err := tl.lab.Admit("fo-b", "eve", "laptop", headend.KindAnyConnect); err != nil || d.Admitted || d.Reason != headend.ReasonStandby {
		t.Fatalf("standby admission: %+v %v", d, err)
	}
	// A change of the active unit reaches the standby; write memory
	// saves both.
	foUpdate(t, tl, "fo-a", func(d *foDevice) { d.Cfg = "interface y"; d.WriteMemory() })
	sb, _ = tl.lab.Get("fo-b")
	if d := sb.Device.(*foDevice); d.Cfg != "interface y" || d.SavedCfg != "interface y" {
		t.Fatalf("standby after a saved change of the active: cfg %q saved %q", d.Cfg, d.SavedCfg)
	}
	evs := foEvents(t, tl, from)
	if len(evs) != 2 || evs[0].Kind != EventFailoverPairFormed || evs[0].Headend != "fo-a" || evs[1].Headend != "fo-b" ||
		!strings.Contains(evs[0].Text, "fo-a (Primary) active, fo-b (Secondary) standby; cluster license: 500 AnyConnect Premium peers") {
		t.Fatalf("events:\n%s", evLines(evs))
	}
}

// TestFailoverSwitchover: `failover active` on the standby moves the 400
// sessions over a stateful link, and drops them without one.
func TestFailoverSwitchover(t *testing.T) {
	for _, stateful := range []bool{true, false} {
		t.Run(fmt.Sprint("stateful=", stateful), func(t *testing.T) {
			withFOFamily(t)
			tl := openTestLab(t, t.TempDir())
			foPair(t, tl, "fo-a", "fo-b", stateful)
			admitN(t, tl, "fo-a", 400)
			from := tl.lab.LastEvent()
			hb, _ := tl.lab.headend("fo-b")
			if err := hb.Failover(family.FailoverMakeActive); err != nil {
				t.Fatal(err)
			}
			foWant(t, tl, "fo-b", family.FailoverActive, "fo-a")
			foWant(t, tl, "fo-a", family.FailoverStandbyReady, "fo-b")
			want := 0
			if stateful {
				want = 400
			}
			if a, b := activeCount(t, tl, "fo-a"), activeCount(t, tl, "fo-b"); a != 0 || b != want {
				t.Fatalf("sessions after the switchover: a %d b %d, want 0 and %d", a, b, want)
			}
			if st := foStatus(t, tl, "fo-b"); st.LastFailover.IsZero() || st.StateUp != stateful {
				t.Fatalf("status %+v", st)
			}
			evs := foEvents(t, tl, from)
			fate := "400 session(s) dropped (no stateful failover link)"
			if stateful {
				fate = "400 session(s) kept over the stateful failover link"
			}
			if len(evs) != 2 || evs[0].Headend != "fo-b" || evs[0].Syslog != "%ASA-1-104001: (Secondary) Switching to ACTIVE - Set by the config command." ||
				!strings.Contains(evs[0].Text, fate) ||
				evs[1].Syslog != "%ASA-1-104002: (Primary) Switching to STANDBY - Other unit wants me Standby." {
				t.Fatalf("events:\n%s", evLines(evs))
			}
			// The same users, against the same cluster limit: 100 more fit.
			for i := range 100 {
				if d, _ := tl.lab.Admit("fo-b", fmt.Sprintf("new%d", i), "pc", headend.KindAnyConnect); !d.Admitted {
					t.Fatalf("admission %d after the switchover refused: %v", i, d.Reason)
				}
			}
			if d, _ := tl.lab.Admit("fo-b", "one-too-many", "pc", headend.KindAnyConnect); d.Admitted == stateful {
				t.Fatalf("admission beyond the cluster license: %+v", d)
			}
			// Doing it again is nothing; `no failover active` switches back.
			if err := hb.Failover(family.FailoverMakeActive); err != nil {
				t.Fatal(err)
			}
			if err := hb.Failover(family.FailoverMakeStandby); err != nil {
				t.Fatal(err)
			}
			foWant(t, tl, "fo-a", family.FailoverActive, "fo-b")
		})
	}
}

// TestFailoverMateLost: a reload of the active unit makes the standby
// active with the sessions the stateful link had; the reloaded unit comes
// back as the standby at the lab time it is up.
func TestFailoverMateLost(t *testing.T) {
	withFOFamily(t)
	tl := openTestLabWith(t, t.TempDir(), Config{ClockMode: ClockSimulated, RealNow: simNow, BootTime: 5 * time.Minute})
	foPair(t, tl, "fo-a", "fo-b", true)
	admitN(t, tl, "fo-a", 300)
	from := tl.lab.LastEvent()
	if _, err := tl.lab.Reload("fo-a", false); err != nil {
		t.Fatal(err)
	}
	foWant(t, tl, "fo-b", family.FailoverActive, "")
	if n := activeCount(t, tl, "fo-b"); n != 300 {
		t.Fatalf("sessions on the new active unit: %d, want 300", n)
	}
	evs := foEvents(t, tl, from)
	if len(evs) != 2 || evs[0].Kind != EventFailoverMateLost || evs[0].Headend != "fo-b" ||
		evs[0].Syslog != "%ASA-1-105005: (Secondary) Lost Failover communications with mate on interface folink." ||
		evs[1].Kind != EventFailoverSwitchover || evs[1].Syslog != "%ASA-1-104001: (Secondary) Switching to ACTIVE - HELLO not heard from mate." ||
		!strings.Contains(evs[1].Text, "300 session(s) kept") {
		t.Fatalf("events:\n%s", evLines(evs))
	}
	// The lone active unit keeps the cluster license: 200 more fit.
	for i := range 200 {
		if d, _ := tl.lab.Admit("fo-b", fmt.Sprintf("n%d", i), "pc", headend.KindAnyConnect); !d.Admitted {
			t.Fatalf("admission %d: %v", i, d.Reason)
		}
	}
	from = tl.lab.LastEvent()
	if _, err := tl.lab.AdvanceClock(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	foWant(t, tl, "fo-a", family.FailoverStandbyReady, "fo-b")
	foWant(t, tl, "fo-b", family.FailoverActive, "fo-a")
	evs = foEvents(t, tl, from)
	if len(evs) != 2 || evs[0].Kind != EventFailoverPairFormed || !strings.Contains(evs[0].Text, "fo-b (Secondary) active, fo-a (Primary) standby") {
		t.Fatalf("events:\n%s", evLines(evs))
	}
}

// TestFailoverRestart: the pair, its active unit, when it formed and last
// failed over, and the lab names survive a restart, with no new events.
func TestFailoverRestart(t *testing.T) {
	withFOFamily(t)
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	foPair(t, tl, "fo-a", "fo-b", false)
	foUpdate(t, tl, "fo-a", func(d *foDevice) { d.Name = "fw"; d.WriteMemory() })
	hb, _ := tl.lab.headend("fo-b")
	if err := hb.Failover(family.FailoverMakeActive); err != nil {
		t.Fatal(err)
	}
	before := foStatus(t, tl, "fo-b")
	last := tl.lab.LastEvent()
	tl.close()
	tl = openTestLab(t, dir)
	if tl.lab.LastEvent() != last {
		t.Fatalf("a restart logged events:\n%s", evLines(foEvents(t, tl, last)))
	}
	foWant(t, tl, "fo-b", family.FailoverActive, "fo-a")
	foWant(t, tl, "fo-a", family.FailoverStandbyReady, "fo-b")
	after := foStatus(t, tl, "fo-b")
	if !after.Since.Equal(before.Since) || !after.LastFailover.Equal(before.LastFailover) || after.LastFailover.IsZero() {
		t.Fatalf("after a restart: since %v last %v, want %v and %v", after.Since, after.LastFailover, before.Since, before.LastFailover)
	}
	for _, n := range []string{"fo-a", "fo-b"} {
		s, err := tl.lab.Get(n)
		if err != nil || s.Device.Hostname() != "fw" {
			t.Fatalf("%s after a restart: %v %v", n, s.Device, err)
		}
	}
	if _, err := tl.lab.Get("fw"); !IsNotFound(err) {
		t.Fatalf("the pair's hostname is no lab name: %v", err)
	}
}

// TestFailoverMismatch: licenses that do not combine keep the units apart,
// each active alone, with the device's line; fixing it pairs them.
func TestFailoverMismatch(t *testing.T) {
	withFOFamily(t)
	tl := openTestLab(t, t.TempDir())
	if _, err := tl.lab.Create("ASAv30", "fo-c", ""); err != nil {
		t.Fatal(err)
	}
	foUpdate(t, tl, "fo-c", func(d *foDevice) { d.Enc = false })
	tl.lab.Delete("fo-c")
	from := tl.lab.LastEvent()
	foPair(t, tl, "fo-a", "fo-b", false)
	foUpdate(t, tl, "fo-b", func(d *foDevice) { d.Enc = false })
	foWant(t, tl, "fo-a", family.FailoverActive, "")
	foWant(t, tl, "fo-b", family.FailoverActive, "")
	s, _ := tl.lab.Get("fo-b")
	const line = "%ASA-1-105045: (Primary) Mate license (Encryption) is not compatible with my license"
	if s.FailoverMismatch != line {
		t.Fatalf("mismatch %q", s.FailoverMismatch)
	}
	evs, _, _, _ := tl.lab.ListEvents(from, 100, EventFilter{Headends: []string{"fo-b"}, Kinds: []EventKind{EventSyslog}})
	if len(evs) != 1 || evs[0].Syslog != line {
		t.Fatalf("events:\n%s", evLines(evs))
	}
	foUpdate(t, tl, "fo-b", func(d *foDevice) { d.Enc = true })
	foWant(t, tl, "fo-b", family.FailoverStandbyReady, "fo-a")
	if s, _ := tl.lab.Get("fo-b"); s.FailoverMismatch != "" {
		t.Fatalf("mismatch after the fix %q", s.FailoverMismatch)
	}
}

// TestFailoverNoMate: pair commands on a unit without failover or mate
// are errors that change nothing; disabling failover takes a unit out.
func TestFailoverNoMate(t *testing.T) {
	withFOFamily(t)
	tl := openTestLab(t, t.TempDir())
	if _, err := tl.lab.Create("ASAv30", "solo", ""); err != nil {
		t.Fatal(err)
	}
	h, _ := tl.lab.headend("solo")
	if err := h.Failover(family.FailoverMakeActive); !errors.Is(err, ErrFailoverOff) {
		t.Fatalf("failover active without failover: %v", err)
	}
	foUpdate(t, tl, "solo", func(d *foDevice) { d.On, d.Primary = true, true })
	if err := h.Failover(family.FailoverMakeStandby); !errors.Is(err, ErrNoMate) {
		t.Fatalf("no failover active alone: %v", err)
	}
	foWant(t, tl, "solo", family.FailoverActive, "")
	foUpdate(t, tl, "solo", func(d *foDevice) { d.On = false })
	if st := foStatus(t, tl, "solo"); st.Enabled {
		t.Fatalf("after no failover: %+v", st)
	}
	// Its lab name stays until its hostname changes, then follows it,
	// also after a restart.
	foUpdate(t, tl, "solo", func(d *foDevice) { d.WriteMemory() })
	if _, err := tl.lab.Get("solo"); err != nil {
		t.Fatal(err)
	}
	foUpdate(t, tl, "solo", func(d *foDevice) { d.Name = "renamed"; d.WriteMemory() })
	for range 2 {
		if _, err := tl.lab.Get("renamed"); err != nil {
			t.Fatal(err)
		}
		if _, err := tl.lab.Get("solo"); !IsNotFound(err) {
			t.Fatalf("the old lab name after the rename: %v", err)
		}
		tl.close()
		tl = openTestLab(t, tl.dir)
	}
}

// TestFailoverMateGone: deleting the active unit makes the standby active
// (no stateful link: the sessions drop with the deleted unit);
// `failover reload-standby` reloads the mate, which comes back as the
// standby.
func TestFailoverMateGone(t *testing.T) {
	withFOFamily(t)
	tl := openTestLab(t, t.TempDir())
	foPair(t, tl, "fo-a", "fo-b", false)
	ha, _ := tl.lab.headend("fo-a")
	from := tl.lab.LastEvent()
	if err := ha.Failover(family.FailoverReloadStandby); err != nil {
		t.Fatal(err)
	}
	foWant(t, tl, "fo-a", family.FailoverActive, "fo-b")
	foWant(t, tl, "fo-b", family.FailoverStandbyReady, "fo-a")
	if s, _ := tl.lab.Get("fo-b"); s.Device.BootCount() != 1 {
		t.Fatalf("fo-b boots %d, want 1", s.Device.BootCount())
	}
	evs := foEvents(t, tl, from)
	if len(evs) != 3 || evs[0].Kind != EventFailoverMateLost || evs[0].Headend != "fo-a" || evs[1].Kind != EventFailoverPairFormed {
		t.Fatalf("events:\n%s", evLines(evs))
	}
	hb, _ := tl.lab.headend("fo-b")
	if err := hb.Failover(family.FailoverReloadStandby); !errors.Is(err, ErrNoMate) {
		t.Fatalf("reload-standby on the standby: %v", err)
	}
	admitN(t, tl, "fo-a", 10)
	from = tl.lab.LastEvent()
	if err := tl.lab.Delete("fo-a"); err != nil {
		t.Fatal(err)
	}
	foWant(t, tl, "fo-b", family.FailoverActive, "")
	if m, ok := hb.Mate(); ok || m != nil {
		t.Fatalf("mate after deletion: %v", m)
	}
	evs = foEvents(t, tl, from)
	if len(evs) != 2 || evs[1].Kind != EventFailoverSwitchover || !strings.Contains(evs[1].Text, "10 session(s) dropped (no stateful failover link)") {
		t.Fatalf("events:\n%s", evLines(evs))
	}
}

// TestFailoverPowerOff: powering the active unit off makes the standby
// active with the sessions the stateful link had; powered on, the unit
// comes back as the standby once it has booted.
func TestFailoverPowerOff(t *testing.T) {
	withFOFamily(t)
	tl := openTestLabWith(t, t.TempDir(), Config{ClockMode: ClockSimulated, RealNow: simNow, BootTime: time.Minute})
	foPair(t, tl, "fo-a", "fo-b", true)
	admitN(t, tl, "fo-a", 50)
	from := tl.lab.LastEvent()
	if _, _, err := tl.lab.PowerOff("fo-a"); err != nil {
		t.Fatal(err)
	}
	foWant(t, tl, "fo-b", family.FailoverActive, "")
	if n := activeCount(t, tl, "fo-b"); n != 50 {
		t.Fatalf("sessions on fo-b: %d, want 50", n)
	}
	evs := foEvents(t, tl, from)
	if len(evs) != 2 || !strings.Contains(evs[0].Text, "failover mate fo-a lost: its mate is powered off") ||
		!strings.Contains(evs[1].Text, "50 session(s) kept over the stateful failover link") {
		t.Fatalf("events:\n%s", evLines(evs))
	}
	if _, err := tl.lab.PowerOn("fo-a"); err != nil {
		t.Fatal(err)
	}
	if st := foStatus(t, tl, "fo-b"); st.MateSeen {
		t.Fatalf("mate seen while it boots: %+v", st)
	}
	if _, err := tl.lab.AdvanceClock(time.Minute); err != nil {
		t.Fatal(err)
	}
	foWant(t, tl, "fo-a", family.FailoverStandbyReady, "fo-b")
	foWant(t, tl, "fo-b", family.FailoverActive, "fo-a")
}

// TestFailoverLinkCut: a cut link between the units leaves both active
// (each its own side), the standby with copies of the sessions over a
// stateful link; restored, the pair forms again with the primary active
// and the secondary's sessions end.
func TestFailoverLinkCut(t *testing.T) {
	withFOFamily(t)
	tl := openTestLab(t, t.TempDir())
	foPair(t, tl, "fo-a", "fo-b", true)
	admitN(t, tl, "fo-a", 20)
	from := tl.lab.LastEvent()
	if _, err := tl.lab.CutLink("fo-a", "fo-b"); err != nil {
		t.Fatal(err)
	}
	foWant(t, tl, "fo-a", family.FailoverActive, "")
	foWant(t, tl, "fo-b", family.FailoverActive, "")
	if a, b := activeCount(t, tl, "fo-a"), activeCount(t, tl, "fo-b"); a != 20 || b != 20 {
		t.Fatalf("sessions while cut: a %d b %d, want 20 and 20", a, b)
	}
	evs := foEvents(t, tl, from)
	if len(evs) != 3 || !strings.Contains(evs[0].Text, "the lab network path to its mate is cut") {
		t.Fatalf("events:\n%s", evLines(evs))
	}
	from = tl.lab.LastEvent()
	if err := tl.lab.RestoreLink("fo-a", "fo-b"); err != nil {
		t.Fatal(err)
	}
	foWant(t, tl, "fo-a", family.FailoverActive, "fo-b")
	foWant(t, tl, "fo-b", family.FailoverStandbyReady, "fo-a")
	if a, b := activeCount(t, tl, "fo-a"), activeCount(t, tl, "fo-b"); a != 20 || b != 0 {
		t.Fatalf("sessions once restored: a %d b %d, want 20 and 0", a, b)
	}
	evs = foEvents(t, tl, from)
	if len(evs) != 3 || evs[2].Headend != "fo-b" || evs[2].Syslog != "%ASA-1-104002: (Secondary) Switching to STANDBY - Other unit wants me Standby." ||
		!strings.Contains(evs[2].Text, "its 20 session(s) dropped") {
		t.Fatalf("events:\n%s", evLines(evs))
	}
}

// holders are the lab names of the headends that answer on addr.
func holders(tl *testLab, addr netip.Addr) []string {
	var out []string
	for _, h := range tl.lab.net.HeldBy(addr) {
		out = append(out, h.labName())
	}
	return out
}

// TestFailoverAddresses: the active unit answers on the pair's addresses,
// the standby on its standby ones; a switchover swaps them.
func TestFailoverAddresses(t *testing.T) {
	withFOFamily(t)
	tl := openTestLab(t, t.TempDir())
	act, sby := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	foPair(t, tl, "fo-a", "fo-b", false)
	foUpdate(t, tl, "fo-a", func(d *foDevice) { d.Addr, d.Standby = act, sby })
	if a, s := holders(tl, act), holders(tl, sby); !slices.Equal(a, []string{"fo-a"}) || !slices.Equal(s, []string{"fo-b"}) {
		t.Fatalf("paired: %s holds %v, %s holds %v", act, a, sby, s)
	}
	hb, _ := tl.lab.headend("fo-b")
	if err := hb.Failover(family.FailoverMakeActive); err != nil {
		t.Fatal(err)
	}
	if a, s := holders(tl, act), holders(tl, sby); !slices.Equal(a, []string{"fo-b"}) || !slices.Equal(s, []string{"fo-a"}) {
		t.Fatalf("switched over: %s holds %v, %s holds %v", act, a, sby, s)
	}
}

// TestFailoverActiveTime: each unit counts the time it was active, shown
// to both units ("Active time"), kept across a restart.
func TestFailoverActiveTime(t *testing.T) {
	withFOFamily(t)
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	foPair(t, tl, "fo-a", "fo-b", false)
	if _, err := tl.lab.AdvanceClock(time.Hour); err != nil {
		t.Fatal(err)
	}
	hb, _ := tl.lab.headend("fo-b")
	if err := hb.Failover(family.FailoverMakeActive); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.lab.AdvanceClock(30 * time.Minute); err != nil {
		t.Fatal(err)
	}
	check := func() {
		t.Helper()
		a, b := foStatus(t, tl, "fo-a"), foStatus(t, tl, "fo-b")
		if a.ActiveTime != time.Hour || b.ActiveTime != 30*time.Minute || b.MateActiveTime != time.Hour ||
			a.MateActiveTime != 30*time.Minute || b.MateVersion == "" {
			t.Fatalf("active times: a %v (mate %v), b %v (mate %v, version %q)", a.ActiveTime, a.MateActiveTime,
				b.ActiveTime, b.MateActiveTime, b.MateVersion)
		}
	}
	check()
	tl.close()
	tl = openTestLab(t, dir)
	check()
}

// TestFailoverConcurrent: admissions to both units, switchovers typed on
// both and cuts of the link between them, all at once, end with one pair,
// one active unit and no more sessions than the cluster license allows.
func TestFailoverConcurrent(t *testing.T) {
	withFOFamily(t)
	tl := openTestLab(t, t.TempDir())
	foPair(t, tl, "fo-a", "fo-b", true)
	ha, _ := tl.lab.headend("fo-a")
	hb, _ := tl.lab.headend("fo-b")
	done := make(chan struct{})
	var wg, sw sync.WaitGroup
	for _, n := range []string{"fo-a", "fo-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				tl.lab.Admit(n, fmt.Sprintf("%s-u%d", n, i%700), "pc", headend.KindAnyConnect)
			}
		}()
	}
	sw.Add(1)
	go func() {
		defer sw.Done()
		for i := range 50 {
			if i%10 == 9 {
				tl.lab.CutLink("fo-a", "fo-b")
				tl.lab.RestoreLink("fo-a", "fo-b")
			}
			h := ha
			if i%2 == 1 {
				h = hb
			}
			h.Failover(family.FailoverMakeActive)
			h.Mate()
			tl.lab.Get("fo-a")
		}
	}()
	sw.Wait() // the switcher first: the admitters run until told
	close(done)
	wg.Wait()
	a, b := foStatus(t, tl, "fo-a"), foStatus(t, tl, "fo-b")
	if !a.MateSeen || !b.MateSeen || (a.State == family.FailoverActive) == (b.State == family.FailoverActive) {
		t.Fatalf("after the storm: a %v (mate %v), b %v (mate %v)", a.State, a.MateSeen, b.State, b.MateSeen)
	}
	if n := activeCount(t, tl, "fo-a") + activeCount(t, tl, "fo-b"); n > 500 {
		t.Fatalf("%d sessions on the pair, above the cluster license of 500", n)
	}
}
