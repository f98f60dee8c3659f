package sim

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/sim/consoleports"
	"github.com/asalab/asalab/sim/devlog"
	"github.com/asalab/asalab/sim/eventlog"
	"github.com/asalab/asalab/sim/fopair"
	"github.com/asalab/asalab/sim/hostnames"
	"github.com/asalab/asalab/sim/journal"
	"github.com/asalab/asalab/sim/labclock"
	"github.com/asalab/asalab/sim/labexec"
	"github.com/asalab/asalab/sim/labnet"
	"github.com/asalab/asalab/sim/labportal"
	"github.com/asalab/asalab/sim/labsmart"
	"github.com/asalab/asalab/sim/labtimers"
	"github.com/asalab/asalab/sim/labview"
	"github.com/asalab/asalab/sim/metrics"
	"github.com/asalab/asalab/sim/refusals"
)

// DefaultLab is the name of the lab every daemon has.
const DefaultLab = "default"

// Config opens a lab.
type Config struct {
	// Name of the lab; DefaultLab when empty.
	Name  string
	Store *Store
	// Signer checks and makes this lab's activation keys.
	Signer *keygen.Signer
	// ClockMode: ClockReal (default) or ClockSimulated. A simulated
	// clock resumes from the store; in a new store it starts at
	// ClockStart, or at the machine's time when ClockStart is zero.
	ClockMode ClockMode
	// ClockStart is a simulated clock's first reading when the store has
	// none (zero: the machine's time, to the second). A stored clock
	// wins: the lab's time never jumps at a restart.
	ClockStart time.Time
	// RealNow reads the machine's clock (time.Now when nil); tests pin it.
	RealNow func() time.Time
	// BootTime is how long a reload or RMA keeps a headend down, in lab
	// time (0: back at once).
	BootTime time.Duration
	// Rand draws the random part of generated serials (math/rand/v2 when
	// nil).
	Rand func(n int) int
	// Log receives lab events; nil discards them.
	Log *zap.Logger
	// Metrics, if not nil, counts the lab's activity.
	Metrics *Metrics
	// UsageFlushInterval is how often unique-user records are written
	// and synced (default 500ms, so that a user admitted is durable
	// within a second, the flush's own sync included).
	UsageFlushInterval time.Duration
	// PeakSampleInterval is how often the peak of active sessions is
	// sampled, in real time (default 100ms; negative: only when counts
	// are read, which tests use for reproducible output).
	PeakSampleInterval time.Duration
	// PAKActivationDelay is the lab time between a PAK's delivery and its
	// first use (0: usable at once; headendd defaults to
	// DefaultPAKActivationDelay).
	PAKActivationDelay time.Duration
	// Usage gives the portal's compliance report the users the headends
	// admitted; nil means the lab's own admission records (Lab.Users).
	// It is called with the portal locked and must not call back into
	// the portal.
	Usage portal.Usage
	// SSH, if not nil, gives every headend its own SSH console port.
	SSH *SSHPorts
	// Syslog, if not nil, is given every syslog line a headend logs (see
	// Lab.Syslog). It is called with the headend locked and must not block.
	Syslog func(at time.Time, hostname, line string)
}

// Lab is a fleet of headends with its clock and store. Lookups by hostname
// are lock-free; creating, deleting and renaming take the lab's lock;
// changes to one headend take only that headend's lock.
type Lab struct {
	name     string
	store    *Store
	signer   *keygen.Signer
	clock    *Clock
	clockMu  sync.Mutex // serialises clock changes and their persistence
	setClock labclock.Setter
	bootTime time.Duration
	rand     func(n int) int
	log      *zap.Logger
	metrics  *Metrics
	portal   *labportal.Service
	smart    *labsmart.Service

	// names finds a headend by its running hostname, lock-free, and
	// holds its saved one (sim/hostnames).
	names *hostnames.Index[*Headend]

	mu       sync.Mutex // guards names, bySerial, nextID, creating, con
	bySerial map[string]*Headend
	nextID   uint64
	creating int // headends reserved by Create and not yet stored

	principals *admission.Principals
	net        network // the addresses the headends hold (network.go)
	retired    metrics.Totals
	usage      usageState                   // usagelog
	con        consoleports.Table[*Headend] // SSH console ports (console.go)
	conWatch   consoleports.Watch[*Headend] // the SSH server's watcher
	syslog     func(at time.Time, hostname, line string)
	ev         *eventlog.Log   // events.go
	timers     labTimers       // timers.go
	netw       labnet.Watchers // netwatch.go
	fo         *failovers      // failover.go
	shared     *sharedService  // shared licensing (shared.go)

	// journal is the one path of changes to the store (events.go).
	journal *journal.Journal

	// watchEnd is why the watches ended (EndWatchesFor).
	watchEnd atomic.Pointer[string]

	// traffic drives a scenario's users as the clock moves (traffic.go).
	traffic atomic.Pointer[trafficDriver]
}

