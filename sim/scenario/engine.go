package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/keygen/smart"
	"github.com/asalab/asalab/sim"
)

// Engine runs a lab's training scenario: at most one at a time.
type Engine struct {
	lab *sim.Lab
	all []*Scenario

	mu   sync.Mutex
	run  *run // nil: none
	busy bool // a Start or Reset is setting one up
	// orphan is the scenario the lab's store holds that this build does
	// not carry.
	orphan string
}

// run is the running scenario.
type run struct {
	// sc is the scenario with its description and hints naming this
	// run's Smart Account and tokens; base is the file's.
	sc, base *Scenario
	start    time.Time
	// first is the sequence of the setup's first event: the grade reads
	// the log from there.
	first uint64
	hints int
	// serials are the units' serials at the start (before an RMA);
	// essentials whether each ran anyconnect-essentials then (the event
	// log tells only its changes).
	serials    map[string]string
	essentials map[string]bool
	// sess are the sessions of each traffic group's users, by user index
	// (0: not connected).
	sess [][]uint64
	// smart is the run's Smart Account and ID tokens ("" and nil when
	// the scenario has none).
	smart  string
	tokens []string
}

// record is the stored form of a run.
type record struct {
	Name    string            `json:"name"`
	Start   time.Time         `json:"start"`
	First   uint64            `json:"first"`
	Hints   int               `json:"hints"`
	Serials map[string]string `json:"serials"`
	// Essentials: the units that ran anyconnect-essentials at the start.
	Essentials map[string]bool `json:"essentials"`
	// Smart and Tokens: the run's Smart Account (the file's, or with a
	// number when an earlier run's holds that name) and its ID tokens.
	Smart  string   `json:"smart,omitempty"`
	Tokens []string `json:"tokens,omitempty"`
}

// Open makes the lab's engine with the embedded scenarios and resumes the
// scenario the lab's store holds, its users connected again as the curve
// wants them at the lab time.
func Open(lab *sim.Lab) (*Engine, error) {
	all, err := Load()
	if err != nil {
		return nil, err
	}
	return OpenWith(lab, all)
}

// OpenWith is Open with the given scenarios.
func OpenWith(lab *sim.Lab, all []*Scenario) (*Engine, error) {
	e := &Engine{lab: lab, all: all}
	v, ok, err := lab.ScenarioRecord()
	if err != nil || !ok {
		return e, err
	}
	var rec record
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("scenario: decode the lab's scenario record: %w", err)
	}
	sc, err := e.find(rec.Name)
	if err != nil {
		// A build without the scenario's file still starts: the record
		// stays for a build that has it, and the calls say why nothing
		// runs.
		e.orphan = rec.Name
		return e, nil
	}
	e.run = newRun(sc, rec.Start, rec.First, rec.Serials)
	e.run.hints, e.run.essentials = rec.Hints, rec.Essentials
	e.run.named(rec.Smart, rec.Tokens)
	e.drive()
	e.mu.Lock()
	e.traffic(lab.Clock().Now())
	e.mu.Unlock()
	return e, lab.FlushRefusals()
}

// Lab is the engine's lab.
func (e *Engine) Lab() *sim.Lab { return e.lab }

// List is the scenarios, by name; a description naming a run's Smart
// Account or tokens names the file's account and says the tokens come
// with the start.
func (e *Engine) List() []*Scenario {
	out := slices.Clone(e.all)
	slices.SortFunc(out, func(a, b *Scenario) int { return strings.Compare(a.Name, b.Name) })
	for i, s := range out {
		if s.Smart != nil {
			c := *s
			c.Description = tokenRE.ReplaceAllString(strings.ReplaceAll(s.Description, "{account}", s.Smart.Account), "(given at the start)")
			out[i] = &c
		}
	}
	return out
}

// tokenRE is a description's or a hint's name of a run's token.
var tokenRE = regexp.MustCompile(`\{token[0-9]+\}`)

func (e *Engine) find(name string) (*Scenario, error) {
	for _, s := range e.all {
		if s.Name == name {
			return s, nil
		}
	}
	names := make([]string, 0, len(e.all))
	for _, s := range e.List() {
		names = append(names, s.Name)
	}
	return nil, fmt.Errorf("%w %q (there are %s)", ErrNotFound, name, strings.Join(names, ", "))
}

func newRun(sc *Scenario, start time.Time, first uint64, serials map[string]string) *run {
	r := &run{sc: sc, base: sc, start: start.UTC(), first: first, serials: serials, sess: make([][]uint64, len(sc.Groups))}
	for i, g := range sc.Groups {
		r.sess[i] = make([]uint64, g.Count)
	}
	return r
}

