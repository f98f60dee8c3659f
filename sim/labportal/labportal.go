// Package labportal is the lab's licensing portal (keygen/portal) as a
// service of the lab: each action taken at the lab time, under one lock,
// persisted with its event before the portal applies it, and logged. It
// reaches the lab core through Core.
package labportal

import (
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/sim/eventlog"
)

// Every portal action is one batch committed with pebble.Sync before the
// portal applies it and the action is acknowledged; a refused action writes
// nothing. Actions are serialised by one lock: they are rare next to
// connection admission, and the compliance report needs a consistent view.

// Core is what the portal needs of the lab.
type Core interface {
	// Now is the lab time.
	Now() time.Time
	// Commit stores the portal's change c with the event ev in one synced
	// batch (the lab's one path of changes) and, once stored, runs
	// apply.
	Commit(c portal.Change, ev eventlog.Event, apply func()) error
}

// Service is a lab's portal.
type Service struct {
	core  Core
	lab   string
	log   *zap.Logger
	mu    sync.Mutex
	p     *portal.Portal
	usage portal.Usage
}

// New makes the service of the portal p, loaded from the store, whose
// compliance report counts the users of usage.
func New(core Core, lab string, log *zap.Logger, p *portal.Portal, usage portal.Usage) *Service {
	return &Service{core: core, lab: lab, log: log, p: p, usage: usage}
}

// do runs one portal action at the lab time: persisted with the event
// that kind and text(res) tell (Core.Commit), then applied.
func do[T any](s *Service, kind eventlog.Kind, text func(T) string, fn func(p *portal.Portal, now time.Time) (portal.Change, T, error)) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero T
	now := s.core.Now()
	c, res, err := fn(s.p, now)
	if err != nil {
		return zero, err
	}
	if c.IsEmpty() {
		return res, nil
	}
	var applyErr error
	err = s.core.Commit(c, eventlog.Event{At: now, Kind: kind, Text: text(res)}, func() { applyErr = s.p.Apply(c) })
	if err != nil {
		return zero, err
	}
	if applyErr != nil {
		// The portal made these records itself; failing here is a bug.
		return zero, fmt.Errorf("sim: apply portal change: %w", applyErr)
	}
	return res, nil
}

// PlaceOrder sells order lines, one PAK per line.
func (s *Service) PlaceOrder(lines []portal.OrderLine) (portal.Order, error) {
	o, err := do(s, eventlog.PortalOrder, func(o portal.Order) string {
		text := "sales order " + o.SalesOrder + " delivered:"
		for i, k := range o.PAKs {
			if i > 0 {
				text += ","
			}
			text += fmt.Sprintf(" PAK %s (%s, %s)", k.ID, k.SKU, k.Customer)
		}
		return text
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.Order, error) {
		return p.PlaceOrder(now, lines)
	})
	if err == nil {
		for _, k := range o.PAKs {
			s.log.Info("portal: PAK delivered", zap.String("lab", s.lab), zap.String("sales_order", o.SalesOrder),
				zap.String("sku", k.SKU), zap.String("customer", k.Customer), zap.Time("active_at", k.ActiveAt))
		}
	}
	return o, err
}

// RegisterPakWith registers a PAK to a serial and returns the key and
// e-mail; opts.Migrate is the portal's Migration flow
// (portal.RegisterOptions). A migration is one event, the registration's,
// naming the licenses it replaced.
func (s *Service) RegisterPakWith(pak, serial string, opts portal.RegisterOptions) (portal.Registered, error) {
	r, err := do(s, eventlog.PortalRegister, func(r portal.Registered) string {
		text := fmt.Sprintf("PAK %s (%s) registered to %s", pak, r.Row.SKU, r.Serial)
		if r.IOS != nil {
			text += fmt.Sprintf(" (UDI %s): license file %s", r.IOS.UDI, r.IOS.FileName)
		}
		if len(r.Migrated) > 0 {
			text += ", migrating " + migratedList(r.Migrated)
		}
		return text
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.Registered, error) {
		return p.RegisterPakWith(now, pak, serial, opts)
	})
	if err == nil && !r.Again {
		s.log.Info("portal: PAK registered", zap.String("lab", s.lab), zap.String("sku", r.Row.SKU), zap.String("serial", r.Serial),
			zap.Int("migrated", len(r.Migrated)))
	}
	return r, err
}

// migratedList names migrated licenses: "L-ASA-SSL-25= (PAK X), ...".
func migratedList(rows []portal.LicenseRow) string {
	text := ""
	for i, m := range rows {
		if i > 0 {
			text += ", "
		}
		text += fmt.Sprintf("%s (PAK %s)", m.SKU, m.PAK)
	}
	return text
}

// GetActivationCode starts the Share License Process.
func (s *Service) GetActivationCode(source, target string) (portal.CodeIssued, error) {
	c, err := do(s, eventlog.PortalActivationCode, func(c portal.CodeIssued) string {
		return fmt.Sprintf("activation code issued to share licenses of %s with %s", source, target)
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.CodeIssued, error) {
		return p.GetActivationCode(now, source, target)
	})
	if err == nil {
		s.log.Info("portal: activation code issued", zap.String("lab", s.lab), zap.String("source", source), zap.String("target", target))
	}
	return c, err
}

// UseActivationCode shares the chosen licenses to the code's target.
func (s *Service) UseActivationCode(code string, skus []string) (portal.Shared, error) {
	sh, err := do(s, eventlog.PortalShare, func(sh portal.Shared) string {
		return fmt.Sprintf("%d licenses of %s shared with %s", len(sh.Rows), sh.Source, sh.Target)
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.Shared, error) {
		return p.UseActivationCode(now, code, skus)
	})
	if err == nil {
		s.log.Info("portal: licenses shared", zap.String("lab", s.lab), zap.String("source", sh.Source),
			zap.String("target", sh.Target), zap.Int("licenses", len(sh.Rows)))
	}
	return sh, err
}

// RequestDemoLicense issues the 4-week Apex evaluation to a serial.
func (s *Service) RequestDemoLicense(serial string) (portal.Registered, error) {
	r, err := do(s, eventlog.PortalDemo, func(portal.Registered) string {
		return "demo license issued to " + serial
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.Registered, error) {
		return p.RequestDemoLicense(now, serial)
	})
	if err == nil {
		s.log.Info("portal: demo license issued", zap.String("lab", s.lab), zap.String("serial", serial))
	}
	return r, err
}

// RehostForRma moves a returned unit's licenses to its replacement.
func (s *Service) RehostForRma(oldSerial, newSerial string) (portal.Rehosted, error) {
	r, err := do(s, eventlog.PortalRehost, func(r portal.Rehosted) string {
		return fmt.Sprintf("%d licenses re-hosted from %s to %s (RMA)", len(r.Rows), oldSerial, newSerial)
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.Rehosted, error) {
		return p.RehostForRma(now, oldSerial, newSerial)
	})
	if err == nil {
		s.log.Info("portal: licenses re-hosted (RMA)", zap.String("lab", s.lab), zap.String("old_serial", oldSerial),
			zap.String("new_serial", newSerial), zap.Int("licenses", len(r.Rows)))
	}
	return r, err
}

// ListLicenses lists the licenses and keys the portal holds for a serial.
func (s *Service) ListLicenses(serial string) (portal.Licenses, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p.ListLicenses(s.core.Now(), serial)
}

// ComplianceReport is the honor-system report at the lab time, for every
// customer or the one named.
func (s *Service) ComplianceReport(customer string) portal.ComplianceReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p.Compliance(s.core.Now(), s.usage, customer)
}
