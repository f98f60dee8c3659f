// Package labs is a daemon's set of labs: many isolated labs (package sim)
// in one store, each with its own headends, clock, licensing portal, Smart
// Software Manager, event log, SSH console ports and bearer tokens. It
// creates, opens, resets and deletes them durably, and knows which lab a
// token reaches. The lab "default" always exists.
package labs

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labclock"
	"github.com/asalab/asalab/sim/store"
)

// Errors of the set of labs; sim.ErrLabNotFound names a lab that is not.
var (
	ErrLabExists    = errors.New("labs: lab exists")
	ErrBadLabName   = errors.New("labs: bad lab name")
	ErrDefaultLab   = errors.New("labs: the default lab cannot be deleted")
	ErrUnknownToken = errors.New("labs: unknown token")
)

// TokenPrefix starts every lab token, so that a token pasted in the wrong
// place, or leaked, is recognisable for what it is.
const TokenPrefix = "asalab_"

// Spec is what a lab is created with, and what a reset keeps.
type Spec struct {
	// ClockMode: sim.ClockSimulated or sim.ClockReal; zero is simulated.
	ClockMode sim.ClockMode
	// ClockStart: a simulated clock's first reading (zero: the machine's
	// time at creation, to the second).
	ClockStart time.Time
}

// Info describes a lab.
type Info struct {
	Name     string
	Spec     Spec
	Now      time.Time // the lab clock's reading
	Mode     sim.ClockMode
	Headends int
	Created  time.Time // machine time
	Tokens   int
}

// Options open the set.
type Options struct {
	Store  *sim.Store
	Master *keygen.Signer // each lab signs with Master.ForLab(name)
	Log    *zap.Logger
	// Metrics is shared by every lab (sums over labs; no lab label).
	Metrics *sim.Metrics
	// Default is the default lab's spec when the store has none yet
	// (headendd's --clock and --clock-start).
	Default Spec
	// Lab is the rest of every lab's sim.Config (boot time, PAK delay,
	// syslog, RealNow...); Name, Store, Signer, ClockMode, ClockStart and
	// Metrics are set per lab. Its SSH range, if any, is shared: no two
	// labs' headends get the same port.
	Lab sim.Config
	// Opened is called for every lab once it is open (at Open, Create and
	// after a Reset), before it is visible; Closing before a lab is closed
	// (Delete, Reset, Close). headendd starts and stops the lab's SSH
	// server and scenario engine there.
	Opened  func(*sim.Lab) error
	Closing func(*sim.Lab)
}

// entry is an open lab and its registry record.
type entry struct {
	lab *sim.Lab
	rec store.LabRecord
}

// Set is the labs of a daemon. Its methods are safe for concurrent use.
// Lookups (Get, LabOfToken) read immutable snapshots and take no lock;
// changes are serialised by mu and publish new snapshots.
type Set struct {
	o      Options
	mu     sync.Mutex
	closed bool
	labs   atomic.Pointer[map[string]*entry]
	tokens atomic.Pointer[map[[sha256.Size]byte]string] // token hash: lab
}

// ValidName checks a lab name: 1-63 of a-z, 0-9 and "-", starting with a
// letter or digit. Names go into store keys and HTTP headers.
func ValidName(name string) error {
	if name == "" || len(name) > 63 || name[0] == '-' {
		return fmt.Errorf("%w %q: a lab name is 1 to 63 of a-z, 0-9 and \"-\", starting with a letter or digit", ErrBadLabName, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("%w %q: a lab name is 1 to 63 of a-z, 0-9 and \"-\", starting with a letter or digit", ErrBadLabName, name)
		}
	}
	return nil
}