// named sets the run's Smart Account and tokens, and the scenario's
// description and hints naming them ({account}, {token1}, ...).
func (r *run) named(account string, tokens []string) {
	r.smart, r.tokens = account, tokens
	if account == "" && len(tokens) == 0 {
		return
	}
	pairs := []string{"{account}", account}
	for i, t := range tokens {
		pairs = append(pairs, "{token"+strconv.Itoa(i+1)+"}", t)
	}
	rp := strings.NewReplacer(pairs...)
	sc := *r.base
	sc.Description = rp.Replace(sc.Description)
	sc.Hints = make([]string, len(r.base.Hints))
	for i, h := range r.base.Hints {
		sc.Hints[i] = rp.Replace(h)
	}
	r.sc = &sc
}

// Status is the running scenario's state.
type Status struct {
	Scenario  *Scenario
	StartedAt time.Time
	LabTime   time.Time
	HintsUsed int
	Goals     []Result
	// Kept: after a Reset, the lab's headends that are not the
	// scenario's, which it left alone.
	Kept []string
}

// Start sets up the named scenario in the lab and starts its traffic. A
// lab on the machine's clock is switched to a simulated one first, for
// good (sim.Lab.SimulateClock).
func (e *Engine) Start(name string) (Status, error) {
	sc, err := e.find(name)
	if err != nil {
		return Status{}, err
	}
	e.mu.Lock()
	switch {
	case e.run != nil:
		n := e.run.sc.Name
		e.mu.Unlock()
		return Status{}, fmt.Errorf("%w: %s (grade it, then stop it to leave it or reset it to start over)", ErrAlreadyRunning, n)
	case e.busy:
		e.mu.Unlock()
		return Status{}, fmt.Errorf("%w: another start is setting one up", ErrAlreadyRunning)
	case e.lab.Len() > 0:
		e.mu.Unlock()
		return Status{}, fmt.Errorf("%w: %d headends; a scenario starts in an empty lab (delete them, or use another data directory)", ErrLabNotEmpty, e.lab.Len())
	}
	e.busy = true
	e.mu.Unlock()
	if err := e.lab.SimulateClock(); err != nil {
		e.mu.Lock()
		e.busy = false
		e.mu.Unlock()
		return Status{}, err
	}
	return e.begin(sc)
}

// Reset starts the running scenario over: its headends (those its file
// declares) are deleted and it is set up again at the next start time the
// lab clock can reach. Headends the trainee added stay: Status.Kept names
// them.
func (e *Engine) Reset() (Status, error) {
	old, kept, err := e.end()
	if err != nil {
		return Status{}, err
	}
	st, err := e.begin(old.base)
	st.Kept = kept
	return st, err
}

// Stop ends the running scenario: its traffic stops, its headends (those
// its file declares, their users with them) are deleted and its record
// goes, so another can start. Headends the trainee added stay; the names
// are returned. The portal keeps the run's orders, as it keeps every
// earlier run's.
func (e *Engine) Stop() (string, []string, error) {
	old, kept, err := e.end()
	if err != nil {
		return "", nil, err
	}
	e.mu.Lock()
	e.busy = false
	e.mu.Unlock()
	return old.sc.Name, kept, nil
}

// end stops the running scenario's traffic, deletes its headends and its
// record, and leaves e.busy set; it returns the run and the lab's other
// headends, by name. On an error the scenario runs on.
func (e *Engine) end() (*run, []string, error) {
	e.mu.Lock()
	if e.run == nil || e.busy {
		err := e.notRunning()
		e.mu.Unlock()
		return nil, nil, err
	}
	old := e.run
	e.busy = true
	e.run = nil
	e.mu.Unlock()
	e.lab.SetTraffic(0, nil)
	// A failure before the record goes leaves the scenario running, its
	// traffic on what is left of its fleet.
	failed := func(err error) (*run, []string, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.busy, e.run = false, old
		e.drive()
		return nil, nil, err
	}
	for _, u := range old.base.Headends {
		if err := e.lab.Delete(u.Hostname); err != nil && !sim.IsNotFound(err) {
			return failed(err)
		}
	}
	if err := e.lab.PutScenarioRecord(nil, nil, nil); err != nil {
		return failed(err)
	}
	var kept []string
	snaps, _ := e.lab.List("", 1000)
	for _, s := range snaps {
		kept = append(kept, s.LabName())
	}
	slices.Sort(kept)
	return old, kept, nil
}

