package console

import (
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
)

// The ASAv's console is the ASA's with the Smart Licensing commands
// (headend/asa/console/smartcmd) instead of activation keys: a session
// takes the command set of its device's licensing, so that `?` on a
// 5500-X lists no `license smart` and an ASAv has no `activation-key`.

// unreachable is the manager of a backend that reaches none.
type unreachable struct{}

func (unreachable) Register(string, string, []string) (smart.Registration, error) {
	return smart.Registration{}, family.ErrSmartUnreachable
}

func (unreachable) RenewAuthorization(string) (smart.Registration, error) {
	return smart.Registration{}, family.ErrSmartUnreachable
}

func (unreachable) RenewRegistration(string) (smart.Registration, error) {
	return smart.Registration{}, family.ErrSmartUnreachable
}

func (unreachable) Deregister(string) error { return family.ErrSmartUnreachable }

func (unreachable) ReturnReservation(string, string) error { return family.ErrSmartUnreachable }

func (unreachable) VerifyAuthorization(string, string) (string, error) {
	return "", family.ErrSmartUnreachable
}
