package asa

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/iface"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/keygen"
)

// maxLog bounds the device's log buffer, like `logging buffer-size`.
const maxLog = 256

// Device is one simulated headend: identity, configuration, license and
// power state. Methods are pure: they take the time as an argument and do no
// I/O; the lab serialises access to a device and persists it after a change.
type Device struct {
	Model   string        `json:"model"`
	Serial  string        `json:"serial"`
	Version string        `json:"version"`
	Running config.Config `json:"running"`
	Startup config.Config `json:"startup"`
	License license.Keys  `json:"license"`
	// UpAt is when the current boot finished; before it the device is
	// reloading. Uptime counts from it.
	UpAt time.Time `json:"up_at"`
	// Boots counts reloads and RMA swaps, so that a reload is seen even
	// when it ends at the instant it starts (boot time 0, a still clock).
	Boots int `json:"boots,omitempty"`
	// ModifiedBy/ModifiedAt: the last change to the running configuration
	// since the last reload ("Configuration last modified by ...").
	ModifiedBy string     `json:"modified_by,omitempty"`
	ModifiedAt time.Time  `json:"modified_at,omitzero"`
	Log        []LogEntry `json:"log,omitempty"`
	// LogCount counts the messages logged to the buffer, also those
	// that Log no longer holds ("N messages logged").
	LogCount int `json:"log_count,omitempty"`
	// Smart is the Smart Agent of a Smart-licensed model (ASAv), in its
	// trusted storage: a reload keeps it. nil on activation-key models.
	Smart *asav.Agent `json:"smart,omitempty"`

	platform *Platform
}

// NewDevice makes a new unit, up since now, with the factory configuration
// saved: of an activation-key model with the Base license, of a
// Smart-licensed model (ASAv, serial 9A...) unregistered, with no
// entitlement configured.
func NewDevice(model, serial, hostname string, now time.Time) (*Device, error) {
	p, ok := headend.LookupPlatform(model)
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %v)", headend.ErrUnknownModel, model, headend.ModelNames())
	}
	if p.Licensing != headend.LicensingPAK && p.Licensing != headend.LicensingSmart {
		return nil, fmt.Errorf("%w: %s is licensed by %s, which comes in a later release", headend.ErrModelNotSimulated, p.Model, p.Licensing)
	}
	if !keygen.ValidSerial(serial) {
		return nil, fmt.Errorf("%w: %q", headend.ErrInvalidSerial, serial)
	}
	if p.Licensing == headend.LicensingSmart && !strings.HasPrefix(serial, smartSerialPrefix) {
		return nil, fmt.Errorf("%w: %q (an ASAv serial starts with %s)", headend.ErrInvalidSerial, serial, smartSerialPrefix)
	}
	if err := headend.ValidateHostname(hostname); err != nil {
		return nil, err
	}
	cfg := config.Default(hostname)
	d := &Device{
		Model: p.Model, Serial: serial, Version: p.Version,
		Running: cfg, Startup: cfg, UpAt: now, platform: p,
	}
	if p.Licensing == headend.LicensingSmart {
		d.Smart = asav.New(serial)
		d.Running.CallHome = asav.DefaultCallHome()
		d.Startup = d.Running
	}
	return d, nil
}

// Bind attaches the platform after the device was decoded from storage.
func (d *Device) Bind() error {
	p, ok := headend.LookupPlatform(d.Model)
	if !ok {
		return fmt.Errorf("%w %q", headend.ErrUnknownModel, d.Model)
	}
	d.platform = p
	return nil
}

// Platform is the device's catalog row.
func (d *Device) Platform() *Platform { return d.platform }

// Hostname is the running hostname, the device's address in the lab.
func (d *Device) Hostname() string { return d.Running.Hostname }

// Clone returns a deep copy, so that a change can be made on the copy and
// dropped if it fails or cannot be persisted.
func (d *Device) Clone() *Device {
	c := *d
	c.License = d.License.Clone()
	c.Log = slices.Clone(d.Log)
	c.Smart = d.Smart.Clone()
	return &c
}

// Reloading reports whether the device is booting at now.
func (d *Device) Reloading(now time.Time) bool { return now.Before(d.UpAt) }

// logf logs a syslog line of severity sev, if the logging configuration
// sends it to the buffer.
func (d *Device) logf(at time.Time, sev int, format string, args ...any) {
	if sev > int(d.Running.Logging.BufferLevel()) {
		return
	}
	d.LogCount = max(d.LogCount, len(d.Log)) + 1
	d.Log = append(d.Log, LogEntry{Time: at, Msg: fmt.Sprintf(format, args...)})
	if len(d.Log) > maxLog {
		d.Log = slices.Delete(d.Log, 0, len(d.Log)-maxLog)
	}
}

// RunningLicense is the license in force at now.
func (d *Device) RunningLicense(now time.Time) license.Running {
	r := d.License.Compute(d.licensed(), now)
	r.VPNEncryptionNames = d.runs8x()
	if d.Smart != nil {
		d.smartLicense(&r, now)
	}
	return r
}

