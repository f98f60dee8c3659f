package ios

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/headend/ios/config"
	"github.com/asalab/asalab/headend/ios/license"
	"github.com/asalab/asalab/keygen"
)

// ErrLater: a catalog IOS model whose licensing this family does not
// simulate yet.
var ErrLater = errors.New("headend: licensing of this IOS model comes in a later release")

// maxLog bounds the device's log buffer in messages; the configured
// buffer size (`logging buffered SIZE`) bounds it further.
const maxLog = 512

// Device is one simulated ISR G2: identity, configuration, licenses,
// flash and power state. Methods are pure: they take the time as an
// argument and do no I/O; the lab serialises access and persists the
// device (as JSON) after a change made on a Copy.
type Device struct {
	Model   string         `json:"model"`
	Serial  string         `json:"serial"`
	Version string         `json:"version"`
	Running config.Config  `json:"running"`
	Startup config.Config  `json:"startup"`
	License *license.Store `json:"license"`
	// Flash holds the files put on flash: license files, saved
	// licenses. The system image is listed but not stored.
	Flash []File `json:"flash,omitempty"`
	// RSAKeyBits is the modulus of the key `crypto key generate rsa`
	// made (kept in NVRAM, across reloads); 0: none, and no SSH.
	RSAKeyBits int `json:"rsa_key_bits,omitempty"`
	// UpAt is when the current boot finished ("System restarted at");
	// before it the device is reloading. BootedAt is when the last reload
	// began ("System returned to ROM by reload at"); Boots counts the
	// reloads (none: the unit is as powered on).
	UpAt     time.Time `json:"up_at"`
	BootedAt time.Time `json:"booted_at"`
	Boots    int       `json:"boots,omitempty"`
	// ChangedBy/ChangedAt: the last change of the running
	// configuration; SavedBy/SavedAt: the last `write memory`.
	ChangedBy string    `json:"changed_by,omitempty"`
	ChangedAt time.Time `json:"changed_at,omitzero"`
	SavedBy   string    `json:"saved_by,omitempty"`
	SavedAt   time.Time `json:"saved_at,omitzero"`
	// Manual lists the interfaces whose address was typed since the
	// boot (`show ip interface brief` Method manual, not NVRAM).
	Manual []string          `json:"manual,omitempty"`
	Log    []family.LogEntry `json:"log,omitempty"`
	// LogCount counts the messages logged since boot, also those the
	// buffer no longer holds.
	LogCount int `json:"log_count,omitempty"`
	// XE is an IOS XE router's licensing (CSR 1000V, ASR 1001-X); nil
	// on an ISR G2, whose License holds its technology packages.
	XE *XE `json:"xe,omitempty"`

	platform *headend.Platform
	hw       hardware
}

// The ISR G2 as a family of headends: what the lab drives every family by,
// and the flash the lab puts license files on.
var (
	_ family.Device = (*Device)(nil)
	_ family.Flash  = (*Device)(nil)
)

// New makes a new unit of platform p (family.Family.New): up since now,
// with the factory configuration saved, ipbasek9 running.
func New(p *headend.Platform, serial, hostname string, now time.Time) (family.Device, error) {
	d, err := NewDevice(p, serial, hostname, now)
	if err != nil {
		return nil, err
	}
	return wrap(d), nil
}

