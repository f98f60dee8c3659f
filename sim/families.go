package sim

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa"
	asaconsole "github.com/asalab/asalab/headend/asa/console"
	"github.com/asalab/asalab/headend/asa/sessions"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/headend/ios"
	iosconsole "github.com/asalab/asalab/headend/ios/console"
)

// families are the families of headends the lab simulates, one line each:
// a catalog model whose licensing has no family here is refused as not
// simulated yet.
var families = []family.Family{
	{Licensing: headend.LicensingPAK, New: asa.New, Decode: asa.Decode, Console: asaconsole.Open, ViewSession: sessions.ViewSession,
		RefusalSyslog: sessions.RefusalSyslog},
	{Licensing: headend.LicensingSmart, New: asa.New, Decode: asa.Decode, Console: asaconsole.Open, ViewSession: sessions.ViewSession,
		RefusalSyslog: sessions.RefusalSyslog},
	{Licensing: headend.LicensingIOS, New: ios.New, Decode: ios.Decode, Console: iosconsole.Open, ViewSession: ios.ViewSession, RefusalSyslog: ios.RefusalSyslog},
}

// FamilyOf is the family that simulates platform p: what makes a device
// of it and opens its console, in a lab or outside any (a lab file's
// rehearsal of its configuration lines).
func FamilyOf(p *headend.Platform) (*family.Family, error) {
	for i := range families {
		if families[i].Licensing == p.Licensing {
			return &families[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %s is licensed by %s, which comes in a later release", headend.ErrModelNotSimulated, p.Model, p.Licensing)
}

// Simulated reports whether the lab can create headends of platform p: its
// family's New accepts it (see simulates).
func Simulated(p *headend.Platform) bool { return simulates(p) }

// decodeDevice reads a stored headend back with its family's Decode. The
// record is the device's own JSON, which names its model: a record stored
// before families existed is an ASA's, and reads back as one.
func decodeDevice(b []byte) (family.Device, error) {
	var id struct {
		Model string `json:"model"`
	}
	if err := json.Unmarshal(b, &id); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	p, ok := headend.LookupPlatform(id.Model)
	if !ok {
		return nil, fmt.Errorf("%w %q", headend.ErrUnknownModel, id.Model)
	}
	f, err := FamilyOf(p)
	if err != nil {
		return nil, err
	}
	d, err := f.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return d, nil
}

// activationKeys is d's activation keys, if its family has them.
func activationKeys(d family.Device) (family.ActivationKeys, error) {
	if k, ok := d.(family.ActivationKeys); ok {
		return k, nil
	}
	return nil, fmt.Errorf("%w: %s headends have no activation keys (%s licensing)", ErrNotSupported,
		d.Platform().Model, d.Platform().Licensing)
}

// keysChanged reports whether a change from old to c changed the
// activation keys, and whether one waits for a reload.
func keysChanged(old, c family.Device, now time.Time) (changed, pending bool) {
	ko, ok1 := old.(family.ActivationKeys)
	kc, ok2 := c.(family.ActivationKeys)
	if !ok1 || !ok2 {
		return false, false
	}
	lo, lc := ko.KeyLicense(now), kc.KeyLicense(now)
	return lo.RunningKey != lc.RunningKey || lo.FlashKey != lc.FlashKey || len(lo.Timed) != len(lc.Timed), lc.ReloadPending
}
