package sim

import (
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/keygen/portal"
)

// The lab's licensing portal (portal.Portal), persisted in the lab's part
// of the store, one record per key (package store).
//
// Every portal action is one batch committed with pebble.Sync before the
// portal applies it and the action is acknowledged; a refused action writes
// nothing. Actions are serialised by one lock: they are rare next to
// connection admission, and the compliance report needs a consistent view.

// DefaultPAKActivationDelay is how long after delivery a PAK can be used,
// in lab time: the Cisco Secure Client licensing FAQ's
// "allow up to 4 hours for the key to be registered". headendd's
// --pak-activation-delay sets it.
const DefaultPAKActivationDelay = 4 * time.Hour

type portalState struct {
	mu    sync.Mutex
	p     *portal.Portal
	usage portal.Usage
}

func (l *Lab) openPortal(cfg Config) error {
	p, err := portal.New(portal.Config{Signer: l.signer, ActivationDelay: cfg.PAKActivationDelay})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	stored, err := l.store.Portal(l.name)
	if err != nil {
		return err
	}
	if err := p.Apply(stored); err != nil {
		return fmt.Errorf("sim: load portal: %w", err)
	}
	usage := cfg.Usage
	if usage == nil {
		usage = l
	}
	l.portal = &portalState{p: p, usage: usage}
	return nil
}

// portalDo runs one portal action at the lab time: persisted with the
// event that kind and text(res) tell (commit), then applied.
func portalDo[T any](l *Lab, kind EventKind, text func(T) string, fn func(p *portal.Portal, now time.Time) (portal.Change, T, error)) (T, error) {
	ps := l.portal
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var zero T
	now := l.clock.Now()
	c, res, err := fn(ps.p, now)
	if err != nil {
		return zero, err
	}
	if c.IsEmpty() {
		return res, nil
	}
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.PutPortal(c); err != nil {
		return zero, err
	}
	var applyErr error
	err = l.commit(b, []Event{{At: now, Kind: kind, Text: text(res)}}, func() { applyErr = ps.p.Apply(c) })
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
func (l *Lab) PlaceOrder(lines []portal.OrderLine) (portal.Order, error) {
	o, err := portalDo(l, EventPortalOrder, func(o portal.Order) string {
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
			l.log.Info("portal: PAK delivered", zap.String("lab", l.name), zap.String("sales_order", o.SalesOrder),
				zap.String("sku", k.SKU), zap.String("customer", k.Customer), zap.Time("active_at", k.ActiveAt))
		}
	}
	return o, err
}

// RegisterPak registers a PAK to a serial and returns the key and e-mail.
func (l *Lab) RegisterPak(pak, serial string) (portal.Registered, error) {
	return l.RegisterPakWith(pak, serial, portal.RegisterOptions{})
}

// RegisterPakWith is RegisterPak with options: Migrate is the portal's
// Migration flow (portal.RegisterOptions). A migration is one event, the
// registration's, naming the licenses it replaced.
func (l *Lab) RegisterPakWith(pak, serial string, opts portal.RegisterOptions) (portal.Registered, error) {
	r, err := portalDo(l, EventPortalRegister, func(r portal.Registered) string {
		text := fmt.Sprintf("PAK %s (%s) registered to %s", pak, r.Row.SKU, serial)
		if len(r.Migrated) > 0 {
			text += ", migrating " + migratedList(r.Migrated)
		}
		return text
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.Registered, error) {
		return p.RegisterPakWith(now, pak, serial, opts)
	})
	if err == nil && !r.Again {
		l.log.Info("portal: PAK registered", zap.String("lab", l.name), zap.String("sku", r.Row.SKU), zap.String("serial", serial),
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
func (l *Lab) GetActivationCode(source, target string) (portal.CodeIssued, error) {
	c, err := portalDo(l, EventPortalActivationCode, func(c portal.CodeIssued) string {
		return fmt.Sprintf("activation code issued to share licenses of %s with %s", source, target)
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.CodeIssued, error) {
		return p.GetActivationCode(now, source, target)
	})
	if err == nil {
		l.log.Info("portal: activation code issued", zap.String("lab", l.name), zap.String("source", source), zap.String("target", target))
	}
	return c, err
}

// UseActivationCode shares the chosen licenses to the code's target.
func (l *Lab) UseActivationCode(code string, skus []string) (portal.Shared, error) {
	s, err := portalDo(l, EventPortalShare, func(s portal.Shared) string {
		return fmt.Sprintf("%d licenses of %s shared with %s", len(s.Rows), s.Source, s.Target)
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.Shared, error) {
		return p.UseActivationCode(now, code, skus)
	})
	if err == nil {
		l.log.Info("portal: licenses shared", zap.String("lab", l.name), zap.String("source", s.Source),
			zap.String("target", s.Target), zap.Int("licenses", len(s.Rows)))
	}
	return s, err
}

// RequestDemoLicense issues the 4-week Apex evaluation to a serial.
func (l *Lab) RequestDemoLicense(serial string) (portal.Registered, error) {
	r, err := portalDo(l, EventPortalDemo, func(portal.Registered) string {
		return "demo license issued to " + serial
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.Registered, error) {
		return p.RequestDemoLicense(now, serial)
	})
	if err == nil {
		l.log.Info("portal: demo license issued", zap.String("lab", l.name), zap.String("serial", serial))
	}
	return r, err
}

// RehostForRma moves a returned unit's licenses to its replacement.
func (l *Lab) RehostForRma(oldSerial, newSerial string) (portal.Rehosted, error) {
	r, err := portalDo(l, EventPortalRehost, func(r portal.Rehosted) string {
		return fmt.Sprintf("%d licenses re-hosted from %s to %s (RMA)", len(r.Rows), oldSerial, newSerial)
	}, func(p *portal.Portal, now time.Time) (portal.Change, portal.Rehosted, error) {
		return p.RehostForRma(now, oldSerial, newSerial)
	})
	if err == nil {
		l.log.Info("portal: licenses re-hosted (RMA)", zap.String("lab", l.name), zap.String("old_serial", oldSerial),
			zap.String("new_serial", newSerial), zap.Int("licenses", len(r.Rows)))
	}
	return r, err
}

// ListLicenses lists the licenses and keys the portal holds for a serial.
func (l *Lab) ListLicenses(serial string) (portal.Licenses, error) {
	ps := l.portal
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.p.ListLicenses(l.clock.Now(), serial)
}

// ComplianceReport is the honor-system report at the lab time, for every
// customer or the one named, counting the unique users the lab's headends
// admitted (or those of Config.Usage, when set).
func (l *Lab) ComplianceReport(customer string) portal.ComplianceReport {
	ps := l.portal
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.p.Compliance(l.clock.Now(), ps.usage, customer)
}