// begin sets sc up and runs it; e.busy is set.
func (e *Engine) begin(sc *Scenario) (Status, error) {
	r, err := e.setup(sc)
	if err != nil {
		e.mu.Lock()
		e.busy = false
		e.mu.Unlock()
		return Status{}, err
	}
	rec, _ := json.Marshal(record{Name: sc.Name, Start: r.start, First: r.first, Serials: r.serials, Essentials: r.essentials,
		Smart: r.smart, Tokens: r.tokens})
	e.mu.Lock()
	defer e.mu.Unlock()
	e.busy = false
	if err := e.lab.PutScenarioRecord(rec, nil, func() { e.run = r }); err != nil {
		return Status{}, err
	}
	e.drive()
	e.traffic(e.lab.Clock().Now())
	if err := e.lab.FlushRefusals(); err != nil {
		return Status{}, err
	}
	return e.statusLocked(), nil
}

// drive sets the lab's traffic driver to the running scenario's.
func (e *Engine) drive() {
	e.lab.SetTraffic(e.run.sc.Step, func(at time.Time) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.traffic(at)
	})
}

// setup builds the scenario's fleet and portal state before its start and
// moves the clock to the start.
func (e *Engine) setup(sc *Scenario) (*run, error) {
	lab := e.lab
	lead := 24 * time.Hour
	for _, o := range sc.Orders {
		lead = max(lead, o.Before+24*time.Hour)
	}
	for _, u := range sc.Headends {
		if u.SmartReg != nil {
			lead = max(lead, u.SmartReg.Before+24*time.Hour)
		}
	}
	for _, a := range sc.Actions {
		lead = max(lead, a.Before+24*time.Hour)
	}
	now := lab.Clock().Now()
	start := sc.Start
	for start.Add(-lead).Before(now) {
		start = start.AddDate(0, 0, 7)
	}
	at := func(t time.Time) error {
		if t.Equal(lab.Clock().Now()) {
			return nil
		}
		_, err := lab.SetClock(t)
		return err
	}
	if err := at(start.Add(-lead)); err != nil {
		return nil, err
	}
	first := lab.LastEvent() + 1
	fail := func(err error) (*run, error) {
		for _, u := range sc.Headends {
			_ = lab.Delete(u.Hostname)
		}
		return nil, fmt.Errorf("scenario %s: setup: %w", sc.Name, err)
	}
	serials := map[string]string{}
	for _, u := range sc.Headends {
		s, err := lab.Create(u.Model, u.Hostname, u.Serial)
		if err != nil {
			return fail(err)
		}
		serials[u.Hostname] = s.Device.SerialNumber()
		if u.HasFeatures {
			h, err := lab.Headend(u.Hostname)
			if err != nil {
				return fail(err)
			}
			w, err := h.Signer().Encode(keygen.Key{Serial: serials[u.Hostname], Features: u.Features})
			if err != nil {
				return fail(err)
			}
			if _, _, err := lab.InstallKey(u.Hostname, w.String(), sim.KeyActivate); err != nil {
				return fail(fmt.Errorf("%s: %w", u.Hostname, err))
			}
		}
	}
	account, tokens, err := e.setupSmart(sc)
	if err != nil {
		return fail(err)
	}
	if err := e.beforeStart(sc, start, tokens); err != nil {
		return fail(err)
	}
	if len(sc.Orders) > 0 {
		lines := make([]portal.OrderLine, len(sc.Orders))
		for i, o := range sc.Orders {
			lines[i] = o.Line
		}
		ord, err := lab.PlaceOrder(lines)
		if err != nil {
			return fail(err)
		}
		// The registrations in time order, each time's keys installed
		// together: the last permanent key of a serial holds all its
		// permanent licenses.
		idx := make([]int, len(sc.Orders))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return int(sc.Orders[b].Before - sc.Orders[a].Before) })
		for i := 0; i < len(idx); {
			before := sc.Orders[idx[i]].Before
			if err := at(start.Add(-before)); err != nil {
				return fail(err)
			}
			perm := map[string]string{}
			var hosts []string
			for ; i < len(idx) && sc.Orders[idx[i]].Before == before; i++ {
				o := sc.Orders[idx[i]]
				for _, h := range o.RegisterTo {
					reg, err := lab.RegisterPak(ord.PAKs[idx[i]].ID, serials[h])
					if err != nil {
						return fail(fmt.Errorf("%s: registering %s: %w", h, o.Line.SKU, err))
					}
					if reg.Key.PAK != "" { // time-based
						if _, _, err := lab.InstallKey(h, reg.Key.Words.String(), sim.KeyActivate); err != nil {
							return fail(fmt.Errorf("%s: %w", h, err))
						}
						continue
					}
					if _, ok := perm[h]; !ok {
						hosts = append(hosts, h)
					}
					perm[h] = reg.Key.Words.String()
				}
			}
			for _, h := range hosts {
				if _, _, err := lab.InstallKey(h, perm[h], sim.KeyActivate); err != nil {
					return fail(fmt.Errorf("%s: %w", h, err))
				}
			}
		}
	}
	if err := at(start.Add(-time.Hour)); err != nil {
		return fail(err)
	}
	for _, u := range sc.Headends {
		lines := []string{"configure terminal"}
		for _, i := range u.Interfaces {
			lines = append(lines, "interface "+i.Name, "nameif "+i.Nameif,
				"ip address "+i.Prefix.Addr().String()+" "+mask(i.Prefix.Bits()), "no shutdown", "exit")
		}
		lines = append(append(lines, u.Config...), "end", "write memory")
		res, err := lab.Exec(u.Hostname, lines)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", u.Hostname, err))
		}
		for _, l := range strings.Split(res.Transcript, "\n") {
			if strings.HasPrefix(l, "ERROR") || strings.HasPrefix(l, "% Invalid") {
				return fail(fmt.Errorf("%s: its configuration: %s", u.Hostname, l))
			}
		}
		s, err := lab.Get(u.Hostname)
		if err != nil {
			return fail(err)
		}
		if k, ok := s.KeyLicense(); ok && k.ReloadPending {
			if _, err := lab.Reload(u.Hostname, true); err != nil {
				return fail(err)
			}
		}
	}
	if err := at(start); err != nil {
		return fail(err)
	}
	for _, a := range sc.Actions {
		if a.RMA {
			if _, _, err := lab.ReturnForRepair(a.Headend, ""); err != nil {
				return fail(fmt.Errorf("%s: %w", a.Headend, err))
			}
		}
		if a.CutLink != "" && a.Before == 0 {
			if _, err := lab.CutLink(a.Headend, a.CutLink); err != nil {
				return fail(fmt.Errorf("%s: %w", a.Headend, err))
			}
		}
	}
	r := newRun(sc, start, first, serials)
	r.named(account, tokens)
	r.essentials = map[string]bool{}
	for _, u := range sc.Headends {
		if s, err := lab.Get(u.Hostname); err == nil {
			if kl, ok := s.KeyLicense(); ok && kl.RunningEssentials {
				r.essentials[u.Hostname] = true
			}
		}
	}
	return r, nil
}

