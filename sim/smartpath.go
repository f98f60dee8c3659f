package sim

import (
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
)

// Smart is the lab's Smart Software Manager as h reaches it (family.Host).
// Not wired yet: every call answers as a manager out of reach.
func (h *Headend) Smart() family.SmartManager { return noSmart{} }

// noSmart is a Smart Software Manager that never answers.
type noSmart struct{}

func (noSmart) Register(string, string, []string) (smart.Registration, error) {
	return smart.Registration{}, family.ErrSmartUnreachable
}

func (noSmart) RenewAuthorization(string) (smart.Registration, error) {
	return smart.Registration{}, family.ErrSmartUnreachable
}

func (noSmart) RenewRegistration(string) (smart.Registration, error) {
	return smart.Registration{}, family.ErrSmartUnreachable
}

func (noSmart) Deregister(string) error { return family.ErrSmartUnreachable }

func (noSmart) VerifyAuthorization(string, string) (string, error) {
	return "", family.ErrSmartUnreachable
}
