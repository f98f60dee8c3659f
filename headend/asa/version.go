package asa

import (
	"strings"

	"github.com/asalab/asalab/headend"
)

// asdmOfTrain is the Device Manager (ASDM) release shipped alongside each
// ASA train (recalled from the ASDM release notes, UNSURE for the
// maintenance numbers); ASDM's major.minor follows the ASA train (ASDM 6.4
// for ASA 8.4, 7.1 for 9.1, ...).
var asdmOfTrain = map[string]string{
	"8.2": "6.2(5)", "8.3": "6.3(5)", "8.4": "6.4(9)", "8.6": "6.6(1)",
	"9.0": "7.0(2)", "9.1": "7.1(7)", "9.2": "7.2(4)", "9.3": "7.3(3)", "9.4": "7.4(3)",
	"9.5": "7.5(2)", "9.6": "7.6(2)", "9.7": "7.7(1)", "9.8": "7.8(2)", "9.9": "7.9(2)",
	"9.10": "7.10(1)", "9.12": "7.12(2)", "9.13": "7.13(1)", "9.14": "7.14(1)",
	"9.15": "7.15(1)", "9.16": "7.16(1)",
}

// DeviceManagerVersion is the "Device Manager Version" of `show version`:
// the catalog's image on the model's default version, else the ASDM of the
// device's train.
func (d *Device) DeviceManagerVersion() string {
	p := d.platform
	if d.Version == p.Version {
		return p.Hardware.DMVersion
	}
	if train, ok := headend.Train(d.Version); ok {
		if v, ok := asdmOfTrain[train]; ok {
			return v
		}
	}
	return p.Hardware.DMVersion
}

// SetSoftwareVersion loads a new unit with another image than its model's
// default; an empty version keeps the default. It is a choice made at
// creation: the unit has not booted yet, so nothing else changes.
func (d *Device) SetSoftwareVersion(v string) error {
	if v == "" {
		return nil
	}
	if err := d.platform.CheckVersion(v); err != nil {
		return err
	}
	d.Version = v
	return nil
}

// runs8x reports whether the device runs an 8.x release.
func (d *Device) runs8x() bool { return strings.HasPrefix(d.Version, "8.") }
