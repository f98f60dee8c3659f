package license

import (
	"fmt"
	"slices"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/ioslic"
)

// EvalPeriod is the evaluation right-to-use period of a feature: 60 days
// ("You may use this product feature on an evaluation basis, without
// payment to Cisco, for 60 days", the EULA IOS prints), counted while the
// feature is in use, as `show license` counts "Period Used".
const EvalPeriod = 60 * 24 * time.Hour

// ExpiryWarning is how long before an evaluation period runs out the
// router warns. UNSURE: IOS warns ahead of expiry; the lab warns once, a
// week ahead.
const ExpiryWarning = 7 * 24 * time.Hour

// Type is a license type as `show license` prints it.
type Type string

// License types.
const (
	TypeNone      Type = "None"
	TypePermanent Type = "Permanent"
	TypeEval      Type = "EvalRightToUse"
)

// Technology is one row of the technology-package table.
type Technology struct {
	// Name is the technology ("security"), Package its package
	// ("securityk9").
	Name, Package string
}

// Module is the technology-package module of a platform.
type Module struct {
	// Name is the module `license boot module` names: "c2900".
	Name string
	// Technologies in `show version` order, ipbase first.
	Technologies []Technology
}

// The technology packages of each module, as the `show version` tables of
// real ISR G2 routers list them: a 1941 (c1900) ipbase, security, data; a
// 2911 (c2900) and a 3945 (c3900) ipbase, security, uc, data. Later 15.x
// images of the 1900 add an NtwkEss row, which the lab leaves out.
var modules = map[string]Module{
	"c1900": {Name: "c1900", Technologies: []Technology{{"ipbase", "ipbasek9"}, {"security", "securityk9"}, {"data", "datak9"}}},
	"c2900": {Name: "c2900", Technologies: []Technology{{"ipbase", "ipbasek9"}, {"security", "securityk9"}, {"uc", "uck9"}, {"data", "datak9"}}},
	"c3900": {Name: "c3900", Technologies: []Technology{{"ipbase", "ipbasek9"}, {"security", "securityk9"}, {"uc", "uck9"}, {"data", "datak9"}}},
}

// ModuleFor is the module of a catalog row; ErrNotISR for a platform
// without one (CSR 1000V, ASR 1001-X).
func ModuleFor(p *headend.Platform) (Module, error) {
	for _, pid := range append([]string{p.Model}, p.Aliases...) {
		if name, ok := ioslic.ModuleOfPID(pid); ok {
			return modules[name], nil
		}
	}
	return Module{}, fmt.Errorf("%w: %s", ErrNotISR, p.Model)
}

// Packages are the module's technology packages ("ipbasek9",
// "securityk9"...), in order.
func (m Module) Packages() []string {
	out := make([]string, len(m.Technologies))
	for i, t := range m.Technologies {
		out[i] = t.Package
	}
	return out
}

// Features are the license features of the module in `show license`
// order: its technology packages, then the SSL_VPN seats and the two
// evaluation-only features a real ISR G2 lists (ios-ips-update,
// WAAS_Express), which the lab never activates.
func (m Module) Features() []string {
	return append(m.Packages(), ioslic.FeatureSSLVPN, featureIPS, featureWAAS)
}

const (
	featureIPS  = "ios-ips-update"
	featureWAAS = "WAAS_Express"
)

// Output is what a licensing command prints and logs.
type Output struct {
	// Lines are the console lines.
	Lines []string
	// Syslog are the messages the device logs, "%LICENSE-6-INSTALL: ..."
	// without timestamp.
	Syslog []string
}

// Eval is the evaluation right-to-use state of one feature.
type Eval struct {
	EULAAccepted bool      `json:"eula_accepted,omitempty"`
	AcceptedAt   time.Time `json:"accepted_at,omitzero"`
	// Used is the period used up to InUseSince (or in all when not in use).
	Used time.Duration `json:"used,omitempty"`
	// InUseSince is when the feature last went in use; zero when not.
	InUseSince time.Time `json:"in_use_since,omitzero"`
	// Warned: the expiry warning was logged; Expired: the period ran out
	// (logged).
	Warned  bool `json:"warned,omitempty"`
	Expired bool `json:"expired,omitempty"`
}

