package ios

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
)

// IOS XE routers. The CSR 1000V is licensed by Smart Licensing: its
// technology package (`license boot level`, at the next reload) and its
// throughput (`platform hardware throughput level MB N`) make the
// entitlement its Smart Agent asks the Smart Software Manager for, and it
// runs on a 90-day evaluation until registered. The ASR 1001-X is licensed
// by right-to-use feature licenses activated on the router with a EULA
// (`license right-to-use activate ipsec`), no manager involved.
//
// What these routers admit (UNSURE where Cisco documents nothing public;
// one behaviour each):
//   - IKEv2 (FlexVPN, AnyConnect IPsec) on a CSR 1000V needs the security
//     or ax package running and the agent licensed: in evaluation,
//     AUTHORIZED or OUT OF COMPLIANCE (out of compliance is reported to the
//     account, not enforced on the router). An evaluation run out, an
//     authorization expired or no entitlement asked (no throughput level
//     configured) leave the router unlicensed: 100 kbps and no crypto.
//   - IPsec on an ASR 1001-X needs the ipsec right-to-use license active.
//   - SSL VPN (AnyConnect SSL, clientless WebVPN) is refused on both:
//     IOS XE gained an SSL VPN server only in 16.9 on the CSR and never on
//     the ASR 1000; the lab's IOS XE routers have no `webvpn`, so nothing
//     answers an SSL client and its refusal logs nothing.
//
// The release is IOS XE 16.9 (Fuji): `show version` follows a real
// CSR1000V on 16.9.1 (see testdata/SOURCES.md).

const (
	xeCSR = "csr"
	xeASR = "asr"
)

// iosXE are the IOS XE routers. The CSR's memory, flash and serial form
// are the real 16.9.1 CSR1000V's; the IPsec maxima are UNSURE (Cisco
// data sheets, recalled: 1000 tunnels on a CSR 1000V at its larger
// throughputs, 8000 on an ASR 1001-X).
var iosXE = map[string]hardware{
	"CSR1000V":  {pid: "CSR1000V", series: "CSR1000V", memory: "1217428K/3075K", ports: 3, flashKB: 7774207, xe: xeCSR, version: "16.09.05", ipsecMax: 1000},
	"ASR1001-X": {pid: "ASR1001-X", series: "ASR1001-X", memory: "3467348K/6147K", ports: 6, flashKB: 7341807, xe: xeASR, version: "16.09.05", ipsecMax: 8000},
}

// Errors of the IOS XE licensing commands; each changes nothing.
var (
	// ErrNotXE: an IOS XE licensing command on a router without it (an
	// ISR G2, or the other IOS XE router's licensing).
	ErrNotXE = errors.New("ios: not supported on this router")
	// ErrBadLevel: `license boot level` with a level the router has not.
	ErrBadLevel = errors.New("ios: unknown license level")
	// ErrBadThroughput: a throughput level the CSR 1000V does not sell.
	ErrBadThroughput = errors.New("ios: unknown throughput level")
	// ErrBadRTU: a right-to-use feature the ASR does not know.
	ErrBadRTU = errors.New("ios: unknown right-to-use feature")
)

// CSR technology packages (`license boot level` keywords) and throughput
// levels in MB. A CSR 1000V boots at ax when no level is configured, as a
// real 16.9 CSR1000V's `show version` reports ("License Level: ax ...
// Next reload license Level: ax").
var (
	CSRLevels     = []string{"appx", "ax", "security"}
	CSRThroughput = []int{10, 50, 100, 250, 500, 1000, 2500, 5000, 10000}
)

// DefaultCSRLevel is the package a CSR 1000V boots with by default.
const DefaultCSRLevel = "ax"

// RTUFeatures are the ASR 1001-X's right-to-use features.
var RTUFeatures = []string{"ipsec"}

// XE is an IOS XE router's licensing, kept in its trusted storage (a
// reload keeps it).
type XE struct {
	// Smart is the CSR's Smart Agent; Level the technology package it
	// runs ("ax"), which becomes the saved `license boot level` at a
	// reload.
	Smart *asav.Agent `json:"smart,omitempty"`
	Level string      `json:"level,omitempty"`
	// RTU are the ASR's right-to-use licenses activated.
	RTU []RTU `json:"rtu,omitempty"`
}

// RTU is one right-to-use license activated, when its EULA was accepted.
type RTU struct {
	Feature string    `json:"feature"`
	At      time.Time `json:"at"`
}