// Headend is one headend of a lab, of any family; it is what the family's
// console reaches (family.Host).
type Headend struct {
	lab     *Lab
	id      uint64
	mu      sync.Mutex
	dev     family.Device
	fam     *family.Family // the device's family
	deleted bool
	name    string // running hostname as indexed; guarded by the lab's mu
	// pinned: name is the headend's name in the lab rather than its
	// running hostname, which follows its failover pair's configuration
	// (failover.go). Written with mu and the lab's mu held.
	pinned  bool
	adm     *admission.Admission // its own synchronisation; never nil
	sshPort int                  // console port, 0: none; written with h.mu and l.mu held
	// pending is set while Create stores the headend: it holds its
	// hostname and serial, but lookups do not see it.
	pending atomic.Bool
	// sshSessions lists the console's SSH connections (SetSSHSessions).
	sshSessions atomic.Pointer[func() []SSHSession]
	// logged is the device's count of lines logged as stored: the lines
	// it logged after them have no event yet. Guarded by mu.
	logged int
	// refusals samples the refused connections (refusals.go).
	refusals refusals.Sampler
	// timer is when the device next logs a line as time passes, and its
	// place in the lab's heap (timers.go); guarded by the heap.
	timer labtimers.Slot
	// smartTimer is its place in the lab's heap of Smart Licensing
	// renewals (smartpath.go); guarded by that heap.
	smartTimer labtimers.Slot
	// off: the headend is powered off since offSince (faults.go); guarded
	// by mu.
	off      bool
	offSince time.Time
	// fo is its place in the failover service, guarded by the service's
	// lock; foView and foMate what the service last published.
	fo     fopair.Unit[*Headend]
	foView atomic.Pointer[fopair.Published]
	foMate atomic.Pointer[Headend]
}

