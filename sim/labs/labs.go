// Package labs is a daemon's set of labs: many isolated labs (package sim)
// in one store, each with its own headends, clock, licensing portal, Smart
// Software Manager, event log, SSH console ports and bearer tokens. It
// creates, opens, resets and deletes them durably, and knows which lab a
// token reaches. The lab "default" always exists.
package labs

import (
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
)

// Errors of the set of labs; sim.ErrLabNotFound names a lab that is not.
var (
	ErrLabExists    = errors.New("labs: lab exists")
	ErrBadLabName   = errors.New("labs: bad lab name")
	ErrDefaultLab   = errors.New("labs: the default lab cannot be deleted")
	ErrUnknownToken = errors.New("labs: unknown token")
)

// Spec is what a lab is created with, and what a reset keeps.
type Spec struct {
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

// Set is the labs of a daemon. Its methods are safe for concurrent use.
type Set struct{}

// Open opens every lab in the store, making the default lab if it has none.
func Open(o Options) (*Set, error) { return nil, errors.New("labs: not built yet") }

// Get returns the open lab of that name, or sim.ErrLabNotFound.
func (s *Set) Get(name string) (*sim.Lab, error) { return nil, sim.ErrLabNotFound }

// Create makes a new, empty lab and its first token.
func (s *Set) Create(name string, spec Spec) (info Info, token string, err error) {
	return Info{}, "", errors.New("labs: not built yet")
}

// Delete removes a lab and all of its records, tokens included, in one
// synced batch; its event streams end.
func (s *Set) Delete(name string) error { return errors.New("labs: not built yet") }

// Reset empties a lab and opens it again with its spec and tokens.
func (s *Set) Reset(name string) (Info, error) { return Info{}, errors.New("labs: not built yet") }

// Info describes one lab.
func (s *Set) Info(name string) (Info, error) { return Info{}, sim.ErrLabNotFound }

// List describes every lab, by name.
func (s *Set) List() []Info { return nil }

// CreateToken makes one more token for a lab; only its SHA-256 is stored.
func (s *Set) CreateToken(lab string) (string, error) { return "", errors.New("labs: not built yet") }

// LabOfToken returns the lab a token reaches, or ErrUnknownToken. It takes
// no lock that a slow request could hold.
func (s *Set) LabOfToken(token string) (string, error) { return "", ErrUnknownToken }

// Close closes every lab.
func (s *Set) Close() error { return nil }
