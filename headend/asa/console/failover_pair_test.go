package console

import (
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from what the code prints")

// fakePair is a failover pair without a lab: two units of one model whose
// LAN links always meet. It stands in for the lab's side of the pair (which
// unit is active, replication of the active unit's changes, the pair
// commands) so that the console's side can be driven alone. Both units
// with failover on and licenses that combine form the pair, the primary
// active; a unit alone with failover on is active with its mate not
// detected.
type fakePair struct {
	mu      sync.Mutex
	now     time.Time
	units   [2]*fakeUnit
	active  int // index of the active unit while paired
	formed  time.Time
	last    time.Time
	stateOK bool // the stateful link is up
	log     []string
}

// fakeUnit is one unit of a fakePair as a family.Host.
type fakeUnit struct {
	p   *fakePair
	i   int
	dev *asa.Device
	adm *admission.Admission
}

func newFakePair(t *testing.T, model string, serials [2]string, keys [2]keygen.Features) *fakePair {
	t.Helper()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	p := &fakePair{now: now, stateOK: true}
	for i := range p.units {
		d, err := asa.NewDevice(model, serials[i], [2]string{"fo1", "fo2"}[i], now)
		if err != nil {
			t.Fatal(err)
		}
		if !keys[i].IsZero() {
			d.License.Running = &license.PermanentKey{Features: keys[i]}
			d.License.Flash = d.License.Running
		}
		adm := admission.NewAdmission(1, d.Platform().VPNMax, d.AdmissionPolicy(now), now.Unix(), nil)
		p.units[i] = &fakeUnit{p: p, i: i, dev: d, adm: adm}
	}
	return p
}

// paired reports whether both units run failover with licenses that
// combine; the caller holds mu.
func (p *fakePair) paired() bool {
	a, b := p.units[0].dev, p.units[1].dev
	onA, _ := a.FailoverEnabled()
	onB, _ := b.FailoverEnabled()
	if !onA || !onB {
		return false
	}
	_, why := a.CombinedLicense(b, p.now)
	return why == ""
}

// settle forms or breaks the pair after a change, as the lab would:
// replicating the active unit's configuration to the standby, and saving
// it there when the active unit's is saved.
func (p *fakePair) settle() {
	if !p.paired() {
		p.formed = time.Time{}
		return
	}
	if p.formed.IsZero() {
		p.formed, p.active = p.now, 0
		if p.units[1].dev.Running.Failover.Unit == "primary" {
			p.active = 1
		}
	}
	active, standby := p.units[p.active].dev, p.units[1-p.active].dev
	_ = standby.ReplicateFrom(active, p.now)
	if !active.ConfigUnsaved() {
		standby.WriteMemory()
	}
}

func (u *fakeUnit) Now() time.Time { return u.p.now }

func (u *fakeUnit) View(fn func(d family.Device)) error {
	u.p.mu.Lock()
	defer u.p.mu.Unlock()
	fn(u.dev)
	return nil
}

func (u *fakeUnit) Update(fn func(d family.Device) error) error {
	u.p.mu.Lock()
	defer u.p.mu.Unlock()
	c := u.dev.Clone()
	if err := fn(c); err != nil {
		return err
	}
	u.dev = c
	if u.p.formed.IsZero() || u.p.active == u.i {
		u.p.settle()
	}
	return nil
}

func (u *fakeUnit) Signer() *keygen.Signer {
	m, _ := keygen.NewSigner([]byte("console-test-secret-0123456789ab"))
	return m.ForLab("default")
}

func (u *fakeUnit) BootTime() time.Duration                      { return 0 }
func (u *fakeUnit) Admission() *admission.Admission              { return u.adm }
func (u *fakeUnit) PrincipalByIndex(uint32) *admission.Principal { return nil }
func (u *fakeUnit) Reachable(netip.Addr) (string, bool)          { return "", false }
func (u *fakeUnit) SSHSessions() []family.SSHSession             { return nil }
func (u *fakeUnit) SharedStatus() family.SharedStatus            { return family.SharedStatus{} }

func (u *fakeUnit) FailoverStatus() family.FailoverStatus {
	p := u.p
	p.mu.Lock()
	defer p.mu.Unlock()
	on, _ := u.dev.FailoverEnabled()
	if !on {
		return family.FailoverStatus{}
	}
	st := family.FailoverStatus{Enabled: true, Role: u.dev.FailoverRole(), State: family.FailoverActive, LANUp: true}
	if p.formed.IsZero() {
		return st
	}
	mate := p.units[1-u.i]
	cluster, _ := u.dev.CombinedLicense(mate.dev, p.now)
	st.MateSeen, st.MateHostname, st.MateSerial = true, [2]string{"fo1", "fo2"}[mate.i], mate.dev.Serial
	st.State, st.MateState = family.FailoverStandbyReady, family.FailoverActive
	if p.active == u.i {
		st.State, st.MateState = family.FailoverActive, family.FailoverStandbyReady
		st.ActiveTime = p.now.Sub(p.formed)
	} else {
		st.MateActiveTime = p.now.Sub(p.formed)
	}
	st.Since, st.LastFailover, st.StateUp, st.Cluster = p.formed, p.last, p.stateOK, &cluster
	return st
}

func (u *fakeUnit) Failover(cmd family.FailoverCommand) error {
	p := u.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.formed.IsZero() {
		if cmd == family.FailoverMakeActive {
			return nil // alone, the unit is the active one already
		}
		return family.ErrNoMate
	}
	standby := p.units[1-p.active]
	switch cmd {
	case family.FailoverMakeActive:
		if p.active != u.i {
			p.active, p.last = u.i, p.now
		}
	case family.FailoverMakeStandby:
		if p.active == u.i {
			p.active, p.last = 1-u.i, p.now
		}
	case family.FailoverReloadStandby:
		p.log = append(p.log, "reload "+standby.dev.Serial)
	default:
		return errors.New("unknown pair command")
	}
	return nil
}

func (u *fakeUnit) Smart() family.SmartManager { return nil }

func (u *fakeUnit) Mate() (family.Host, bool) {
	u.p.mu.Lock()
	defer u.p.mu.Unlock()
	if u.p.formed.IsZero() {
		return nil, false
	}
	return u.p.units[1-u.i], true
}

// pairSetup is what each unit is given before `failover`: its role and
// its LAN and state links (one interface), with their addresses.
func pairSetup(unit string) []string {
	return []string{
		"configure terminal",
		"interface GigabitEthernet0/0",
		"nameif outside",
		"ip address 192.0.2.1 255.255.255.0 standby 192.0.2.2",
		"no shutdown",
		"exit",
		"failover lan unit " + unit,
		"failover lan interface folink GigabitEthernet0/7",
		"failover link folink",
		"failover interface ip folink 10.255.255.1 255.255.255.252 standby 10.255.255.2",
		"failover key s3cr3t",
		"prompt hostname priority state",
	}
}

// transcript runs steps (unit index, line) on consoles of the pair and
// returns the transcript as a terminal shows it: the prompt, the line,
// what the console printed.
type step struct {
	unit int
	line string
	// wait: the lab clock moves on before the line (unit -1: no line).
	wait time.Duration
}

// later moves the pair's clock on by d.
func later(d time.Duration) []step { return []step{{unit: -1, wait: d}} }

func runSteps(p *fakePair, steps []step) string {
	var b strings.Builder
	sess := [2]family.Console{}
	for _, s := range steps {
		p.mu.Lock()
		p.now = p.now.Add(s.wait)
		p.mu.Unlock()
		if s.unit < 0 {
			continue
		}
		if sess[s.unit] == nil {
			sess[s.unit] = Open(p.units[s.unit], family.ConsoleOptions{User: "admin", Mode: family.ModePriv})
		}
		c := sess[s.unit]
		b.WriteString(c.Prompt() + s.line + "\n")
		b.WriteString(c.Line(s.line))
	}
	return b.String()
}

func on(unit int, lines ...string) []step {
	out := make([]step, len(lines))
	for i, l := range lines {
		out[i] = step{unit: unit, line: l}
	}
	return out
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s: first difference at line %d:\n got %q\nwant %q\n(run with -update to accept the new output)", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: %d lines, want %d (run with -update to accept the new output)", name, len(gl), len(wl))
	}
}

