package labfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	asaconfig "github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/keygen/smart"
	"github.com/asalab/asalab/sim"
)

// Result is what an apply changed (or would change, dry), one line each in
// the order made; no changes: the lab matched the file.
type Result struct {
	Changes []string
	// Notes say what the apply left alone and why: headends of the lab
	// that the file does not declare, registrations that wait for a PAK.
	Notes []string
}

// Options of an apply.
type Options struct {
	// DryRun: check the file against the lab and say what would change,
	// change nothing.
	DryRun bool
	// Workers bounds the headends created, keyed and configured at once
	// (0: 256). Each console line that changes a headend is a synced
	// write, so a worker mostly waits on the store's log; concurrent
	// changes share its syncs, and the more of them wait together the
	// fewer syncs there are (1,000 headends with an interface and a line:
	// 1.65 s with 32 workers, 0.84 s with 256, on 2 cores).
	Workers int
	// Now is the time a dry run for a lab not made yet (a nil lab) checks
	// the orders at when the file gives no clock start.
	Now time.Time
}

// record is what the lab files applied to a lab made, stored with the lab
// (sim.Lab.LabFileRecord): what a second apply cannot read back from the
// lab itself.
type record struct {
	// Orders are the portal orders placed, by the file's names.
	Orders map[string]orderRecord `json:"orders,omitempty"`
	// Config is, by hostname, the serial and digest of the configuration
	// lines last applied to the headend: a console cannot show them back
	// as written (passwords are hashed, defaults hidden).
	Config map[string]string `json:"config,omitempty"`
	// Smart is, by account NUL virtual account NUL tag, the licenses the
	// files bought; Accounts the Smart accounts and virtual accounts
	// (account NUL va) they made.
	Smart    map[string]int  `json:"smart,omitempty"`
	Accounts map[string]bool `json:"accounts,omitempty"`
}

type orderRecord struct {
	PAK string `json:"pak"`
	// Line is the digest of the order line as placed: a file that changes
	// it is refused (an order placed cannot change).
	Line string `json:"line"`
	// ActiveAt: when the PAK is usable (the portal's activation delay
	// after its delivery).
	ActiveAt time.Time `json:"active_at"`
}

func readRecord(lab *sim.Lab) (*record, error) {
	r := &record{}
	v, ok, err := lab.LabFileRecord()
	if err != nil || !ok {
		return r, err
	}
	if err := json.Unmarshal(v, r); err != nil {
		return nil, fmt.Errorf("labfile: the lab's lab-file record: %w", err)
	}
	return r, nil
}

func (r *record) write(lab *sim.Lab) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return lab.PutLabFileRecord(v)
}

func lineDigest(l portal.OrderLine) string {
	return fmt.Sprintf("%s/%d/%d/%d/%d/%s/%s", l.SKU, l.Size, l.Users, l.Months, l.Quantity, l.Start, l.Customer)
}

// target is a file headend with what the plan found in the lab.
type target struct {
	h      *Headend
	path   string
	exists bool
	serial string // the lab's serial ("" for a new one without a file serial)
	snap   sim.Snapshot
	key    bool // its key from features is to be installed
	// regs are the orders to register to it.
	regs []string
	// lines is the configuration block; digest its record form (the
	// serial, a space, the block's hash).
	lines      []string
	digest     string
	configure  bool
	essentials *bool
	// active is the unit the lines are entered on when not the headend:
	// the active unit of the pair of a standby unit.
	active string
}

// plan is what an apply will do, checked against the lab.
type plan struct {
	f   *File
	lab *sim.Lab
	rec *record

	simulate bool
	setClock time.Time
	orders   []Order // to place
	accounts []string
	vas      [][2]string
	buys     []Entitlement
	buyAcct  []string
	prune    []string
	targets  []*target
	kept     []string
}