// Advance brings time-based keys up to now (license.Keys.Advance), logging
// their 444005 warnings and 444007 expiries to the buffer. It is
// deterministic, so replaying it after a daemon restart gives the same state.
func (d *Device) Advance(now time.Time) {
	d.License.Advance(d.licensed(), now, d.logLine)
	if d.Smart != nil {
		d.Smart.Advance(d.Running.SmartLicense, d.Model, now, d.logLine)
	}
}

// logLine logs msg at the severity its %ASA-S-NNNNNN tag carries.
func (d *Device) logLine(at time.Time, msg string) { d.logf(at, msgSeverity(msg), "%s", msg) }

// InstallKey is `activation-key <key> [activate|deactivate]`: it checks the
// key against this device's serial with the lab's signer and applies it by
// the rules of docs/licensing-rules.md (Activation keys). On error nothing
// is changed.
func (d *Device) InstallKey(s *keygen.Signer, w keygen.Words, action KeyAction, now time.Time) (InstallResult, error) {
	if d.Reloading(now) {
		return InstallResult{}, headend.ErrUnavailable
	}
	if err := d.keysSupported(); err != nil {
		return InstallResult{}, err
	}
	d.Advance(now)
	k, err := s.Decode(d.Serial, w)
	if err != nil {
		return InstallResult{}, fmt.Errorf("%w for serial number %s: it was typed wrong, or made for another serial or another lab", err, d.Serial)
	}
	if k.TimeBased() {
		return d.License.InstallTimed(d.licensed(), k, w, action, now)
	}
	if action == KeyDeactivate {
		return InstallResult{}, license.ErrNotTimeBased
	}
	return d.installPermanent(k, w, now)
}

// installPermanent installs permanent key k, warning when it brings the 4.x
// AnyConnect entitlement while the configuration keeps Essentials on.
func (d *Device) installPermanent(k keygen.Key, w keygen.Words, now time.Time) (InstallResult, error) {
	res, err := d.License.InstallPermanent(d.licensed(), k, w)
	if err != nil {
		return InstallResult{}, err
	}
	if k.Features.HasNewAnyConnect() && d.Running.Essentials {
		res.Lines = append(res.Lines, essentialsWarning)
	}
	return res, nil
}

// essentialsWarning: a Plus/Apex/VPN Only key cannot use the Essentials
// option (Cisco Secure Client licensing FAQ, "converting from Essentials
// licensing").
const essentialsWarning = "WARNING: The new activation key does not include AnyConnect Essentials, which is enabled. " +
	"Enter 'no anyconnect-essentials' under webvpn to use the AnyConnect sessions of this license."

// Reload restarts the device: the flash key becomes the running key, the
// saved configuration becomes the running one, and the device is down for
// bootTime. Time-based keys keep counting down meanwhile.
func (d *Device) Reload(now time.Time, bootTime time.Duration) {
	d.Advance(now)
	if d.License.Flash != nil {
		running := *d.License.Flash
		d.License.Running = &running
	} else {
		d.License.Running = nil
	}
	d.boot(now, bootTime)
}

// ReturnForRepair replaces the unit by an RMA unit with serial newSerial: the
// keys on the old unit's flash are gone (they are bound to its serial), the
// configuration is restored from the saved one, as an engineer restores a
// backup, and the new unit boots.
func (d *Device) ReturnForRepair(newSerial string, now time.Time, bootTime time.Duration) error {
	if err := d.keysSupported(); err != nil {
		return err
	}
	if !keygen.ValidSerial(newSerial) {
		return fmt.Errorf("%w: %q", headend.ErrInvalidSerial, newSerial)
	}
	d.Serial = newSerial
	d.License = license.Keys{}
	d.boot(now, bootTime)
	return nil
}

// boot starts the device from the saved configuration, with no change to it
// since, up after bootTime.
func (d *Device) boot(now time.Time, bootTime time.Duration) {
	d.Running = d.Startup
	d.ModifiedBy, d.ModifiedAt = "", time.Time{}
	// The ASA's logging buffer is in RAM: a boot starts it empty and its
	// count at 0.
	d.Log, d.LogCount = nil, 0
	d.UpAt = now.Add(bootTime)
	d.Boots++
	if d.Smart != nil {
		// The agent follows the saved `license smart` configuration.
		d.Smart.Sync(d.Running.SmartLicense, d.Model, now, d.logLine)
	}
}

// WriteMemory saves the running configuration.
func (d *Device) WriteMemory() { d.Startup = d.Running }

// ConfigChanged records who changed the running configuration and when.
func (d *Device) ConfigChanged(by string, now time.Time) { d.ModifiedBy, d.ModifiedAt = by, now }

// ConfigUnsaved reports whether the running configuration differs from the
// saved one.
func (d *Device) ConfigUnsaved() bool { return !d.Running.Equal(d.Startup) }

// macFor derives a stable MAC address for interface i from the serial.
func (d *Device) macFor(i int) string { return iface.MAC(d.platform, d.Serial, i) }
