// Package labsmart is the lab's Smart Software Manager (keygen/smart) as a
// service of the lab: each action taken at the lab time, under one lock,
// persisted with its event before the manager applies it, and logged. It
// reaches the lab core through Core. The ASAv headends register, renew,
// deregister and ask their authorization state through it, each over its
// own Path; Renew makes the attempts a device has due as the lab clock
// passes them.
package labsmart

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
	"github.com/asalab/asalab/sim/devlog"
	"github.com/asalab/asalab/sim/eventlog"
)

// Every action is one batch committed with pebble.Sync before the manager
// applies it and the action is acknowledged; a refused action writes
// nothing. Actions are serialised by one lock: they are rare (a device
// talks to the manager every 30 days), and usage needs a consistent view.

// Core is what the manager needs of the lab.
type Core interface {
	// Now is the lab time.
	Now() time.Time
	// Commit stores the change c with the event ev in one synced batch
	// (the lab's one path of changes) and, once stored, runs apply.
	Commit(c smart.Change, ev eventlog.Event, apply func()) error
}

// Service is a lab's Smart Software Manager.
type Service struct {
	core Core
	lab  string
	log  *zap.Logger
	mu   sync.Mutex
	m    *smart.Manager
}

// New makes the service of the manager m, loaded from the store.
func New(core Core, lab string, log *zap.Logger, m *smart.Manager) *Service {
	return &Service{core: core, lab: lab, log: log, m: m}
}

// do runs one action at the lab time: persisted with a Smart event whose
// text text(res) tells (Core.Commit), then applied.
func do[T any](s *Service, text func(T) string, fn func(m *smart.Manager, now time.Time) (smart.Change, T, error)) (T, error) {
	return doAt(s, time.Time{}, text, fn)
}

// doAt is do at the lab time at, which a move of the clock is stepping
// through before it stores it (zero: the lab time now).
func doAt[T any](s *Service, at time.Time, text func(T) string, fn func(m *smart.Manager, now time.Time) (smart.Change, T, error)) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero T
	now := at
	if now.IsZero() {
		now = s.core.Now()
	}
	c, res, err := fn(s.m, now)
	if err != nil {
		return zero, err
	}
	if c.IsEmpty() {
		return res, nil
	}
	var applyErr error
	t := text(res)
	err = s.core.Commit(c, eventlog.Event{At: now, Kind: eventlog.Smart, Text: t}, func() { applyErr = s.m.Apply(c) })
	if err != nil {
		return zero, err
	}
	if applyErr != nil {
		// The manager made these records itself; failing here is a bug.
		return zero, fmt.Errorf("sim: apply smart change: %w", applyErr)
	}
	s.log.Info("smart: "+t, zap.String("lab", s.lab))
	return res, nil
}

// CreateAccount makes a Smart Account with its DEFAULT virtual account.
func (s *Service) CreateAccount(name string) (smart.Account, error) {
	return do(s, func(a smart.Account) string { return fmt.Sprintf("Smart Account %q created", a.Name) },
		func(m *smart.Manager, now time.Time) (smart.Change, smart.Account, error) {
			return m.CreateAccount(now, name)
		})
}

// CreateVirtualAccount adds a virtual account to a Smart Account.
func (s *Service) CreateVirtualAccount(account, va string) (smart.Account, error) {
	return do(s, func(smart.Account) string { return fmt.Sprintf("Virtual Account %q created in %q", va, account) },
		func(m *smart.Manager, now time.Time) (smart.Change, smart.Account, error) {
			return m.CreateVirtualAccount(now, account, va)
		})
}

// AddEntitlement buys count licenses of tag into a virtual account ("":
// DEFAULT), ending at ends (zero: perpetual).
func (s *Service) AddEntitlement(account, va, tag string, count int, ends time.Time) (smart.Entitlement, error) {
	return do(s, func(e smart.Entitlement) string {
		t := fmt.Sprintf("%d %s added to %s/%s", e.Count, e.Tag, e.Account, e.VirtualAccount)
		if !e.EndsAt.IsZero() {
			t += ", ending " + e.EndsAt.Format(time.DateOnly)
		}
		return t
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Entitlement, error) {
		return m.AddEntitlement(now, account, va, tag, count, ends)
	})
}

