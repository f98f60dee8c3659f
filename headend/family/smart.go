package family

import (
	"errors"
	"time"

	"github.com/asalab/asalab/keygen/smart"
)

// Smart Licensing (ASAv): the device holds its `license smart`
// configuration and its Smart Agent's state (registration, authorization,
// evaluation, reservation) and decides when it talks to the Smart Software
// Manager (SmartLicensing); the lab holds the manager (keygen/smart) and
// the path to it over the lab network (Host.Smart), which a fault cuts.

// ErrSmartUnreachable: the Smart Software Manager did not answer, because
// the lab cut the headend's path to it (`headendctl link cut H smart`) or
// the lab has no manager. The device records it as a communication
// failure and tries again later.
var ErrSmartUnreachable = errors.New("headend: the Smart Software Manager is unreachable")

// SmartManager is the lab's Smart Software Manager as one headend reaches
// it: each call is made at the lab time, and fails with
// ErrSmartUnreachable while the path is cut; the manager's own refusals
// (keygen/smart's errors: a *smart.TokenError, smart.ErrNotRegistered...)
// come back as they are.
type SmartManager interface {
	// Register registers the device's UDI with an ID token, asking for
	// the entitlement tags (the tier's, then any AnyConnect tags).
	Register(udi, token string, tags []string) (smart.Registration, error)
	// RenewAuthorization and RenewRegistration are the device's periodic
	// renewals (every 30 days, every 6 months).
	RenewAuthorization(udi string) (smart.Registration, error)
	RenewRegistration(udi string) (smart.Registration, error)
	// Deregister returns the device's licenses to its virtual account.
	Deregister(udi string) error
	// VerifyAuthorization checks a Permanent License Reservation's
	// authorization code against the device's request code and returns
	// the tier tag it reserves. It needs no communication (the code is
	// signed with the lab's secret), so it never fails as unreachable.
	VerifyAuthorization(request, code string) (tag string, err error)
	// ReturnReservation gives a returned Permanent License Reservation's
	// license back to its virtual account by the return code the device
	// printed. The operator enters that code at the manager, not the
	// device, so it never fails as unreachable.
	ReturnReservation(udi, returnCode string) error
}

// SmartUsageReporter is a SmartManager that takes a device's new usage:
// an authorization renewal reporting the entitlement tags it now asks
// for, which replace those it registered with.
type SmartUsageReporter interface {
	ReportUsage(udi string, tags []string) (smart.Registration, error)
}

// SmartLicensing is the capability of a family licensed by Smart
// Licensing. Time-driven changes that need no communication (the end of
// the evaluation period, the communication deadline passing, the
// registration expiring) happen in Device.Advance and are announced by
// Device.NextTimedEvent; what needs the manager happens in SmartRenew.
type SmartLicensing interface {
	// SmartLicense is the Smart Licensing state at now, as the API shows
	// it.
	SmartLicense(now time.Time) SmartLicense
	// SmartDue is when the device next talks to the manager by itself (a
	// renewal of its authorization or registration, or a retry after a
	// failed attempt); ok is false when nothing is due (unregistered, or
	// licensed by a reservation).
	SmartDue() (at time.Time, ok bool)
	// SmartRenew makes the attempts due at now through m and records
	// their outcomes, logging the lines a real ASAv logs. The lab calls
	// it inside a change of the device (Host.Update), at the due time on
	// a simulated clock (stepping the clock through the due times of its
	// headends in order), or as soon as it can after it on a real one.
	SmartRenew(now time.Time, m SmartManager)
}

// SmartLicense is a headend's Smart Licensing state, as `show license
// all` prints it and the API shows it.
type SmartLicense struct {
	// Tier and Throughput are the `license smart` entitlement configured
	// ("standard", "1G"); Entitlement the tag they ask for
	// ("ASAv-STD-1G"), "" when none is configured.
	Tier, Throughput, Entitlement string
	// PlatformState is `show version`'s "ASAv Platform License State:
	// Licensed|Unlicensed".
	PlatformState string
	// Registration is "UNREGISTERED", "REGISTERED" or "RESERVED" (a
	// Permanent License Reservation installed); Authorization "EVAL
	// MODE", "EVAL EXPIRED", "AUTHORIZED", "OUT OF COMPLIANCE",
	// "AUTHORIZATION EXPIRED" (the communication deadline passed) or
	// "NO LICENSES IN USE".
	Registration, Authorization  string
	SmartAccount, VirtualAccount string
	UDI                          string
	// EvalRemaining is what is left of the 90-day evaluation period.
	EvalRemaining time.Duration
	// RegisteredAt, AuthorizedAt: the last successes; zero when none.
	RegisteredAt, AuthorizedAt time.Time
	// NextAttempt is the next communication attempt (SmartDue);
	// CommDeadline when the authorization expires without one;
	// RegistrationExpires when the registration does. Zero when none.
	NextAttempt, CommDeadline, RegistrationExpires time.Time
	// NextRenewal and NextCommunication are the two attempts NextAttempt
	// is the earlier of, as `show license status` lists them (Next
	// Renewal Attempt, Next Communication Attempt). Zero when none.
	NextRenewal, NextCommunication time.Time
	// LastFailure is the failure reason of the last attempt, "" when it
	// succeeded.
	LastFailure string
	// PremiumPeers is the AnyConnect Premium limit the state gives.
	PremiumPeers int
}