// NewDevice is New with the concrete type.
func NewDevice(p *headend.Platform, serial, hostname string, now time.Time) (*Device, error) {
	if p.Licensing != headend.LicensingIOS {
		return nil, fmt.Errorf("%w: %s is not an IOS router", headend.ErrModelNotSimulated, p.Model)
	}
	hw, ok := hardwareOf(p)
	if !ok {
		return nil, fmt.Errorf("%w: %s (%s): %w", headend.ErrModelNotSimulated, p.Model, p.Name, ErrLater)
	}
	if !keygen.ValidSerial(serial) {
		return nil, fmt.Errorf("%w: %q", headend.ErrInvalidSerial, serial)
	}
	if err := headend.ValidateHostname(hostname); err != nil {
		return nil, err
	}
	// An IOS XE router has no technology-package module: its store
	// stays empty, and XE holds its licensing.
	var m license.Module
	if hw.xe == "" {
		var err error
		if m, err = license.ModuleFor(p); err != nil {
			return nil, err
		}
	}
	version := p.Version
	if hw.version != "" {
		version = hw.version
	}
	cfg := config.Default(hostname, hw.interfaces())
	d := &Device{
		Model: p.Model, Serial: serial, Version: version, Running: cfg, Startup: cfg.Clone(),
		License: license.New(m, hw.pid+":"+serial, now), RSAKeyBits: 2048, UpAt: now, BootedAt: now, platform: p, hw: hw,
	}
	if hw.xe != "" {
		d.XE = newXE(hw, serial)
	}
	d.logf(now, "%%SYS-5-RESTART: System restarted --")
	return d, nil
}

// Decode reads a stored device back (family.Family.Decode).
func Decode(b []byte) (family.Device, error) {
	d := new(Device)
	if err := json.Unmarshal(b, d); err != nil {
		return nil, err
	}
	if err := d.Bind(); err != nil {
		return nil, err
	}
	return wrap(d), nil
}

// Bind attaches the platform after the device was decoded.
func (d *Device) Bind() error {
	p, ok := headend.LookupPlatform(d.Model)
	if !ok {
		return fmt.Errorf("%w %q", headend.ErrUnknownModel, d.Model)
	}
	hw, ok := hardwareOf(p)
	if !ok {
		return fmt.Errorf("%w: %s: %w", headend.ErrModelNotSimulated, p.Model, ErrLater)
	}
	if d.License == nil {
		return fmt.Errorf("decode: %s %s has no license store", d.Model, d.Serial)
	}
	if hw.xe != "" && (d.XE == nil || (hw.xe == xeCSR) != (d.XE.Smart != nil)) {
		return fmt.Errorf("decode: %s %s has no IOS XE licensing", d.Model, d.Serial)
	}
	d.platform, d.hw = p, hw
	return nil
}

// Platform is the device's catalog row.
func (d *Device) Platform() *headend.Platform { return d.platform }

// SerialNumber is the chassis serial number.
func (d *Device) SerialNumber() string { return d.Serial }

// SoftwareVersion is the IOS release the unit runs.
func (d *Device) SoftwareVersion() string { return d.Version }

// PID is the chassis product ID, the UDI's PID.
func (d *Device) PID() string { return d.hw.pid }

// UDI is the unit's Unique Device Identifier, PID:SN, which license files
// are bound to.
func (d *Device) UDI() string { return d.hw.pid + ":" + d.Serial }

// Hostname is the running hostname.
func (d *Device) Hostname() string { return d.Running.Hostname }

// SavedHostname is the hostname of the saved configuration.
func (d *Device) SavedHostname() string { return d.Startup.Hostname }

// SetSoftwareVersion loads another release: IOS 15.x on an ISR G2, IOS XE
// 16.x or 17.x ("16.09.05") on the IOS XE routers.
func (d *Device) SetSoftwareVersion(v string) error {
	if v == "" || v == d.Version {
		return nil
	}
	if d.IsXE() {
		if !validXEVersion(v) {
			return fmt.Errorf("%w: %q on %s (IOS XE 16.x or 17.x releases, such as %s)", headend.ErrUnsupportedVersion, v, d.Model, d.hw.version)
		}
		d.Version = v
		return nil
	}
	if len(v) < 6 || v[:3] != "15." || v[4] != '(' {
		return fmt.Errorf("%w: %q on %s (IOS 15.x releases, such as %s)", headend.ErrUnsupportedVersion, v, d.Model, d.platform.Version)
	}
	d.Version = v
	return nil
}