// CreateToken makes an ID token (days 0: 30; uses 0: unlimited).
func (s *Service) CreateToken(account, va string, days, uses int) (smart.Token, error) {
	// The event does not print the token: the event log is readable by
	// anyone who can list events, the token registers devices.
	return do(s, func(t smart.Token) string {
		return fmt.Sprintf("ID token created for %s/%s, expiring %s", t.Account, t.VirtualAccount, t.ExpiresAt.Format(time.RFC3339))
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Token, error) {
		return m.CreateToken(now, account, va, days, uses)
	})
}

// RevokeToken revokes an ID token.
func (s *Service) RevokeToken(token string) (smart.Token, error) {
	return do(s, func(t smart.Token) string {
		return fmt.Sprintf("ID token of %s/%s revoked", t.Account, t.VirtualAccount)
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Token, error) {
		return m.RevokeToken(now, token)
	})
}

// Register registers a device with an ID token, requesting tags.
func (s *Service) Register(udi, token string, tags []string) (smart.Registration, error) {
	return s.RegisterAt(time.Time{}, udi, token, tags)
}

// RegisterAt is Register at the lab time at (zero: now).
func (s *Service) RegisterAt(at time.Time, udi, token string, tags []string) (smart.Registration, error) {
	return doAt(s, at, func(r smart.Registration) string {
		return fmt.Sprintf("%s registered to %s/%s (%s): %s", r.Device.UDI, r.Device.Account, r.Device.VirtualAccount,
			strings.Join(r.Device.Tags, ", "), r.Status)
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Registration, error) {
		return m.Register(now, udi, token, tags)
	})
}

// RenewAuthorizationAt renews a device's authorization at the lab time at
// (zero: now).
func (s *Service) RenewAuthorizationAt(at time.Time, udi string) (smart.Registration, error) {
	return doAt(s, at, func(r smart.Registration) string {
		return fmt.Sprintf("%s renewed its authorization: %s", r.Device.UDI, r.Status)
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Registration, error) {
		return m.RenewAuthorization(now, udi)
	})
}

// ReportUsageAt is an authorization renewal reporting the device's new
// entitlement tags, at the lab time at (zero: now).
func (s *Service) ReportUsageAt(at time.Time, udi string, tags []string) (smart.Registration, error) {
	return doAt(s, at, func(r smart.Registration) string {
		return fmt.Sprintf("%s reported its usage (%s): %s", r.Device.UDI, strings.Join(r.Device.Tags, ", "), r.Status)
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Registration, error) {
		return m.ReportUsage(now, udi, tags)
	})
}

// RenewRegistrationAt renews a device's registration at the lab time at
// (zero: now).
func (s *Service) RenewRegistrationAt(at time.Time, udi string) (smart.Registration, error) {
	return doAt(s, at, func(r smart.Registration) string {
		return fmt.Sprintf("%s renewed its registration: %s", r.Device.UDI, r.Status)
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Registration, error) {
		return m.RenewRegistration(now, udi)
	})
}

// DeregisterAt removes a device from its virtual account at the lab time
// at (zero: now).
func (s *Service) DeregisterAt(at time.Time, udi string) (smart.Device, error) {
	return doAt(s, at, func(d smart.Device) string {
		return fmt.Sprintf("%s deregistered from %s/%s", d.UDI, d.Account, d.VirtualAccount)
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Device, error) {
		return m.Deregister(now, udi)
	})
}

// ReturnReservationAt takes a reservation back by its return code at the
// lab time at (zero: now).
func (s *Service) ReturnReservationAt(at time.Time, udi, code string) (smart.Device, error) {
	return doAt(s, at, func(d smart.Device) string {
		return fmt.Sprintf("%s returned its reservation to %s/%s", d.UDI, d.Account, d.VirtualAccount)
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Device, error) {
		return m.ReturnReservation(now, udi, code)
	})
}

// Reserve turns a reservation request code into an authorization code.
func (s *Service) Reserve(account, va, request, tag string) (smart.Reserved, error) {
	return do(s, func(r smart.Reserved) string {
		return fmt.Sprintf("%s reserved %s in %s/%s (Permanent License Reservation)", r.Device.UDI, r.Tag,
			r.Device.Account, r.Device.VirtualAccount)
	}, func(m *smart.Manager, now time.Time) (smart.Change, smart.Reserved, error) {
		return m.Reserve(now, account, va, request, tag)
	})
}

