// Package config is the configuration of an ASA (or ASAv), running or
// saved: hostname, local users, interfaces, logging, SSH, webvpn and group
// policies, failover lines, the clock's timezone, and the lines the
// configuration grammar of headend/asa/grammar keeps (object groups,
// access lists, tunnel groups...), with the checks that keep them
// consistent and the renderers of their `show running-config` sections.
// It is pure logic: no network, no disk, no clock.
package config

import (
	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/headend/family"
)

// Config is a device configuration, running or saved. It holds only what the
// simulator acts on; everything else an ASA has is rendered at its default.
type Config struct {
	Hostname string `json:"hostname"`
	// Essentials is `anyconnect-essentials` under webvpn. It is on by
	// default on an ASA ("AnyConnect Essentials is enabled by default"),
	// which is why a Plus/Apex key needs `no anyconnect-essentials`.
	Essentials bool `json:"essentials"`
	// Users is the local user database (`username`), sorted by name;
	// never changed in place (see SetUser).
	Users []User `json:"users"`
	// EnablePassword is the hash of `enable password`; empty: none.
	EnablePassword string `json:"enable_password,omitempty"`
	// PagerLines is `pager lines N`, the page length a new SSH session
	// starts with (`terminal pager` changes one session); 0: `no pager`.
	PagerLines int `json:"pager_lines"`
	// Prompt is `prompt KEYWORD...`; nil: the factory `prompt hostname
	// context`. Never changed in place.
	Prompt []string `json:"prompt,omitempty"`
	// Interfaces holds the interfaces configured away from the factory
	// state (see Interface), sorted by name; never changed in place.
	Interfaces []Interface `json:"interfaces,omitempty"`
	// Logging is the `logging` commands.
	Logging Logging `json:"logging"`
	// EssentialsTyped: `anyconnect-essentials` was typed, so that the
	// running configuration shows it although it is the default, as the
	// ASA's configuration text keeps what was entered.
	EssentialsTyped bool `json:"essentials_typed,omitempty"`
	// SSH is the `ssh ...` lines: who may connect and what the SSH server
	// offers.
	SSH SSH `json:"ssh,omitzero"`
	// VPN is the webvpn, group-policy and vpn-sessiondb
	// configuration (see VPN).
	VPN VPN `json:"vpn,omitzero"`
	// Timezone is `clock timezone`.
	Timezone Timezone `json:"timezone,omitzero"`
	// Lines are the configuration lines the grammar keeps (object groups,
	// access lists, SNMP, tunnel groups, class and policy maps...), in the
	// order entered; never changed in place.
	Lines []Line `json:"lines,omitempty"`
	// Failover is the failover lines of a unit not yet paired.
	Failover Failover `json:"failover,omitzero"`
	// LicenseServer is the `license-server` lines (shared AnyConnect
	// Premium licensing), as the lab reads them; EnableIfaces is never
	// changed in place.
	LicenseServer family.SharedConfig `json:"license_server,omitzero"`
	// SmartLicense is the `license smart` configuration and CallHome the
	// `call-home` block of a Smart-licensed model (ASAv); zero on
	// activation-key models.
	SmartLicense asav.Config   `json:"smart_license,omitzero"`
	CallHome     asav.CallHome `json:"call_home,omitzero"`
}

// DefaultPagerLines is the factory `pager lines 24`.
const DefaultPagerLines = 24

// Default is the factory configuration of a new unit, with the
// factory login (DefaultUsername).
func Default(hostname string) Config {
	c := Config{Hostname: hostname, Essentials: true, PagerLines: DefaultPagerLines, Logging: DefaultLogging()}
	c.factoryLogin()
	return c
}
