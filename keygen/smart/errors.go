package smart

import (
	"errors"
	"fmt"
)

// Domain errors of the Smart Software Manager; the gRPC layer strips the
// "smart: " prefix.
var (
	// ErrInvalidName: an account or virtual account name that is empty,
	// padded, too long or holds characters other than letters, digits,
	// space, '-', '_' and '.'.
	ErrInvalidName = errors.New("smart: invalid name")
	// ErrAccountExists, ErrUnknownAccount, ErrUnknownVirtualAccount.
	ErrAccountExists         = errors.New("smart: the Smart Account already exists")
	ErrUnknownAccount        = errors.New("smart: no such Smart Account")
	ErrUnknownVirtualAccount = errors.New("smart: no such Virtual Account")
	// ErrUnknownTag: not an entitlement tag the manager holds.
	ErrUnknownTag = errors.New("smart: unknown entitlement tag")
	// ErrCountOutOfRange: an entitlement count or token use count out of
	// range.
	ErrCountOutOfRange = errors.New("smart: count out of range")
	// ErrDaysOutOfRange: a token lifetime outside 1..MaxTokenDays.
	ErrDaysOutOfRange = errors.New("smart: token expiry days out of range")
	// ErrEndDate: an entitlement end date that is not after the lab time.
	ErrEndDate = errors.New("smart: invalid entitlement end date")
	// ErrInvalidUDI: not a UDI of the form PID:ASAv,SN:<serial>.
	ErrInvalidUDI = errors.New("smart: invalid UDI")
	// ErrNotRegistered: the UDI is not registered (renewal, deregistration).
	ErrNotRegistered = errors.New("smart: the product instance is not registered")
	// ErrRequestCode: a reservation request code that does not parse.
	ErrRequestCode = errors.New("smart: invalid reservation request code")
	// ErrAlreadyRegistered: a reservation for a device that is registered
	// (or reserved) already; it deregisters first.
	ErrAlreadyRegistered = errors.New("smart: the product instance is already registered")
	// ErrReserved: the request code was already turned into an
	// authorization code.
	ErrReserved = errors.New("smart: a reservation was already made for the request code")
	// ErrReturnCode: a reservation return code that is not the one of
	// the device's reservation.
	ErrReturnCode = errors.New("smart: invalid reservation return code")
	// ErrInsufficientLicenses: a reservation needs a tag with a balance.
	ErrInsufficientLicenses = errors.New("smart: the Virtual Account has insufficient licenses to reserve")
	// ErrTagRequired: a reservation without a tag, where more than one (or
	// no) ASAv tier has a balance to choose from.
	ErrTagRequired = errors.New("smart: name the entitlement tag to reserve")

	// The ID token refusals (see TokenError).
	ErrTokenInvalid = errors.New("smart: invalid ID token")
	ErrTokenExpired = errors.New("smart: expired ID token")
	ErrTokenRevoked = errors.New("smart: revoked ID token")
	ErrTokenUsedUp  = errors.New("smart: ID token has no uses left")
)

// TokenError is the manager's refusal of an ID token at registration, in
// the form the device prints after "Failure reason:". No public source
// quotes Cisco's wording for each case verbatim; the lab uses one sentence
// per case naming the token, as Cisco's Smart Licensing failure reasons do.
// errors.Is matches Reason (ErrTokenInvalid, ErrTokenExpired,
// ErrTokenRevoked, ErrTokenUsedUp).
type TokenError struct {
	Token  string
	Reason error
}

func (e *TokenError) Error() string {
	switch e.Reason {
	case ErrTokenExpired:
		return fmt.Sprintf("smart: The token '%s' has expired.", e.Token)
	case ErrTokenRevoked:
		return fmt.Sprintf("smart: The token '%s' has been revoked.", e.Token)
	case ErrTokenUsedUp:
		return fmt.Sprintf("smart: The token '%s' has exceeded its maximum number of uses.", e.Token)
	}
	return fmt.Sprintf("smart: The token '%s' is not valid.", e.Token)
}

// Is matches the reason.
func (e *TokenError) Is(target error) bool { return target == e.Reason }