// used is the period used at now.
func (e *Eval) used(now time.Time) time.Duration {
	u := e.Used
	if !e.InUseSince.IsZero() && now.After(e.InUseSince) {
		u += now.Sub(e.InUseSince)
	}
	return min(u, EvalPeriod)
}

func (e *Eval) start(now time.Time) {
	if e.InUseSince.IsZero() {
		e.InUseSince = now
	}
}

func (e *Eval) stop(now time.Time) {
	if !e.InUseSince.IsZero() {
		e.Used = e.used(now)
		e.InUseSince = time.Time{}
	}
}

// Boot is the state of one technology package: running now, and at the
// next reload.
type Boot struct {
	Current bool `json:"current,omitempty"`
	Next    bool `json:"next,omitempty"`
}

// Store is the licensing state of one router. It is JSON-able; the device
// keeps it and Copy makes the copy a change works on.
//
// The rules, and the choices made where the facts are UNSURE:
//   - ipbasek9 is permanent and always runs.
//   - securityk9, uck9, datak9 run from the reload after `license boot
//     module` (evaluation right to use, once its EULA is accepted) or after
//     a permanent license of the package is installed. The boot setting is
//     kept by the lab as if written (IOS reminds "use 'write'").
//   - An evaluation period counts while the package runs without a
//     permanent license. When it runs out (UNSURE: what IOS does then),
//     the lab logs it and keeps the package running until the next reload,
//     which then boots without it; a permanent license brings it back.
//   - SSL_VPN is counted: its seats are the sum of the installed SSL_VPN
//     licenses, usable from installation, and only while securityk9 runs.
//     Its evaluation is never activated (real IOS presents that EULA when
//     WebVPN is configured; the lab grants no evaluation seats).
type Store struct {
	Module string `json:"module"`
	// UDI is the router's "PID:SN", which license files must name.
	UDI string `json:"udi"`
	// Licenses are the installed license lines, in install order.
	Licenses []ioslic.License `json:"licenses,omitempty"`
	// Eval by feature name.
	Eval map[string]*Eval `json:"eval,omitempty"`
	// Boot by package name ("securityk9").
	Boot map[string]*Boot `json:"boot,omitempty"`
	// EULAAll: `license accept end user agreement` was given.
	EULAAll bool `json:"eula_all,omitempty"`
}

// New is the factory state of a router with module m and UDI udi at now:
// ipbasek9 permanent and running; the other packages off, their
// evaluation not activated.
func New(m Module, udi string, now time.Time) *Store {
	s := &Store{Module: m.Name, UDI: udi, Eval: map[string]*Eval{}, Boot: map[string]*Boot{}}
	for _, p := range m.Packages() {
		s.Boot[p] = &Boot{}
	}
	s.Boot[ioslic.FeatureIPBase] = &Boot{Current: true, Next: true}
	for _, f := range m.Features() {
		if f != ioslic.FeatureIPBase {
			s.Eval[f] = &Eval{}
		}
	}
	return s
}

// Copy is a deep copy.
func (s *Store) Copy() *Store {
	c := *s
	c.Licenses = slices.Clone(s.Licenses)
	c.Eval = make(map[string]*Eval, len(s.Eval))
	for k, v := range s.Eval {
		e := *v
		c.Eval[k] = &e
	}
	c.Boot = make(map[string]*Boot, len(s.Boot))
	for k, v := range s.Boot {
		b := *v
		c.Boot[k] = &b
	}
	return &c
}

func (s *Store) module() Module { return modules[s.Module] }

func (s *Store) isPackage(name string) bool { return slices.Contains(s.module().Packages(), name) }

func (s *Store) isFeature(name string) bool { return slices.Contains(s.module().Features(), name) }