// OpenLab loads a lab from its store.
func OpenLab(cfg Config) (*Lab, error) {
	if cfg.Store == nil || cfg.Signer == nil {
		return nil, fmt.Errorf("%w: a lab needs a store and a signer", ErrInvalidArgument)
	}
	l := &Lab{
		name: cmp.Or(cfg.Name, DefaultLab), store: cfg.Store, signer: cfg.Signer,
		bootTime: cfg.BootTime, rand: cfg.Rand, log: cfg.Log, metrics: cfg.Metrics,
		bySerial: map[string]*Headend{}, nextID: 1,
		names: hostnames.New(func(h *Headend) string { return h.name }),
		net:   newNetwork(),
	}
	if l.rand == nil {
		l.rand = rand.IntN
	}
	if l.log == nil {
		l.log = zap.NewNop()
	}
	l.principals = admission.NewPrincipals(l.usage.NotePrincipal)
	l.usage.Open(usageCore{l}, l.store, l.name, l.principals, l.log)
	l.shared = newSharedService(l)
	l.fo = fopair.NewService[*Headend](foLab{l})
	l.syslog = cfg.Syslog
	if err := l.openEvents(); err != nil {
		return nil, err
	}
	// A lab a training scenario switched to a simulated clock
	// (traffic.go) stays on it.
	clock, setClock, started, err := labclock.Open(cfg.ClockMode, cfg.ClockStart, cfg.RealNow, storedClock{l})
	if errors.Is(err, labclock.ErrOutOfRange) {
		return nil, fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	if err != nil {
		return nil, err
	}
	l.clock, l.setClock = clock, setClock
	if started {
		t := l.clock.Now()
		if err := l.commitClock(t, "simulated clock started at "+t.Format(time.RFC3339), nil); err != nil {
			return nil, err
		}
	}
	now := l.clock.Now()
	foRecs, err := l.store.Failovers(l.name)
	if err != nil {
		return nil, err
	}
	var hs []*Headend // in id order
	err = l.store.Headends(l.name, func(id uint64, v []byte) error {
		d, err := decodeDevice(v)
		if err != nil {
			return fmt.Errorf("sim: headend %d: %w", id, err)
		}
		fam, err := FamilyOf(d.Platform())
		if err != nil {
			return err
		}
		h := &Headend{lab: l, id: id, dev: d, fam: fam, logged: devlog.Count(d)}
		hs = append(hs, h)
		l.newAdmission(h, now)
		name := d.Hostname()
		if r := foRecs[id]; r.Name != "" {
			name, h.pinned = r.Name, true
		}
		if o, ok := l.names.Holder(name); ok {
			return fmt.Errorf("sim: stored headends %d and %d share the hostname %q", o.id, id, name)
		}
		h.name = name
		l.names.Run(name, h)
		l.bySerial[d.SerialNumber()] = h
		l.net.set(h, d)
		l.shared.noteDevice(h, d, now)
		l.schedule(h)
		l.nextID = max(l.nextID, id+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.holdSavedNames(hs)
	if err := l.loadFaults(hs); err != nil {
		return nil, err
	}
	if err := l.loadUsage(hs); err != nil {
		return nil, err
	}
	if err := l.openPortal(cfg); err != nil {
		return nil, err
	}
	if err := l.openSmart(); err != nil {
		return nil, err
	}
	if err := l.openConsoles(cfg.SSH, hs); err != nil {
		return nil, err
	}
	l.loadFailovers(foRecs, hs)
	if err := l.shared.load(now); err != nil {
		return nil, err
	}
	l.onNetChange(l.shared.netChanged)
	l.metrics.SetHeadends(l.stored())
	l.metrics.Watch(l)
	l.usage.Run(cmp.Or(cfg.UsageFlushInterval, 500*time.Millisecond), cmp.Or(cfg.PeakSampleInterval, 100*time.Millisecond))
	return l, nil
}

// Name is the lab's name.
func (l *Lab) Name() string { return l.name }

// Clock is the lab's clock.
func (l *Lab) Clock() *Clock { return l.clock }

// Len is the number of headends.
func (l *Lab) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stored()
}

// stored is the number of headends stored: bySerial also holds those Create
// has reserved. Called with l.mu held.
func (l *Lab) stored() int { return len(l.bySerial) - l.creating }

// SetClock moves a simulated clock to t, durably, with the lines the
// headends log as it passes them (timers.go).
func (l *Lab) SetClock(t time.Time) (time.Time, error) {
	l.clockMu.Lock()
	defer l.clockMu.Unlock()
	if l.clock.Mode() != ClockSimulated {
		// headendd's --clock sets the default lab's clock only; another
		// lab's is fixed when the lab is made.
		if l.name == DefaultLab {
			return time.Time{}, fmt.Errorf("%w; start headendd with --clock=sim to set it", ErrClockNotSimulated)
		}
		return time.Time{}, fmt.Errorf("%w: lab %q was created with the real clock; a lab with a simulated clock is made "+
			"with headendctl lab create NAME --clock sim", ErrClockNotSimulated, l.name)
	}
	if t.Before(l.clock.Now()) {
		return time.Time{}, fmt.Errorf("%w: %s is before the lab time %s", ErrClockBackwards,
			t.UTC().Format(time.RFC3339), l.clock.Now().Format(time.RFC3339))
	}
	if t.After(labclock.Max) {
		return time.Time{}, fmt.Errorf("%w: the lab clock runs to %s, not %s", ErrInvalidArgument,
			labclock.Max.Format(time.RFC3339), t.UTC().Format(time.RFC3339))
	}
	// A refusal event stands for the refusals since the last flush at the
	// time of the first: those pending are logged before the clock moves,
	// so that no refusal made after the move is logged before it.
	if err := l.flushRefusals(); err != nil {
		return time.Time{}, err
	}
	if err := l.moveClockStepped(t, "clock set to "+t.UTC().Format(time.RFC3339)); err != nil {
		return time.Time{}, err
	}
	l.foClock(t)
	l.log.Info("clock set", zap.String("lab", l.name), zap.Time("now", t))
	return l.clock.Now(), nil
}

// commitClock stores the simulated clock at t with its event, then runs
// apply.
func (l *Lab) commitClock(t time.Time, text string, apply func()) error {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.PutClock(t); err != nil {
		return err
	}
	return l.commit(b, []Event{{At: t.UTC(), Kind: EventClock, Text: text}}, apply)
}

// AdvanceClock moves a simulated clock forward by d, durably.
func (l *Lab) AdvanceClock(d time.Duration) (time.Time, error) {
	if d <= 0 {
		return time.Time{}, fmt.Errorf("%w: advance the clock by a positive duration, not %s", ErrInvalidArgument, d)
	}
	l.clockMu.Lock()
	now := l.clock.Now()
	l.clockMu.Unlock()
	// SetClock re-checks under the lock; a concurrent change between the
	// read and the set only makes this advance relative to an older time,
	// which is still forward.
	return l.SetClock(now.Add(d))
}

// Snapshot is a copy of a headend at a point in lab time (package
// labview).
type Snapshot = labview.Snapshot

// headend finds a headend by hostname.
func (l *Lab) headend(hostname string) (*Headend, error) {
	if h, ok := l.names.Lookup(hostname); ok {
		if !h.pending.Load() {
			return h, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrHeadendNotFound, hostname)
}

// Headend returns the headend with that hostname, for a console session.
func (l *Lab) Headend(hostname string) (*Headend, error) { return l.headend(hostname) }

// Create adds a new unit. An empty serial is generated.
//
// The lab's lock is held to reserve the hostname, serial, id and console
// port, not across the synced write: concurrent creations then reach pebble
// together and share its WAL syncs. A reserved headend is indexed, so that
// no other creation, rename or RMA takes its hostname or serial, but
// pending: lookups do not see it until it is stored.
func (l *Lab) Create(model, hostname, serial string, opts ...CreateOption) (Snapshot, error) {
	now := l.clock.Now()
	h, err := l.reserve(model, hostname, serial, now)
	if err != nil {
		return Snapshot{}, err
	}
	d := h.dev // no lookup reaches a pending headend's device
	for _, o := range opts {
		if err = o(d); err != nil {
			break
		}
	}
	var snap Snapshot
	if err == nil {
		text := fmt.Sprintf("created: model %s, serial %s, version %s", d.Platform().Model, d.SerialNumber(), d.SoftwareVersion())
		if a := h.sshAddress(); a != "" {
			text += ", console " + a
		}
		err = l.persistWith(h.id, d, h.sshPort, []Event{{At: now, Headend: hostname, Kind: EventCreated, Text: text}}, func() {
			snap = Snapshot{Device: d.Copy(), Now: now} // d is the headend's own once published
			snap.SSHAddress = l.publish(h)
			h.mu.Lock()
			l.schedule(h)
			h.mu.Unlock()
		})
	}
	if err != nil {
		l.release(h)
		return Snapshot{}, err
	}
	l.log.Info("headend created", zap.String("lab", l.name), zap.String("hostname", hostname),
		zap.String("model", d.Platform().Model), zap.String("serial", d.SerialNumber()), zap.String("ssh", snap.SSHAddress))
	return snap, nil
}

// reserve makes a new headend with a hostname and a serial no other has (an
// empty serial is drawn), an id and a console port, and indexes it, pending.
func (l *Lab) reserve(model, hostname, serial string, now time.Time) (*Headend, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.names.Check(nil, hostname); err != nil {
		return nil, err
	}
	p, ok := headend.LookupPlatform(model)
	if serial == "" {
		if !ok {
			return nil, fmt.Errorf("%w %q (known: %v)", headend.ErrUnknownModel, model, headend.ModelNames())
		}
		serial = l.newSerial(p, now)
	} else if l.bySerial[serial] != nil {
		return nil, fmt.Errorf("%w: %q", ErrSerialTaken, serial)
	}
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %v)", headend.ErrUnknownModel, model, headend.ModelNames())
	}
	fam, err := FamilyOf(p)
	if err != nil {
		return nil, err
	}
	d, err := fam.New(p, serial, hostname, now)
	if err != nil {
		return nil, err
	}
	h := &Headend{lab: l, id: l.nextID, dev: d, fam: fam, sshPort: l.con.Alloc()}
	h.pending.Store(true)
	// The lab's background work ranges over names and reads h.adm.
	l.newAdmission(h, now)
	l.nextID++
	l.index(h, nil, d)
	l.bySerial[serial] = h
	if h.sshPort != 0 {
		l.con.Take(h.sshPort, h)
	}
	l.creating++
	return h, nil
}

// release undoes the reservation of a headend that could not be made or
// stored. Its id stays used: ids need only be unique.
func (l *Lab) release(h *Headend) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unindex(h, h.dev)
	delete(l.bySerial, h.dev.SerialNumber())
	if h.sshPort != 0 {
		l.con.Free(h.sshPort)
	}
	l.creating--
}

// publish makes a stored headend visible to lookups and announces its
// console, whose address it returns.
func (l *Lab) publish(h *Headend) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	h.pending.Store(false)
	l.net.set(h, h.dev)
	l.creating--
	l.metrics.SetHeadends(l.stored())
	l.metrics.Count(metrics.OpCreate)
	l.consoleCreated(h)
	return h.sshAddress()
}

