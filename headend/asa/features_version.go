package asa

import (
	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/license"
)

// licensed is the device's platform as its software version licenses and
// prints it: the model itself on its default version.
func (d *Device) licensed() *Platform {
	p := d.platform
	if d.Version == p.Version {
		return p
	}
	major, minor, _ := headend.ParseVersion(d.Version)
	if major == 0 {
		return p
	}
	return license.ForTrain(p, major, minor)
}
