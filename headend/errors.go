package headend

import "errors"

// Domain errors of a headend. The console prints them as the ASA would; the
// gRPC layer maps them to status codes.
var (
	ErrUnknownModel         = errors.New("headend: unknown model")
	ErrModelNotSimulated    = errors.New("headend: model is in the catalog but not simulated yet")
	ErrInvalidHostname      = errors.New("headend: invalid hostname")
	ErrInvalidSerial        = errors.New("headend: serial number must be 11 characters A-Z, 0-9")
	ErrTimeBasedUnsupported = errors.New("headend: time-based activation keys are not supported on this platform")
	ErrNotTimeBased         = errors.New("headend: only a time-based key can be deactivated")
	ErrKeyNotInstalled      = errors.New("headend: the time-based key is not installed")
	ErrVPNOnlyWithPlusApex  = errors.New("headend: AnyConnect VPN Only licenses do not co-exist with Plus or Apex licenses on the same device")
	ErrNewWithClassic       = errors.New("headend: AnyConnect Plus, Apex and VPN Only licenses do not co-exist with Essentials, Premium or Shared licenses on the same device")
	ErrUnavailable          = errors.New("headend: the device is reloading")
	ErrInvalidUsername      = errors.New("headend: invalid username")
	ErrInvalidPassword      = errors.New("headend: invalid password")
	ErrUnsupportedVersion   = errors.New("headend: software version not supported on this model")
)
