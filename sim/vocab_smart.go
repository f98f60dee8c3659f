package sim

import (
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
)

// The vocabulary of the lab's Smart Software Manager (keygen/smart) the
// front-ends use through sim.
type (
	SmartAccount      = smart.Account
	SmartEntitlement  = smart.Entitlement
	SmartToken        = smart.Token
	SmartDevice       = smart.Device
	SmartDeviceStatus = smart.DeviceStatus
	SmartUsage        = smart.Usage
	SmartTagUsage     = smart.TagUsage
	SmartReserved     = smart.Reserved
	SmartRegistration = smart.Registration
	SmartStatus       = smart.Status
	// SmartLicense is a Smart-licensed headend's state (Snapshot.SmartLicense).
	SmartLicense = family.SmartLicense
	// SmartVACompliance is a virtual account's row of the compliance
	// report (Lab.SmartCompliance).
	SmartVACompliance = smart.VACompliance
)

// Errors of the Smart Software Manager, returned as they are.
var (
	ErrSmartInvalidName           = smart.ErrInvalidName
	ErrSmartAccountExists         = smart.ErrAccountExists
	ErrSmartUnknownAccount        = smart.ErrUnknownAccount
	ErrSmartUnknownVirtualAccount = smart.ErrUnknownVirtualAccount
	ErrSmartUnknownTag            = smart.ErrUnknownTag
	ErrSmartCountOutOfRange       = smart.ErrCountOutOfRange
	ErrSmartDaysOutOfRange        = smart.ErrDaysOutOfRange
	ErrSmartEndDate               = smart.ErrEndDate
	ErrSmartInvalidUDI            = smart.ErrInvalidUDI
	ErrSmartNotRegistered         = smart.ErrNotRegistered
	ErrSmartRequestCode           = smart.ErrRequestCode
	ErrSmartReserved              = smart.ErrReserved
	ErrSmartAlreadyRegistered     = smart.ErrAlreadyRegistered
	ErrSmartInsufficientLicenses  = smart.ErrInsufficientLicenses
	ErrSmartTagRequired           = smart.ErrTagRequired
	ErrSmartTokenInvalid          = smart.ErrTokenInvalid
	ErrSmartTokenExpired          = smart.ErrTokenExpired
	ErrSmartTokenRevoked          = smart.ErrTokenRevoked
	ErrSmartTokenUsedUp           = smart.ErrTokenUsedUp
)

// Authorization states of a device.
const (
	SmartAuthorized      = smart.StatusAuthorized
	SmartOutOfCompliance = smart.StatusOutOfCompliance
)
