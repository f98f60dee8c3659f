package asa

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/shared"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// The ASA takes part in shared AnyConnect Premium licensing.
var _ family.SharedLicensing = (*Device)(nil)

// SharedConfig is the license-server lines of the running configuration
// (family.SharedLicensing).
func (d *Device) SharedConfig() family.SharedConfig {
	c := d.Running.LicenseServer
	c.EnableIfaces = slices.Clone(c.EnableIfaces)
	return c
}

// SharedKey is the shared licensing the keys in force at now allow
// (family.SharedLicensing): a server key's pool, and whether the unit may
// be a participant (a server key makes it one too, as `show version`'s
// "Shared License: Enabled" says).
func (d *Device) SharedKey(now time.Time) (pool int, participant bool) {
	r := d.RunningLicense(now)
	return r.SharedPool, r.Shared
}

// LogShared logs the syslog line of a shared licensing event at now
// (family.SharedLicensing).
func (d *Device) LogShared(now time.Time, ev family.SharedEvent) {
	if msg := shared.Syslog(ev); msg != "" {
		d.logLine(now, msg)
	}
}

// SetLicenseServer applies a license-server line at now. A line (not its
// `no` form) needs the license its role needs in force, an interface
// named by its nameif, and values in range; on error nothing changes.
// Shared licensing needs single context mode, the only mode the simulator
// has (it has no `mode multiple`).
func (d *Device) SetLicenseServer(now time.Time, l shared.Line) error {
	if !l.No {
		if err := d.checkSharedLine(now, l); err != nil {
			return err
		}
	}
	ls := &d.Running.LicenseServer
	switch l.Kind {
	case shared.Secret:
		ls.Secret = l.Text
		if l.No {
			ls.Secret = ""
		}
	case shared.Enable:
		ifs := slices.DeleteFunc(slices.Clone(ls.EnableIfaces), func(n string) bool { return n == l.Text || l.No && l.Text == "" })
		if !l.No {
			ifs = append(ifs, l.Text)
		}
		ls.EnableIfaces = ifs
		if len(ifs) == 0 {
			ls.EnableIfaces, ls.EnableIface = nil, ""
		} else {
			ls.EnableIface = ifs[0]
		}
	case shared.Refresh:
		ls.RefreshInterval = l.N
		if l.No || l.N == family.SharedDefaultRefresh {
			ls.RefreshInterval = 0
		}
	case shared.Port:
		ls.Port = l.N
		if l.No || l.N == family.SharedDefaultPort {
			ls.Port = 0
		}
	case shared.Backup:
		ls.BackupAddr, ls.BackupID, ls.HABackupID = l.Addr, l.ID, l.HAID
		if l.No {
			ls.BackupAddr, ls.BackupID, ls.HABackupID = netip.Addr{}, "", ""
		}
	case shared.BackupEnable:
		ls.BackupEnableIface = l.Text
		if l.No {
			ls.BackupEnableIface = ""
		}
	case shared.Address:
		ls.ServerAddr, ls.ServerSecret, ls.ServerPort = l.Addr, l.Text, l.N
		if l.N == family.SharedDefaultPort {
			ls.ServerPort = 0
		}
		if l.No {
			ls.ServerAddr, ls.ServerSecret, ls.ServerPort = netip.Addr{}, "", 0
		}
	case shared.BackupAddress:
		ls.ServerBackupAddr = l.Addr
		if l.No {
			ls.ServerBackupAddr = netip.Addr{}
		}
	default:
		return fmt.Errorf("%w: unknown license-server line", config.ErrSharedValue)
	}
	return nil
}

// ClearLicenseServer removes every license-server line, as `clear
// configure license-server` does (Cisco ASA command reference, "clear
// configure license-server": it removes the shared licensing server and
// participant configuration).
func (d *Device) ClearLicenseServer() {
	d.Running.LicenseServer = family.SharedConfig{}
}

func (d *Device) checkSharedLine(now time.Time, l shared.Line) error {
	pool, participant := d.SharedKey(now)
	switch {
	case l.Kind.ServerLine() && pool == 0:
		return config.ErrSharedServerKey
	case !l.Kind.ServerLine() && !participant:
		return config.ErrSharedParticipantKey
	}
	switch l.Kind {
	case shared.Secret, shared.Address:
		if n := len(l.Text); n < config.SharedSecretMin || n > config.SharedSecretMax {
			return fmt.Errorf("%w: the secret must be %d to %d characters", config.ErrSharedValue, config.SharedSecretMin, config.SharedSecretMax)
		}
	case shared.Enable, shared.BackupEnable:
		if _, ok := d.Running.InterfaceByNameif(l.Text); !ok {
			return &config.RefError{Kind: "nameif", Name: l.Text}
		}
	case shared.Refresh:
		if l.N < config.SharedRefreshMin || l.N > config.SharedRefreshMax {
			return fmt.Errorf("%w: refresh interval %d", config.ErrSharedValue, l.N)
		}
	case shared.Backup:
		if !keygen.ValidSerial(l.ID) || l.HAID != "" && !keygen.ValidSerial(l.HAID) {
			return fmt.Errorf("%w: a backup-id is a serial number", config.ErrSharedValue)
		}
	}
	if (l.Kind == shared.Port || l.Kind == shared.Address && l.N != 0) && (l.N < 1 || l.N > 65535) {
		return fmt.Errorf("%w: port %d", config.ErrSharedValue, l.N)
	}
	if (l.Kind == shared.Backup || l.Kind == shared.Address || l.Kind == shared.BackupAddress) && !l.Addr.Is4() {
		return fmt.Errorf("%w: an IPv4 address", config.ErrSharedValue)
	}
	return nil
}
