package asa

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/hardware"
	"github.com/asalab/asalab/headend/asa/license"
)

// The everyday EXEC outputs an engineer or a provisioning tool reads:
// `show clock`, `show inventory`, `dir`, `show memory`, `show failover` and
// `show license features`. The box's outputs are headend/asa/hardware's and
// `show failover` headend/asa/failover's; the device gives them its facts.

// clockLayout is how the ASA prints a time in `show clock` and in
// "Configuration last modified": "02:39:12.345 UTC Mon Nov 30 2026".
const clockLayout = "15:04:05.000 MST Mon Jan 2 2006"

// ShowClock renders `show clock` at now. The simulated headends run on UTC:
// no `clock timezone` is configured.
func ShowClock(now time.Time) string {
	return now.UTC().Format(clockLayout) + "\n"
}

// ShowInventory renders `show inventory` (hardware.ShowInventory).
func (d *Device) ShowInventory() string { return hardware.ShowInventory(d.platform, d.Serial) }

// ShowDir renders `dir [disk0:]` (hardware.ShowDir); ok is false for a
// path the device does not have, with the ASA's error line as the text.
func (d *Device) ShowDir(path string) (text string, ok bool) {
	return hardware.ShowDir(d.platform, hardware.Flash{
		Image: imageFile(d.platform, d.Version), DeviceManager: d.DeviceManagerVersion(),
		Compiled: compiledTime(d.CompiledOn()), ConfigBytes: len(d.RenderConfig(d.Startup, SectionAll, false)),
	}, path)
}

// ShowMemory renders `show memory` for a device carrying sessions VPN
// sessions (hardware.ShowMemory).
func (d *Device) ShowMemory(sessions int) string { return hardware.ShowMemory(d.platform, sessions) }

// ShowLicenseFeatures renders `show license features` at now: the serial
// and the licensed-features block `show version` prints, from the same
// renderer.
func (d *Device) ShowLicenseFeatures(now time.Time) string {
	d.Advance(now)
	r := d.RunningLicense(now)
	var b strings.Builder
	fmt.Fprintf(&b, "Serial Number: %s\n", d.Serial)
	license.WriteBlock(&b, d.licensed(), &r)
	return b.String()
}

// ShowClockIn renders `show clock` in the zone of `clock timezone`: the
// lab time at the zone's offset, with the zone's name.
func ShowClockIn(now time.Time, z config.Timezone) string {
	return now.In(z.Location()).Format(clockLayout) + "\n"
}
