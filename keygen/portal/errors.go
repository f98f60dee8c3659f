package portal

import (
	"errors"
	"fmt"
)

// Domain errors of the licensing portal. Where Cisco's Secure Client
// (AnyConnect) Licensing FAQ quotes the portal's wording, the error text is
// that wording; the gRPC layer strips the "portal: " prefix.
var (
	// ErrUnknownSKU: not a part number the portal sells.
	ErrUnknownSKU = errors.New("portal: unknown SKU")
	// ErrUsersOutOfRange: the authorized user count is missing or out of range.
	ErrUsersOutOfRange = errors.New("portal: authorized user count out of range")
	// ErrTermOutOfRange: the term in months is missing or out of range.
	ErrTermOutOfRange = errors.New("portal: term out of range")
	// ErrStartDate: the start date is malformed, in the past, or more than
	// 60 days ahead.
	ErrStartDate = errors.New("portal: invalid license start date")
	// ErrInvalidOrder: any other mistake in an order line (no customer, an
	// option the SKU does not take, a bad quantity, no line at all).
	ErrInvalidOrder = errors.New("portal: invalid order line")

	// ErrPAKInvalid: no such PAK. ErrPAKInactive: the PAK exists but its
	// activation delay has not passed. Both print the portal's one message
	// (see PAKError).
	ErrPAKInvalid  = errors.New("portal: invalid PAK")
	ErrPAKInactive = errors.New("portal: inactive PAK")
	// ErrPAKExhausted: a single-use PAK (VPN Only, the retired licenses)
	// is already registered as many times as its quantity.
	ErrPAKExhausted = errors.New("portal: the PAK has no quantity left to register")

	// ErrSerialBlank: an empty serial, or one with a leading or trailing
	// space (the FAQ: "You most likely pasted in a trailing space after
	// your serial number").
	ErrSerialBlank = errors.New("portal: Serial number cannot be blank")
	// ErrSerialReturned: the serial was replaced under RMA; its licenses
	// live on the replacement.
	ErrSerialReturned = errors.New("portal: the serial number was returned under RMA")
	// ErrASAvSerial: a PAK registered to an ASAv's serial (the "9A" form
	// of 11 characters). Cisco's Secure Client licensing FAQ: PAK
	// registration of AnyConnect licenses "does not happen for the ASA v",
	// which "does not require any Cisco Secure Client license to be
	// physically applied"; an ASAv is licensed through its Smart Account.
	ErrASAvSerial = errors.New("portal: PAK registration does not happen for the ASA v")
	// ErrSameSerial: source and target (or old and new) serial are the same.
	ErrSameSerial = errors.New("portal: source and target serial numbers must differ")
	// ErrNoLicenses: nothing registered to the serial for this action.
	ErrNoLicenses = errors.New("portal: no licenses are registered to the serial number")
	// ErrNotOnSource: a SKU chosen for sharing is not registered to the
	// source serial.
	ErrNotOnSource = errors.New("portal: the SKU is not registered to the source serial number")

	// ErrVPNOnlyWithPlusApex, ErrNewWithRetired, ErrVPNOnlyFixed:
	// license combinations the FAQ rules out, in its words.
	ErrVPNOnlyWithPlusApex = errors.New("portal: VPN Only licenses do not co-exist on the same hardware with Plus or Apex licenses")
	ErrNewWithRetired      = errors.New("portal: Discontinued Essentials or Premium licenses do not co-exist on the same hardware as newer Plus, Apex or VPN Only licenses")
	ErrVPNOnlyFixed        = errors.New("portal: The VPN Only licenses cannot be transferred, rehosted, shared, combined, split, or directly upgraded to another VPN Only license size")
	// ErrMigrationRequired joins ErrNewWithRetired when a Plus, Apex or VPN
	// Only PAK meets a serial's retired AnyConnect licenses: registering
	// with RegisterOptions.Migrate (headendctl's --migrate) replaces them.
	ErrMigrationRequired = errors.New("portal: register with --migrate (the migrate field of RegisterPak) to replace the serial's retired AnyConnect licenses")
	// ErrMigrateToRetired: a migration replaces retired licenses with a
	// Plus, Apex or VPN Only one, so it takes no retired PAK.
	ErrMigrateToRetired = errors.New("portal: a migration replaces retired AnyConnect licenses with a Plus, Apex or VPN Only license")
	// ErrNotShareable: a license that the Share License Process does not
	// copy (VPN Only, the retired per-ASA licenses, evaluations).
	ErrNotShareable = errors.New("portal: the license cannot be shared")

	// ErrCodeInvalid, ErrCodeUsed, ErrCodeExpired: activation codes of the
	// Share License Process are single-use and expire.
	ErrCodeInvalid = errors.New("portal: invalid activation code")
	ErrCodeUsed    = errors.New("portal: the activation code has already been used")
	ErrCodeExpired = errors.New("portal: the activation code has expired; request another code")

	// ErrDemoIssued: one evaluation license per serial.
	ErrDemoIssued = errors.New("portal: a demo license has already been issued for this serial number")
)

// PAKError is the portal's answer to an unknown or not yet active PAK. The
// real portal says the same for both (Cisco's Secure Client (AnyConnect)
// Licensing FAQ): "PAK/s or Token/s <PAK> is / are either Invalid or
// Inactive". errors.Is tells them apart with ErrPAKInvalid and
// ErrPAKInactive.
type PAKError struct {
	PAK      string
	Inactive bool
}

func (e *PAKError) Error() string {
	return fmt.Sprintf("portal: PAK/s or Token/s %s is / are either Invalid or Inactive", e.PAK)
}

// Is matches ErrPAKInactive or ErrPAKInvalid.
func (e *PAKError) Is(target error) bool {
	if e.Inactive {
		return target == ErrPAKInactive
	}
	return target == ErrPAKInvalid
}
