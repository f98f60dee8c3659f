package asa

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/headend/family"
)

// The ASAv: the ASA software whose license comes from its Smart Agent
// (headend/asav) instead of activation keys. The agent lives in the
// device (Device.Smart), its configuration in the running and saved
// configurations (config.Config.SmartLicense, CallHome); the lab holds an
// ASAv as an ASAv (asav.go), which alone is a family.SmartLicensing.

// smartSerialPrefix starts every ASAv serial ("9AT1L9EX0DF",
// "9A5BHB00D2D" in real outputs).
const smartSerialPrefix = "9A"

// keysSupported refuses activation keys on a Smart-licensed model, which
// has none (Cisco: "Smart Software Licensing is only supported on the
// ASAv and ASA Firepower chassis. Other models use PAK licenses").
func (d *Device) keysSupported() error {
	if d.Smart == nil {
		return nil
	}
	return fmt.Errorf("%w: %s headends are licensed by Smart Licensing and have no activation keys", family.ErrNotSupported, d.Model)
}

// smartLicense puts what the agent licenses at now into r.
func (d *Device) smartLicense(r *license.Running, now time.Time) {
	l := d.Smart.Limits(d.Running.SmartLicense, d.Model, now)
	r.Premium, r.Other, r.Total, r.Proxy = l.Premium, l.Other, l.Total, l.Proxy
	r.Mobile, r.Phone, r.AEA, r.Carrier, r.Cluster = l.AnyConnect, l.AnyConnect, l.AnyConnect, l.AnyConnect, l.AnyConnect
	r.Essentials, r.PlusApex, r.VPNOnly = false, false, 0
	// Both real ASAv blocks (unlicensed, reserved) show the Botnet
	// Traffic Filter enabled.
	r.Botnet = true
}

// smartFeatureLines are the feature lines as an ASAv prints them: no
// days column (every ASAv value is perpetual), and "Security Contexts :
// 0" after the encryption lines, as in both real ASAv blocks.
func (d *Device) smartFeatureLines(r *license.Running) []string {
	var out []string
	for _, f := range license.FeatureLines(d.licensed(), r) {
		f = strings.TrimRight(strings.TrimSuffix(f, "perpetual"), " ")
		out = append(out, f)
		if strings.HasPrefix(f, "Encryption-3DES-AES") {
			out = append(out, fmt.Sprintf("%-34s: %d", "Security Contexts", 0))
		}
	}
	return out
}

// smartView is the Smart Licensing state at now (family.SmartLicensing's
// SmartLicense); the zero value on an activation-key model.
func (d *Device) smartView(now time.Time) family.SmartLicense {
	if d.Smart == nil {
		return family.SmartLicense{}
	}
	d.Advance(now)
	return d.Smart.View(d.Running.SmartLicense, d.Model, now)
}

// smartDue is when the agent next talks to the manager by itself; an
// attempt due while the device reloads waits for the end of the boot.
func (d *Device) smartDue() (time.Time, bool) {
	if d.Smart == nil {
		return time.Time{}, false
	}
	at, ok := d.Smart.Due()
	if ok && at.Before(d.UpAt) {
		at = d.UpAt
	}
	return at, ok
}

// smartRenew makes the renewals due at now through m; a reloading device
// makes none (smartDue then answers the end of its boot).
func (d *Device) smartRenew(now time.Time, m family.SmartManager) {
	if d.Smart == nil || d.Reloading(now) {
		return
	}
	d.License.Advance(d.licensed(), now, d.logLine)
	d.Smart.Renew(d.Running.SmartLicense, d.Model, now, m, d.logLine)
}

// smartAgent is the agent, or ErrNotSupported on an activation-key model.
func (d *Device) smartAgent(now time.Time) (*asav.Agent, error) {
	if d.Smart == nil {
		return nil, fmt.Errorf("%w: %s headends are licensed by activation keys, not Smart Licensing", family.ErrNotSupported, d.Model)
	}
	if d.Reloading(now) {
		return nil, headend.ErrUnavailable
	}
	d.Advance(now)
	return d.Smart, nil
}

// SetSmartConfig changes the `license smart` configuration with fn; the
// agent follows it (an entitlement configured while unregistered starts
// or resumes the evaluation period).
func (d *Device) SetSmartConfig(now time.Time, fn func(c *asav.Config) error) error {
	a, err := d.smartAgent(now)
	if err != nil {
		return err
	}
	c := d.Running.SmartLicense
	if err := fn(&c); err != nil {
		return err
	}
	d.Running.SmartLicense = c
	a.Sync(c, d.Model, now, d.logLine)
	return nil
}

// SmartRegister is `license smart register idtoken TOKEN [force]`
// (asav.Agent.Register): a failure of the manager is recorded and
// returned in failed, with a nil error, so that the change is kept.
func (d *Device) SmartRegister(token string, force bool, now time.Time, m family.SmartManager) (failed, err error) {
	a, err := d.smartAgent(now)
	if err != nil {
		return nil, err
	}
	return agentOutcome(a.Register(d.Running.SmartLicense, d.Model, token, force, now, m, d.logLine))
}

// agentOutcome splits an agent command's error into one the agent
// recorded (kept) and a refusal that changes nothing.
func agentOutcome(err error) (failed, refused error) {
	switch {
	case err == nil:
		return nil, nil
	case isAgentRefusal(err):
		return nil, err
	}
	return err, nil
}