// setupSmart makes the scenario's Smart Account at the lab time: its
// virtual accounts, entitlements and tokens. The manager keeps the
// accounts of earlier runs, whose licenses and devices would count in this
// one's usage: a name an earlier run holds gets a number ("Acme 2").
func (e *Engine) setupSmart(sc *Scenario) (string, []string, error) {
	sm := sc.Smart
	if sm == nil {
		return "", nil, nil
	}
	s := e.lab.Smart()
	account := sm.Account
	for n := 2; ; n++ {
		_, err := s.CreateAccount(account)
		if err == nil {
			break
		}
		if !errors.Is(err, smart.ErrAccountExists) || n > 99 {
			return "", nil, err
		}
		account = sm.Account + " " + strconv.Itoa(n)
	}
	for _, va := range sm.VirtualAccounts {
		if _, err := s.CreateVirtualAccount(account, va); err != nil {
			return "", nil, err
		}
	}
	for _, en := range sm.Entitlements {
		if _, err := s.AddEntitlement(account, en.VirtualAccount, en.Tag, en.Count, time.Time{}); err != nil {
			return "", nil, err
		}
	}
	var tokens []string
	for _, t := range sm.Tokens {
		tok, err := s.CreateToken(account, t.VirtualAccount, t.Days, 0)
		if err != nil {
			return "", nil, err
		}
		tokens = append(tokens, tok.Token)
	}
	return account, tokens, nil
}

