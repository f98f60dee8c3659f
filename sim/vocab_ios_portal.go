package sim

import "github.com/asalab/asalab/keygen/portal"

// The portal's IOS licenses as the front-ends name them: a PAK of an IOS
// feature SKU registered with RegisterOptions.UDI makes a license file
// (Registered.IOS) instead of a key.
type IOSLicense = portal.IOSLicense

// The IOS tier and SKU kind of the portal.
const (
	TierIOS = portal.TierIOS
	SKUIOS  = portal.KindIOS
)

// Errors of IOS registrations at the portal.
var (
	ErrUDIRequired   = portal.ErrUDIRequired
	ErrUDIForASA     = portal.ErrUDIForASA
	ErrAnyConnectIOS = portal.ErrAnyConnectIOS
	ErrInvalidUDI    = portal.ErrInvalidUDI
	ErrIOSPlatform   = portal.ErrIOSPlatform
)
