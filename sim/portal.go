package sim

import (
	"fmt"
	"time"

	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/sim/labportal"
	"github.com/asalab/asalab/sim/store"
)

// The lab's licensing portal (package labportal, the service; keygen/portal,
// its rules), persisted in the lab's part of the store, one record per key
// (package store), through the lab's one path of changes (commit).

// DefaultPAKActivationDelay is how long after delivery a PAK can be used,
// in lab time: the Cisco Secure Client licensing FAQ's
// "allow up to 4 hours for the key to be registered". headendd's
// --pak-activation-delay sets it.
const DefaultPAKActivationDelay = 4 * time.Hour

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
	l.portal = labportal.New(portalCore{l}, l.name, l.log, p, usage)
	return nil
}

// portalCore is the lab as its portal reaches it.
type portalCore struct{ l *Lab }

func (c portalCore) Now() time.Time { return c.l.clock.Now() }

func (c portalCore) Commit(pc portal.Change, ev Event, apply func()) error {
	return c.l.commitRecords(func(b *store.Batch) error { return b.PutPortal(pc) }, ev, apply)
}

// commitRecords writes a service's records (put) with its event in one
// synced batch, then applies the change (Lab.commit).
func (l *Lab) commitRecords(put func(b *store.Batch) error, ev Event, apply func()) error {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := put(b); err != nil {
		return err
	}
	return l.commit(b, []Event{ev}, apply)
}

// PlaceOrder sells order lines, one PAK per line.
func (l *Lab) PlaceOrder(lines []portal.OrderLine) (portal.Order, error) {
	return l.portal.PlaceOrder(lines)
}

// RegisterPak registers a PAK to a serial and returns the key and e-mail.
func (l *Lab) RegisterPak(pak, serial string) (portal.Registered, error) {
	return l.RegisterPakWith(pak, serial, portal.RegisterOptions{})
}

// RegisterPakWith is RegisterPak with options: Migrate is the portal's
// Migration flow (portal.RegisterOptions).
func (l *Lab) RegisterPakWith(pak, serial string, opts portal.RegisterOptions) (portal.Registered, error) {
	return l.portal.RegisterPakWith(pak, serial, opts)
}

// GetActivationCode starts the Share License Process.
func (l *Lab) GetActivationCode(source, target string) (portal.CodeIssued, error) {
	return l.portal.GetActivationCode(source, target)
}

// UseActivationCode shares the chosen licenses to the code's target.
func (l *Lab) UseActivationCode(code string, skus []string) (portal.Shared, error) {
	return l.portal.UseActivationCode(code, skus)
}

// RequestDemoLicense issues the 4-week Apex evaluation to a serial.
func (l *Lab) RequestDemoLicense(serial string) (portal.Registered, error) {
	return l.portal.RequestDemoLicense(serial)
}

// RehostForRma moves a returned unit's licenses to its replacement.
func (l *Lab) RehostForRma(oldSerial, newSerial string) (portal.Rehosted, error) {
	return l.portal.RehostForRma(oldSerial, newSerial)
}

// ListLicenses lists the licenses and keys the portal holds for a serial.
func (l *Lab) ListLicenses(serial string) (portal.Licenses, error) {
	return l.portal.ListLicenses(serial)
}

// ComplianceReport is the honor-system report at the lab time, for every
// customer or the one named, counting the unique users the lab's headends
// admitted (or those of Config.Usage, when set).
func (l *Lab) ComplianceReport(customer string) portal.ComplianceReport {
	return l.portal.ComplianceReport(customer)
}