// TestFailoverPairTranscript: two 5525-X with 250 Premium sessions each
// pair up: the secondary takes the primary's configuration and hostname,
// each prompt names its unit's role and state, show failover and show
// version tell the pair's story (500 combined sessions), the standby warns
// that configuration typed there is not replicated, failover exec runs on
// the mate, write memory on the active unit saves the standby too, and
// failover active / no failover active switch the units.
func TestFailoverPairTranscript(t *testing.T) {
	p := newFakePair(t, "ASA5525", [2]string{"FCH1947V0GY", "FCH1947V0GZ"},
		[2]keygen.Features{{PremiumPeers: 250}, {PremiumPeers: 250}})
	var steps []step
	steps = append(steps, on(0, "show failover")...)
	steps = append(steps, on(0, pairSetup("primary")...)...)
	steps = append(steps, on(0, "failover", "end", "show failover", "show running-config failover", "show running-config prompt")...)
	steps = append(steps, on(1, pairSetup("secondary")...)...)
	steps = append(steps, on(1, "failover", "end")...)
	steps = append(steps, later(3*24*time.Hour+5*time.Hour)...)
	steps = append(steps, on(0, "show failover")...)
	steps = append(steps, on(1, "show failover", "show version", "show hostname",
		"configure terminal", "end",
		"failover exec mate show hostname",
		"failover exec mate show running-config prompt",
		"failover exec active show curpriv")...)
	steps = append(steps, on(0, "configure terminal", "logging buffered informational", "end", "write memory")...)
	steps = append(steps, on(1, "show startup-config | include logging buffered")...)
	steps = append(steps, later(time.Hour)...)
	steps = append(steps, on(1, "failover active", "show failover | include host|Last")...)
	steps = append(steps, on(0, "show hostname", "show failover | include host", "failover reload-standby")...)
	steps = append(steps, on(1, "failover reload-standby", "write standby", "no failover active", "show failover | include host")...)
	golden(t, "failover_pair.txt", runSteps(p, steps))
	if want := "reload FCH1947V0GY"; !strings.Contains(strings.Join(p.log, ","), want) {
		t.Errorf("the lab was not asked to reload the standby: %v", p.log)
	}
}

