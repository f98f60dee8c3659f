package config

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of the `license-server` lines (shared AnyConnect Premium
// licensing).
var (
	// ErrSharedServerKey: a server line without a shared licensing server
	// key in force.
	ErrSharedServerKey = errors.New("headend: shared licensing server lines need a shared licensing server license")
	// ErrSharedParticipantKey: a participant or backup server line
	// without a shared licensing participant key in force.
	ErrSharedParticipantKey = errors.New("headend: shared licensing participant lines need a shared licensing participant license")
	// ErrSharedValue: a value out of its range (secret length, refresh
	// interval, port, serial number).
	ErrSharedValue = errors.New("headend: invalid license-server value")
)

// The ranges of the license-server values, as recalled from the Cisco ASA
// command reference (`license-server secret`: 4 to 128 characters;
// `license-server refresh-interval`: 10 to 300 seconds, default 30;
// `license-server port`: 1 to 65535, default 50554). No stored source
// confirms them.
const (
	SharedSecretMin  = 4
	SharedSecretMax  = 128
	SharedRefreshMin = 10
	SharedRefreshMax = 300
)

// LicenseServerLines writes the `license-server` lines of the running
// configuration after the failover lines. Where an ASA prints them, and in
// which order, is not in any stored real configuration: the simulator puts
// them after the failover lines (both are platform, not interface,
// settings), the server's lines first (secret, refresh interval, port,
// backup, enable per interface, as the Cisco configuration guide's example
// enters them), then the backup server's `backup enable`, then the
// participant's. A secret shows as "*****" unless reveal (`more
// system:running-config`), as the other secrets of the configuration do.
// all adds the refresh interval and port at their defaults once a server
// line is configured.
func LicenseServerLines(c *Config, all, reveal bool, line func(string)) {
	ls := &c.LicenseServer
	if ls.IsZero() {
		return
	}
	secret := func(s string) string {
		if reveal {
			return s
		}
		return "*****"
	}
	if ls.Secret != "" {
		line("license-server secret " + secret(ls.Secret))
	}
	// The defaults are the server's: a unit that is only a participant
	// or a backup server has none to show.
	all = all && (ls.Secret != "" || len(ls.EnableIfaces) > 0 || ls.BackupAddr.IsValid() || ls.RefreshInterval != 0 || ls.Port != 0)
	if ls.RefreshInterval != 0 || all {
		line(fmt.Sprintf("license-server refresh-interval %d", ls.Refresh()))
	}
	if ls.Port != 0 || all {
		line(fmt.Sprintf("license-server port %d", ls.ServerListenPort()))
	}
	if ls.BackupAddr.IsValid() {
		l := "license-server backup " + ls.BackupAddr.String() + " backup-id " + ls.BackupID
		if ls.HABackupID != "" {
			l += " ha-backup-id " + ls.HABackupID
		}
		line(l)
	}
	for _, ifname := range ls.EnableIfaces {
		line("license-server enable " + ifname)
	}
	if ls.BackupEnableIface != "" {
		line("license-server backup enable " + ls.BackupEnableIface)
	}
	if ls.ServerAddr.IsValid() {
		l := "license-server address " + ls.ServerAddr.String() + " secret " + secret(ls.ServerSecret)
		if ls.ServerPort != 0 {
			l += fmt.Sprintf(" port %d", ls.ServerPort)
		}
		line(l)
	}
	if ls.ServerBackupAddr.IsValid() {
		line("license-server backup address " + ls.ServerBackupAddr.String())
	}
}

// RenderLicenseServer renders `show running-config [all] license-server`.
func RenderLicenseServer(c Config, all bool) string {
	var b strings.Builder
	LicenseServerLines(&c, all, false, func(s string) { b.WriteString(s); b.WriteByte('\n') })
	return b.String()
}