func (x *XE) clone() *XE {
	if x == nil {
		return nil
	}
	c := *x
	c.Smart = x.Smart.Clone()
	c.RTU = slices.Clone(x.RTU)
	return &c
}

// newXE is the licensing of a new unit of hw.
func newXE(hw hardware, serial string) *XE {
	if hw.xe == xeCSR {
		return &XE{Smart: asav.NewFor(smart.PIDCSR, serial), Level: DefaultCSRLevel}
	}
	return &XE{}
}

// IsCSR reports whether the router is a CSR 1000V (Smart Licensing).
func (d *Device) IsCSR() bool { return d.hw.xe == xeCSR }

// IsASR reports whether the router is an ASR 1001-X (right-to-use).
func (d *Device) IsASR() bool { return d.hw.xe == xeASR }

// IsXE reports whether the router runs IOS XE.
func (d *Device) IsXE() bool { return d.hw.xe != "" }

// throughputTag is the entitlement level of a throughput in MB: "100M",
// "1G", "2500M".
func throughputTag(mb int) string {
	if mb >= 1000 && mb%1000 == 0 {
		return fmt.Sprintf("%dG", mb/1000)
	}
	return fmt.Sprintf("%dM", mb)
}

// ask is what the CSR's agent asks the manager for: the running package
// at the configured throughput; nothing without a throughput level.
func (d *Device) ask() asav.Ask {
	k := asav.Ask{Describe: func(tag string) string {
		if slices.Contains(smart.CSRTags, tag) {
			return tag
		}
		return ""
	}}
	if d.XE != nil && d.Running.ThroughputMB != 0 && d.XE.Level != "" {
		k.Tag = smart.CSRTag(strings.ToUpper(d.XE.Level), throughputTag(d.Running.ThroughputMB))
	}
	return k
}

func (d *Device) smartLog(at time.Time, msg string) { d.logf(at, "%s", msg) }

// csrLicensed reports whether the CSR's agent licenses its package at now.
// A registration authorizes the entitlement it asked for: after a change
// of package or throughput the router is not licensed until its agent
// reports the new entitlement, as an IOS XE agent does at boot and at its
// authorization renewals (`license smart renew auth` at once).
func (d *Device) csrLicensed() bool {
	k := d.ask()
	if r := d.XE.Smart.Reg; r != nil && r.Tag != k.Tag {
		return false
	}
	_, authz := d.XE.Smart.StatesAsk(k)
	switch authz {
	case asav.StatusEval, asav.StatusAuthorized, asav.StatusOutOfCompliance:
		return true
	}
	return false
}

// xeIPsec reports whether the IOS XE router may terminate IKEv2 at now.
func (d *Device) xeIPsec() bool {
	switch {
	case d.IsCSR():
		return (d.XE.Level == "ax" || d.XE.Level == "security") && d.csrLicensed()
	case d.IsASR():
		return d.RTUActive("ipsec")
	}
	return false
}

// RTUActive reports whether the ASR's right-to-use feature f is active.
func (d *Device) RTUActive(f string) bool {
	return d.XE != nil && slices.ContainsFunc(d.XE.RTU, func(r RTU) bool { return r.Feature == f })
}

// SetBootLevel is `license boot level LEVEL` on a CSR 1000V: saved, it is
// the package of the next boot. It returns IOS XE's notice.
func (d *Device) SetBootLevel(level string) (string, error) {
	if !d.IsCSR() {
		return "", ErrNotXE
	}
	if !slices.Contains(CSRLevels, level) {
		return "", fmt.Errorf("%w %q", ErrBadLevel, level)
	}
	d.Running.BootLevel = level
	return "% use 'write' command to make license boot config take effect on next boot", nil
}

// SetThroughput is `platform hardware throughput level MB N` on a CSR
// 1000V (0: `no platform hardware throughput level`). It takes effect at
// once, logging the new level (UNSURE: the VXE_THROUGHPUT message as
// recalled from 16.x CSRs), and the agent asks for the entitlement it
// makes from now on (an evaluation starts if none ran).
func (d *Device) SetThroughput(mb int, now time.Time) error {
	if !d.IsCSR() {
		return ErrNotXE
	}
	if mb != 0 && !slices.Contains(CSRThroughput, mb) {
		return fmt.Errorf("%w: %d", ErrBadThroughput, mb)
	}
	d.Running.ThroughputMB = mb
	kbps := 100
	if mb != 0 {
		kbps = mb * 1000
	}
	d.logf(now, "%%VXE_THROUGHPUT-6-LEVEL: Throughput level has been set to %d kbps", kbps)
	d.XE.Smart.SyncAsk(d.ask(), now, d.smartLog)
	return nil
}