// newSerial draws a serial no headend of the lab has. Called with l.mu held.
func (l *Lab) newSerial(p *headend.Platform, now time.Time) string {
	for {
		s := headend.GenerateSerial(p, now, l.rand)
		if l.bySerial[s] == nil {
			return s
		}
	}
}

// persistWith writes a headend, with its console port unless port is 0 (a
// change keeps the stored port), and the change's events, then runs apply
// (commit).
func (l *Lab) persistWith(id uint64, d family.Device, port int, evs []Event, apply func()) error {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.PutHeadend(id, d, port); err != nil {
		return err
	}
	return l.commit(b, evs, apply)
}

// Get returns a copy of a headend.
func (l *Lab) Get(hostname string) (Snapshot, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return Snapshot{}, err
	}
	return h.snapshot()
}

// List returns copies of the headends whose hostname sorts after `after`,
// at most limit of them, ordered by hostname, and whether more follow.
func (l *Lab) List(after string, limit int) ([]Snapshot, bool) {
	type named struct {
		name string
		h    *Headend
	}
	var hs []named
	l.names.Range(func(name string, h *Headend) bool {
		if name > after && !h.pending.Load() {
			hs = append(hs, named{name, h})
		}
		return true
	})
	slices.SortFunc(hs, func(a, b named) int { return cmp.Compare(a.name, b.name) })
	more := len(hs) > limit
	hs = hs[:min(limit, len(hs))]
	out := make([]Snapshot, 0, len(hs))
	for _, n := range hs {
		if s, err := n.h.snapshot(); err == nil {
			out = append(out, s)
		}
	}
	return out, more
}

