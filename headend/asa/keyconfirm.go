package asa

import (
	"time"

	"github.com/asalab/asalab/keygen"
)

// EssentialsWarning is the line InstallKey adds when a permanent key with
// the 4.x AnyConnect entitlement (Plus, Apex or VPN Only) is installed while
// `anyconnect-essentials` is on. Cisco's Secure Client (AnyConnect)
// Licensing FAQ: "When installing your new license key, you can receive a
// warning that needs to be agreed to telling you that the Essentials key
// cannot be in the new license you are installing." The console asks to
// agree before it installs (see TryKey); the API, which cannot ask,
// installs and returns the line.
const EssentialsWarning = essentialsWarning

// TryKey is InstallKey on a copy of the device: what installing key w would
// print, or the error that would refuse it, with the device unchanged. The
// console uses it to ask before a key whose lines carry EssentialsWarning.
func (d *Device) TryKey(s *keygen.Signer, w keygen.Words, action KeyAction, now time.Time) (InstallResult, error) {
	return d.Clone().InstallKey(s, w, action, now)
}