// SetFactoryLogin replaces the factory login of a new unit in the running
// and saved configuration (`headendctl create --username U --password P
// --enable-password E`); empty values keep the defaults.
func (d *Device) SetFactoryLogin(user, pass, enable string) error {
	if user == "" {
		user = config.DefaultUsername
	}
	cfg := d.Running.Clone()
	if user != config.DefaultUsername || pass != "" {
		if pass == "" {
			return fmt.Errorf("%w: a password is required for user %q", headend.ErrInvalidPassword, user)
		}
		if err := config.ValidName(user); err != nil {
			return fmt.Errorf("%w: %w", headend.ErrInvalidUsername, err)
		}
		if err := config.ValidPassword(pass); err != nil {
			return fmt.Errorf("%w: %w", headend.ErrInvalidPassword, err)
		}
		cfg.Users = []config.User{{Name: user, Privilege: 15, Secret: config.HashSecret(pass)}}
	}
	if enable != "" {
		if err := config.ValidPassword(enable); err != nil {
			return fmt.Errorf("%w: enable password: %w", headend.ErrInvalidPassword, err)
		}
		cfg.EnableSecret = config.HashSecret(enable)
	}
	d.Running, d.Startup = cfg, cfg.Clone()
	return nil
}

// UpSince is when the current boot finished.
func (d *Device) UpSince() time.Time { return d.UpAt }

// BootCount counts the boots.
func (d *Device) BootCount() int { return d.Boots }

// Reloading reports whether the device is booting at now.
func (d *Device) Reloading(now time.Time) bool { return now.Before(d.UpAt) }

// Advance brings the evaluation licenses up to now, logging their
// warnings and expiries.
func (d *Device) Advance(now time.Time) {
	d.License.Advance(now, func(at time.Time, msg string) { d.logf(at, "%s", msg) })
	if d.XE != nil && d.XE.Smart != nil {
		d.XE.Smart.AdvanceAsk(d.ask(), now, d.smartLog)
	}
}

// NextTimedEvent is when Advance next logs.
func (d *Device) NextTimedEvent() (time.Time, bool) {
	at, ok := d.License.NextEvent()
	if d.XE != nil && d.XE.Smart != nil {
		if t, due := d.XE.Smart.NextEvent(); due && (!ok || t.Before(at)) {
			at, ok = t, true
		}
	}
	return at, ok
}

// Copy is a deep copy, for a change that may be dropped.
func (d *Device) Copy() family.Device { return d.Clone() }

// Clone is Copy with the concrete type.
func (d *Device) Clone() *Device {
	c := *d
	c.Running, c.Startup = d.Running.Clone(), d.Startup.Clone()
	c.License = d.License.Copy()
	c.Flash = slices.Clone(d.Flash)
	c.Manual = slices.Clone(d.Manual)
	c.Log = slices.Clone(d.Log)
	c.XE = d.XE.clone()
	return &c
}

// WriteMemory saves the running configuration (`write memory`, `copy
// running-config startup-config`).
func (d *Device) WriteMemory() { d.Startup = d.Running.Clone() }

// SaveConfig is WriteMemory by user at now, which `show startup-config`
// reports ("NVRAM config last updated at ... by user").
func (d *Device) SaveConfig(user string, now time.Time) {
	d.WriteMemory()
	d.SavedBy, d.SavedAt = user, now
}

// ConfigUnsaved reports whether the running configuration differs from
// the saved one.
func (d *Device) ConfigUnsaved() bool { return !d.Running.Equal(d.Startup) }

// ConfigChanged records a change of the running configuration by user.
func (d *Device) ConfigChanged(user string, now time.Time) { d.ChangedBy, d.ChangedAt = user, now }