// ActivateRTU is `license right-to-use activate FEATURE` on an ASR
// 1001-X, its EULA accepted: the feature is active at once and stays so
// across reloads. Activating one that is active changes nothing.
func (d *Device) ActivateRTU(f string, now time.Time) error {
	if !d.IsASR() {
		return ErrNotXE
	}
	if !slices.Contains(RTUFeatures, f) {
		return fmt.Errorf("%w %q", ErrBadRTU, f)
	}
	if d.RTUActive(f) {
		return nil
	}
	d.XE.RTU = append(d.XE.RTU, RTU{Feature: f, At: now})
	d.logf(now, "%%LICENSE-6-EULA_ACCEPTED: EULA for feature %s 1.0 has been accepted. UDI=%s; StoreIndex=0:Built-In License Storage", f, d.UDI())
	return nil
}

// DeactivateRTU is `license right-to-use deactivate FEATURE`.
func (d *Device) DeactivateRTU(f string) error {
	if !d.IsASR() {
		return ErrNotXE
	}
	if !slices.Contains(RTUFeatures, f) {
		return fmt.Errorf("%w %q", ErrBadRTU, f)
	}
	d.XE.RTU = slices.DeleteFunc(d.XE.RTU, func(r RTU) bool { return r.Feature == f })
	return nil
}

// SmartRegister is `license smart register idtoken TOKEN [force]` on a CSR
// 1000V through m (asav.Agent.RegisterAsk): a failure of the manager is
// recorded, logged and returned.
func (d *Device) SmartRegister(token string, force bool, now time.Time, m family.SmartManager) error {
	if !d.IsCSR() {
		return ErrNotXE
	}
	return d.XE.Smart.RegisterAsk(d.ask(), token, force, now, m, d.smartLog)
}

// SmartRenewID and SmartRenewAuth are `license smart renew id|auth`.
func (d *Device) SmartRenewID(now time.Time, m family.SmartManager) error {
	if !d.IsCSR() {
		return ErrNotXE
	}
	return d.XE.Smart.RenewIDAsk(d.ask(), now, m, d.smartLog)
}

func (d *Device) SmartRenewAuth(now time.Time, m family.SmartManager) error {
	if !d.IsCSR() {
		return ErrNotXE
	}
	return d.XE.Smart.ReportUsageAsk(d.ask(), now, m, d.smartLog)
}

// bootSmart is the agent at the boot at: an entitlement that changed with
// the boot's package is reported to the manager at once, by the agent's
// next communication made due.
func (d *Device) bootSmart(at time.Time) {
	a := d.XE.Smart
	if a.Reg != nil && a.Reserved == nil {
		if k := d.ask(); k.Tag != "" && k.Tag != a.Reg.Tag && a.Reg.NextComm.After(at) {
			a.Reg.NextComm = at
		}
	}
}

// SmartDeregister is `license smart deregister`.
func (d *Device) SmartDeregister(now time.Time, m family.SmartManager) error {
	if !d.IsCSR() {
		return ErrNotXE
	}
	return d.XE.Smart.DeregisterAsk(d.ask(), now, m, d.smartLog)
}

// ShowLicenseAll, ShowLicenseStatus and ShowLicenseSummary are the CSR's
// `show license all|status|summary`, the IOS XE Smart Agent's layouts
// (headend/asav's renderers).
func (d *Device) ShowLicenseAll(now time.Time) string {
	return d.XE.Smart.ShowLicenseAllAsk(d.ask(), now)
}

func (d *Device) ShowLicenseStatus(now time.Time) string {
	return d.XE.Smart.ShowLicenseStatusAsk(d.ask(), now)
}

func (d *Device) ShowLicenseSummary(now time.Time) string {
	return d.XE.Smart.ShowLicenseSummaryAsk(d.ask(), now)
}

// ShowLicenseUsage is `show license usage`: the License Usage part of
// `show license all` (UNSURE: no capture of it was found).
func (d *Device) ShowLicenseUsage(now time.Time) string {
	all := d.ShowLicenseAll(now)
	i := strings.Index(all, "License Usage\n")
	j := strings.Index(all, "Product Information\n")
	if i < 0 || j < i {
		return ""
	}
	return all[i:j]
}