// TestFailoverPairOutputs renders show failover and show version of each
// pair state for the conformance tests of the daemon (which parse them with
// the ntc-templates templates): Active and Standby Ready from a formed
// pair, Active alone with the mate not detected, Negotiation (failover on,
// the lab reporting nothing yet), and Off.
func TestFailoverPairOutputs(t *testing.T) {
	p := newFakePair(t, "ASA5525", [2]string{"FCH1947V0GY", "FCH1947V0GZ"},
		[2]keygen.Features{{PremiumPeers: 250}, {PremiumPeers: 250}})
	runSteps(p, append(append(on(0, pairSetup("primary")...), on(0, "failover", "end")...), on(0, "show failover")...))
	alone := runSteps(p, on(0, "show failover"))
	runSteps(p, append(on(1, pairSetup("secondary")...), on(1, "failover", "end")...))
	p.now = p.now.Add(83*24*time.Hour + 15*time.Hour)
	runSteps(p, on(1, "failover active"))
	p.now = p.now.Add(2 * time.Hour)
	out := func(unit int, line string) string {
		s := Open(p.units[unit], family.ConsoleOptions{User: "admin", Mode: family.ModePriv})
		return s.Line(line)
	}
	golden(t, "show_failover_active.txt", out(1, "show failover"))
	golden(t, "show_failover_standby.txt", out(0, "show failover"))
	golden(t, "show_failover_alone.txt", strings.TrimPrefix(alone, strings.SplitAfter(alone, "\n")[0]))
	golden(t, "show_version_pair.txt", out(1, "show version"))

	b := newMemBackend(t)
	b.dev.License.Running = &license.PermanentKey{Features: keygen.Features{PremiumPeers: 250}}
	s := New(b, Options{User: "admin", Mode: ModePriv})
	for _, l := range pairSetup("secondary") {
		s.Line(l)
	}
	s.Line("failover")
	golden(t, "show_failover_negotiation.txt", s.Line("show failover"))
	s.Line("no failover")
	golden(t, "show_failover_off.txt", s.Line("show failover"))
}

