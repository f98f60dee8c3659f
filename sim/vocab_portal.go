package sim

import (
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
)

// The vocabulary of activation keys and of the licensing portal the
// front-ends speak, named here as sim/vocab.go names the headends'.
type (
	OrderLine  = portal.OrderLine
	Tier       = portal.Tier
	SKUKind    = portal.SKUKind
	How        = portal.How
	PAK        = portal.PAK
	LicenseRow = portal.LicenseRow
	IssuedKey  = portal.IssuedKey
	// RegisterOptions: Migrate is the portal's Migration flow.
	RegisterOptions = portal.RegisterOptions
	Migration       = portal.Migration
)

// Enumerations of the portal; the SKU kinds are named SKU... here, since
// Kind is a connection's.
const (
	MaxOrderLines = portal.MaxOrderLines

	TierPlus    = portal.TierPlus
	TierApex    = portal.TierApex
	TierVPNOnly = portal.TierVPNOnly
	TierClassic = portal.TierClassic

	SKUTerm      = portal.KindTerm
	SKUPerpetual = portal.KindPerpetual
	SKUVPNOnly   = portal.KindVPNOnly
	SKUClassic   = portal.KindClassic
	SKUTimeBased = portal.KindTimeBased
	SKUDemo      = portal.KindDemo

	HowRegistered = portal.HowRegistered
	HowShared     = portal.HowShared
	HowRehosted   = portal.HowRehosted
	HowDemo       = portal.HowDemo
)

// Errors of activation keys and of the portal, returned as they are. The
// portal's are named ErrPortal... where a headend's error has the name.
var (
	ErrKeySerial                 = keygen.ErrInvalidSerial
	ErrMalformedKey              = keygen.ErrMalformedKey
	ErrInvalidKey                = keygen.ErrInvalidKey
	ErrUnknownSKU                = portal.ErrUnknownSKU
	ErrUsersOutOfRange           = portal.ErrUsersOutOfRange
	ErrTermOutOfRange            = portal.ErrTermOutOfRange
	ErrStartDate                 = portal.ErrStartDate
	ErrInvalidOrder              = portal.ErrInvalidOrder
	ErrPAKInvalid                = portal.ErrPAKInvalid
	ErrPAKInactive               = portal.ErrPAKInactive
	ErrPAKExhausted              = portal.ErrPAKExhausted
	ErrSerialBlank               = portal.ErrSerialBlank
	ErrSerialReturned            = portal.ErrSerialReturned
	ErrASAvSerial                = portal.ErrASAvSerial
	ErrSameSerial                = portal.ErrSameSerial
	ErrNoLicenses                = portal.ErrNoLicenses
	ErrNotOnSource               = portal.ErrNotOnSource
	ErrNotShareable              = portal.ErrNotShareable
	ErrPortalVPNOnlyWithPlusApex = portal.ErrVPNOnlyWithPlusApex
	ErrPortalNewWithRetired      = portal.ErrNewWithRetired
	ErrMigrationRequired         = portal.ErrMigrationRequired
	ErrMigrateToRetired          = portal.ErrMigrateToRetired
	ErrVPNOnlyFixed              = portal.ErrVPNOnlyFixed
	ErrCodeInvalid               = portal.ErrCodeInvalid
	ErrCodeUsed                  = portal.ErrCodeUsed
	ErrCodeExpired               = portal.ErrCodeExpired
	ErrDemoIssued                = portal.ErrDemoIssued
)