// Delete removes a headend.
func (l *Lab) Delete(hostname string) error {
	h, err := l.headend(hostname)
	if err != nil {
		return err
	}
	var deletedAt time.Time
	defer func() { // once unlocked: its addresses, and its links, are gone
		if !deletedAt.IsZero() {
			l.netChanged(deletedAt)
		}
	}()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted {
		return fmt.Errorf("%w: %q", ErrHeadendNotFound, hostname)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.DeleteHeadend(h.id); err != nil {
		return err
	}
	if err := b.DeleteFailover(h.id); err != nil {
		return err
	}
	dropFaults, err := l.dropFaults(h, b)
	if err != nil {
		return err
	}
	now := l.clock.Now()
	evs := append(h.labEvents(devlog.Events(h.dev, h.logged)), Event{At: now, Headend: hostname, Kind: EventDeleted,
		Text: fmt.Sprintf("deleted: model %s, serial %s", h.dev.Platform().Model, h.dev.SerialNumber())})
	err = l.commit(b, evs, func() {
		h.deleted = true
		h.foCapture()
		l.retired.Retire(h.adm.Reset(now.Unix()))
		l.consoleDeleted(h)
		l.unindex(h, h.dev)
		l.net.Drop(h)
		dropFaults()
		l.shared.drop(h, now)
		delete(l.bySerial, h.dev.SerialNumber())
		l.metrics.SetHeadends(l.stored())
		l.metrics.Count(metrics.OpDelete)
		l.schedule(h)
	})
	if err != nil {
		return err
	}
	deletedAt = now
	l.log.Info("headend deleted", zap.String("lab", l.name), zap.String("hostname", hostname))
	return nil
}

// InstallKey is `activation-key <key> [activate|deactivate]` from the API.
func (l *Lab) InstallKey(hostname, key string, action KeyAction) (InstallResult, Snapshot, error) {
	w, err := keygen.ParseWords(key)
	if err != nil {
		return InstallResult{}, Snapshot{}, err
	}
	h, err := l.headend(hostname)
	if err != nil {
		return InstallResult{}, Snapshot{}, err
	}
	var res InstallResult
	err = h.Update(func(d family.Device) error {
		k, err := activationKeys(d)
		if err != nil {
			return err
		}
		res, err = k.InstallKey(l.signer, w, action, l.clock.Now())
		return err
	})
	if err != nil {
		return InstallResult{}, Snapshot{}, err
	}
	s, err := h.snapshot()
	return res, s, err
}

// Reload reloads a headend, saving its configuration first if asked.
func (l *Lab) Reload(hostname string, save bool) (Snapshot, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return Snapshot{}, err
	}
	err = h.Update(func(d family.Device) error {
		if save {
			d.WriteMemory()
		}
		d.Reload(l.clock.Now(), l.bootTime)
		return nil
	})
	if err != nil {
		return Snapshot{}, err
	}
	return h.snapshot()
}

