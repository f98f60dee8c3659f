// Package command is what the ASA console's command groups are built on:
// the console's modes, the Session a command acts through, the Registry a
// group adds its commands to, and the argument checks and error lines the
// groups share. The console (headend/asa/console) owns the session and
// assembles its command set from its own commands and from the groups kept
// in packages of their own (headend/asa/console/sshcmd, ...), which reach
// the session only through this package's interfaces.
package command

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
)

// Mode is a CLI mode; it decides the prompt and which commands exist.
type Mode = cli.Mode

// CLI modes of an ASA.
const (
	ModeUser        Mode = iota // host>
	ModePriv                    // host#
	ModeConfig                  // host(config)#
	ModeWebVPN                  // host(config-webvpn)#
	ModeIf                      // host(config-if)#
	ModeGroupPolicy             // host(config-group-policy)#
	// The ASAv's sub-modes (headend/asa/console/smartcmd); a session on
	// an activation-key model never enters them.
	ModeSmartLic        // host(config-smart-lic)#
	ModeCallHome        // host(config-call-home)#
	ModeCallHomeProfile // host(config-call-home-profile)#
	NumModes
)

// The sets of modes many commands exist in.
var (
	AnyMode     = cli.Modes(ModeUser, ModePriv, ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy, ModeSmartLic, ModeCallHome, ModeCallHomeProfile)
	PrivAndUp   = cli.Modes(ModePriv, ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy, ModeSmartLic, ModeCallHome, ModeCallHomeProfile)
	ConfigModes = cli.Modes(ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy, ModeSmartLic, ModeCallHome, ModeCallHomeProfile)
)

// What a command takes after its keywords.
const (
	ArgNone = cli.ArgNone
	// ArgWord: exactly one free word (a hostname).
	ArgWord cli.ArgKind = iota
	// ArgKey: five hex words, then optionally activate|deactivate.
	ArgKey
)

// Session is a console session as a command sees it.
type Session interface {
	// Now is the lab time.
	Now() time.Time
	// View reads the device; on error it prints the error's line and
	// returns false.
	View(fn func(d *asa.Device)) bool
	// Update changes the device; on error it prints the error's line and
	// returns false.
	Update(fn func(d *asa.Device) error) bool
	// User is who the session is logged in as, who changes the
	// configuration.
	User() string
	// Admission is the headend's VPN session state.
	Admission() *asa.Admission
	// ConfigChange changes the running configuration with fn and records
	// who changed it; fn's error is returned and its change not kept.
	ConfigChange(fn func(d *asa.Device) error) error
	// ConfigUpdate is ConfigChange for the call c, printing the line
	// errLine words for an error; it reports whether the change was made.
	ConfigUpdate(c *cli.Call, fn func(d *asa.Device) error, errLine func(error, *cli.Call) string) bool
	// Print writes text as it is; Println writes each line and a newline.
	Print(text string)
	Println(lines ...string)
	// Incomplete is the ASA's error for a command missing its arguments.
	Incomplete()
	// InvalidArg marks argument i of a call as invalid with the caret.
	InvalidArg(c *cli.Call, i int)
	// Caret prints the ASA's marker under position pos of the line typed
	// after prompt, and its error.
	Caret(prompt string, pos int)
	// SSHSessions are the SSH connections to the headend's console.
	SSHSessions() []asa.SSHSession
	// EnterGroupPolicy enters the group-policy sub-mode of policy name;
	// GroupPolicy is the policy the sub-mode configures.
	EnterGroupPolicy(name string)
	GroupPolicy() string
	// EnterMode enters sub-mode m of the ASAv (config-smart-lic,
	// config-call-home, config-call-home-profile for the profile name);
	// SubName is the name it was entered with.
	EnterMode(m Mode, name string)
	SubName() string
	// Change changes the device with fn and returns fn's error (then
	// nothing is kept), printing nothing.
	Change(fn func(d *asa.Device) error) error
	// Smart is the lab's Smart Software Manager as the headend reaches it
	// (family.Host.Smart).
	Smart() family.SmartManager
}

// Handler runs a command of a group on the session that typed it.
type Handler func(s Session, c *cli.Call)

// Registry is the console's command set as a group adds to it
// (cli.Registry's Add and Describe).
type Registry interface {
	Add(ms cli.ModeSet, path, help string, args cli.ArgKind, argHelp string, run Handler)
	Describe(ms cli.ModeSet, path, help string)
}

// ArgCount checks that a call has between lo and hi arguments: too few is
// an incomplete command, too many gets the caret under the first extra.
func ArgCount(s Session, c *cli.Call, lo, hi int) bool {
	switch {
	case len(c.Args) < lo:
		s.Incomplete()
		return false
	case len(c.Args) > hi:
		s.InvalidArg(c, hi)
		return false
	}
	return true
}

// IntArg reads argument i as an integer in [lo, hi], or marks it.
func IntArg(s Session, c *cli.Call, i, lo, hi int) (int, bool) {
	n, err := strconv.Atoi(c.Args[i].Text)
	if err != nil || n < lo || n > hi {
		s.InvalidArg(c, i)
		return 0, false
	}
	return n, true
}

// ParseIPv4 reads a dotted IPv4 address, as the ASA's parser accepts one.
func ParseIPv4(t string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(t)
	return a, err == nil && a.Is4()
}

// IPv4Arg is argument i read by ParseIPv4; when it is not an address the
// caret under it is printed and ok is false.
func IPv4Arg(s Session, c *cli.Call, i int) (a netip.Addr, ok bool) {
	if a, ok = ParseIPv4(c.Args[i].Text); !ok {
		s.InvalidArg(c, i)
	}
	return a, ok
}
