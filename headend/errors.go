package headend

import "errors"

// Domain errors every family of headend shares. The console prints them
// as the device would; the gRPC layer maps them to status codes.
var (
	ErrUnknownModel       = errors.New("headend: unknown model")
	ErrModelNotSimulated  = errors.New("headend: model is in the catalog but not simulated yet")
	ErrInvalidHostname    = errors.New("headend: invalid hostname")
	ErrInvalidSerial      = errors.New("headend: serial number must be 11 characters A-Z, 0-9")
	ErrUnavailable        = errors.New("headend: the device is reloading")
	ErrInvalidUsername    = errors.New("headend: invalid username")
	ErrInvalidPassword    = errors.New("headend: invalid password")
	ErrUnsupportedVersion = errors.New("headend: software version not supported on this model")
)