// eval is the evaluation state of a feature (nil for ipbasek9).
func (s *Store) eval(f string) *Eval {
	if f == ioslic.FeatureIPBase || !s.isFeature(f) {
		return nil
	}
	if s.Eval == nil {
		s.Eval = map[string]*Eval{}
	}
	e := s.Eval[f]
	if e == nil {
		e = &Eval{}
		s.Eval[f] = e
	}
	return e
}

func (s *Store) boot(p string) *Boot {
	if s.Boot == nil {
		s.Boot = map[string]*Boot{}
	}
	b := s.Boot[p]
	if b == nil {
		b = &Boot{Current: p == ioslic.FeatureIPBase, Next: p == ioslic.FeatureIPBase}
		s.Boot[p] = b
	}
	return b
}

// permanent reports whether a license of feature f is installed.
func (s *Store) permanent(f string) bool {
	return f == ioslic.FeatureIPBase || slices.ContainsFunc(s.Licenses, func(l ioslic.License) bool { return l.Feature == f })
}

// seats is the SSL_VPN count of the installed licenses.
func (s *Store) seats() int {
	n := 0
	for _, l := range s.Licenses {
		if l.Feature == ioslic.FeatureSSLVPN {
			n += l.Count
		}
	}
	return n
}

// evalInUse reports whether package p runs on its evaluation.
func (s *Store) evalInUse(p string) bool {
	return s.isPackage(p) && p != ioslic.FeatureIPBase && s.boot(p).Current && !s.permanent(p)
}

// syncEval starts or stops the evaluation clocks to match what runs.
func (s *Store) syncEval(now time.Time) {
	for _, p := range s.module().Packages() {
		e := s.eval(p)
		if e == nil {
			continue
		}
		if s.evalInUse(p) && e.EULAAccepted && !e.Expired {
			e.start(now)
		} else {
			e.stop(now)
		}
	}
}

// storeIndex is where the n-th installed license line is kept.
func storeIndex(n int) string { return fmt.Sprintf("StoreIndex=%d:Primary License Storage", n) }

func (s *Store) levelSyslog(pkg string) string {
	return fmt.Sprintf("%%IOS_LICENSE_IMAGE_APPLICATION-6-LICENSE_LEVEL: Module name = %s Next reboot level = %s and License = %s", s.Module, pkg, pkg)
}

