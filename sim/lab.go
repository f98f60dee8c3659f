package sim

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/console"
	"github.com/asalab/asalab/keygen"
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
	// clock resumes from the store, or starts at the machine's time.
	ClockMode ClockMode
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
	Usage keygen.Usage
	// SSH, if not nil, gives every headend its own SSH console port.
	SSH *SSHPorts
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
	bootTime time.Duration
	rand     func(n int) int
	log      *zap.Logger
	metrics  *Metrics
	portal   *portalState

	byName sync.Map // hostname -> *Headend

	mu       sync.Mutex // guards bySerial, nextID, con, and changes to byName
	bySerial map[string]*Headend
	nextID   uint64

	principals *headend.Principals
	retired    admissionTotals
	usage      usageLog
	con        consoles                           // SSH console ports (console.go)
	conWatch   atomic.Pointer[func(ConsoleEvent)] // the SSH server's watcher
}

// Headend is one headend of a lab. It is the console's Backend.
type Headend struct {
	lab     *Lab
	id      uint64
	mu      sync.Mutex
	dev     *headend.Device
	deleted bool
	adm     *headend.Admission // its own synchronisation; never nil
	sshPort int                // console port, 0: none; written with h.mu and l.mu held
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
	}
	if l.rand == nil {
		l.rand = rand.IntN
	}
	if l.log == nil {
		l.log = zap.NewNop()
	}
	l.principals = headend.NewPrincipals(l.notePrincipal)
	realNow := cfg.RealNow
	if realNow == nil {
		realNow = time.Now
	}
	switch cfg.ClockMode {
	case ClockSimulated:
		t, ok, err := l.store.loadClock(l.name)
		if err != nil {
			return nil, err
		}
		if !ok {
			t = realNow().UTC().Truncate(time.Second)
			if err := l.store.putClock(l.name, t); err != nil {
				return nil, err
			}
		}
		l.clock = NewSimClock(t)
	default:
		l.clock = &Clock{mode: ClockReal, real: realNow}
	}
	now := l.clock.Now()
	var hs []*Headend // in id order
	err := l.store.loadHeadends(l.name, func(id uint64, d *headend.Device) error {
		h := &Headend{lab: l, id: id, dev: d}
		hs = append(hs, h)
		l.newAdmission(h, now)
		if _, dup := l.byName.LoadOrStore(d.Hostname(), h); dup {
			return fmt.Errorf("sim: stored headends share the hostname %q", d.Hostname())
		}
		l.bySerial[d.Serial] = h
		l.nextID = max(l.nextID, id+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := l.loadUsage(hs); err != nil {
		return nil, err
	}
	if err := l.openPortal(cfg); err != nil {
		return nil, err
	}
	if err := l.openConsoles(cfg.SSH, hs); err != nil {
		return nil, err
	}
	l.metrics.setHeadends(len(l.bySerial))
	l.metrics.watch(l)
	l.runUsageFlusher(cmp.Or(cfg.UsageFlushInterval, 500*time.Millisecond), cmp.Or(cfg.PeakSampleInterval, 100*time.Millisecond))
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
	return len(l.bySerial)
}

// SetClock moves a simulated clock to t, durably.
func (l *Lab) SetClock(t time.Time) (time.Time, error) {
	l.clockMu.Lock()
	defer l.clockMu.Unlock()
	if l.clock.mode != ClockSimulated {
		return time.Time{}, ErrClockNotSimulated
	}
	if t.Before(l.clock.Now()) {
		return time.Time{}, fmt.Errorf("%w: %s is before the lab time %s", ErrClockBackwards,
			t.UTC().Format(time.RFC3339), l.clock.Now().Format(time.RFC3339))
	}
	if t.After(maxLabTime) {
		return time.Time{}, fmt.Errorf("%w: the lab clock runs to %s, not %s", ErrInvalidArgument,
			maxLabTime.Format(time.RFC3339), t.UTC().Format(time.RFC3339))
	}
	if err := l.store.putClock(l.name, t); err != nil {
		return time.Time{}, err
	}
	l.clock.set(t)
	l.log.Info("clock set", zap.String("lab", l.name), zap.Time("now", t))
	return l.clock.Now(), nil
}

// maxLabTime is the last time a simulated clock holds: it counts Unix
// nanoseconds in an int64.
var maxLabTime = time.Unix(0, math.MaxInt64).UTC()

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

// Snapshot is a copy of a headend at a point in lab time.
type Snapshot struct {
	Device *headend.Device
	Now    time.Time
	// SSHAddress is the headend's SSH console, "" when it has none.
	SSHAddress string
}

// headend finds a headend by hostname.
func (l *Lab) headend(hostname string) (*Headend, error) {
	if v, ok := l.byName.Load(hostname); ok {
		return v.(*Headend), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrHeadendNotFound, hostname)
}

// Headend returns the headend with that hostname, for a console session.
func (l *Lab) Headend(hostname string) (*Headend, error) { return l.headend(hostname) }

// Create adds a new unit. An empty serial is generated.
func (l *Lab) Create(model, hostname, serial string, opts ...CreateOption) (Snapshot, error) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, taken := l.byName.Load(hostname); taken {
		return Snapshot{}, fmt.Errorf("%w: %q", ErrHostnameTaken, hostname)
	}
	if serial == "" {
		p, ok := headend.LookupPlatform(model)
		if !ok {
			return Snapshot{}, fmt.Errorf("%w %q (known: %v)", headend.ErrUnknownModel, model, headend.ModelNames())
		}
		serial = l.newSerial(p, now)
	} else if l.bySerial[serial] != nil {
		return Snapshot{}, fmt.Errorf("%w: %q", ErrSerialTaken, serial)
	}
	d, err := headend.NewDevice(model, serial, hostname, now)
	if err != nil {
		return Snapshot{}, err
	}
	for _, o := range opts {
		if err := o(d); err != nil {
			return Snapshot{}, err
		}
	}
	h := &Headend{lab: l, id: l.nextID, dev: d, sshPort: l.allocPort()}
	if err := l.persist(h.id, d, h.sshPort); err != nil {
		return Snapshot{}, err
	}
	l.newAdmission(h, now)
	l.nextID++
	l.byName.Store(hostname, h)
	l.bySerial[serial] = h
	l.metrics.setHeadends(len(l.bySerial))
	l.metrics.count(opCreate)
	l.consoleCreated(h)
	l.log.Info("headend created", zap.String("lab", l.name), zap.String("hostname", hostname),
		zap.String("model", d.Model), zap.String("serial", serial), zap.String("ssh", h.sshAddress()))
	return Snapshot{Device: d.Clone(), Now: now, SSHAddress: h.sshAddress()}, nil
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

// persist writes a headend durably, with its console port unless port is 0
// (a change keeps the stored port).
func (l *Lab) persist(id uint64, d *headend.Device, port int) error {
	start := time.Now()
	err := l.store.putHeadend(l.name, id, d, port)
	l.metrics.observePersist(time.Since(start))
	return err
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
	l.byName.Range(func(k, v any) bool {
		if name := k.(string); name > after {
			hs = append(hs, named{name, v.(*Headend)})
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
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted {
		return fmt.Errorf("%w: %q", ErrHeadendNotFound, hostname)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.store.deleteHeadend(l.name, h.id); err != nil {
		return err
	}
	h.deleted = true
	l.retire(h.adm.Reset(l.clock.Now().Unix()))
	l.consoleDeleted(h)
	l.byName.Delete(h.dev.Hostname())
	delete(l.bySerial, h.dev.Serial)
	l.metrics.setHeadends(len(l.bySerial))
	l.metrics.count(opDelete)
	l.log.Info("headend deleted", zap.String("lab", l.name), zap.String("hostname", hostname))
	return nil
}

// InstallKey is `activation-key <key> [activate|deactivate]` from the API.
func (l *Lab) InstallKey(hostname, key string, action headend.KeyAction) (headend.InstallResult, Snapshot, error) {
	w, err := keygen.ParseWords(key)
	if err != nil {
		return headend.InstallResult{}, Snapshot{}, err
	}
	h, err := l.headend(hostname)
	if err != nil {
		return headend.InstallResult{}, Snapshot{}, err
	}
	var res headend.InstallResult
	err = h.Update(func(d *headend.Device) error {
		var err error
		res, err = d.InstallKey(l.signer, w, action, l.clock.Now())
		return err
	})
	if err != nil {
		return headend.InstallResult{}, Snapshot{}, err
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
	err = h.Update(func(d *headend.Device) error {
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
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted {
		return Snapshot{}, "", fmt.Errorf("%w: %q", ErrHeadendNotFound, hostname)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if newSerial == "" {
		newSerial = l.newSerial(h.dev.Platform(), now)
	} else if other := l.bySerial[newSerial]; other != nil {
		return Snapshot{}, "", fmt.Errorf("%w: %q", ErrSerialTaken, newSerial)
	}
	c := h.dev.Clone()
	c.Advance(now)
	old := c.Serial
	if err := c.ReturnForRepair(newSerial, now, l.bootTime); err != nil {
		return Snapshot{}, "", err
	}
	if err := l.persist(h.id, c, 0); err != nil {
		return Snapshot{}, "", err
	}
	delete(l.bySerial, old)
	l.bySerial[newSerial] = h
	h.swap(c, now)
	l.consoleReloaded(h)
	l.metrics.count(opRMA)
	l.log.Info("headend replaced (RMA)", zap.String("lab", l.name), zap.String("hostname", c.Hostname()),
		zap.String("old_serial", old), zap.String("new_serial", newSerial))
	return Snapshot{Device: c.Clone(), Now: now, SSHAddress: h.sshAddress()}, old, nil
}

// ExecResult is what a scripted console session printed.
type ExecResult struct {
	Transcript string
	Results    []console.Result
	Closed     bool
}

// Exec runs lines in one console session that starts in privileged mode.
func (l *Lab) Exec(hostname string, lines []string) (ExecResult, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return ExecResult{}, err
	}
	if err := h.available(); err != nil {
		return ExecResult{}, err
	}
	s := console.New(h, console.Options{Mode: console.ModePriv})
	t, res := console.Run(s, lines)
	l.metrics.countExec(len(res))
	return ExecResult{Transcript: t, Results: res, Closed: s.Closed()}, nil
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

// checkUp fails if the headend is reloading at now. Called with h.mu held.
func (h *Headend) checkUp(now time.Time) error {
	if h.dev.Reloading(now) {
		return fmt.Errorf("%w: %s is up again at %s", headend.ErrUnavailable, h.dev.Hostname(),
			h.dev.UpAt.Format(time.RFC3339))
	}
	return nil
}

func (h *Headend) snapshot() (Snapshot, error) {
	var s Snapshot
	err := h.View(func(d *headend.Device) {
		s = Snapshot{Device: d.Clone(), Now: h.lab.clock.Now(), SSHAddress: h.sshAddress()}
	})
	return s, err
}

// Now is the lab time (console.Backend).
func (h *Headend) Now() time.Time { return h.lab.clock.Now() }

// Signer is the lab's key signer (console.Backend).
func (h *Headend) Signer() *keygen.Signer { return h.lab.signer }

// BootTime is the lab's boot time (console.Backend).
func (h *Headend) BootTime() time.Duration { return h.lab.bootTime }

// View runs fn on the headend, brought up to the lab time (console.Backend).
func (h *Headend) View(fn func(d *headend.Device)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted {
		return ErrHeadendNotFound
	}
	// Advancing in place is safe: it is deterministic from the stored
	// state and the clock, so the stored copy catches up on the next
	// write, or replays the same steps after a restart.
	h.dev.Advance(h.lab.clock.Now())
	fn(h.dev)
	return nil
}

// Update runs fn on a copy of the headend and, if it succeeds, persists the
// copy in one synced batch before making it the headend (console.Backend).
// A renamed headend is re-indexed; a hostname another headend has is
// refused.
func (h *Headend) Update(fn func(d *headend.Device) error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.lab
	if h.deleted {
		return ErrHeadendNotFound
	}
	now := l.clock.Now()
	if err := h.checkUp(now); err != nil {
		return err
	}
	c := h.dev.Clone()
	c.Advance(now)
	if err := fn(c); err != nil {
		return err
	}
	oldName, newName := h.dev.Hostname(), c.Hostname()
	if oldName != newName {
		return h.rename(c, oldName, newName)
	}
	if err := l.persist(h.id, c, 0); err != nil {
		return err
	}
	h.noteChange(h.dev, c)
	h.swap(c, now)
	return nil
}

// rename persists c under its new hostname. Called with h.mu held.
func (h *Headend) rename(c *headend.Device, oldName, newName string) error {
	l := h.lab
	l.mu.Lock()
	defer l.mu.Unlock()
	if other, taken := l.byName.Load(newName); taken && other != h {
		return fmt.Errorf("%w: %q", ErrHostnameTaken, newName)
	}
	if err := l.persist(h.id, c, 0); err != nil {
		return err
	}
	l.byName.Store(newName, h)
	l.byName.Delete(oldName)
	h.noteChange(h.dev, c)
	h.swap(c, l.clock.Now())
	l.log.Info("headend renamed", zap.String("lab", l.name), zap.String("from", oldName), zap.String("to", newName))
	return nil
}

// swap makes c the headend's device and brings the admission state in line
// with it. Called with h.mu held, once c is stored.
func (h *Headend) swap(c *headend.Device, now time.Time) {
	prev := h.dev
	h.dev = c
	h.afterChange(prev, c, now)
}

// rebooted reports whether the change from old to c reloaded the headend
// (a reload or an RMA).
func rebooted(old, c *headend.Device) bool {
	return old.Boots != c.Boots || !old.UpAt.Equal(c.UpAt)
}

// noteChange logs and counts what a change did.
func (h *Headend) noteChange(old, c *headend.Device) {
	l := h.lab
	if rebooted(old, c) {
		l.metrics.count(opReload)
		l.log.Info("headend reloaded", zap.String("lab", l.name), zap.String("hostname", c.Hostname()),
			zap.Time("up_at", c.UpAt))
		l.consoleReloaded(h)
	}
	if old.License.FlashWords() != c.License.FlashWords() || old.License.RunningWords() != c.License.RunningWords() ||
		len(old.License.Timed) != len(c.License.Timed) {
		l.log.Info("activation keys changed", zap.String("lab", l.name), zap.String("hostname", c.Hostname()),
			zap.Bool("reload_pending", c.License.ReloadPending()))
	}
}

// IsNotFound reports whether err means the headend or lab does not exist.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrHeadendNotFound) || errors.Is(err, ErrLabNotFound)
}