// Open opens every lab in the store, making the default lab if it has none.
// A store written before labs had records holds the default lab's keys
// only: it gets the default lab's record and opens as it was.
func Open(o Options) (*Set, error) {
	if o.Store == nil || o.Master == nil {
		return nil, fmt.Errorf("%w: the labs need a store and a signer", sim.ErrInvalidArgument)
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	s := &Set{o: o}
	recs := map[string]store.LabRecord{}
	if err := o.Store.Labs(func(name string, r store.LabRecord) error {
		recs[name] = r
		return nil
	}); err != nil {
		return nil, err
	}
	// The default lab runs as headendd's flags say, as it always has.
	def, ok := recs[sim.DefaultLab]
	defSpec := normal(o.Default)
	if !ok || def.ClockMode != defSpec.ClockMode.String() || !def.ClockStart.Equal(defSpec.ClockStart) {
		if !ok {
			def.Created = s.now().UTC()
		}
		def.ClockMode, def.ClockStart = defSpec.ClockMode.String(), defSpec.ClockStart
		if err := o.Store.PutLab(sim.DefaultLab, def); err != nil {
			return nil, err
		}
		recs[sim.DefaultLab] = def
	}
	// A lab's keys without its record are what a write racing the lab's
	// deletion left: no lab owns them.
	withKeys, err := o.Store.LabsWithKeys()
	if err != nil {
		return nil, err
	}
	for _, name := range withKeys {
		if _, ok := recs[name]; !ok {
			o.Log.Warn("removing the keys of a deleted lab", zap.String("lab", name))
			if err := o.Store.DeleteLab(name); err != nil {
				return nil, err
			}
		}
	}
	names := make([]string, 0, len(recs))
	for name := range recs {
		names = append(names, name)
	}
	slices.Sort(names)
	labs := make(map[string]*entry, len(recs))
	tokens := map[[sha256.Size]byte]string{}
	for _, name := range names {
		rec := recs[name]
		lab, err := s.open(name, rec)
		if err != nil {
			s.closeAll(labs)
			return nil, fmt.Errorf("lab %s: %w", name, err)
		}
		labs[name] = &entry{lab: lab, rec: rec}
		for _, h := range rec.Tokens {
			if k, ok := hashKey(h); ok {
				tokens[k] = name
			}
		}
	}
	s.labs.Store(&labs)
	s.tokens.Store(&tokens)
	return s, nil
}

func (s *Set) now() time.Time {
	if s.o.Lab.RealNow != nil {
		return s.o.Lab.RealNow()
	}
	return time.Now()
}

// normal gives a spec's zero mode its meaning, simulated.
func normal(sp Spec) Spec {
	if sp.ClockMode == 0 {
		sp.ClockMode = sim.ClockSimulated
	}
	return sp
}

func specOf(r store.LabRecord) Spec {
	mode := sim.ClockSimulated
	if r.ClockMode == sim.ClockReal.String() {
		mode = sim.ClockReal
	}
	return Spec{ClockMode: mode, ClockStart: r.ClockStart}
}

// open opens a lab of the store and runs the Opened hook.
func (s *Set) open(name string, rec store.LabRecord) (*sim.Lab, error) {
	cfg := s.o.Lab
	sp := specOf(rec)
	cfg.Name, cfg.Store, cfg.Signer = name, s.o.Store, s.o.Master.ForLab(name)
	cfg.ClockMode, cfg.ClockStart = sp.ClockMode, sp.ClockStart
	cfg.Metrics = s.o.Metrics.ForLab()
	cfg.Log = s.o.Log
	lab, err := sim.OpenLab(cfg)
	if err != nil {
		return nil, err
	}
	if s.o.Opened != nil {
		if err := s.o.Opened(lab); err != nil {
			s.shut(lab, sim.WatchEndDaemonStopping)
			return nil, err
		}
	}
	return lab, nil
}

// shut ends a lab's streams, saying why (sim.WatchEnd...), runs the
// Closing hook and closes it.
func (s *Set) shut(lab *sim.Lab, why string) {
	lab.EndWatchesFor(why)
	if s.o.Closing != nil {
		s.o.Closing(lab)
	}
	lab.SetTraffic(0, nil)
	if err := lab.Close(); err != nil {
		s.o.Log.Error("closing lab", zap.String("lab", lab.Name()), zap.Error(err))
	}
}

func (s *Set) closeAll(labs map[string]*entry) {
	for _, e := range labs {
		s.shut(e.lab, sim.WatchEndDaemonStopping)
	}
}

func (s *Set) snapshot() map[string]*entry { return *s.labs.Load() }

// publish replaces the labs snapshot; called with mu held.
func (s *Set) publish(fn func(labs map[string]*entry)) { republish(&s.labs, fn) }

// publishTokens replaces the tokens snapshot; called with mu held.
func (s *Set) publishTokens(fn func(tokens map[[sha256.Size]byte]string)) {
	republish(&s.tokens, fn)
}

// republish stores a changed copy of a snapshot; called with mu held.
func republish[K comparable, V any](p *atomic.Pointer[map[K]V], fn func(map[K]V)) {
	m := maps.Clone(*p.Load())
	fn(m)
	p.Store(&m)
}

// Get returns the open lab of that name, or sim.ErrLabNotFound.
func (s *Set) Get(name string) (*sim.Lab, error) {
	if e, ok := s.snapshot()[name]; ok {
		return e.lab, nil
	}
	return nil, notFound(name)
}

// Create makes a new, empty lab and its first token.
func (s *Set) Create(name string, spec Spec) (info Info, token string, err error) {
	if err := ValidName(name); err != nil {
		return Info{}, "", err
	}
	spec = normal(spec)
	switch spec.ClockMode {
	case sim.ClockSimulated:
		if spec.ClockStart.IsZero() {
			spec.ClockStart = s.now().UTC().Truncate(time.Second)
		}
		if spec.ClockStart.Before(labclock.Min) || spec.ClockStart.After(labclock.Max) {
			return Info{}, "", fmt.Errorf("%w: a simulated clock starts between %s and %s, not at %s", sim.ErrInvalidArgument,
				labclock.Min.Format(time.RFC3339), labclock.Max.Format(time.RFC3339), spec.ClockStart.UTC().Format(time.RFC3339))
		}
		spec.ClockStart = spec.ClockStart.UTC()
	case sim.ClockReal:
		if !spec.ClockStart.IsZero() {
			return Info{}, "", fmt.Errorf("%w: a lab on the real clock has no clock start", sim.ErrInvalidArgument)
		}
	default:
		return Info{}, "", fmt.Errorf("%w: unknown clock mode %d", sim.ErrInvalidArgument, spec.ClockMode)
	}
	token, hash, err := newToken()
	if err != nil {
		return Info{}, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Info{}, "", errClosed
	}
	if _, ok := s.snapshot()[name]; ok {
		return Info{}, "", fmt.Errorf("%w: %q", ErrLabExists, name)
	}
	rec := store.LabRecord{ClockMode: spec.ClockMode.String(), ClockStart: spec.ClockStart,
		Created: s.now().UTC(), Tokens: []string{hex.EncodeToString(hash[:])}}
	if err := s.o.Store.CreateLab(name, rec); err != nil {
		return Info{}, "", err
	}
	lab, err := s.open(name, rec)
	if err != nil {
		if derr := s.o.Store.DeleteLab(name); derr != nil {
			s.o.Log.Error("removing a lab that did not open", zap.String("lab", name), zap.Error(derr))
		}
		return Info{}, "", err
	}
	e := &entry{lab: lab, rec: rec}
	s.publish(func(labs map[string]*entry) { labs[name] = e })
	s.publishTokens(func(tokens map[[sha256.Size]byte]string) { tokens[hash] = name })
	s.o.Log.Info("lab created", zap.String("lab", name), zap.String("clock", spec.ClockMode.String()))
	return infoOf(name, e), token, nil
}

var errClosed = errors.New("labs: the set is closed")

func notFound(name string) error { return fmt.Errorf("%w: lab %q", sim.ErrLabNotFound, name) }

// Delete removes a lab and all of its records, tokens included, in one
// synced batch; its event streams end.
func (s *Set) Delete(name string) error {
	if name == sim.DefaultLab {
		return fmt.Errorf("%w (reset it instead)", ErrDefaultLab)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	e, ok := s.snapshot()[name]
	if !ok {
		return notFound(name)
	}
	// Unseen first: no new request, no token, reaches it.
	s.publish(func(labs map[string]*entry) { delete(labs, name) })
	s.dropTokens(name)
	s.shut(e.lab, sim.WatchEndLabDeleted)
	if err := s.o.Store.DeleteLab(name); err != nil {
		return err
	}
	s.o.Log.Info("lab deleted", zap.String("lab", name))
	return nil
}

// dropTokens forgets the tokens of a lab; called with mu held.
func (s *Set) dropTokens(name string) {
	s.publishTokens(func(tokens map[[sha256.Size]byte]string) {
		for k, v := range tokens {
			if v == name {
				delete(tokens, k)
			}
		}
	})
}

// Reset empties a lab and opens it again with its spec and tokens.
func (s *Set) Reset(name string) (Info, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Info{}, errClosed
	}
	e, ok := s.snapshot()[name]
	if !ok {
		return Info{}, notFound(name)
	}
	// Unseen while it is emptied: a request meanwhile finds no lab rather
	// than writing into one being cleared. Its tokens stay.
	s.publish(func(labs map[string]*entry) { delete(labs, name) })
	s.shut(e.lab, sim.WatchEndLabReset)
	if err := s.o.Store.ClearLab(name); err != nil {
		return Info{}, err
	}
	lab, err := s.open(name, e.rec)
	if err != nil {
		// Gone from the daemon until it restarts; its record and tokens
		// stay.
		return Info{}, err
	}
	ne := &entry{lab: lab, rec: e.rec}
	s.publish(func(labs map[string]*entry) { labs[name] = ne })
	s.o.Log.Info("lab reset", zap.String("lab", name))
	return infoOf(name, ne), nil
}

func infoOf(name string, e *entry) Info {
	return Info{Name: name, Spec: specOf(e.rec), Now: e.lab.Clock().Now(), Mode: e.lab.Clock().Mode(),
		Headends: e.lab.Len(), Created: e.rec.Created, Tokens: len(e.rec.Tokens)}
}

// Info describes one lab.
func (s *Set) Info(name string) (Info, error) {
	e, ok := s.snapshot()[name]
	if !ok {
		return Info{}, notFound(name)
	}
	return infoOf(name, e), nil
}

// List describes every lab, by name.
func (s *Set) List() []Info {
	labs := s.snapshot()
	out := make([]Info, 0, len(labs))
	for name, e := range labs {
		out = append(out, infoOf(name, e))
	}
	slices.SortFunc(out, func(a, b Info) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// CreateToken makes one more token for a lab; only its SHA-256 is stored.
func (s *Set) CreateToken(lab string) (string, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", errClosed
	}
	e, ok := s.snapshot()[lab]
	if !ok {
		return "", notFound(lab)
	}
	rec := e.rec
	rec.Tokens = append(slices.Clip(rec.Tokens), hex.EncodeToString(hash[:]))
	if err := s.o.Store.PutLab(lab, rec); err != nil {
		return "", err
	}
	ne := &entry{lab: e.lab, rec: rec}
	s.publish(func(labs map[string]*entry) { labs[lab] = ne })
	s.publishTokens(func(tokens map[[sha256.Size]byte]string) { tokens[hash] = lab })
	return token, nil
}

// newToken draws a token: 32 random bytes, base64url, prefixed.
func newToken() (string, [sha256.Size]byte, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", [sha256.Size]byte{}, err
	}
	t := TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return t, sha256.Sum256([]byte(t)), nil
}

func hashKey(h string) ([sha256.Size]byte, bool) {
	var k [sha256.Size]byte
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != len(k) {
		return k, false
	}
	copy(k[:], b)
	return k, true
}

// LabOfToken returns the lab a token reaches, or ErrUnknownToken. It takes
// no lock that a slow request could hold. The lookup is by the token's
// SHA-256, so that its time says nothing of how much of a token matched.
func (s *Set) LabOfToken(token string) (string, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return "", ErrUnknownToken
	}
	lab, ok := (*s.tokens.Load())[sha256.Sum256([]byte(token))]
	if !ok {
		return "", ErrUnknownToken
	}
	return lab, nil
}

// Close closes every lab.
func (s *Set) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.closeAll(s.snapshot())
	return nil
}