// Install is `license install NAME` with the file's data, on the router
// udi, checked with the lab's signer. On error the store is unchanged and
// Output holds what IOS prints for the failure.
//
// The lines of a success are those of Cisco's ISR software activation
// guide ("Installing...Feature:securityk9...Successful:Supported", "1/1
// licenses were successfully installed", %LICENSE-6-INSTALL). UNSURE, the
// refusals: a file that is no license file installs nothing ("0/0");
// a license line for another UDI or with a bad signature fails, and the
// lab then installs no line of the file ("Failed:File not installed" for
// the others); a line already installed is skipped ("Skipped:Duplicate").
func (s *Store) Install(now time.Time, udi, name string, data []byte, signer *keygen.Signer) (Output, error) {
	out := Output{Lines: []string{fmt.Sprintf("Installing licenses from %q", name)}}
	lics, err := ioslic.Parse(data)
	if err != nil {
		out.Lines = append(out.Lines, counts(0, 0, 0, 0)...)
		return out, err
	}
	results := make([]string, len(lics))
	var firstErr error
	fresh, dup, failed := 0, 0, 0
	for i, l := range lics {
		switch {
		case l.UDI != udi:
			results[i], failed = "Failed:License UDI mismatch", failed+1
			firstErr = cmpErr(firstErr, fmt.Errorf("%w: the license is for %s, this device is %s", ErrWrongUDI, l.UDI, udi))
		case l.CheckSignature(signer) != nil:
			results[i], failed = "Failed:Signature verification failed", failed+1
			firstErr = cmpErr(firstErr, l.CheckSignature(signer))
		case !s.isFeature(l.Feature):
			results[i], failed = "Failed:Feature not supported", failed+1
			firstErr = cmpErr(firstErr, fmt.Errorf("%w: %s", ErrUnknownFeature, l.Feature))
		case slices.ContainsFunc(s.Licenses, func(x ioslic.License) bool { return x.ID == l.ID }) ||
			slices.ContainsFunc(lics[:i], func(x ioslic.License) bool { return x.ID == l.ID }):
			results[i], dup = "Skipped:Duplicate", dup+1
		default:
			results[i], fresh = "Successful:Supported", fresh+1
		}
	}
	for i, l := range lics {
		r := results[i]
		if firstErr != nil && r == "Successful:Supported" {
			r = "Failed:File not installed"
			fresh, failed = fresh-1, failed+1
		}
		out.Lines = append(out.Lines, fmt.Sprintf("Installing...Feature:%s...%s", l.Feature, r))
	}
	out.Lines = append(out.Lines, counts(fresh, dup, failed, len(lics))...)
	if firstErr != nil {
		return out, firstErr
	}
	for i, l := range lics {
		if results[i] != "Successful:Supported" {
			continue
		}
		s.Licenses = append(s.Licenses, l)
		out.Syslog = append(out.Syslog, fmt.Sprintf("%%LICENSE-6-INSTALL: Feature %s %s was installed in this device. UDI=%s; %s",
			l.Feature, l.Version, udi, storeIndex(len(s.Licenses)-1)))
		if s.isPackage(l.Feature) {
			s.boot(l.Feature).Next = true
			out.Syslog = append(out.Syslog, s.levelSyslog(l.Feature))
		}
	}
	if s.UDI == "" {
		s.UDI = udi
	}
	s.syncEval(now)
	return out, nil
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func counts(ok, dup, failed, n int) []string {
	return []string{
		fmt.Sprintf("%d/%d licenses were successfully installed", ok, n),
		fmt.Sprintf("%d/%d licenses were existing licenses", dup, n),
		fmt.Sprintf("%d/%d licenses were failed to install", failed, n),
	}
}

// ClearPrompt is the confirmation question of `license clear`.
const ClearPrompt = "Are you sure you want to clear? (yes/[no]): "

// ClearList is what `license clear FEATURE` lists before it asks
// ClearPrompt: the installed license lines of the feature. UNSURE: the
// layout is recalled from the IOS software activation command reference.
// inUse counts the seats in use of counted features, as for ShowLicense.
func (s *Store) ClearList(feature string, inUse map[string]int) ([]string, error) {
	if !s.isFeature(feature) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownFeature, feature)
	}
	var lines []string
	n := 0
	for i, l := range s.Licenses {
		if l.Feature != feature {
			continue
		}
		if n == 0 {
			lines = append(lines, "Feature: "+feature)
		}
		n++
		lines = append(lines,
			fmt.Sprintf("    %-8dLicense Type: Permanent", n),
			"            License State: "+s.permanentState(feature),
			"            License Addition: Exclusive",
			"            License Count: "+s.lineCount(l, inUse),
			"            Comment: ",
			fmt.Sprintf("            Store Index: %d", i),
			"            Store Name: Primary License Storage")
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNothingToClear, feature)
	}
	return lines, nil
}

// Clear removes the installed licenses of feature, once confirmed. A
// package that runs keeps running until the next reload (on its
// evaluation, when its EULA is accepted and its period is not over).
// SSL_VPN seats in use are not taken back: their sessions stay until they
// end, counted as a violation, and no new one is admitted beyond the
// seats left.
func (s *Store) Clear(now time.Time, feature string) (Output, error) {
	if _, err := s.ClearList(feature, nil); err != nil {
		return Output{}, err
	}
	var out Output
	kept := s.Licenses[:0:0]
	for i, l := range s.Licenses {
		if l.Feature == feature {
			out.Syslog = append(out.Syslog, fmt.Sprintf("%%LICENSE-6-REMOVE: Feature %s %s was removed from this device. UDI=%s; %s",
				l.Feature, l.Version, s.UDI, storeIndex(i)))
			continue
		}
		kept = append(kept, l)
	}
	s.Licenses = kept
	if s.isPackage(feature) {
		if e := s.eval(feature); e == nil || !e.EULAAccepted || e.Expired {
			s.boot(feature).Next = false
		}
	}
	s.syncEval(now)
	return out, nil
}