// Apply makes the lab match the file. Everything the lab has to agree
// with (a headend's model and serial, an order placed before) is checked
// before the first change: an *Error then, and nothing changed. A failure
// of the lab while changing it (its store) stops the apply where it is; a
// second apply finishes it. A dry run with a nil lab says what the file
// would make of a new lab made with its clock (File.ClockSpec).
func Apply(lab *sim.Lab, f *File, o Options) (Result, error) {
	if lab == nil && !o.DryRun {
		return Result{}, fmt.Errorf("%w: apply a lab file to a lab", sim.ErrInvalidArgument)
	}
	p, err := newPlan(lab, f, o.Now)
	if err != nil {
		return Result{}, err
	}
	if o.DryRun {
		return p.describe(), nil
	}
	return p.run(max(o.Workers, 0))
}

func (p *plan) errAt(w pos, field, format string, args ...any) error {
	return &Error{File: p.f.Name, Line: w.line, Column: w.col, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func newPlan(lab *sim.Lab, f *File, now time.Time) (*plan, error) {
	p := &plan{f: f, rec: &record{}}
	if lab == nil {
		// A new lab starts at the file's clock: nothing of it to change.
		if c := f.Clock; c != nil && !c.Start.IsZero() {
			now = c.Start
		}
	} else {
		rec, err := readRecord(lab)
		if err != nil {
			return nil, err
		}
		p.lab, p.rec = lab, rec
		now = lab.Clock().Now()
		if c := f.Clock; c != nil {
			switch {
			case c.Mode == sim.ClockReal && lab.Clock().Mode() == sim.ClockSimulated:
				return nil, p.errAt(c.mode, "clock.mode", "the lab's clock is simulated and cannot go back to the machine's; apply the file to a new lab")
			case c.Mode == sim.ClockSimulated && lab.Clock().Mode() == sim.ClockReal:
				p.simulate = true
			}
			if !c.Start.IsZero() && c.Start.After(now) {
				p.setClock = c.Start
			}
		}
	}
	if err := p.planOrders(now); err != nil {
		return nil, err
	}
	p.planSmart()
	if err := p.planHeadends(); err != nil {
		return nil, err
	}
	return p, p.rehearseAll(now)
}

// rehearseAll rehearses the configuration blocks to enter, at once on as
// many devices as there are processors, and returns the error of the
// first headend in the file's order that fails.
func (p *plan) rehearseAll(now time.Time) error {
	var todo []int // indexes of p.targets
	for i, t := range p.targets {
		if t.configure {
			todo = append(todo, i)
		}
	}
	errs := make([]error, len(p.targets))
	each(todo, runtime.GOMAXPROCS(0), func(i int) error {
		errs[i] = p.rehearse(p.targets[i], now)
		return nil
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *plan) planOrders(now time.Time) error {
	var lines []portal.OrderLine
	for i, o := range p.f.Orders {
		path := "portal.orders[" + strconv.Itoa(i) + "]"
		if r, ok := p.rec.Orders[o.Name]; ok {
			if r.Line != lineDigest(o.Line) {
				return p.errAt(o.at, path, "order %s was placed (PAK %s) with other values; an order cannot change: give it another name", o.Name, r.PAK)
			}
			continue
		}
		p.orders = append(p.orders, o)
		lines = append(lines, o.Line)
	}
	if len(lines) == 0 {
		return nil
	}
	// The portal checks every line of an order before it records any: a
	// scratch portal tells which line it would refuse, with nothing placed.
	signer, err := keygen.NewSigner([]byte("labfile: a scratch portal's"))
	if err != nil {
		return err
	}
	scratch, err := portal.New(portal.Config{Signer: signer})
	if err != nil {
		return err
	}
	at := now
	if !p.setClock.IsZero() {
		at = p.setClock
	}
	for _, o := range p.orders {
		if _, _, err := scratch.PlaceOrder(at, []portal.OrderLine{o.Line}); err != nil {
			j := slices.IndexFunc(p.f.Orders, func(x Order) bool { return x.Name == o.Name })
			return p.errAt(o.at, "portal.orders["+strconv.Itoa(j)+"]", "%s", trimSentinel(err))
		}
	}
	return nil
}

func smartKey(account, va, tag string) string { return account + "\x00" + va + "\x00" + tag }

func (p *plan) planSmart() {
	for _, a := range p.f.Accounts {
		if !p.rec.Accounts[a.Name] {
			p.accounts = append(p.accounts, a.Name)
		}
		for _, va := range a.VirtualAccounts {
			if !p.rec.Accounts[a.Name+"\x00"+va] {
				p.vas = append(p.vas, [2]string{a.Name, va})
			}
		}
		for _, e := range a.Entitlements {
			if have := p.rec.Smart[smartKey(a.Name, e.VirtualAccount, e.Tag)]; have < e.Count {
				buy := e
				buy.Count = e.Count - have
				p.buys = append(p.buys, buy)
				p.buyAcct = append(p.buyAcct, a.Name)
			}
		}
	}
}

func (p *plan) planHeadends() error {
	inFile := map[string]bool{}
	for _, h := range p.f.Headends {
		inFile[strings.ToLower(h.Hostname)] = true
	}
	bySerial := map[string]string{}
	// The failover links of the lab's units: a pair formed keeps its
	// link, a new one takes one no unit has.
	kept := map[string]netip.Prefix{}
	var taken []netip.Prefix
	for after := ""; p.lab != nil; {
		snaps, more := p.lab.List(after, 1000)
		for _, s := range snaps {
			name := s.LabName()
			bySerial[s.Device.SerialNumber()] = name
			if fl, ok := s.Device.(family.FailoverLinks); ok {
				if l := fl.FailoverLinks().LAN; l.Addressed() {
					kept[name] = l.Active
					taken = append(taken, l.Active)
				}
			}
			if !inFile[strings.ToLower(name)] {
				if p.f.Prune {
					p.prune = append(p.prune, name)
				} else {
					p.kept = append(p.kept, name)
				}
			}
			after = name
		}
		if !more || len(snaps) == 0 {
			break
		}
	}
	if p.lab != nil {
		if err := pairLinks(p.f, kept, taken, func(i int) error { return noDefaultLink(p.errAt, p.f, i) }); err != nil {
			return err
		}
	}
	for i := range p.f.Headends {
		h := &p.f.Headends[i]
		t := &target{h: h, path: "headends[" + strconv.Itoa(i) + "]", serial: h.Serial, essentials: h.Essentials}
		s, err := sim.Snapshot{}, error(sim.ErrHeadendNotFound)
		if p.lab != nil {
			s, err = p.lab.Get(h.Hostname)
		}
		switch {
		case err == nil:
			t.exists, t.snap, t.serial = true, s, s.Device.SerialNumber()
			if m := s.Device.Platform().Model; m != h.Model {
				return p.errAt(h.model, t.path+".model", "%s is of model %s in the lab, not %s; delete it first (headendctl delete %s) for the file to create it anew",
					h.Hostname, m, h.Model, h.Hostname)
			}
			if h.Serial != "" && h.Serial != t.serial {
				return p.errAt(h.serial, t.path+".serial", "%s has the serial %s in the lab, not %s; delete it first (headendctl delete %s) for the file to create it anew",
					h.Hostname, t.serial, h.Serial, h.Hostname)
			}
		case sim.IsNotFound(err):
			if other, ok := bySerial[h.Serial]; ok && h.Serial != "" && !slices.Contains(p.prune, other) {
				return p.errAt(h.serial, t.path+".serial", "serial %s is %s's in the lab", h.Serial, other)
			}
		default:
			return err
		}
		if h.Features != nil {
			if !t.exists {
				t.key = true
			} else if w, err := p.mint(h.Hostname, t.serial, *h.Features); err != nil {
				return p.errAt(h.features, t.path+".keys", "%s", trimSentinel(err))
			} else if k, ok := t.snap.KeyLicense(); !ok || k.FlashKey != w.String() {
				// The flash key is the one the headend keeps; a running
				// key that differs waits for a reload (noted below).
				t.key = true
			}
		}
		for _, name := range h.Orders {
			r, placed := p.rec.Orders[name]
			if placed && t.exists {
				lic, err := p.lab.ListLicenses(t.serial)
				if err != nil {
					return err
				}
				if slices.ContainsFunc(lic.Rows, func(row portal.LicenseRow) bool { return row.PAK == r.PAK }) && p.keyCurrent(t, lic, r.PAK) {
					continue
				}
			}
			t.regs = append(t.regs, name)
		}
		t.lines = configLines(h)
		sum := sha256.Sum256([]byte(strings.Join(t.lines, "\n")))
		t.digest = t.serial + " " + hex.EncodeToString(sum[:8])
		t.configure = len(t.lines) > 0 && (!t.exists || p.rec.Config[h.Hostname] != t.digest)
		if t.exists && h.Failover != nil {
			t.active = activeMate(t.snap.Failover)
		}
		if h.Essentials != nil && t.exists {
			if k, ok := t.snap.KeyLicense(); ok && k.RunningEssentials == *h.Essentials && k.SavedEssentials == *h.Essentials {
				t.essentials = nil
			}
		}
		p.targets = append(p.targets, t)
	}
	return nil
}

// keyCurrent reports whether the key the portal holds for a PAK on the
// serial is installed: the permanent key running and saved, or the PAK's
// time-based key among the installed ones.
func (p *plan) keyCurrent(t *target, lic portal.Licenses, pak string) bool {
	k, ok := t.snap.KeyLicense()
	if !ok {
		return false
	}
	for _, ik := range lic.Keys {
		switch {
		case ik.PAK == pak:
			return slices.ContainsFunc(k.Timed, func(tk family.TimedKey) bool { return tk.Key == ik.Words.String() })
		case ik.PAK == "" && !ik.Words.IsZero():
			if k.FlashKey == ik.Words.String() {
				return true
			}
		}
	}
	return false
}

func (p *plan) mint(hostname, serial string, f keygen.Features) (keygen.Words, error) {
	h, err := p.lab.Headend(hostname)
	if err != nil {
		return keygen.Words{}, err
	}
	return h.Signer().Encode(keygen.Key{Serial: serial, Features: f})
}

// configLines are the configuration lines a headend's declaration makes,
// entered after `configure terminal`.
func configLines(h *Headend) []string {
	lines, _ := configBlock(h, "")
	return lines
}

// configBlock is configLines with the field each line comes from, under
// path (the headend's).
func configBlock(h *Headend, path string) ([]string, []origin) {
	var lines []string
	var from []origin
	add := func(o origin, ls ...string) {
		lines = append(lines, ls...)
		for range ls {
			from = append(from, o)
		}
	}
	for k, i := range h.Interfaces {
		add(origin{fmt.Sprintf("%s.interfaces[%d]", path, k), h.ifAt[k]}, "interface "+i.Name, "nameif "+i.Nameif,
			"ip address "+i.Prefix.Addr().String()+" "+asaconfig.MaskString(i.Prefix.Bits()), "no shutdown", "exit")
	}
	for j, l := range h.Config {
		add(origin{fmt.Sprintf("%s.config[%d]", path, j), h.configAt[j]}, l)
	}
	if fo := h.Failover; fo != nil {
		primary := fo.Link.Addr()
		standby := primary.Next()
		add(origin{path + ".failover", h.failover}, "interface "+fo.Interface, "no shutdown", "exit",
			"failover lan unit "+fo.Unit, "failover lan interface folink "+fo.Interface, "failover link folink",
			"failover interface ip folink "+primary.String()+" "+asaconfig.MaskString(fo.Link.Bits())+" standby "+standby.String(),
			"failover key "+fo.Key, "failover")
	}
	if s := h.Shared; s != nil {
		o := origin{path + ".shared", h.shared}
		if s.Role == "server" {
			add(o, "license-server secret "+s.Secret, "license-server enable "+s.Interface)
		} else {
			add(o, "license-server address "+s.Server.String()+" secret "+s.Secret)
		}
	}
	return lines, from
}

func featureWords(h *Headend) string {
	return strings.Join(h.featureWords, ", ")
}

// describe is the plan's changes as lines, in the order run makes them.
func (p *plan) describe() Result {
	var r Result
	add := func(format string, args ...any) { r.Changes = append(r.Changes, fmt.Sprintf(format, args...)) }
	if p.simulate {
		add("clock switched to simulated")
	}
	if !p.setClock.IsZero() {
		add("clock set to %s", p.setClock.Format(time.RFC3339))
	}
	for _, o := range p.orders {
		add("placed order %s (%s)", o.Name, o.Line.SKU)
	}
	for _, a := range p.accounts {
		add("created Smart account %s", a)
	}
	for _, va := range p.vas {
		add("created virtual account %s of %s", va[1], va[0])
	}
	for i, e := range p.buys {
		add("added %d %s to %s/%s", e.Count, e.Tag, p.buyAcct[i], vaName(e.VirtualAccount))
	}
	for _, h := range p.prune {
		add("deleted headend %s (not in the file; prune)", h)
	}
	for _, t := range p.targets {
		if !t.exists {
			add("created headend %s (%s)", t.h.Hostname, t.h.Model)
		}
	}
	for _, t := range p.targets {
		if t.key {
			add("installed key on %s: %s", t.h.Hostname, featureWords(t.h))
		}
		for _, o := range t.regs {
			add("registered order %s to %s and installed its key", o, t.h.Hostname)
		}
	}
	for _, t := range p.targets {
		if t.configure {
			add("%s", t.configured())
		}
		if e := t.essentials; e != nil {
			add("anyconnect-essentials %s on %s", enabled(*e), t.h.Hostname)
		}
	}
	if len(p.kept) > 0 {
		r.Notes = append(r.Notes, "not in the file: "+strings.Join(p.kept, ", ")+" (kept; prune: true deletes them)")
	}
	return r
}

func vaName(va string) string {
	if va == "" {
		return "DEFAULT"
	}
	return va
}

func enabled(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

// run makes the plan's changes.
func (p *plan) run(workers int) (Result, error) {
	if workers == 0 {
		workers = 256
	}
	want := p.describe()
	var res Result
	res.Notes = want.Notes
	done := func(line string) { res.Changes = append(res.Changes, line) }
	lab := p.lab
	recDirty := false
	fail := func(err error) (Result, error) {
		if recDirty {
			_ = p.rec.write(lab)
		}
		return res, err
	}
	if p.simulate {
		if err := lab.SimulateClock(); err != nil {
			return fail(err)
		}
		done("clock switched to simulated")
	}
	if !p.setClock.IsZero() && p.setClock.After(lab.Clock().Now()) {
		if _, err := lab.SetClock(p.setClock); err != nil {
			return fail(err)
		}
		done("clock set to " + p.setClock.Format(time.RFC3339))
	}
	if len(p.orders) > 0 {
		if p.rec.Orders == nil {
			p.rec.Orders = map[string]orderRecord{}
		}
		for chunk := range slices.Chunk(p.orders, portal.MaxOrderLines) {
			lines := make([]portal.OrderLine, len(chunk))
			for i, o := range chunk {
				lines[i] = o.Line
			}
			ord, err := lab.PlaceOrder(lines)
			if err != nil {
				return fail(err)
			}
			for i, o := range chunk {
				p.rec.Orders[o.Name] = orderRecord{PAK: ord.PAKs[i].ID, Line: lineDigest(o.Line), ActiveAt: ord.PAKs[i].ActiveAt}
				done(fmt.Sprintf("placed order %s (%s)", o.Name, o.Line.SKU))
			}
			// The record is written at once: an order placed and not
			// recorded would be placed again by the next apply.
			if err := p.rec.write(lab); err != nil {
				return res, err
			}
		}
	}
	if err := p.runSmart(done, &recDirty); err != nil {
		return fail(err)
	}
	for _, h := range p.prune {
		if err := lab.Delete(h); err != nil && !sim.IsNotFound(err) {
			return fail(fmt.Errorf("%s: %w", h, err))
		}
		done("deleted headend " + h + " (not in the file; prune)")
	}
	var created []*target
	for _, t := range p.targets {
		if !t.exists {
			created = append(created, t)
		}
	}
	if err := each(created, workers, func(t *target) error {
		s, err := lab.Create(t.h.Model, t.h.Hostname, t.h.Serial)
		if err != nil {
			return fmt.Errorf("%s: %w", t.h.Hostname, err)
		}
		t.serial, t.snap = s.Device.SerialNumber(), s
		sum := t.digest[strings.IndexByte(t.digest, ' '):]
		t.digest = t.serial + sum
		return nil
	}); err != nil {
		return fail(err)
	}
	for _, t := range created {
		if t.serial != "" {
			done(fmt.Sprintf("created headend %s (%s)", t.h.Hostname, t.h.Model))
		}
	}
	if err := p.waitForPAKs(done, &res); err != nil {
		return fail(err)
	}
	if err := each(p.targets, workers, func(t *target) error { return p.runKeys(t) }); err != nil {
		return fail(err)
	}
	for _, t := range p.targets {
		if t.key {
			done(fmt.Sprintf("installed key on %s: %s", t.h.Hostname, featureWords(t.h)))
		}
		for _, o := range t.regs {
			done(fmt.Sprintf("registered order %s to %s and installed its key", o, t.h.Hostname))
		}
	}
	var mu sync.Mutex
	if p.rec.Config == nil {
		p.rec.Config = map[string]string{}
	}
	configure := func(t *target) error {
		if err := p.runConfig(t); err != nil {
			return err
		}
		if t.configure {
			mu.Lock()
			p.rec.Config[t.h.Hostname] = t.digest
			recDirty = true
			mu.Unlock()
		}
		return nil
	}
	// A unit that enables failover with no active peer goes active, and
	// its peer joining later takes its configuration: the primaries (and
	// every other headend) are configured to the end before any secondary
	// enables failover, so each pair forms with its primary active and
	// the primary's declared configuration on both units.
	first, second := splitSecondaries(p.targets)
	if err := each(first, workers, configure); err != nil {
		return fail(err)
	}
	if err := each(second, workers, configure); err != nil {
		return fail(err)
	}
	for _, t := range p.targets {
		if t.configure {
			done(t.configured())
		}
		if e := t.essentials; e != nil {
			done(fmt.Sprintf("anyconnect-essentials %s on %s", enabled(*e), t.h.Hostname))
		}
	}
	for _, h := range p.prune {
		if _, ok := p.rec.Config[h]; ok {
			delete(p.rec.Config, h)
			recDirty = true
		}
	}
	if recDirty {
		if err := p.rec.write(lab); err != nil {
			return res, err
		}
	}
	res.Notes = append(res.Notes, p.reloadNotes()...)
	return res, nil
}

func (p *plan) runSmart(done func(string), dirty *bool) error {
	if len(p.accounts)+len(p.vas)+len(p.buys) == 0 {
		return nil
	}
	if p.rec.Accounts == nil {
		p.rec.Accounts = map[string]bool{}
	}
	if p.rec.Smart == nil {
		p.rec.Smart = map[string]int{}
	}
	s := p.lab.Smart()
	for _, a := range p.accounts {
		// An account made by hand before is the file's from now on.
		if _, err := s.CreateAccount(a); err != nil && !errors.Is(err, smart.ErrAccountExists) {
			return fmt.Errorf("Smart account %s: %w", a, err)
		}
		p.rec.Accounts[a], *dirty = true, true
		done("created Smart account " + a)
	}
	for _, va := range p.vas {
		if _, err := s.CreateVirtualAccount(va[0], va[1]); err != nil && !errors.Is(err, smart.ErrAccountExists) {
			return fmt.Errorf("virtual account %s of %s: %w", va[1], va[0], err)
		}
		p.rec.Accounts[va[0]+"\x00"+va[1]], *dirty = true, true
		done(fmt.Sprintf("created virtual account %s of %s", va[1], va[0]))
	}
	for i, e := range p.buys {
		a := p.buyAcct[i]
		if _, err := s.AddEntitlement(a, e.VirtualAccount, e.Tag, e.Count, time.Time{}); err != nil {
			return fmt.Errorf("entitlement %s of %s: %w", e.Tag, a, err)
		}
		p.rec.Smart[smartKey(a, e.VirtualAccount, e.Tag)] += e.Count
		*dirty = true
		done(fmt.Sprintf("added %d %s to %s/%s", e.Count, e.Tag, a, vaName(e.VirtualAccount)))
	}
	// Written before the headends change: a license bought and not
	// recorded would be bought again.
	return p.rec.write(p.lab)
}

// waitForPAKs moves a simulated clock to when the PAKs to register are
// usable (the portal's activation delay after their delivery); on the
// machine's clock their registrations wait for a later apply.
func (p *plan) waitForPAKs(done func(string), res *Result) error {
	var latest time.Time
	for _, t := range p.targets {
		for _, name := range t.regs {
			if a := p.rec.Orders[name].ActiveAt; a.After(latest) {
				latest = a
			}
		}
	}
	now := p.lab.Clock().Now()
	if !latest.After(now) {
		return nil
	}
	if p.lab.Clock().Mode() == sim.ClockSimulated {
		if _, err := p.lab.SetClock(latest); err != nil {
			return err
		}
		done("clock set to " + latest.UTC().Format(time.RFC3339) + ": the portal's PAKs are usable from then")
		return nil
	}
	for _, t := range p.targets {
		var keep []string
		for _, name := range t.regs {
			if a := p.rec.Orders[name].ActiveAt; a.After(now) {
				res.Notes = append(res.Notes, fmt.Sprintf("order %s is usable from %s: apply again then to register it to %s",
					name, a.UTC().Format(time.RFC3339), t.h.Hostname))
				continue
			}
			keep = append(keep, name)
		}
		t.regs = keep
	}
	return nil
}

// runKeys installs a headend's key from features, and registers its
// orders with their keys installed.
func (p *plan) runKeys(t *target) error {
	host := t.h.Hostname
	if t.key {
		w, err := p.mint(host, t.serial, *t.h.Features)
		if err != nil {
			return fmt.Errorf("%s: %w", host, err)
		}
		if err := p.install(host, w.String()); err != nil {
			return err
		}
	}
	perm := ""
	for _, name := range t.regs {
		reg, err := p.lab.RegisterPak(p.rec.Orders[name].PAK, t.serial)
		if err != nil {
			return fmt.Errorf("%s: registering order %s: %w", host, name, err)
		}
		if reg.Key.PAK != "" { // a time-based key
			if err := p.install(host, reg.Key.Words.String()); err != nil {
				return err
			}
			continue
		}
		perm = reg.Key.Words.String()
	}
	if perm != "" {
		return p.install(host, perm)
	}
	return nil
}

func (p *plan) install(host, key string) error {
	if _, _, err := p.lab.InstallKey(host, key, sim.KeyActivate); err != nil {
		return fmt.Errorf("%s: installing its key: %w", host, err)
	}
	return nil
}

// reloadNotes are the notes of the file's headends whose running key
// differs from the one they keep: a key with fewer features than the
// running one takes effect at the next reload (a reload the apply does not
// make: it takes the headend down for the lab's boot time).
func (p *plan) reloadNotes() []string {
	var notes []string
	for _, t := range p.targets {
		if t.h.Features == nil && len(t.h.Orders) == 0 {
			continue
		}
		s, err := p.lab.Get(t.h.Hostname)
		if err != nil {
			continue
		}
		if k, ok := s.KeyLicense(); ok && k.ReloadPending {
			notes = append(notes, fmt.Sprintf("%s: the key it keeps takes effect at its next reload (headendctl reload %s)", t.h.Hostname, t.h.Hostname))
		}
	}
	return notes
}

// configured is the change line of t's configuration.
func (t *target) configured() string {
	if t.active != "" {
		return fmt.Sprintf("configured %s (%d lines, entered on the active unit %s)", t.h.Hostname, len(t.lines), t.active)
	}
	return fmt.Sprintf("configured %s (%d lines)", t.h.Hostname, len(t.lines))
}

// activeMate is the mate of a unit in the standby state of a formed pair,
// "" for any other unit. A pair's configuration is one: the active unit
// takes it and replicates it onto the standby, while a line entered on the
// standby stays there (the ASA warns "Configuration Replication is NOT
// performed from Standby unit to Active unit", Cisco ASA configuration
// guide, "Command Replication") and the next failover loses it.
func activeMate(st family.FailoverStatus) string {
	if st.Enabled && st.MateSeen && st.MateHostname != "" && st.State != family.FailoverActive {
		return st.MateHostname
	}
	return ""
}

// runConfig enters a headend's configuration lines and Essentials, and
// saves them: on the headend, or, when it is the standby unit of its
// pair, on the pair's active unit.
func (p *plan) runConfig(t *target) error {
	var lines []string
	if t.configure {
		lines = append(lines, t.lines...)
	}
	if e := t.essentials; e != nil {
		w := "anyconnect-essentials"
		if !*e {
			w = "no " + w
		}
		lines = append(lines, "webvpn", w, "exit")
	}
	if len(lines) == 0 {
		return nil
	}
	host := t.h.Hostname
	t.active = ""
	if t.h.Failover != nil && t.exists {
		s, err := p.lab.Get(host)
		if err != nil {
			return fmt.Errorf("%s: %w", host, err)
		}
		if t.active = activeMate(s.Failover); t.active != "" {
			// The unit's role is its own (`failover lan unit` is not
			// replicated): the active unit keeps its role.
			host = t.active
			lines = slices.DeleteFunc(slices.Clone(lines), func(l string) bool { return strings.HasPrefix(l, "failover lan unit ") })
		}
	}
	res, err := p.lab.Exec(host, append(append([]string{"configure terminal"}, lines...), "end", "write memory"))
	if err != nil {
		return fmt.Errorf("%s: %w", host, err)
	}
	// The rehearsal passed these lines; a refusal here is the lab's
	// headend differing from the rehearsal's device (a unit gone standby).
	for _, r := range res.Results {
		if r.Error {
			return fmt.Errorf("%w: %s: the console refused %q: %s", sim.ErrInvalidArgument, host, r.Input, errorLine(r.Output))
		}
	}
	return nil
}

// splitSecondaries is the targets but the secondary units of failover
// pairs, and those.
func splitSecondaries(ts []*target) (first, second []*target) {
	for _, t := range ts {
		if fo := t.h.Failover; fo != nil && fo.Unit == "secondary" {
			second = append(second, t)
		} else {
			first = append(first, t)
		}
	}
	return first, second
}

// each runs fn on every item, at most n at once; the first error wins.
func each[T any](items []T, n int, fn func(T) error) error {
	if len(items) == 0 {
		return nil
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	next := make(chan T)
	for range min(n, len(items)) {
		wg.Go(func() {
			for it := range next {
				if err := fn(it); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, it := range items {
		next <- it
	}
	close(next)
	wg.Wait()
	return first
}

// ClockSpec is the clock a lab the file creates starts with: the file's,
// else a simulated one at the machine's time.
func (f *File) ClockSpec() (mode sim.ClockMode, start time.Time) {
	if f.Clock == nil {
		return sim.ClockSimulated, time.Time{}
	}
	return f.Clock.Mode, f.Clock.Start
}
