package license

import (
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/ioslic"
)

// EvalPeriod is the evaluation right-to-use period of a technology
// package: 60 days, counted while the package is in use.
const EvalPeriod = 60 * 24 * time.Hour

// Type is a license type as `show license` prints it.
type Type string

// License types.
const (
	TypeNone      Type = "None"
	TypePermanent Type = "Permanent"
	TypeEval      Type = "EvalRightToUse"
)

// Technology is one row of the technology-package table.
type Technology struct {
	// Name is the technology ("security"), Package its package
	// ("securityk9").
	Name, Package string
}

// Module is the technology-package module of a platform.
type Module struct {
	// Name is the module `license boot module` names: "c2900".
	Name string
	// Technologies in `show version` order, ipbase first.
	Technologies []Technology
}

// ModuleFor is the module of a catalog row; ErrNotISR for a platform
// without one.
func ModuleFor(p *headend.Platform) (Module, error) { return Module{}, ErrNotISR }

// Output is what a licensing command prints and logs.
type Output struct {
	// Lines are the console lines.
	Lines []string
	// Syslog are the messages the device logs, "%LICENSE-6-INSTALL: ..."
	// without timestamp.
	Syslog []string
}

// Eval is the evaluation right-to-use state of one feature.
type Eval struct {
	EULAAccepted bool      `json:"eula_accepted,omitempty"`
	AcceptedAt   time.Time `json:"accepted_at,omitzero"`
	// Used is the period used up to InUseSince (or in all when not in use).
	Used time.Duration `json:"used,omitempty"`
	// InUseSince is when the feature last went in use; zero when not.
	InUseSince time.Time `json:"in_use_since,omitzero"`
	Expired    bool      `json:"expired,omitempty"`
}

// Boot is the state of one technology package: running now, and at the
// next reload.
type Boot struct {
	Current bool `json:"current,omitempty"`
	Next    bool `json:"next,omitempty"`
}

// Store is the licensing state of one router. It is JSON-able; the device
// keeps it and Copy makes the copy a change works on.
type Store struct {
	Module string `json:"module"`
	// Licenses are the installed license lines, in install order.
	Licenses []ioslic.License `json:"licenses,omitempty"`
	// Eval by feature name.
	Eval map[string]*Eval `json:"eval,omitempty"`
	// Boot by package name ("securityk9").
	Boot map[string]*Boot `json:"boot,omitempty"`
	// EULAAll: `license accept end user agreement` was given.
	EULAAll bool `json:"eula_all,omitempty"`
}

// New is the factory state of a router with module m at now: ipbasek9
// permanent and running; the other packages off, their evaluation not
// activated.
func New(m Module, now time.Time) *Store { return &Store{Module: m.Name} }

// Copy is a deep copy.
func (s *Store) Copy() *Store { c := *s; return &c }

// Install is `license install NAME` with the file's data, on the router
// udi, checked with the lab's signer. On error the store is unchanged and
// Output holds what IOS prints for the failure.
func (s *Store) Install(now time.Time, udi, name string, data []byte, signer *keygen.Signer) (Output, error) {
	return Output{}, nil
}

// ClearList is what `license clear FEATURE` lists before it asks "Are you
// sure you want to clear? (yes/[no]): " (ClearPrompt).
func (s *Store) ClearList(feature string) ([]string, error) { return nil, ErrNothingToClear }

// ClearPrompt is the confirmation question of `license clear`.
const ClearPrompt = "Are you sure you want to clear? (yes/[no]): "

// Clear removes the installed licenses of feature, once confirmed.
func (s *Store) Clear(now time.Time, feature string) (Output, error) { return Output{}, nil }

// Save is `license save NAME`: the installed licenses as one license file
// (which `license install` takes back), and what IOS prints.
func (s *Store) Save(name string) ([]byte, Output, error) { return nil, Output{}, ErrNoLicenses }

// EULA is the end user license agreement text printed before
// EULAPrompt, by `license accept end user agreement` and by `license boot
// module` for a package run on evaluation.
func EULA() []string { return nil }

// EULAPrompt is the question after the EULA.
const EULAPrompt = "ACCEPT? [yes/no]: "

// AcceptEULA is `license accept end user agreement` answered yes: the
// EULA of every evaluation feature is accepted.
func (s *Store) AcceptEULA(now time.Time) Output { return Output{} }

// BootNeedsEULA reports whether `license boot module MODULE
// technology-package PKG` prints the EULA and asks EULAPrompt first: the
// package has no permanent license and its EULA is not accepted yet.
func (s *Store) BootNeedsEULA(module, pkg string) (bool, error) { return false, nil }

// BootModule is `license boot module MODULE technology-package PKG`;
// accepted is the answer to the EULA prompt when one was asked (it
// accepts the package's EULA). The package runs from the next reload.
func (s *Store) BootModule(now time.Time, module, pkg string, accepted bool) (Output, error) {
	return Output{}, nil
}

// BootModuleDisable is `license boot module MODULE technology-package
// PKG disable`: the package stops at the next reload.
func (s *Store) BootModuleDisable(now time.Time, module, pkg string) (Output, error) {
	return Output{}, nil
}

// Reload boots the router at now: the next-reboot packages become the
// current ones; Output.Syslog holds the boot's license lines.
func (s *Store) Reload(now time.Time) Output { return Output{} }

// Advance brings evaluation periods up to now, logging the expiry
// warnings and expiries at their times.
func (s *Store) Advance(now time.Time, log func(at time.Time, msg string)) {}

// NextEvent is when Advance next logs; ok false when nothing is due.
func (s *Store) NextEvent() (at time.Time, ok bool) { return time.Time{}, false }

// Running is what the router runs at a time.
type Running struct {
	// Packages are the technology packages running, with their types.
	Packages map[string]Type
	// SSLVPNSeats is the SSL_VPN seat count licensed.
	SSLVPNSeats int
}

// Active reports whether the package runs.
func (r Running) Active(pkg string) bool { _, ok := r.Packages[pkg]; return ok }

// Security reports whether securityk9 runs: what IKEv2 and SSL VPN need.
func (r Running) Security() bool { return r.Active("securityk9") }

// SSLVPN is the SSL VPN seats usable: the licensed seats when securityk9
// runs, else 0.
func (r Running) SSLVPN() int {
	if !r.Security() {
		return 0
	}
	return r.SSLVPNSeats
}

// Running is the state at now.
func (s *Store) Running(now time.Time) Running { return Running{} }

// ShowLicense is `show license`; inUse counts the seats in use of counted
// features by name ("SSL_VPN").
func (s *Store) ShowLicense(now time.Time, inUse map[string]int) string { return "" }

// ShowLicenseFeature is `show license feature`.
func (s *Store) ShowLicenseFeature(now time.Time) string { return "" }

// ShowLicenseDetail is `show license detail`.
func (s *Store) ShowLicenseDetail(now time.Time, inUse map[string]int) string { return "" }

// ShowLicenseUDI is `show license udi` of the router pid, sn.
func ShowLicenseUDI(pid, sn string) string { return "" }

// TechnologyTable is the technology-package block of `show version`, from
// "Technology Package License Information for Module:'c2900'" to the
// table's last row.
func (s *Store) TechnologyTable(now time.Time) string { return "" }