// Save is `license save NAME`: the installed licenses as one license file
// (which `license install` takes back), and what IOS prints (UNSURE:
// recalled, "license lines saved ..... to NAME").
func (s *Store) Save(name string) ([]byte, Output, error) {
	if len(s.Licenses) == 0 {
		return nil, Output{Lines: []string{"% Error: no license lines to save"}}, ErrNoLicenses
	}
	return ioslic.Encode(s.Licenses), Output{Lines: []string{"license lines saved ..... to " + name}}, nil
}

// EULAPrompt is the question after the EULA.
const EULAPrompt = "ACCEPT? [yes/no]: "

// AcceptEULA is `license accept end user agreement` answered yes: the
// EULA of every evaluation feature is accepted.
func (s *Store) AcceptEULA(now time.Time) Output {
	if s.EULAAll {
		return Output{}
	}
	s.EULAAll = true
	for _, f := range s.module().Features() {
		if e := s.eval(f); e != nil && !e.EULAAccepted {
			e.EULAAccepted, e.AcceptedAt = true, now
		}
	}
	s.syncEval(now)
	return Output{Syslog: []string{"%LICENSE-6-EULA_ACCEPT_ALL: The Right to Use End User License Agreement is accepted"}}
}

func (s *Store) checkBoot(module, pkg string) error {
	if module != s.Module {
		return fmt.Errorf("%w: %q (this router's is %s)", ErrUnknownModule, module, s.Module)
	}
	if !s.isPackage(pkg) || pkg == ioslic.FeatureIPBase {
		return fmt.Errorf("%w: %q", ErrUnknownPackage, pkg)
	}
	return nil
}

// BootNeedsEULA reports whether `license boot module MODULE
// technology-package PKG` prints the EULA and asks EULAPrompt first: the
// package has no permanent license and its EULA is not accepted yet.
func (s *Store) BootNeedsEULA(module, pkg string) (bool, error) {
	if err := s.checkBoot(module, pkg); err != nil {
		return false, err
	}
	return !s.permanent(pkg) && !s.eval(pkg).EULAAccepted, nil
}

// WriteReminder is what IOS prints once the boot package is set.
const WriteReminder = "% use 'write' command to make license boot config take effect on next boot"

// BootModule is `license boot module MODULE technology-package PKG`;
// accepted is the answer to the EULA prompt when one was asked (it
// accepts the package's EULA). The package runs from the next reload.
// Without the EULA accepted it is ErrEULANotAccepted and nothing changes.
func (s *Store) BootModule(now time.Time, module, pkg string, accepted bool) (Output, error) {
	need, err := s.BootNeedsEULA(module, pkg)
	if err != nil {
		return Output{}, err
	}
	if need && !accepted {
		return Output{}, fmt.Errorf("%w: %s", ErrEULANotAccepted, pkg)
	}
	var out Output
	if need {
		e := s.eval(pkg)
		e.EULAAccepted, e.AcceptedAt = true, now
		out.Syslog = append(out.Syslog, fmt.Sprintf("%%LICENSE-6-EULA_ACCEPTED: EULA for feature %s %s has been accepted. UDI=%s; StoreIndex=%d:Built-In License Storage",
			pkg, ioslic.Version, s.UDI, slices.Index(s.module().Features(), pkg)))
	}
	if e := s.eval(pkg); !s.permanent(pkg) && (e.Expired || e.used(now) >= EvalPeriod) {
		// The period is over: the package would not boot.
		return Output{}, fmt.Errorf("%w: the evaluation period of %s is over", ErrEvalExpired, pkg)
	}
	s.boot(pkg).Next = true
	out.Lines = append(out.Lines, WriteReminder)
	out.Syslog = append(out.Syslog, s.levelSyslog(pkg))
	return out, nil
}

// BootModuleDisable is `license boot module MODULE technology-package
// PKG disable`: the package stops at the next reload.
func (s *Store) BootModuleDisable(now time.Time, module, pkg string) (Output, error) {
	if err := s.checkBoot(module, pkg); err != nil {
		return Output{}, err
	}
	s.boot(pkg).Next = false
	return Output{Lines: []string{WriteReminder}}, nil
}

