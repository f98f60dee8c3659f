// Package asavtest is a Smart Software Manager for tests of the ASAv
// device and console: the lab's keygen/smart Manager on a clock the test
// moves, which a test can make unreachable, as the lab's path to it is
// when cut.
package asavtest

import (
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/smart"
)

// Manager is a family.SmartManager over a keygen/smart Manager.
type Manager struct {
	M *smart.Manager
	// Now is the clock of its calls.
	Now func() time.Time
	// Down: every call but VerifyAuthorization fails as unreachable.
	Down bool
	// Calls counts the calls that reached it or would have.
	Calls int
}

var _ family.SmartManager = (*Manager)(nil)

// New is a manager with one Smart Account, "Acme", holding count
// licenses of tag, and an ID token for its default virtual account.
func New(now func() time.Time, tag string, count int) (*Manager, string, error) {
	s, err := keygen.NewSigner([]byte("asavtest-secret-0123456789abcdef"))
	if err != nil {
		return nil, "", err
	}
	m, err := smart.New(s.ForLab("default"))
	if err != nil {
		return nil, "", err
	}
	f := &Manager{M: m, Now: now}
	if err := f.apply(m.CreateAccount(now(), "Acme")); err != nil {
		return nil, "", err
	}
	if err := f.apply(m.AddEntitlement(now(), "Acme", "", tag, count, time.Time{})); err != nil {
		return nil, "", err
	}
	c, tok, err := m.CreateToken(now(), "Acme", "", 365, 0)
	if err == nil {
		err = m.Apply(c)
	}
	return f, tok.Token, err
}

func (f *Manager) apply(c smart.Change, _ any, err error) error {
	if err != nil {
		return err
	}
	return f.M.Apply(c)
}

func (f *Manager) reach() error {
	f.Calls++
	if f.Down {
		return family.ErrSmartUnreachable
	}
	return nil
}

func (f *Manager) Register(udi, token string, tags []string) (smart.Registration, error) {
	if err := f.reach(); err != nil {
		return smart.Registration{}, err
	}
	c, r, err := f.M.Register(f.Now(), udi, token, tags)
	if err == nil {
		err = f.M.Apply(c)
	}
	return r, err
}

func (f *Manager) RenewAuthorization(udi string) (smart.Registration, error) {
	if err := f.reach(); err != nil {
		return smart.Registration{}, err
	}
	c, r, err := f.M.RenewAuthorization(f.Now(), udi)
	if err == nil {
		err = f.M.Apply(c)
	}
	return r, err
}

func (f *Manager) ReportUsage(udi string, tags []string) (smart.Registration, error) {
	if err := f.reach(); err != nil {
		return smart.Registration{}, err
	}
	c, r, err := f.M.ReportUsage(f.Now(), udi, tags)
	if err == nil {
		err = f.M.Apply(c)
	}
	return r, err
}

func (f *Manager) RenewRegistration(udi string) (smart.Registration, error) {
	if err := f.reach(); err != nil {
		return smart.Registration{}, err
	}
	c, r, err := f.M.RenewRegistration(f.Now(), udi)
	if err == nil {
		err = f.M.Apply(c)
	}
	return r, err
}

func (f *Manager) Deregister(udi string) error {
	if err := f.reach(); err != nil {
		return err
	}
	c, _, err := f.M.Deregister(f.Now(), udi)
	if err == nil {
		err = f.M.Apply(c)
	}
	return err
}

// ReturnReservation is reached even when Down: the code is entered at the
// manager.
func (f *Manager) ReturnReservation(udi, code string) error {
	c, _, err := f.M.ReturnReservation(f.Now(), udi, code)
	if err == nil {
		err = f.M.Apply(c)
	}
	return err
}

func (f *Manager) VerifyAuthorization(request, code string) (string, error) {
	return f.M.VerifyAuthorization(request, code)
}

// Reserve turns a request code into an authorization code for tag, as
// `headendctl smart reserve` does.
func (f *Manager) Reserve(request, tag string) (string, error) {
	c, r, err := f.M.Reserve(f.Now(), "Acme", "", request, tag)
	if err == nil {
		err = f.M.Apply(c)
	}
	return r.AuthorizationCode, err
}