func isAgentRefusal(err error) bool {
	for _, e := range []error{asav.ErrNoEntitlement, asav.ErrNotRegistered, asav.ErrReservationMode,
		asav.ErrNoRequest, asav.ErrReserved} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// SmartRenewNow is `license smart renew auth` (auth) or `license smart
// renew id`: one attempt at once, its failure recorded.
func (d *Device) SmartRenewNow(auth bool, now time.Time, m family.SmartManager) (failed, err error) {
	a, err := d.smartAgent(now)
	if err != nil {
		return nil, err
	}
	if auth {
		return agentOutcome(a.RenewAuth(d.Running.SmartLicense, d.Model, now, m, d.logLine))
	}
	return agentOutcome(a.RenewID(d.Running.SmartLicense, d.Model, now, m, d.logLine))
}

// SmartDeregister is `license smart deregister`.
func (d *Device) SmartDeregister(now time.Time, m family.SmartManager) error {
	a, err := d.smartAgent(now)
	if err != nil {
		return err
	}
	return a.Deregister(d.Running.SmartLicense, d.Model, now, m, d.logLine)
}

// SmartReservationRequest is `license smart reservation request
// universal`: the request code.
func (d *Device) SmartReservationRequest(now time.Time) (string, error) {
	a, err := d.smartAgent(now)
	if err != nil {
		return "", err
	}
	return a.RequestReservation(d.Running.SmartLicense, now)
}

// SmartReservationInstall is `license smart reservation install CODE`.
func (d *Device) SmartReservationInstall(code string, now time.Time, m family.SmartManager) error {
	a, err := d.smartAgent(now)
	if err != nil {
		return err
	}
	return a.InstallReservation(d.Running.SmartLicense, d.Model, code, now, m, d.logLine)
}

// SmartReservationCancel is `license smart reservation cancel`.
func (d *Device) SmartReservationCancel(now time.Time) error {
	a, err := d.smartAgent(now)
	if err != nil {
		return err
	}
	return a.CancelReservation()
}

// SmartReservationReturn is `license smart reservation return`: the
// return code.
func (d *Device) SmartReservationReturn(now time.Time, m family.SmartManager) (string, error) {
	a, err := d.smartAgent(now)
	if err != nil {
		return "", err
	}
	return a.ReturnReservation(d.Running.SmartLicense, d.Model, now, m, d.logLine)
}

// ShowLicense renders `show license WHAT` at now: all, status, summary,
// udi, features.
func (d *Device) ShowLicense(what string, now time.Time) string {
	a, err := d.smartAgent(now)
	if err != nil {
		return ""
	}
	cfg := d.Running.SmartLicense
	switch what {
	case "status":
		return a.ShowLicenseStatus(cfg, d.Model, now)
	case "summary":
		return a.ShowLicenseSummary(cfg, d.Model, now)
	case "udi":
		return a.ShowLicenseUDI()
	case "features":
		var b strings.Builder
		r := d.RunningLicense(now)
		d.writeSmartFeatures(&b, &r, now)
		return b.String()
	}
	return a.ShowLicenseAll(cfg, d.Model, now)
}

// writeSmartVersion writes the ASAv's part of `show version` from the
// license lines to the end, in the layout of ntc-templates'
// cisco_asa_show_version1 (an ASAv10): the agent's lines, the feature
// block, the serial number, the image type and key version, the last
// modification.
func (d *Device) writeSmartVersion(b *strings.Builder, r *license.Running, now time.Time) {
	b.WriteString("\n")
	d.writeSmartFeatures(b, r, now)
	fmt.Fprintf(b, "\nSerial Number: %s\n\nImage type          : Release\nKey version         : A\n\n%s\n", d.Serial, d.lastModified())
}

// writeSmartFeatures writes the agent's license lines and the feature
// block, as both `show version` and `show license features` print them.
func (d *Device) writeSmartFeatures(b *strings.Builder, r *license.Running, now time.Time) {
	for _, l := range d.Smart.VersionLines(d.Running.SmartLicense, d.Model, now) {
		b.WriteString(l + "\n")
	}
	b.WriteString("\nLicensed features for this platform:\n")
	for _, f := range d.smartFeatureLines(r) {
		b.WriteString(f + "\n")
	}
}

// smartConfigLines writes the `license smart` lines of c (before `names`,
// a choice: no public configuration of a licensed ASAv shows where).
func (d *Device) smartConfigLines(c *config.Config, line func(string)) {
	if d.Smart == nil {
		return
	}
	for _, l := range c.SmartLicense.Lines() {
		line(l)
	}
}

// callHomeLines writes the call-home block of c, last before the
// checksum as on a real ASAv.
func (d *Device) callHomeLines(c *config.Config, line func(string)) {
	if d.Smart == nil {
		return
	}
	for _, l := range c.CallHome.Lines() {
		line(l)
	}
}

// smartChanges is the change of the agent's state from old, as the
// lab's event log tells it; its syslog lines are in the device's buffer.
func (d *Device) smartChanges(old *Device) []family.Change {
	if d.Smart == nil || !asav.Changed(old.Smart, d.Smart) {
		return nil
	}
	return []family.Change{{Kind: family.ChangeSmart, Text: d.Smart.Summary(), Syslog: asav.ChangeSyslog(old.Smart, d.Smart)}}
}