// ReturnForRepair replaces a headend's unit; an empty serial is generated.
func (l *Lab) ReturnForRepair(hostname, newSerial string) (Snapshot, string, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return Snapshot{}, "", err
	}
	if newSerial != "" && !keygen.ValidSerial(newSerial) {
		return Snapshot{}, "", fmt.Errorf("%w: %q", headend.ErrInvalidSerial, newSerial)
	}
	// Once unlocked: a failover unit's pair is checked, and the new unit
	// boots on the lab network.
	var foOld, foNew family.Device
	var bootedAt time.Time
	defer func() {
		if foNew != nil {
			l.foChanged(h, foOld, foNew)
		}
		if !bootedAt.IsZero() {
			l.netChanged(bootedAt)
		}
	}()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted {
		return Snapshot{}, "", fmt.Errorf("%w: %q", ErrHeadendNotFound, hostname)
	}
	if h.off {
		return Snapshot{}, "", h.offError()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if newSerial == "" {
		newSerial = l.newSerial(h.dev.Platform(), now)
	} else if other := l.bySerial[newSerial]; other != nil {
		return Snapshot{}, "", fmt.Errorf("%w: %q", ErrSerialTaken, newSerial)
	}
	h.advance(now)
	c := h.dev.Copy()
	m := h.markLog(c)
	old := c.SerialNumber()
	k, err := activationKeys(c)
	if err != nil {
		return Snapshot{}, "", err
	}
	if err := k.ReturnForRepair(newSerial, now, l.bootTime); err != nil {
		return Snapshot{}, "", err
	}
	// The saved configuration comes back, its hostname with it: a name
	// the unit already holds, so it is free. A pinned unit keeps its name.
	if err := l.names.Check(h, c.Hostname(), c.SavedHostname()); err != nil && !h.pinned {
		return Snapshot{}, "", err
	}
	evs := append(m.Evs, Event{At: now, Headend: c.Hostname(), Kind: EventRMA, Syslog: devlog.BootLine(h.dev, c),
		Text: fmt.Sprintf("unit replaced (RMA): serial %s, was %s; up at %s", newSerial, old, c.UpSince().UTC().Format(time.RFC3339))})
	evs = h.labEvents(append(evs, devlog.Events(c, m.Count)...))
	err = l.persistWith(h.id, c, 0, evs, func() {
		delete(l.bySerial, old)
		l.bySerial[newSerial] = h
		if !h.pinned {
			l.index(h, h.dev, c)
		}
		foOld, foNew = h.dev, c
		h.swap(c, now)
		l.consoleReloaded(h)
		l.metrics.Count(metrics.OpRMA)
	})
	if err != nil {
		return Snapshot{}, "", err
	}
	bootedAt = now
	l.log.Info("headend replaced (RMA)", zap.String("lab", l.name), zap.String("hostname", c.Hostname()),
		zap.String("old_serial", old), zap.String("new_serial", newSerial))
	return Snapshot{Device: c.Copy(), Now: now, SSHAddress: h.sshAddress()}, old, nil
}

// ExecResult is what a scripted console session printed (package labexec).
type ExecResult = labexec.Result

// Limits of one Exec (package labexec).
const (
	MaxExecLines         = labexec.MaxLines
	MaxExecResponseBytes = labexec.MaxResponseBytes
)

// Exec runs lines in one console session that starts in privileged mode.
// More than MaxExecLines lines run none. Once the transcript and the results
// pass MaxExecResponseBytes, Exec stops after that line and fails with
// ErrExecTooLarge; that line and those before it have run (their changes
// stay), and the result holds what they printed.
func (l *Lab) Exec(hostname string, lines []string) (ExecResult, error) {
	if err := labexec.Check(lines); err != nil {
		return ExecResult{}, err
	}
	h, err := l.headend(hostname)
	if err != nil {
		return ExecResult{}, err
	}
	if err := h.available(); err != nil {
		return ExecResult{}, err
	}
	s := h.fam.Console(h, family.ConsoleOptions{Mode: family.ModePriv})
	r, err := labexec.Run(s, lines)
	l.metrics.CountExec(len(r.Results))
	if err != nil {
		l.log.Warn("exec stopped: response too large", zap.String("lab", l.name), zap.String("hostname", hostname),
			zap.Int("lines_run", len(r.Results)), zap.Int("lines", len(lines)), zap.Int("limit_bytes", MaxExecResponseBytes))
	}
	return r, err
}

// available fails if the headend is gone or reloading.
func (h *Headend) available() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted {
		return ErrHeadendNotFound
	}
	return h.checkUp(h.lab.clock.Now())
}

// checkUp fails if the headend is powered off or reloading at now. Called
// with h.mu held.
func (h *Headend) checkUp(now time.Time) error {
	if h.off {
		return h.offError()
	}
	if h.dev.Reloading(now) {
		return fmt.Errorf("%w: %s is up again at %s", headend.ErrUnavailable, h.dev.Hostname(),
			h.dev.UpSince().Format(time.RFC3339))
	}
	return nil
}

func (h *Headend) snapshot() (Snapshot, error) {
	var s Snapshot
	err := h.View(func(d family.Device) {
		s = Snapshot{Device: d.Copy(), Now: h.lab.clock.Now(), SSHAddress: h.sshAddress(),
			PoweredOff: h.off, PoweredOffSince: h.offSince, Name: h.name, Failover: h.FailoverStatus(),
			Shared: h.SharedStatus(), SharedPool: h.SharedPool(), SSLVPNInUse: h.sslVPNInUse(d)}
		if v := h.foView.Load(); v != nil {
			s.FailoverMismatch = v.Mismatch
		}
	})
	return s, err
}

