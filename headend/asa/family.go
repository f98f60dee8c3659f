package asa

import (
	"encoding/json"
	"net/netip"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/family"
)

// The ASA as a family of headends: what the lab drives every family by
// (family.Device), the activation keys of the 5500/5500-X
// (family.ActivationKeys, refused on an ASAv) and the Smart Licensing of
// the ASAv (family.SmartLicensing, smart.go), one family line each in the
// lab's table.
var (
	_ family.Device         = (*Device)(nil)
	_ family.ActivationKeys = (*Device)(nil)
)

// New makes a new unit of platform p (family.Family.New).
func New(p *headend.Platform, serial, hostname string, now time.Time) (family.Device, error) {
	d, err := NewDevice(p.Model, serial, hostname, now)
	if err != nil {
		return nil, err
	}
	return unit(d), nil
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
	return unit(d), nil
}

// SerialNumber is the unit's serial number.
func (d *Device) SerialNumber() string { return d.Serial }

// SoftwareVersion is the release the unit runs.
func (d *Device) SoftwareVersion() string { return d.Version }

// SavedHostname is the hostname of the saved configuration.
func (d *Device) SavedHostname() string { return d.Startup.Hostname }

// UpSince is when the current boot finished.
func (d *Device) UpSince() time.Time { return d.UpAt }

// BootCount counts the reloads and RMA swaps.
func (d *Device) BootCount() int { return d.Boots }

// Copy is Clone for the family interface.
func (d *Device) Copy() family.Device { return d.Clone() }

// Addresses are the addresses of the interfaces up, named and addressed.
func (d *Device) Addresses() []netip.Addr { return d.Running.ActiveAddresses() }

// LogEntries are the licensing messages the device's buffer holds, and how
// many it logged since it booted.
func (d *Device) LogEntries() ([]LogEntry, int) { return d.Log, max(d.LogCount, len(d.Log)) }

// decoyHash is checked when the user does not exist, so that an unknown
// user takes as long to refuse as a wrong password.
var decoyHash = config.HashPassword("asalab-decoy")

// CheckLogin checks a login against the running configuration's local
// users.
func (d *Device) CheckLogin(user, password string) (privilege int, known, ok bool) {
	u, found := d.Running.User(user)
	if !found {
		config.CheckPassword(decoyHash, password)
		return 0, false, false
	}
	return u.Privilege, true, config.CheckPassword(u.Hash, password)
}

// SSH is what the ASA's SSH server offers client with the running
// configuration: `ssh` permits, `ssh version`, the algorithms of the
// software version and `ssh timeout`.
func (d *Device) SSH(client netip.Addr) family.SSHOffer {
	a := d.SSHAlgorithms()
	return family.SSHOffer{
		Permitted: d.Running.SSHPermitted(client), Version: d.Running.SSH.Version,
		KeyExchanges: a.KeyExchanges, Ciphers: a.Ciphers, MACs: a.MACs,
		IdleMinutes: d.Running.SSH.TimeoutMinutes(),
	}
}

// KeyLicense is the license state at now, as the API shows it.
func (d *Device) KeyLicense(now time.Time) family.KeyLicense {
	r := d.RunningLicense(now)
	l := family.KeyLicense{
		RunningKey: d.License.RunningWords().String(), FlashKey: d.License.FlashWords().String(),
		ReloadPending:     d.License.ReloadPending(),
		RunningEssentials: d.Running.Essentials, SavedEssentials: d.Startup.Essentials,
		Features: r.LicensedFeatures,
	}
	for i := range d.License.Timed {
		k := &d.License.Timed[i]
		l.Timed = append(l.Timed, family.TimedKey{
			Key: k.Words.String(), Active: k.Active, Remaining: k.Left(now),
			DaysRemaining: k.DaysLeft(now), Features: k.Features.Names(),
		})
	}
	return l
}
