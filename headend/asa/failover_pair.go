package asa

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/failover"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// The ASA forms failover pairs (family.FailoverUnit): it keeps `failover`
// and the lines the pair needs, combines its license with its mate's, and
// takes the active unit's configuration. Which unit is active, and when the
// two see each other, is the lab's (family.Host.FailoverStatus).
var (
	_ family.FailoverUnit           = (*Device)(nil)
	_ family.FailoverLogger         = (*Device)(nil)
	_ family.FailoverMismatchLogger = (*Device)(nil)
)

// EnableFailover is `failover`, after the checks the ASA makes first: a
// valid permanent key (not the all-zero one of a unit with no license), a
// license with failover (the Base license of the 5505, 5510 and 5512-X has
// none: "The Base license does not support failover", Cisco ASA CLI
// configuration guide 8.4), then the unit's role and its LAN link with its
// address, without which it could not reach its mate. On error nothing
// changes.
func (d *Device) EnableFailover(now time.Time) error {
	f := &d.Running.Failover
	if f.Enabled {
		return nil
	}
	if d.License.Running == nil {
		return config.ErrFailoverNoKey
	}
	if r := d.RunningLicense(now); r.Failover == keygen.FailoverNone {
		return config.ErrFailoverLicense
	}
	if f.Unit == "" {
		return config.ErrFailoverNoUnit
	}
	if f.LAN.Name == "" {
		return config.ErrFailoverNoLAN
	}
	if own, _ := d.failoverLinkAddrs(); !own.IsValid() {
		return fmt.Errorf("%w: %s", config.ErrFailoverNoLANAddr, f.LAN.Name)
	}
	f.Enabled = true
	return nil
}

// DisableFailover is `no failover`.
func (d *Device) DisableFailover() { d.Running.Failover.Enabled = false }

// FailoverEnabled is `failover` in the running configuration, and the
// unit's role (family.FailoverUnit).
func (d *Device) FailoverEnabled() (on bool, role string) {
	return d.Running.Failover.Enabled, d.Running.Failover.Unit
}

// FailoverRole is the role `show failover` names: "Primary" unless the
// unit is `failover lan unit secondary`.
func (d *Device) FailoverRole() string { return failover.Role(&d.Running.Failover) }

// CombinedLicense is the failover cluster license of this unit and mate at
// now, or the mismatch line this unit logs when the two cannot pair
// (family.FailoverUnit; the rules are license.Combine's and
// license.Mismatch's).
func (d *Device) CombinedLicense(mate family.Device, now time.Time) (family.LicensedFeatures, string) {
	m, ok := Unwrap(mate)
	if !ok {
		return family.LicensedFeatures{}, fmt.Sprintf("%%ASA-1-105045: (%s) Mate license (unknown platform) is not compatible with my license (%s platform).", d.FailoverRole(), d.Model)
	}
	mine, theirs := d.RunningLicense(now), m.RunningLicense(now)
	if why := license.Mismatch(d.FailoverRole(), d.platform, m.platform, &mine, &theirs); why != "" {
		return family.LicensedFeatures{}, why
	}
	c := license.Combine(d.licensed(), mine, theirs, d.unlicensed(), m.unlicensed())
	return c.LicensedFeatures, ""
}

// unlicensed reports whether the unit holds no license of its own beyond
// the platform's Base: no permanent key, or one that grants no feature
// (the Base key a unit ships with), and no time-based key.
func (d *Device) unlicensed() bool {
	return license.PermFeatures(d.License.Running).IsZero() && len(d.License.Timed) == 0
}

// ReplicateFrom takes the active unit's running configuration, keeping
// this unit's `failover lan unit` (family.FailoverUnit). The last change's
// author and time come along, as the configuration is the active unit's.
func (d *Device) ReplicateFrom(active family.Device, now time.Time) error {
	a, ok := Unwrap(active)
	if !ok || a.Model != d.Model || a == d {
		return family.ErrFailoverMate
	}
	unit := d.Running.Failover.Unit
	d.Running = a.Running
	d.Running.Failover.Unit = unit
	d.ModifiedBy, d.ModifiedAt = a.ModifiedBy, a.ModifiedAt
	return nil
}