// Reload boots the router at now: the next-reboot packages whose license
// allows them become the current ones. The device calls Advance(now)
// first, so that an evaluation that ran out is logged before the reload.
func (s *Store) Reload(now time.Time) Output {
	var out Output
	for _, p := range s.module().Packages() {
		b := s.boot(p)
		run := b.Next
		if run && !s.permanent(p) {
			e := s.eval(p)
			run = e.EULAAccepted && !e.Expired && e.used(now) < EvalPeriod
		}
		b.Current = run
	}
	s.syncEval(now)
	return out
}

// Advance brings evaluation periods up to now, logging the expiry
// warnings and expiries at their times. UNSURE: the messages are
// recalled, not verified:
// "%LICENSE-4-EXPIRING: License for feature securityk9 1.0 will expire in
// 1  week 0  day. UDI=..." and "%LICENSE-1-EXPIRED: License for feature
// securityk9 1.0 has expired now. UDI=...".
func (s *Store) Advance(now time.Time, log func(at time.Time, msg string)) {
	for {
		at, f, warn, ok := s.next()
		if !ok || at.After(now) {
			return
		}
		e := s.eval(f)
		if warn {
			e.Warned = true
			if log != nil {
				log(at, fmt.Sprintf("%%LICENSE-4-EXPIRING: License for feature %s %s will expire in %s. UDI=%s",
					f, ioslic.Version, Period(EvalPeriod-e.used(at)), s.UDI))
			}
			continue
		}
		e.stop(at)
		e.Warned, e.Expired = true, true
		if log != nil {
			log(at, fmt.Sprintf("%%LICENSE-1-EXPIRED: License for feature %s %s has expired now. UDI=%s", f, ioslic.Version, s.UDI))
		}
	}
}

// next is the earliest event due: an expiry warning (warn) or an expiry.
func (s *Store) next() (at time.Time, feature string, warn, ok bool) {
	for _, p := range s.module().Packages() {
		e := s.eval(p)
		if e == nil || e.InUseSince.IsZero() || e.Expired {
			continue
		}
		end := e.InUseSince.Add(EvalPeriod - e.Used)
		t, w := end, false
		if !e.Warned {
			t, w = end.Add(-ExpiryWarning), true
			if t.Before(e.InUseSince) {
				t = e.InUseSince
			}
		}
		if !ok || t.Before(at) {
			at, feature, warn, ok = t, p, w, true
		}
	}
	return at, feature, warn, ok
}

// NextEvent is when Advance next logs; ok false when nothing is due.
func (s *Store) NextEvent() (at time.Time, ok bool) {
	at, _, _, ok = s.next()
	return at, ok
}

// Running is what the router runs at a time.
type Running struct {
	// Packages are the technology packages running, with their types.
	Packages map[string]Type
	// SSLVPNSeats is the SSL_VPN seat count licensed.
	SSLVPNSeats int
}

// Active reports whether the package runs.
func (r Running) Active(pkg string) bool { _, ok := r.Packages[pkg]; return ok }

// Security reports whether securityk9 runs: what IKEv2 and SSL VPN need.
func (r Running) Security() bool { return r.Active(ioslic.FeatureSecurity) }

// SSLVPN is the SSL VPN seats usable: the licensed seats when securityk9
// runs, else 0.
func (r Running) SSLVPN() int {
	if !r.Security() {
		return 0
	}
	return r.SSLVPNSeats
}

// Running is the state at now.
func (s *Store) Running(now time.Time) Running {
	r := Running{Packages: map[string]Type{}, SSLVPNSeats: s.seats()}
	for _, p := range s.module().Packages() {
		if s.boot(p).Current {
			r.Packages[p] = s.licenseType(p)
		}
	}
	return r
}

// licenseType is the type of the license a package runs on, or would.
func (s *Store) licenseType(f string) Type {
	if s.permanent(f) {
		return TypePermanent
	}
	return TypeEval
}