// Reload restarts the router: the boot packages become the running ones,
// the saved configuration the running one; down for bootTime.
//
// The technology packages boot as the saved configuration's `license boot
// module` lines say: IOS answers that command with "use 'write' command to
// make license boot config take effect on next boot", so a line typed and
// not saved does not take effect, and a saved one does.
func (d *Device) Reload(now time.Time, bootTime time.Duration) {
	d.Advance(now)
	for _, p := range d.Running.BootPackages {
		if !slices.Contains(d.Startup.BootPackages, p) {
			_, _ = d.License.BootModuleDisable(now, d.License.Module, p)
		}
	}
	for _, p := range d.Startup.BootPackages {
		// The EULA was accepted when the line was typed; an evaluation
		// run out keeps the package off (the store refuses it).
		_, _ = d.License.BootModule(now, d.License.Module, p, false)
	}
	d.Running = d.Startup.Clone()
	if d.IsCSR() {
		// The saved `license boot level` is the package of this boot.
		d.XE.Level = cmp.Or(d.Running.BootLevel, DefaultCSRLevel)
		d.bootSmart(now.Add(bootTime))
	}
	d.ChangedBy, d.ChangedAt = "", time.Time{}
	d.Manual = nil
	d.Boots++
	d.BootedAt, d.UpAt = now, now.Add(bootTime)
	d.Log, d.LogCount = nil, 0
	out := d.License.Reload(d.UpAt)
	d.logf(d.UpAt, "%%SYS-5-RESTART: System restarted --")
	for _, l := range out.Syslog {
		d.logf(d.UpAt, "%s", l)
	}
	// What comes up with the saved configuration logs as it does.
	for _, f := range d.Running.Interfaces {
		if !f.Shutdown {
			d.logf(d.UpAt, "%%LINK-3-UPDOWN: Interface %s, changed state to up", f.Name)
			d.logf(d.UpAt, "%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to up", f.Name)
		}
	}
	for _, x := range d.Running.Contexts {
		if x.InService {
			d.logf(d.UpAt, "%%SSLVPN-5-UPDOWN: sslvpn context : %s changed state to UP", x.Name)
		}
	}
	if d.IsCSR() {
		d.XE.Smart.SyncAsk(d.ask(), d.UpAt, d.smartLog)
	}
}

// logf logs a message to the buffer, unless `no logging buffered`.
func (d *Device) logf(at time.Time, format string, args ...any) {
	if d.Running.NoLogBuffer {
		return
	}
	d.LogCount = max(d.LogCount, len(d.Log)) + 1
	d.Log = append(d.Log, family.LogEntry{Time: at, Msg: fmt.Sprintf(format, args...)})
	// The buffer keeps what fits its size, at the length a line takes
	// with its timestamp, and never more than maxLog messages.
	size, keep := 0, 0
	for i := len(d.Log) - 1; i >= 0 && keep < maxLog; i-- {
		size += len(d.Log[i].Msg) + len("*Nov 30 10:41:25.123: \n")
		if size > d.Running.LogBufferSize() && keep > 0 {
			break
		}
		keep++
	}
	if keep < len(d.Log) {
		d.Log = slices.Delete(d.Log, 0, len(d.Log)-keep)
	}
}

// Logf logs a message at now (the console's: configuration, reloads).
func (d *Device) Logf(now time.Time, format string, args ...any) { d.logf(now, format, args...) }

// LogEntries are the messages the buffer holds, and how many were logged
// since boot.
func (d *Device) LogEntries() ([]family.LogEntry, int) { return d.Log, max(d.LogCount, len(d.Log)) }

// RunningLicense is the licensing in force at now.
func (d *Device) RunningLicense(now time.Time) license.Running { return d.License.Running(now) }

// SetAddress is `ip address A M` (a zero prefix: `no ip address`) on
// interface name, typed at the console: its Method is manual until the
// next boot.
func (d *Device) SetAddress(name string, p netip.Prefix) error {
	if err := d.Running.SetAddress(name, p); err != nil {
		return err
	}
	if !slices.Contains(d.Manual, name) {
		d.Manual = append(d.Manual, name)
	}
	return nil
}