// Now is the lab time (family.Host).
func (h *Headend) Now() time.Time { return h.lab.clock.Now() }

// Signer is the lab's key signer (family.Host).
func (h *Headend) Signer() *keygen.Signer { return h.lab.signer }

// BootTime is the lab's boot time (family.Host).
func (h *Headend) BootTime() time.Duration { return h.lab.bootTime }

// View runs fn on the headend, brought up to the lab time (family.Host).
func (h *Headend) View(fn func(d family.Device)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted {
		return ErrHeadendNotFound
	}
	h.advance(h.lab.clock.Now())
	fn(h.dev)
	return nil
}

// advance brings the headend's device up to now in place and forwards the
// lines that logs to the syslog collectors. Advancing in place is safe: it
// is deterministic from the stored state and the clock, so the stored copy
// catches up on the next write, or replays the same steps after a restart.
// Their events come with the lab's catch-up of the headend, which is due
// by then (timers.go), or with the next change. A change advances first,
// so the lines are forwarded before a reload empties the buffer. Called
// with h.mu held. A headend powered off does not run: power on brings it
// to the lab time.
func (h *Headend) advance(now time.Time) {
	if h.off {
		return
	}
	n := devlog.Count(h.dev)
	h.dev.Advance(now)
	h.lab.forwardLog(n, h.dev)
}

// Update runs fn on a copy of the headend and, if it succeeds, persists the
// copy in one synced batch before making it the headend (family.Host).
// A renamed headend is re-indexed; a hostname another headend has is
// refused. A failover unit's pair is checked again after (failover.go).
func (h *Headend) Update(fn func(d family.Device) error) error {
	var old, c family.Device
	movedAt, err := h.update(func(d family.Device) error {
		old, c = h.dev, d
		return fn(d)
	})
	if err == nil {
		h.lab.foChanged(h, old, c)
		if !movedAt.IsZero() { // it booted, or its addresses changed
			h.lab.netChanged(movedAt)
		}
	}
	h.lab.settleShared() // the change may move shared licensing
	return err
}

// update is Update without the failover check and without telling the lab
// network's watchers; it returns the time of the change when it moved the
// headend on the lab network (netMoved), zero otherwise.
func (h *Headend) update(fn func(d family.Device) error) (time.Time, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.lab
	if h.deleted {
		return time.Time{}, ErrHeadendNotFound
	}
	now := l.clock.Now()
	if err := h.checkUp(now); err != nil {
		return time.Time{}, err
	}
	h.advance(now)
	c := h.dev.Copy()
	m := h.markLog(c)
	if err := fn(c); err != nil {
		return time.Time{}, err
	}
	moved := netMoved(h.dev, c)
	var err error
	if on, _ := fopair.Enabled(c); on || h.pinned && h.dev.Hostname() == c.Hostname() {
		err = h.pinnedChange(c, now, m)
	} else if h.pinned || h.dev.Hostname() != c.Hostname() || h.dev.SavedHostname() != c.SavedHostname() {
		err = h.rename(c, now, m)
	} else {
		err = l.persistWith(h.id, c, 0, devlog.ChangeEvents(h.dev, c, now, m), func() {
			h.noteChange(h.dev, c)
			h.swap(c, now)
		})
	}
	if err == nil && moved {
		return now, nil
	}
	return time.Time{}, err
}

// netMoved reports whether the change from old to c matters to the lab
// network's watchers (netwatch.go): c booted, or answers on other
// addresses.
func netMoved(old, c family.Device) bool {
	return rebooted(old, c) || !slices.Equal(old.Addresses(), c.Addresses())
}

// rename persists c, whose running or saved hostname differs from the
// headend's, and re-indexes it. Called with h.mu held.
func (h *Headend) rename(c family.Device, now time.Time, m logMark) error {
	l := h.lab
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.names.Check(h, c.Hostname(), c.SavedHostname()); err != nil {
		return err
	}
	oldName, unpin := h.name, h.pinned
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.PutHeadend(h.id, c, 0); err != nil {
		return err
	}
	// A unit pinned to its name while it had failover follows its
	// hostname again once failover is off and the hostname changes.
	if unpin {
		if err := b.DeleteFailover(h.id); err != nil {
			return err
		}
	}
	err := l.commit(b, devlog.ChangeEvents(h.dev, c, now, m), func() {
		l.index(h, h.dev, c)
		if unpin {
			h.pinned = false
			if oldName != c.Hostname() && oldName != c.SavedHostname() {
				l.names.Release(oldName, h, true)
			}
		}
		h.noteChange(h.dev, c)
		h.swap(c, now)
	})
	if err != nil {
		return err
	}
	if oldName != c.Hostname() {
		l.log.Info("headend renamed", zap.String("lab", l.name), zap.String("from", oldName), zap.String("to", c.Hostname()))
	}
	return nil
}

