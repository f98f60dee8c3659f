package license

import "errors"

// Domain errors of the ASA's activation-key licensing.
var (
	ErrTimeBasedUnsupported = errors.New("headend: time-based activation keys are not supported on this platform")
	ErrNotTimeBased         = errors.New("headend: only a time-based key can be deactivated")
	ErrKeyNotInstalled      = errors.New("headend: the time-based key is not installed")
	ErrVPNOnlyWithPlusApex  = errors.New("headend: AnyConnect VPN Only licenses do not co-exist with Plus or Apex licenses on the same device")
	ErrNewWithClassic       = errors.New("headend: AnyConnect Plus, Apex and VPN Only licenses do not co-exist with Essentials, Premium or Shared licenses on the same device")
)
