package sim

import (
	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// The vocabulary of headends the lab's front-ends (the gRPC server, the SSH
// consoles) speak, named here so that they import the lab alone: the
// aliases are the types of the headend packages themselves, so nothing is
// converted and errors.Is matches the same sentinels.
type (
	Device           = family.Device
	Platform         = headend.Platform
	Licensing        = headend.Licensing
	Kind             = headend.Kind
	Reason           = headend.Reason
	Decision         = admission.Decision
	Counts           = admission.Counts
	Principal        = admission.Principal
	SessionView      = family.SessionView
	SSHSession       = family.SSHSession
	SSHOffer         = family.SSHOffer
	KeyAction        = family.KeyAction
	InstallResult    = family.InstallResult
	KeyLicense       = family.KeyLicense
	LicensedFeatures = family.LicensedFeatures
	Console          = family.Console
	ConsoleOptions   = family.ConsoleOptions
	ConsoleMode      = family.Mode
	Failover         = keygen.Failover
)

// Enumerations of the vocabulary.
const (
	LicensingPAK   = headend.LicensingPAK
	LicensingSmart = headend.LicensingSmart
	LicensingIOS   = headend.LicensingIOS

	KindAnyConnect = headend.KindAnyConnect
	NumKinds       = headend.NumKinds
	NumReasons     = headend.NumReasons

	KeyActivate   = family.KeyActivate
	KeyDeactivate = family.KeyDeactivate

	FailoverActiveStandby = keygen.FailoverActiveStandby
	FailoverActiveActive  = keygen.FailoverActiveActive

	ConsoleUser  = family.ModeUser
	ConsolePriv  = family.ModePriv
	ConsoleLogin = family.ModeLogin
	ConsoleShell = family.ModeShell
)

// Errors of the headends, which the lab returns as they are.
var (
	ErrNotSupported         = family.ErrNotSupported
	ErrUnknownModel         = headend.ErrUnknownModel
	ErrModelNotSimulated    = headend.ErrModelNotSimulated
	ErrInvalidHostname      = headend.ErrInvalidHostname
	ErrInvalidSerial        = headend.ErrInvalidSerial
	ErrInvalidUsername      = headend.ErrInvalidUsername
	ErrInvalidPassword      = headend.ErrInvalidPassword
	ErrUnsupportedVersion   = headend.ErrUnsupportedVersion
	ErrUnavailable          = headend.ErrUnavailable
	ErrInvalidPrincipal     = admission.ErrInvalidPrincipal
	ErrTooManyPrincipals    = admission.ErrTooManyPrincipals
	ErrTimeBasedUnsupported = license.ErrTimeBasedUnsupported
	ErrNotTimeBased         = license.ErrNotTimeBased
	ErrKeyNotInstalled      = license.ErrKeyNotInstalled
	ErrVPNOnlyWithPlusApex  = license.ErrVPNOnlyWithPlusApex
	ErrNewWithClassic       = license.ErrNewWithClassic
)

// Platforms is the catalog, in table order. Callers must not modify it.
func Platforms() []Platform { return headend.Platforms() }

// ModelNames lists the catalog's model ids.
func ModelNames() []string { return headend.ModelNames() }

// ValidateHostname checks a headend's hostname.
func ValidateHostname(h string) error { return headend.ValidateHostname(h) }

// ValidatePrincipal checks a user and client device before admission.
func ValidatePrincipal(user, device string) error { return admission.ValidatePrincipal(user, device) }
