package twin

import (
	"fmt"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// Apply makes d, a unit just created for the capture's model (with the
// capture's serial, or one the lab drew when the capture prints none), the
// twin of the box: it loads the capture's software release, installs keys
// minted for d's serial by s as its running and flash permanent key and
// its active time-based keys (their days counted from the unit's creation,
// the lab time), and checks that `show version` on it prints the capture's
// licensed features block and platform line, line for line. On error d is
// unchanged.
//
// The AnyConnect Essentials switch stays as on every new unit,
// `anyconnect-essentials` on: a box whose key carries Essentials runs it,
// one whose key does not is not affected by it.
func Apply(d family.Device, c *Capture, s *keygen.Signer) error {
	dev, ok := d.(*asa.Device)
	if !ok || dev.Platform() != c.Platform {
		return fmt.Errorf("%w: the unit is not an %s", ErrNotActivationKeyModel, c.Platform.Name)
	}
	var firstErr error
	for _, secPlus := range plusCandidates(c) {
		t, err := c.build(dev, s, secPlus)
		if err == nil {
			*dev = *t
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// plusCandidates are the tiers to try: a capture does not say in one line
// whether the box runs Security Plus (it shows in VLANs, failover, peers or
// the platform line, depending on the model), so Base is tried first, then
// Security Plus where the model has it.
func plusCandidates(c *Capture) []bool {
	p := c.Platform
	if !p.SecurityPlus {
		return []bool{false}
	}
	if c.PlatformLine != "" && c.PlatformLine == p.BannerPlus && p.BannerPlus != p.BannerBase {
		return []bool{true}
	}
	return []bool{false, true}
}

// build licenses a copy of dev with the tier secPlus and checks it.
func (c *Capture) build(dev *asa.Device, s *keygen.Signer, secPlus bool) (*asa.Device, error) {
	now := dev.UpSince()
	t := dev.Clone()
	if err := t.SetSoftwareVersion(c.Version); err != nil {
		return nil, err
	}
	// The block's lines follow the release: derive the keys on the
	// platform as that release prints it.
	major, minor, _ := headend.ParseVersion(c.Version)
	l, err := c.licenses(license.ForTrain(t.Platform(), major, minor), secPlus)
	if err != nil {
		return nil, err
	}
	if len(c.Timed) > 0 {
		if l.Timed, err = c.timedFromList(); err != nil {
			return nil, err
		}
	}
	if !l.Permanent.IsZero() {
		w, err := s.Encode(keygen.Key{Serial: t.Serial, Features: l.Permanent})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotReproducible, err)
		}
		if _, err := t.InstallKey(s, w, asa.KeyActivate, now); err != nil {
			return nil, fmt.Errorf("%w: permanent key: %v", ErrNotReproducible, err)
		}
		// The box booted with its key: what a key needing a reload puts
		// on flash runs on the twin, as it does on the box.
		if t.License.ReloadPending() {
			running := *t.License.Flash
			t.License.Running = &running
		}
	}
	for _, tk := range l.Timed {
		w, err := s.Encode(keygen.Key{Serial: t.Serial, Days: tk.Days, Features: tk.Features})
		if err != nil {
			return nil, fmt.Errorf("%w: time-based key: %v", ErrNotReproducible, err)
		}
		if _, err := t.InstallKey(s, w, asa.KeyActivate, now); err != nil {
			return nil, fmt.Errorf("%w: time-based key: %v", ErrNotReproducible, err)
		}
	}
	// The installs logged nothing the box would have: start its log empty.
	t.Log, t.LogCount = nil, 0
	got, err := parse(t.ShowVersion(now), true)
	if err != nil {
		return nil, fmt.Errorf("%w: the twin's show version: %v", ErrNotReproducible, err)
	}
	if err := c.Compare(got); err != nil {
		return nil, err
	}
	return t, nil
}

// Compare reports the first line of the capture's licensed features block
// and platform line that got (the twin's show version, parsed) does not
// print the same, ignoring indentation and trailing blanks (8.4 indents
// the block by one space). A capture with no platform line (a unit of a
// failover pair prints none) is not compared on it.
func (c *Capture) Compare(got *Capture) error {
	for i, f := range c.Features {
		if i >= len(got.Features) {
			return fmt.Errorf("%w: %q: the twin's block ends before it", ErrNotReproducible, f.Line)
		}
		if g := got.Features[i].Line; g != f.Line {
			return fmt.Errorf("%w: %q: the twin would print %q", ErrNotReproducible, f.Line, g)
		}
	}
	if len(got.Features) > len(c.Features) {
		return fmt.Errorf("%w: the twin would print %q after %q, which the capture does not", ErrNotReproducible,
			got.Features[len(c.Features)].Line, c.Features[len(c.Features)-1].Line)
	}
	if c.PlatformLine != "" && got.PlatformLine != c.PlatformLine {
		return fmt.Errorf("%w: %q: the twin would print %q", ErrNotReproducible, c.PlatformLine, got.PlatformLine)
	}
	return nil
}

// timedFromList is the time-based keys as the capture's "Active Timebased
// Activation Key:" list gives them: each key's own values, where the block
// shows them combined with the permanent ones.
func (c *Capture) timedFromList() ([]Timed, error) {
	var out []Timed
	for _, k := range c.Timed {
		var t Timed
		for _, f := range k.Features {
			if f.Days == 0 {
				return nil, fmt.Errorf("%w: %q: a time-based key's feature without days left", ErrNotReproducible, f.Line)
			}
			if t.Days != 0 && t.Days != f.Days {
				return nil, fmt.Errorf("%w: %q: the key's other features have %d days left", ErrNotReproducible, f.Line, t.Days)
			}
			t.Days = f.Days
			n, _ := number(f.Value)
			on := f.Value == "Enabled"
			switch featureKinds[f.Name] {
			case kContexts:
				t.Features.Contexts = n
			case kPremium:
				t.Features.PremiumPeers = n
			case kProxy:
				t.Features.ProxySessions = n
			case kCarrier:
				t.Features.Carrier = on
			case kEssentials:
				t.Features.Essentials = on
			case kMobile:
				t.Features.Mobile = on
			case kPhone:
				t.Features.Phone = on
			case kAEA:
				t.Features.AEA = on
			case kBotnet:
				t.Features.Botnet = on
			default:
				return nil, fmt.Errorf("%w: %q: the lab has no time-based license for %s", ErrNotReproducible, f.Line, f.Name)
			}
		}
		if t.Features.IsZero() {
			return nil, fmt.Errorf("%w: time-based key %s: no feature understood", ErrNotReproducible, k.Key)
		}
		out = append(out, t)
	}
	return out, nil
}