// failoverLinkAddrs are the failover LAN link's addresses of this unit and
// of its mate: the primary uses the `failover interface ip` address, the
// secondary the standby one.
func (d *Device) failoverLinkAddrs() (own, mate netip.Addr) {
	f := &d.Running.Failover
	for _, ip := range f.IPs {
		if ip.Name == f.LAN.Name && f.LAN.Name != "" {
			if f.Unit == "secondary" {
				return ip.Standby, ip.Address.Addr()
			}
			return ip.Address.Addr(), ip.Standby
		}
	}
	return netip.Addr{}, netip.Addr{}
}

// LogFailover logs a failover syslog line (family.FailoverLogger).
func (d *Device) LogFailover(msg string, now time.Time) { d.logLine(now, msg) }

// decryptionWarning is what an ASA prints when it cannot decrypt its
// mate's failover messages, as the two units' `failover key`s differ
// (Cisco's "PIX/ASA Active/Standby Failover Configuration Example",
// document 77809, troubleshooting section "WARNING: Failover message
// decryption failure."; the end of the line, from "or system", is
// recalled). It has no syslog message id.
const decryptionWarning = "WARNING: Failover message decryption failure. Please make sure both units have the same failover shared key and crypto license or system is not out of memory"

// FailoverMismatchLines are the lines the unit logs when the lab does not
// pair it with the unit its LAN link meets, for why. A key mismatch is the
// ASA's decryption warning. No public wording was found of what a unit
// says when its mate has the same role: ours, in the form of the warning.
func (d *Device) FailoverMismatchLines(why family.FailoverMismatch) []string {
	switch why {
	case family.FailoverKeyMismatch:
		return []string{decryptionWarning}
	case family.FailoverRoleClash:
		role := d.FailoverRole()
		return []string{fmt.Sprintf("WARNING: Failover mate is also the %s unit. Please make sure one unit is failover lan unit primary and the other secondary", role)}
	}
	return nil
}

// LogFailoverMismatch logs FailoverMismatchLines to the buffer at now and
// returns them (family.FailoverMismatchLogger). They carry no message id,
// so they are logged at the severity of the failover messages, 1
// (alerts), which every buffered logging level keeps.
func (d *Device) LogFailoverMismatch(why family.FailoverMismatch, now time.Time) []string {
	lines := d.FailoverMismatchLines(why)
	for _, l := range lines {
		d.logf(now, config.LevelAlerts, "%s", l)
	}
	return lines
}

// SetPrompt is `prompt KEYWORD...`; nil is `no prompt`, the factory
// `prompt hostname context`.
func (d *Device) SetPrompt(words []string) error {
	if words == nil {
		d.Running.Prompt = nil
		return nil
	}
	if err := config.ValidatePrompt(words); err != nil {
		return err
	}
	d.Running.Prompt = append([]string(nil), words...)
	return nil
}

// Prompt is the name part of the console prompt (`prompt`): the keywords'
// values joined by "/", in the order configured. In single context mode
// `context` shows nothing, `domain` nothing without a domain name (the
// lab keeps none), `cluster-unit` and `slot` nothing out of a cluster. `priority` is "pri" or "sec"; `state` is "act" or
// "stby" with failover on, "actNoFailover" without (Cisco ASA command
// reference, "prompt"). active tells the state; the lab knows it.
func (d *Device) Prompt(active bool) string {
	s := ""
	add := func(v string) {
		if s != "" {
			s += "/"
		}
		s += v
	}
	f := &d.Running.Failover
	for _, w := range d.Running.PromptWords() {
		switch w {
		case "hostname":
			add(d.Hostname())
		case "priority":
			if f.Unit == "secondary" {
				add("sec")
			} else {
				add("pri")
			}
		case "state":
			switch {
			case !f.Enabled:
				add("actNoFailover")
			case active:
				add("act")
			default:
				add("stby")
			}
		}
	}
	if s == "" {
		return d.Hostname()
	}
	return s
}
