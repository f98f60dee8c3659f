package asa

import (
	"time"

	"github.com/asalab/asalab/headend/family"
)

// ASAv is an ASAv as the lab holds it: the ASA device, whose license comes
// from its Smart Agent. The lab tells a family's capabilities by the
// interfaces its devices implement: an ASAv is a family.SmartLicensing
// and, having no activation keys, not a family.ActivationKeys, while an
// ASA of the 5500/5500-X (a *Device) is the opposite. noKeys hides the
// Device's activation-key methods: its methods of the same names, at the
// same depth, make the selectors ambiguous, so ASAv has neither.
type ASAv struct {
	*Device
	noKeys
}

type noKeys struct{}

func (noKeys) InstallKey()      {}
func (noKeys) ReturnForRepair() {}
func (noKeys) KeyLicense()      {}

var (
	_ family.Device         = ASAv{}
	_ family.SmartLicensing = ASAv{}
)

// Unwrap is the ASA device of a headend of the family: itself on an
// activation-key model, the one an ASAv holds.
func Unwrap(d family.Device) (*Device, bool) {
	switch v := d.(type) {
	case *Device:
		return v, true
	case ASAv:
		return v.Device, true
	}
	return nil, false
}

// unit is what the lab holds of d: d itself, or d as an ASAv.
func unit(d *Device) family.Device {
	if d.Smart != nil {
		return ASAv{Device: d}
	}
	return d
}

// Copy is a deep copy, still an ASAv.
func (v ASAv) Copy() family.Device { return ASAv{Device: v.Clone()} }

// SmartLicense is the Smart Licensing state at now.
func (v ASAv) SmartLicense(now time.Time) family.SmartLicense { return v.smartView(now) }

// SmartDue is when the agent next talks to the manager by itself.
func (v ASAv) SmartDue() (time.Time, bool) { return v.smartDue() }

// SmartRenew makes the attempts due at now through m.
func (v ASAv) SmartRenew(now time.Time, m family.SmartManager) { v.smartRenew(now, m) }