// index moves h from the names of old (nil: none) to those of c, the
// device it is about to have. Called with l.mu held, once c is stored.
func (l *Lab) index(h *Headend, old, c family.Device) {
	var was [2]string
	if old != nil {
		was = [2]string{old.Hostname(), old.SavedHostname()}
	}
	l.names.Move(h, old != nil, was, c.Hostname(), c.SavedHostname())
	h.name = c.Hostname()
}

// unindex drops the names h holds with device d. Called with l.mu held.
func (l *Lab) unindex(h *Headend, d family.Device) {
	if h.pinned {
		l.names.Release(h.name, h, true)
		return
	}
	l.names.Release(d.SavedHostname(), h, false)
	l.names.Release(d.Hostname(), h, true)
}

// holdSavedNames gives the loaded headends hs their saved hostnames, once
// every running one is indexed. A store written before saved names were
// held may have one that another headend runs under; that headend keeps
// it, and a reload of the other is refused until one of them is renamed.
func (l *Lab) holdSavedNames(hs []*Headend) {
	for _, h := range hs {
		n := h.dev.SavedHostname()
		if h.pinned {
			continue
		}
		if o, ok := l.names.Holder(n); ok && o != h {
			l.log.Warn("a headend's saved hostname is another's running one: its reload is refused until one is renamed",
				zap.String("lab", l.name), zap.String("hostname", h.dev.Hostname()), zap.String("saved_hostname", n))
			continue
		}
		l.names.Hold(n, h)
	}
}

// swap makes c the headend's device and brings the admission state in line
// with it. Called with h.mu held, once c is stored.
func (h *Headend) swap(c family.Device, now time.Time) {
	prev := h.dev
	h.dev = c
	h.lab.forwardLog(devlog.Count(prev), c)
	h.logged = devlog.Count(c)
	h.lab.net.set(h, c)
	h.afterChange(prev, c, now)
	h.lab.shared.noteDevice(h, c, now)
	h.lab.schedule(h)
}

// rebooted reports whether the change from old to c reloaded the headend
// (a reload or an RMA).
func rebooted(old, c family.Device) bool {
	return old.BootCount() != c.BootCount() || !old.UpSince().Equal(c.UpSince())
}

// noteChange logs and counts what a change did.
func (h *Headend) noteChange(old, c family.Device) {
	l := h.lab
	if rebooted(old, c) {
		l.metrics.Count(metrics.OpReload)
		l.log.Info("headend reloaded", zap.String("lab", l.name), zap.String("hostname", c.Hostname()),
			zap.Time("up_at", c.UpSince()))
		l.consoleReloaded(h)
	}
	if ok, pending := keysChanged(old, c, l.clock.Now()); ok {
		l.log.Info("activation keys changed", zap.String("lab", l.name), zap.String("hostname", c.Hostname()),
			zap.Bool("reload_pending", pending))
	}
}

// IsNotFound reports whether err means the headend or lab does not exist.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrHeadendNotFound) || errors.Is(err, ErrLabNotFound)
}

// pinnedChange persists c, a change of a failover unit, which keeps its
// name in the lab whatever hostname c has; the first such change pins it.
// Called with h.mu held.
func (h *Headend) pinnedChange(c family.Device, now time.Time, m logMark) error {
	l := h.lab
	evs := devlog.ChangeEvents(h.dev, c, now, m)
	for i := range evs {
		evs[i].Headend = h.name
	}
	return l.persistWith(h.id, c, 0, evs, func() {
		if !h.pinned {
			// Only its name stays held: the hostnames the pair's
			// configuration gives it are the pair's.
			l.mu.Lock()
			h.pinned = true
			if n := h.dev.SavedHostname(); n != h.name {
				l.names.Release(n, h, false)
			}
			l.mu.Unlock()
		}
		h.noteChange(h.dev, c)
		h.swap(c, now)
	})
}

// storedClock is the lab's clock as its store holds it (labclock.Stored).
type storedClock struct{ l *Lab }

func (s storedClock) Clock() (time.Time, bool, error) { return s.l.store.Clock(s.l.name) }
func (s storedClock) Simulated() (bool, error)        { return s.l.store.ClockSimulated(s.l.name) }