// TestFailoverChecks: `failover` is refused, changing nothing, until the
// unit has a permanent key, a license with failover (not the 5510's Base),
// its role and its LAN link with an address; pair commands need failover
// on, and failover exec a mate.
func TestFailoverChecks(t *testing.T) {
	base := newFakePair(t, "ASA5510", [2]string{"JMX1547Z0KH", "JMX1547Z0KJ"},
		[2]keygen.Features{{}, {PremiumPeers: 10}})
	out := runSteps(base, append(on(0, "failover active", "failover exec mate show version", "configure terminal", "failover"),
		on(1, "configure terminal", "failover lan unit secondary", "failover")...))
	p := newFakePair(t, "ASA5520", [2]string{"JMX1628X0P9", "JMX1628X0PA"},
		[2]keygen.Features{{PremiumPeers: 10}, {PremiumPeers: 10}})
	out += runSteps(p, on(0, "configure terminal", "failover", "failover lan unit secondary", "failover",
		"failover lan interface folink GigabitEthernet0/3", "failover",
		"failover interface ip folink 10.255.255.1 255.255.255.252 standby 10.255.255.2", "failover",
		"show running-config failover", "prompt hostname state hostname", "prompt bogus", "prompt priority state",
		"no prompt", "show running-config prompt", "end", "failover exec nobody show version", "failover exec mate",
		"failover exec mate show version", "failover active", "show failover | include host"))
	golden(t, "failover_checks.txt", out)
}

// TestPromptFollowsSwitchover: a session whose prompt shows the failover
// state shows the new one at the next RETURN after the other unit took
// over, as automation finds the prompt by sending RETURN.
func TestPromptFollowsSwitchover(t *testing.T) {
	p := newFakePair(t, "ASA5525", [2]string{"FCH1947V0GY", "FCH1947V0GZ"},
		[2]keygen.Features{{PremiumPeers: 250}, {PremiumPeers: 250}})
	runSteps(p, append(append(on(0, pairSetup("primary")...), on(0, "failover", "end")...),
		append(on(1, pairSetup("secondary")...), on(1, "failover", "end")...)...))
	primary := Open(p.units[0], family.ConsoleOptions{User: "admin", Mode: family.ModePriv})
	if got := primary.Prompt(); got != "fo1/pri/act# " {
		t.Fatalf("prompt %q", got)
	}
	runSteps(p, on(1, "failover active"))
	primary.Line("")
	if got := primary.Prompt(); got != "fo1/pri/stby# " {
		t.Errorf("prompt after the switchover and a RETURN: %q, want fo1/pri/stby# ", got)
	}
}

// TestShowFailoverStateAndInterface: `show failover state` names each
// unit's role and state in the real layout, on a unit off, alone and in a
// formed pair on both units; `show failover interface` lists the failover
// link with the addresses each unit uses on it.
func TestShowFailoverStateAndInterface(t *testing.T) {
	p := newFakePair(t, "ASA5525", [2]string{"FCH1947V0GY", "FCH1947V0GZ"},
		[2]keygen.Features{{PremiumPeers: 250}, {PremiumPeers: 250}})
	var steps []step
	steps = append(steps, on(0, "show failover state", "show failover interface")...)
	steps = append(steps, on(0, pairSetup("primary")...)...)
	steps = append(steps, on(0, "failover", "end", "show failover state")...)
	steps = append(steps, on(1, pairSetup("secondary")...)...)
	steps = append(steps, on(1, "failover", "end", "show failover state", "show failover interface")...)
	steps = append(steps, on(0, "show failover state", "show failover interface")...)
	golden(t, "show_failover_state.txt", runSteps(p, steps))
}
