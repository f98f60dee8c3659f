package license

import "errors"

// Domain errors of IOS licensing. The console prints the lines of the
// Output that comes with them, as IOS does; the gRPC layer maps them.
var (
	// ErrNotISR: the platform has no technology-package module this
	// package simulates (a CSR 1000V, an ASR 1001-X).
	ErrNotISR = errors.New("headend: the platform has no ISR G2 technology packages")
	// ErrUnknownModule: `license boot module NAME` names another module
	// than the router's.
	ErrUnknownModule = errors.New("headend: unknown license module")
	// ErrUnknownPackage: not a technology package of the module.
	ErrUnknownPackage = errors.New("headend: unknown technology package")
	// ErrUnknownFeature: not a license feature of the router.
	ErrUnknownFeature = errors.New("headend: unknown license feature")
	// ErrWrongUDI: the license file is bound to another router.
	ErrWrongUDI = errors.New("headend: the license file is for another UDI")
	// ErrEULANotAccepted: an evaluation package was asked for without
	// accepting its end user license agreement.
	ErrEULANotAccepted = errors.New("headend: end user license agreement not accepted")
	// ErrNothingToClear: the feature has no installed license to clear.
	ErrNothingToClear = errors.New("headend: no license of the feature to clear")
	// ErrNoLicenses: `license save` with nothing installed.
	ErrNoLicenses = errors.New("headend: no licenses to save")
)

// ErrEvalExpired: the evaluation period of the package is over; only a
// permanent license brings it back.
var ErrEvalExpired = errors.New("headend: the evaluation period is over")
