// Package family is the one interface through which the lab drives a
// headend of any family (Device), what a family registers (Family), and
// the capabilities only some families have (ActivationKeys). A family is a
// package beside headend/asa; the lab's table of families names each once.
package family

import (
	"errors"
	"net/netip"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/keygen"
)

// ErrNotSupported: the operation is one the headend's family does not have
// (activation keys on a Smart-licensed ASAv, say).
var ErrNotSupported = errors.New("headend: not supported by the headend's family")

// Device is one headend of any family as the lab drives it. Methods are
// pure: they take the time as an argument and do no I/O; the lab
// serialises access to a device and persists it (as JSON, which the
// family's Decode reads back) after a change, made on a Copy.
type Device interface {
	// Platform is the device's catalog row.
	Platform() *headend.Platform
	SerialNumber() string
	SoftwareVersion() string
	// Hostname is the running hostname, the device's name in the lab;
	// SavedHostname the saved one, which a reload brings back.
	Hostname() string
	SavedHostname() string
	// SetSoftwareVersion loads a new unit with another image than its
	// model's default; SetFactoryLogin gives it a factory login. Both are
	// choices made at creation.
	SetSoftwareVersion(v string) error
	SetFactoryLogin(user, password, enablePassword string) error

	// UpSince is when the current boot finished; the device is reloading
	// before it. BootCount counts the boots, so that a reload is seen
	// even when it ends the instant it starts.
	UpSince() time.Time
	BootCount() int
	Reloading(now time.Time) bool
	// Advance brings timed state (time-based licenses) up to now.
	Advance(now time.Time)
	// NextTimedEvent is when Advance next logs a line of the device's
	// own (a license warning or expiry); ok is false when none is due.
	NextTimedEvent() (at time.Time, ok bool)
	// Copy is a deep copy, for a change that may be dropped.
	Copy() Device
	// WriteMemory saves the running configuration; Reload reloads the
	// device, down for bootTime.
	WriteMemory()
	Reload(now time.Time, bootTime time.Duration)
	ConfigUnsaved() bool

	// AdmissionPolicy is the admission policy of the device at now.
	AdmissionPolicy(now time.Time) *admission.Policy
	// Addresses are the addresses the device answers on in the lab
	// network: those of interfaces up, named and addressed.
	Addresses() []netip.Addr
	// CheckLogin checks a console login against the local users; an
	// unknown user takes as long as a wrong password. privilege is the
	// user's privilege level when known.
	CheckLogin(user, password string) (privilege int, known, ok bool)
	// SSH is what the device's SSH server offers a client at an address.
	SSH(client netip.Addr) SSHOffer
	// LogEntries are the messages the device's log buffer holds, oldest
	// first, and how many it logged since it booted, also those the
	// buffer no longer holds.
	LogEntries() (entries []LogEntry, logged int)
	// ChangesFrom is what changed from old, an earlier state of the same
	// headend, to this one, as the lab's event log tells it.
	ChangesFrom(old Device) []Change
}

// ChangeKind is what a change of a device did.
type ChangeKind int

// Kinds of change.
const (
	ChangeReloaded   ChangeKind = iota + 1 // the device booted (a reload, an RMA)
	ChangeKeys                             // its licenses changed
	ChangeEssentials                       // the AnyConnect Essentials switch
	ChangeConfig                           // its configuration changed
	// ChangeSmart: its Smart Licensing state changed (registered,
	// authorized, out of compliance, evaluation or authorization expired,
	// reservation installed...).
	ChangeSmart
)

// Change is one thing a change of a device did, with the syslog line the
// device logs for it ("" when it logs none).
type Change struct {
	Kind         ChangeKind
	Syslog, Text string
}

// SSHOffer is what a headend's SSH server offers one client, from its
// running configuration and software version.
type SSHOffer struct {
	Permitted                   bool // the client's address may connect
	Version                     int  // 1 answers as an SSH-1 server
	KeyExchanges, Ciphers, MACs []string
	// IdleMinutes is the idle timeout.
	IdleMinutes int
}