// beforeStart makes, in time order at their lab times, the Smart
// registrations and the link cuts the scenario places before its start.
func (e *Engine) beforeStart(sc *Scenario, start time.Time, tokens []string) error {
	type step struct {
		before time.Duration
		do     func() error
	}
	var steps []step
	for _, u := range sc.Headends {
		if r := u.SmartReg; r != nil {
			steps = append(steps, step{r.Before, func() error {
				res, err := e.lab.Exec(u.Hostname, []string{"configure terminal", "license smart", "feature tier standard",
					"throughput level " + r.Throughput, "exit", "end", "write memory", "license smart register idtoken " + tokens[r.Token]})
				if err != nil {
					return fmt.Errorf("%s: %w", u.Hostname, err)
				}
				s, err := e.lab.Get(u.Hostname)
				if err != nil {
					return err
				}
				if sl, _ := s.SmartLicense(); sl.Registration != "REGISTERED" {
					return fmt.Errorf("%s: its registration before the start failed: %s", u.Hostname, res.Transcript)
				}
				return nil
			}})
		}
	}
	for _, a := range sc.Actions {
		if a.Before > 0 {
			steps = append(steps, step{a.Before, func() error {
				_, err := e.lab.CutLink(a.Headend, a.CutLink)
				return err
			}})
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int { return int(b.before - a.before) })
	for _, st := range steps {
		if t := start.Add(-st.before); !t.Equal(e.lab.Clock().Now()) {
			if _, err := e.lab.SetClock(t); err != nil {
				return err
			}
		}
		if err := st.do(); err != nil {
			return err
		}
	}
	return nil
}

// mask is a prefix length as a dotted mask.
func mask(bits int) string {
	m := ^uint32(0) << (32 - bits)
	if bits == 0 {
		m = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
}

// notRunning is ErrNotRunning, saying why when the store holds a
// scenario this build does not carry. Called with e.mu held.
func (e *Engine) notRunning() error {
	if e.orphan != "" {
		return fmt.Errorf("%w: the lab's store holds scenario %q, which this build does not carry", ErrNotRunning, e.orphan)
	}
	return ErrNotRunning
}

// Status is the running scenario's state, its goals graded without the
// grade's connections.
func (e *Engine) Status() (Status, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.run == nil {
		return Status{}, e.notRunning()
	}
	return e.statusLocked(), nil
}

func (e *Engine) statusLocked() Status {
	r := e.run
	return Status{Scenario: r.sc, StartedAt: r.start, LabTime: e.lab.Clock().Now(), HintsUsed: r.hints, Goals: e.grade(r, false)}
}

// Hint is the next hint, counted as used: its number from 1, the number
// of hints the scenario has, and the text.
func (e *Engine) Hint() (n, total int, hint string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.run
	if r == nil {
		return 0, 0, "", e.notRunning()
	}
	if r.hints >= len(r.sc.Hints) {
		return 0, 0, "", fmt.Errorf("%w: all %d hints of %s were given", ErrNoMoreHints, len(r.sc.Hints), r.sc.Name)
	}
	rec, _ := json.Marshal(record{Name: r.sc.Name, Start: r.start, First: r.first, Hints: r.hints + 1, Serials: r.serials, Essentials: r.essentials,
		Smart: r.smart, Tokens: r.tokens})
	if err := e.lab.PutScenarioRecord(rec, nil, func() { r.hints++ }); err != nil {
		return 0, 0, "", err
	}
	return r.hints, len(r.sc.Hints), r.sc.Hints[r.hints-1], nil
}

// Grade is the running scenario's grade.
type Grade struct {
	Goals []Result
	// Notes are what a trainer remarks on that no goal scores: a unit
	// reloaded with the scenario's users on it (the conversion needs the
	// reloads; their time of day is the trainee's choice).
	Notes     []string
	Passed    int
	HintsUsed int
}

// Lines are the grade as printed: a line per goal, the notes, the hints
// used when any were, then the score. The last line is exactly "score N/M" for a
// script to read.
func (g Grade) Lines() []string {
	out := make([]string, 0, len(g.Goals)+2)
	for _, r := range g.Goals {
		out = append(out, r.Line)
	}
	out = append(out, g.Notes...)
	if g.HintsUsed > 0 {
		out = append(out, fmt.Sprintf("hints used %d", g.HintsUsed))
	}
	return append(out, "score "+strconv.Itoa(g.Passed)+"/"+strconv.Itoa(len(g.Goals)))
}

// Grade grades the running scenario: the lab connects the goals' users
// through admission, and every goal is checked.
func (e *Engine) Grade() (Grade, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.run
	if r == nil {
		return Grade{}, e.notRunning()
	}
	g := Grade{Goals: e.grade(r, true), Notes: e.history(r).reloads, HintsUsed: r.hints}
	for _, res := range g.Goals {
		if res.Passed {
			g.Passed++
		}
	}
	return g, nil
}
