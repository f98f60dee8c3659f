package keygen

import "errors"

// Domain errors. Callers test them with errors.Is; the gRPC layer maps them to
// status codes.
var (
	// ErrMalformedKey: the text is not five hexadecimal 32-bit words.
	ErrMalformedKey = errors.New("keygen: activation key must be five hexadecimal 32-bit words")
	// ErrInvalidKey: five words, but not a key this lab made for this serial
	// (typed wrong, made for another serial or by another lab).
	ErrInvalidKey = errors.New("keygen: the requested activation key is not valid")
	// ErrInvalidSerial: not an 11-character serial of A-Z and 0-9.
	ErrInvalidSerial = errors.New("keygen: serial number must be 11 characters A-Z, 0-9")
	// ErrInvalidFeatures: a feature value out of range or an impossible combination.
	ErrInvalidFeatures = errors.New("keygen: invalid feature set")
	// ErrInvalidSecret: the lab signing secret is missing or too short.
	ErrInvalidSecret = errors.New("keygen: lab signing secret must be at least 16 bytes")
)