// Host is a headend in a lab, as a console session reaches it.
type Host interface {
	// Now is the lab time.
	Now() time.Time
	// View runs fn with the device, for reading. The device must not be
	// kept after fn returns.
	View(fn func(d Device)) error
	// Update runs fn on a copy of the device; if fn returns nil the copy
	// is made durable and replaces the device before Update returns,
	// otherwise nothing changes.
	Update(fn func(d Device) error) error
	// Signer checks activation keys with the lab's secret.
	Signer() *keygen.Signer
	// BootTime is how long a reload keeps the device down.
	BootTime() time.Duration
	// Admission is the headend's VPN session state.
	Admission() *admission.Admission
	// PrincipalByIndex resolves the principal of a session.
	PrincipalByIndex(i uint32) *admission.Principal
	// Reachable reports whether addr answers pings across the lab
	// network, and the hostname of the headend that holds it.
	Reachable(addr netip.Addr) (string, bool)
	// SSHSessions lists the SSH connections to the headend's console.
	SSHSessions() []SSHSession
	// SharedStatus is the shared licensing service as this unit sees it
	// (family/shared.go).
	SharedStatus() SharedStatus
	// FailoverStatus is the unit's failover pair as the lab sees it
	// (family/failover.go).
	FailoverStatus() FailoverStatus
	// Failover runs a pair command on this unit; ErrNotSupported when
	// the lab cannot.
	Failover(cmd FailoverCommand) error
	// Mate is the other unit of the pair, for `failover exec mate`; ok
	// is false when none is seen.
	Mate() (mate Host, ok bool)
	// Smart is the lab's Smart Software Manager as this headend reaches
	// it (family/smart.go).
	Smart() SmartManager
}

// Mode is where a console session starts.
type Mode int

// Console modes a session starts in.
const (
	ModeUser  Mode = iota // user EXEC
	ModePriv              // privileged EXEC
	ModeLogin             // where a login with the session's privilege lands
	// ModeShell is where an interactive SSH login shell lands, which
	// differs by family: an ASA without auto-enable starts every user in
	// user EXEC, an IOS router starts a privilege-15 `login local` user
	// in privileged EXEC.
	ModeShell
)

// ConsoleOptions open a console session.
type ConsoleOptions struct {
	// User is who is logged in; empty for a session entered with enable
	// alone.
	User string
	Mode Mode
	// Privilege is the session's privilege level; 0: the mode's own.
	Privilege int
	// Pager is the page length before `<--- More --->`, 0: none;
	// DevicePager starts with the device's own instead, as a new SSH
	// shell does.
	Pager       int
	DevicePager bool
}

// Console is one console session of a headend, for a terminal or a
// script.
type Console = cli.Script

// Family is what a family of headends registers with the lab.
type Family struct {
	// Licensing is the licensing of the catalog models the family
	// simulates.
	Licensing headend.Licensing
	// New makes a new unit of platform p, up since now, with the factory
	// configuration saved.
	New func(p *headend.Platform, serial, hostname string, now time.Time) (Device, error)
	// Decode reads a device back from what the lab stored.
	Decode func(b []byte) (Device, error)
	// Console opens a console session on a headend of the family.
	Console func(h Host, opts ConsoleOptions) Console
	// ViewSession resolves an active session for the session list.
	ViewSession func(s admission.SessionInfo, p *admission.Principal) SessionView
	// RefusalSyslog is the line the device logs when it refuses a
	// connection of kind k under policy pol; empty when it logs nothing.
	RefusalSyslog func(d admission.Decision, k headend.Kind, pol *admission.Policy, user, device string) string
}

// ActivationKeys is the capability of a family licensed by activation keys
// bound to the serial number (the ASA's PAK licensing): installing keys,
// the AnyConnect Essentials switch, and replacing the unit under RMA.
type ActivationKeys interface {
	// InstallKey is `activation-key KEY [activate|deactivate]`; on error
	// nothing is changed.
	InstallKey(s *keygen.Signer, w keygen.Words, action KeyAction, now time.Time) (InstallResult, error)
	// ReturnForRepair replaces the unit: a new serial, the saved
	// configuration, no keys, down for bootTime.
	ReturnForRepair(newSerial string, now time.Time, bootTime time.Duration) error
	// KeyLicense is the license state at now, as the API shows it.
	KeyLicense(now time.Time) KeyLicense
}

// KeyLicense is the license of a device licensed by activation keys.
type KeyLicense struct {
	RunningKey, FlashKey string
	ReloadPending        bool
	// Features are the licensed features in force at the time.
	Features LicensedFeatures
	Timed    []TimedKey
	// Essentials is `anyconnect-essentials` in the running and the saved
	// configuration.
	RunningEssentials, SavedEssentials bool
}

// TimedKey is one installed time-based key.
type TimedKey struct {
	Key           string
	Active        bool
	Remaining     time.Duration
	DaysRemaining int
	Features      []string
}