// Status is a device's authorization state at the lab time.
func (s *Service) Status(udi string) smart.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.Status(s.core.Now(), udi)
}

// Devices lists an account's devices at the lab time.
func (s *Service) Devices(account string) ([]smart.DeviceStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.Devices(s.core.Now(), account)
}

// Usage is an account's usage at the lab time.
func (s *Service) Usage(account string) (smart.Usage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.Usage(s.core.Now(), account)
}

// Device returns the record of a UDI (registered, reserved or
// deregistered).
func (s *Service) Device(udi string) (smart.Device, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.Device(udi)
}

// VerifyAuthorization checks a reservation's authorization code against
// the device's request code, as the device does offline, and returns the
// tier it reserves.
func (s *Service) VerifyAuthorization(request, code string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.VerifyAuthorization(request, code)
}

// AnyConnectCompliance is the honor-system report of AnyConnect on the
// ASAv, by virtual account, at the lab time; users reads what the
// headends admitted (it must not call back into the manager).
func (s *Service) AnyConnectCompliance(account string, users smart.Users) []smart.VACompliance {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.AnyConnectCompliance(s.core.Now(), account, users)
}

// Path is the manager as one headend reaches it over the lab network
// (family.SmartManager): a call fails with family.ErrSmartUnreachable when
// Up says the headend does not reach the manager at the lab time, and is
// made at that time otherwise; the lab time is At when set (a move of the
// clock stepping through it before it stores it). Path takes no headend
// lock: a device calls it inside a change of the headend, which holds it.
type Path struct {
	S  *Service
	Up func(now time.Time) bool
	At time.Time
}

// reach fails when the headend does not reach the manager.
func (p Path) reach() error {
	now := p.At
	if now.IsZero() {
		now = p.S.core.Now()
	}
	if !p.Up(now) {
		return family.ErrSmartUnreachable
	}
	return nil
}

func (p Path) Register(udi, token string, tags []string) (smart.Registration, error) {
	if err := p.reach(); err != nil {
		return smart.Registration{}, err
	}
	return p.S.RegisterAt(p.At, udi, token, tags)
}

func (p Path) RenewAuthorization(udi string) (smart.Registration, error) {
	if err := p.reach(); err != nil {
		return smart.Registration{}, err
	}
	return p.S.RenewAuthorizationAt(p.At, udi)
}

func (p Path) ReportUsage(udi string, tags []string) (smart.Registration, error) {
	if err := p.reach(); err != nil {
		return smart.Registration{}, err
	}
	return p.S.ReportUsageAt(p.At, udi, tags)
}

func (p Path) RenewRegistration(udi string) (smart.Registration, error) {
	if err := p.reach(); err != nil {
		return smart.Registration{}, err
	}
	return p.S.RenewRegistrationAt(p.At, udi)
}

func (p Path) Deregister(udi string) error {
	if err := p.reach(); err != nil {
		return err
	}
	_, err := p.S.DeregisterAt(p.At, udi)
	return err
}

// ReturnReservation needs no path: the return code is entered at the
// manager.
func (p Path) ReturnReservation(udi, code string) error {
	_, err := p.S.ReturnReservationAt(p.At, udi, code)
	return err
}

// VerifyAuthorization needs no path: the device checks the code offline.
func (p Path) VerifyAuthorization(request, code string) (string, error) {
	return p.S.VerifyAuthorization(request, code)
}

// Renew makes on c, a device brought to now, the Smart Licensing attempts
// due by now (family.SmartLicensing.SmartRenew) through p, and returns
// their events; ran is false when none was due. A catch-up calls it with
// the headend's lock held, so the attempts of one step share its batch;
// the manager takes no headend lock. The manager acts at now, which a move
// of the clock stores only with the step's batch: its own records
// (committed first) and their events come before the step's.
func Renew(c family.Device, now time.Time, p Path) (evs []eventlog.Event, ran bool) {
	s, ok := c.(family.SmartLicensing)
	if !ok || c.Reloading(now) {
		return nil, false
	}
	if at, due := s.SmartDue(); !due || at.After(now) {
		return nil, false
	}
	old := c.Copy()
	n := devlog.Count(c)
	s.SmartRenew(now, p)
	return devlog.ChangeEvents(old, c, now, devlog.Mark{Count: n}), true
}
