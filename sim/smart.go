package sim

import (
	"fmt"
	"time"

	"github.com/asalab/asalab/keygen/smart"
	"github.com/asalab/asalab/sim/labsmart"
	"github.com/asalab/asalab/sim/store"
)

// The lab's Smart Software Manager (package labsmart, the service;
// keygen/smart, its rules), persisted in the lab's part of the store, one
// record per key, through the lab's one path of changes (commit).

func (l *Lab) openSmart() error {
	m, err := smart.New(l.signer)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	stored, err := l.store.Smart(l.name)
	if err != nil {
		return err
	}
	if err := m.Apply(stored); err != nil {
		return fmt.Errorf("sim: load smart software manager: %w", err)
	}
	l.smart = labsmart.New(smartCore{l}, l.name, l.log, m)
	return nil
}

// smartCore is the lab as its Smart Software Manager reaches it.
type smartCore struct{ l *Lab }

func (c smartCore) Now() time.Time { return c.l.clock.Now() }

func (c smartCore) Commit(sc smart.Change, ev Event, apply func()) error {
	return c.l.commitRecords(func(b *store.Batch) error { return b.PutSmart(sc) }, ev, apply)
}

// Smart is the lab's Smart Software Manager.
func (l *Lab) Smart() *labsmart.Service { return l.smart }