// ShowLicenseRTU is the ASR's `show license right-to-use` (UNSURE: the
// layout is the lab's, one line per feature).
func (d *Device) ShowLicenseRTU() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s%-12s%s\n", "Feature", "State", "EULA accepted")
	for _, f := range RTUFeatures {
		state, at := "Inactive", "-"
		for _, r := range d.XE.RTU {
			if r.Feature == f {
				state, at = "Active", eventStamp(r.At)
			}
		}
		fmt.Fprintf(&b, "%-12s%-12s%s\n", f, state, at)
	}
	return b.String()
}

// The CSR 1000V as a Smart-licensed headend (family.SmartLicensing): the
// lab renews it as it renews an ASAv. SmartRouter wraps the device so
// that only the CSR, not every IOS router, offers the capability.
type SmartRouter struct{ *Device }

var (
	_ family.SmartLicensing = SmartRouter{}
	_ family.Device         = SmartRouter{}
	_ family.Flash          = SmartRouter{}
)

// Copy keeps the wrapper.
func (r SmartRouter) Copy() family.Device { return SmartRouter{r.Clone()} }

// SmartLicense is the agent's state as the API shows it.
func (r SmartRouter) SmartLicense(now time.Time) family.SmartLicense {
	k := r.ask()
	a := r.XE.Smart
	v := family.SmartLicense{Tier: r.XE.Level, Entitlement: k.Tag, UDI: a.UDI(), EvalRemaining: a.EvalRemaining(now),
		PlatformState: "Unlicensed"}
	if r.Running.ThroughputMB != 0 {
		v.Throughput = throughputTag(r.Running.ThroughputMB)
	}
	if r.csrLicensed() {
		v.PlatformState = "Licensed"
	}
	v.Registration, v.Authorization = a.StatesAsk(k)
	if g := a.Reg; g != nil {
		v.SmartAccount, v.VirtualAccount = g.Account, g.VirtualAccount
		v.RegisteredAt, v.AuthorizedAt = g.At, g.StatusAt
		v.NextAttempt, _ = a.Due()
		v.NextRenewal, v.NextCommunication = g.NextRenew, g.NextComm
		v.CommDeadline, v.RegistrationExpires = g.Deadline, g.Expires
		v.LastFailure = g.Comm.Failure
		if v.LastFailure == "" && g.Renewal != nil {
			v.LastFailure = g.Renewal.Failure
		}
	} else if a.RegFailure != nil {
		v.LastFailure = a.RegFailure.Failure
	}
	return v
}

// SmartDue is when the agent next talks to the manager by itself.
func (r SmartRouter) SmartDue() (time.Time, bool) { return r.XE.Smart.Due() }

// SmartRenew makes the renewals due at now through m.
func (r SmartRouter) SmartRenew(now time.Time, m family.SmartManager) {
	a, k := r.XE.Smart, r.ask()
	a.AdvanceAsk(k, now, r.smartLog)
	if g := a.Reg; g != nil && a.Reserved == nil && k.Tag != "" && g.Tag != k.Tag && !now.Before(g.NextComm) {
		// The authorization renewal due reports the new entitlement.
		_ = a.ReportUsageAsk(k, now, m, r.smartLog)
	}
	a.RenewAsk(k, now, m, r.smartLog)
}

// Router is the IOS router a family.Device is, wrapped or not; nil for
// another family's.
func Router(d family.Device) *Device {
	switch v := d.(type) {
	case *Device:
		return v
	case SmartRouter:
		return v.Device
	}
	return nil
}

// validXEVersion reports whether v is an IOS XE 16.x or 17.x release as
// `show version` prints it: "16.09.05".
func validXEVersion(v string) bool {
	p := strings.Split(v, ".")
	if len(p) != 3 || (p[0] != "16" && p[0] != "17") || len(p[1]) != 2 || len(p[2]) < 2 {
		return false
	}
	for _, c := range p[1] + p[2] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// xeTrain is the train `show running-config` prints of an IOS XE release:
// "16.9" of "16.09.05".
func xeTrain(v string) string {
	p := strings.Split(v, ".")
	if len(p) < 2 {
		return v
	}
	return p[0] + "." + strings.TrimLeft(p[1], "0")
}

// wrap is d as the lab holds it: a CSR 1000V as a SmartRouter.
func wrap(d *Device) family.Device {
	if d.IsCSR() {
		return SmartRouter{d}
	}
	return d
}
