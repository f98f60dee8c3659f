package asav

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
)

// Periods of the Smart Agent. The registered sample of `show license all`
// shows them all from one registration on Dec 03: next communication
// attempt Jan 02 (30 days), communication deadline Mar 03 (90 days), next
// renewal attempt Jun 01 (180 days), registration expires Dec 03 of the
// next year (365 days).
const (
	EvalPeriod       = 90 * 24 * time.Hour
	AuthPeriod       = smart.AuthorizationPeriod
	CommDeadline     = 90 * 24 * time.Hour
	RenewPeriod      = smart.RegistrationPeriod
	RegistrationLife = 365 * 24 * time.Hour
	// The failed-renewal sample retries its authorization ~30 s after a
	// failure and its registration ~16 minutes after. The agent starts
	// there and doubles each retry up to one day, so that a 90-day outage
	// is about a hundred attempts (12 doublings, then one a day), not the
	// quarter of a million a fixed 30 s would make.
	AuthRetryFirst  = 30 * time.Second
	RenewRetryFirst = 15 * time.Minute
	RetryMax        = 24 * time.Hour
	// OutOfComplianceRecheck: an agent out of compliance asks again
	// twice a day (an IOS-XE agent's "Next Communication Attempt" 12 h
	// after its last while OUT OF COMPLIANCE), so that licenses added to
	// the account bring it back within hours.
	OutOfComplianceRecheck = 12 * time.Hour
)

// CommFailure is the failure reason of an attempt the manager did not
// answer (verbatim from the failed-renewal sample).
const CommFailure = "Communication message send error"

// Errors of the agent's commands; each changes nothing.
var (
	// ErrNoEntitlement: `license smart register` with no `feature tier`
	// configured (the agent has nothing to ask for).
	ErrNoEntitlement = errors.New("asav: no entitlement configured")
	// ErrAlreadyRegistered: register again without force.
	ErrAlreadyRegistered = errors.New("asav: already registered")
	// ErrNotRegistered: renew or deregister while unregistered.
	ErrNotRegistered = errors.New("asav: not registered")
	// ErrReservationMode: a registration command while `license smart
	// reservation` is on, or a reservation command while it is off.
	ErrReservationMode = errors.New("asav: license reservation mode")
	// ErrNoRequest: install with no request code outstanding.
	ErrNoRequest = errors.New("asav: no reservation request outstanding")
	// ErrNotReserved: a reservation return with none installed.
	ErrNotReserved = errors.New("asav: no license reservation is installed")
	// ErrReserved: a reservation is installed already.
	ErrReserved = errors.New("asav: a license reservation is installed")
	// ErrBadLevel: a throughput level that is not one of Levels.
	ErrBadLevel = errors.New("asav: unknown throughput level")
)

// Config is the `license smart` configuration, saved with the rest of the
// configuration.
type Config struct {
	// Tier is `feature tier standard` ("standard"; the only tier).
	Tier string `json:"tier,omitempty"`
	// Throughput is `throughput level` ("1G").
	Throughput string `json:"throughput,omitempty"`
	// Reservation is `license smart reservation` (global configuration):
	// the agent takes a Permanent License Reservation instead of
	// registering.
	Reservation bool `json:"reservation,omitempty"`
}

// Entitlement is the tier the configuration asks for on a model: none
// without `feature tier`; with it and no `throughput level`, the model's
// own tier (a choice: the real default level is not documented).
func (c Config) Entitlement(model string) (Tier, bool) {
	if c.Tier == "" {
		return Tier{}, false
	}
	if c.Throughput != "" {
		return TierOfLevel(c.Throughput)
	}
	return TierOfModel(model)
}

// Ask is what a product's configuration asks its agent for: the
// entitlement tag ("": none configured) and whether the agent is in
// reservation mode. The agent is the same for every Smart-licensed
// product; each maps its own configuration to an Ask (Config.Ask for the
// ASAv, the CSR 1000V's technology package and throughput level).
type Ask struct {
	Tag         string
	Reservation bool
	// Describe is the display name of an entitlement tag, as `show
	// license` prints it in License Usage ("" unknown).
	Describe func(tag string) string
}

// Ask is what the configuration asks for on an ASAv model.
func (c Config) Ask(model string) Ask {
	t, _ := c.Entitlement(model)
	return Ask{Tag: t.Tag, Reservation: c.Reservation, Describe: describeTier}
}

func describeTier(tag string) string {
	t, _ := TierOfTag(tag)
	return t.Description
}

// describe is the display name of tag.
func (k Ask) describe(tag string) string {
	if k.Describe == nil {
		return ""
	}
	return k.Describe(tag)
}

// Lines are the configuration lines, as `show running-config` prints
// them: the `license smart` block when it holds anything, then `license
// smart reservation`.
func (c Config) Lines() []string {
	var out []string
	if c.Tier != "" || c.Throughput != "" {
		out = append(out, "license smart")
		if c.Tier != "" {
			out = append(out, " feature tier "+c.Tier)
		}
		if c.Throughput != "" {
			out = append(out, " throughput level "+c.Throughput)
		}
	}
	if c.Reservation {
		out = append(out, "license smart reservation")
	}
	return out
}

// Attempt is one communication with the manager: when, and why it failed
// ("" when it succeeded).
type Attempt struct {
	At      time.Time `json:"at"`
	Failure string    `json:"failure,omitempty"`
}

// Registration is the agent's registration with a Smart Account.
type Registration struct {
	Account        string    `json:"account"`
	VirtualAccount string    `json:"virtual_account"`
	Tag            string    `json:"tag"` // the tier entitlement authorized
	At             time.Time `json:"at"`  // Initial Registration SUCCEEDED on
	// Renewal is the last registration renewal attempt, nil: none yet.
	Renewal    *Attempt      `json:"renewal,omitempty"`
	NextRenew  time.Time     `json:"next_renew"`
	Expires    time.Time     `json:"expires"`
	RenewRetry time.Duration `json:"renew_retry,omitempty"`
	// Status is the authorization: AUTHORIZED, OUT OF COMPLIANCE or
	// AUTHORIZATION EXPIRED, since StatusAt.
	Status    string        `json:"status"`
	StatusAt  time.Time     `json:"status_at"`
	Comm      Attempt       `json:"comm"`
	NextComm  time.Time     `json:"next_comm"`
	Deadline  time.Time     `json:"deadline"`
	CommRetry time.Duration `json:"comm_retry,omitempty"`
}

// Authorization states as `show license all` prints them.
const (
	StatusAuthorized      = string(smart.StatusAuthorized)
	StatusOutOfCompliance = string(smart.StatusOutOfCompliance)
	StatusAuthExpired     = "AUTHORIZATION EXPIRED"
	StatusEval            = "EVAL MODE"
	StatusEvalExpired     = "EVAL EXPIRED"
	StatusNoLicenses      = "NO LICENSES IN USE"
)

// Reservation is an installed Permanent License Reservation.
type Reservation struct {
	Tag string    `json:"tag"`
	At  time.Time `json:"at"`
	// Code is the authorization code installed, of which the return
	// code is made.
	Code string `json:"code,omitempty"`
}

// Agent is the Smart Agent's state, kept in the device's trusted storage:
// a reload keeps it (the `license smart` configuration comes back from the
// saved configuration).
type Agent struct {
	Serial string `json:"serial"`
	// PID is the product of an agent that is not an ASAv's ("CSR1000V"):
	// its UDI's product ID, and its syslog lines are the bare SMART_LIC
	// messages an IOS-XE agent logs. "": an ASAv.
	PID string `json:"pid,omitempty"`
	// EvalStarted: an entitlement was configured while unregistered, which
	// starts the 90-day evaluation; EvalLeft is what was left at EvalSince
	// (zero time: not counting, because registered, reserved or nothing
	// is configured). EvalExpired: it ran out.
	EvalStarted bool          `json:"eval_started,omitempty"`
	EvalLeft    time.Duration `json:"eval_left,omitempty"`
	EvalSince   time.Time     `json:"eval_since,omitzero"`
	EvalExpired bool          `json:"eval_expired,omitempty"`
	// Reg is the registration; nil: unregistered. RegFailure is the last
	// failed registration while unregistered.
	Reg        *Registration `json:"reg,omitempty"`
	RegFailure *Attempt      `json:"reg_failure,omitempty"`
	// Request is the outstanding reservation request code; Reserved the
	// reservation installed.
	Request  string       `json:"request,omitempty"`
	Reserved *Reservation `json:"reserved,omitempty"`
}

// New is the agent of a new ASAv with serial.
func New(serial string) *Agent { return &Agent{Serial: serial} }

// NewFor is the agent of a new unit of another Smart-licensed product,
// pid its UDI's product ID ("CSR1000V").
func NewFor(pid, serial string) *Agent { return &Agent{Serial: serial, PID: pid} }

// Clone is a deep copy.
func (a *Agent) Clone() *Agent {
	if a == nil {
		return nil
	}
	c := *a
	if a.Reg != nil {
		r := *a.Reg
		if a.Reg.Renewal != nil {
			rn := *a.Reg.Renewal
			r.Renewal = &rn
		}
		c.Reg = &r
	}
	if a.RegFailure != nil {
		f := *a.RegFailure
		c.RegFailure = &f
	}
	if a.Reserved != nil {
		r := *a.Reserved
		c.Reserved = &r
	}
	return &c
}

// UDI is the agent's product instance identifier.
func (a *Agent) UDI() string {
	if a.PID != "" {
		return smart.UDIOf(a.PID, a.Serial)
	}
	return smart.UDI(a.Serial)
}

// Log receives the syslog lines of the agent's transitions, at the time
// each happened.
type Log func(at time.Time, msg string)

// logger is log as the agent's product logs: an IOS-XE agent logs the
// SMART_LIC message itself, without the ASA's message ID wrapping it
// ("%SMART_LIC-6-AGENT_REG_SUCCESS: ..."), UNSURE: the IOS-XE agent's
// texts end with "for udi PID:...,SN:..." in some releases; the lab logs
// the ASA guide's texts for both.
func (a *Agent) logger(log Log) Log {
	if a.PID == "" {
		return log
	}
	return func(at time.Time, msg string) {
		if strings.HasPrefix(msg, "%ASA-") {
			if i := strings.Index(msg, ": "); i > 0 {
				msg = msg[i+2:]
			}
		}
		log(at, msg)
	}
}

// evalCounting reports whether the evaluation period runs.
func (a *Agent) evalCounting() bool { return !a.EvalSince.IsZero() }

// EvalRemaining is what is left of the evaluation period at now.
func (a *Agent) EvalRemaining(now time.Time) time.Duration {
	if !a.EvalStarted || a.EvalExpired {
		return 0
	}
	left := a.EvalLeft
	if a.evalCounting() {
		left -= now.Sub(a.EvalSince)
	}
	return max(left, 0)
}

// Sync follows a change of the configuration (or a boot, or a change of
// registration) at now: the evaluation runs while an entitlement is
// configured and the agent is neither registered nor reserved, and starts
// the first time that happens.
func (a *Agent) Sync(cfg Config, model string, now time.Time, log Log) {
	a.SyncAsk(cfg.Ask(model), now, log)
}

// SyncAsk is Sync for what a product's configuration asks.
func (a *Agent) SyncAsk(ask Ask, now time.Time, log Log) {
	log = a.logger(log)
	want := ask.Tag != "" && a.Reg == nil && a.Reserved == nil
	switch {
	case want && !a.EvalStarted:
		a.EvalStarted, a.EvalLeft, a.EvalSince = true, EvalPeriod, now
		log(now, msgEvalStart)
	case want && !a.EvalExpired && !a.evalCounting():
		a.EvalSince = now
	case !want && a.evalCounting():
		a.EvalLeft, a.EvalSince = a.EvalRemaining(now), time.Time{}
	}
}

// Advance brings the time-driven transitions up to now, logging each at
// the time it happened: the end of the evaluation period, the
// communication deadline passing (the authorization expires: the box is
// unlicensed until it talks to the manager again), the registration
// expiring (the agent is unregistered). None needs the manager.
func (a *Agent) Advance(cfg Config, model string, now time.Time, log Log) {
	a.AdvanceAsk(cfg.Ask(model), now, log)
}

// AdvanceAsk is Advance for what a product's configuration asks.
func (a *Agent) AdvanceAsk(ask Ask, now time.Time, log Log) {
	log = a.logger(log)
	for {
		at, ok := a.NextEvent()
		if !ok || at.After(now) {
			return
		}
		switch {
		case a.Reg != nil && at.Equal(a.Reg.Expires):
			a.Reg = nil
			log(at, msgRegExpired)
			a.SyncAsk(ask, at, log)
		case a.Reg != nil && at.Equal(a.Reg.Deadline):
			a.Reg.Status, a.Reg.StatusAt = StatusAuthExpired, at
			log(at, msgAuthExpired)
		default:
			a.EvalExpired, a.EvalLeft, a.EvalSince = true, 0, time.Time{}
			log(at, msgEvalExpired)
		}
	}
}

// NextEvent is when Advance next changes something; ok is false when
// nothing is due.
func (a *Agent) NextEvent() (at time.Time, ok bool) {
	add := func(t time.Time) {
		if !ok || t.Before(at) {
			at, ok = t, true
		}
	}
	if a.evalCounting() && !a.EvalExpired {
		add(a.EvalSince.Add(a.EvalLeft))
	}
	if r := a.Reg; r != nil {
		if r.Status != StatusAuthExpired {
			add(r.Deadline)
		}
		add(r.Expires)
	}
	return at, ok
}

// Due is when the agent next talks to the manager by itself: its next
// authorization renewal or registration renewal, or their retries; ok is
// false when unregistered or reserved.
func (a *Agent) Due() (time.Time, bool) {
	if a.Reg == nil || a.Reserved != nil {
		return time.Time{}, false
	}
	return minTime(a.Reg.NextComm, a.Reg.NextRenew), true
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// failureReason is how the agent records a failed attempt: the manager out
// of reach is the sample's "Communication message send error"; a refusal
// is the manager's own sentence.
func failureReason(err error) string {
	if errors.Is(err, family.ErrSmartUnreachable) {
		return CommFailure
	}
	return strings.TrimPrefix(err.Error(), "smart: ")
}

// backoff is the next retry interval after one of cur (0: the first).
func backoff(cur, first time.Duration) time.Duration {
	if cur == 0 {
		return first
	}
	return min(2*cur, RetryMax)
}

// authorized records a successful authorization at now with status st.
func (a *Agent) authorized(now time.Time, st smart.Status, log Log) {
	r := a.Reg
	old := r.Status
	r.Status = string(st)
	if old != r.Status || r.StatusAt.IsZero() {
		r.StatusAt = now
	}
	failed := r.Comm.Failure != ""
	r.Comm = Attempt{At: now}
	r.NextComm, r.Deadline, r.CommRetry = now.Add(AuthPeriod), now.Add(CommDeadline), 0
	if r.Status == StatusOutOfCompliance {
		r.NextComm = now.Add(OutOfComplianceRecheck)
	}
	if failed {
		log(now, msgCommRestored)
	}
	log(now, msgAuthSuccess)
	switch {
	case r.Status == StatusOutOfCompliance && old != StatusOutOfCompliance:
		log(now, msgOutOfCompliance)
	case r.Status == StatusAuthorized && old == StatusOutOfCompliance:
		log(now, msgInCompliance)
	}
}

// Register is `license smart register idtoken TOKEN [force]`: it asks m to
// register the configured entitlement. A refusal of the agent's own (no
// entitlement, reservation mode) returns its error and changes nothing;
// registered already without force logs AGENT_ALREADY_REGISTER and
// returns ErrAlreadyRegistered; a failure of the manager (unreachable,
// token refused) is recorded as the failed registration `show license
// all` shows, logged, and returned.
func (a *Agent) Register(cfg Config, model, token string, force bool, now time.Time, m family.SmartManager, log Log) error {
	return a.RegisterAsk(cfg.Ask(model), token, force, now, m, log)
}

// RegisterAsk is Register for what a product's configuration asks.
func (a *Agent) RegisterAsk(ask Ask, token string, force bool, now time.Time, m family.SmartManager, log Log) error {
	log = a.logger(log)
	if ask.Reservation || a.Reserved != nil {
		return ErrReservationMode
	}
	if ask.Tag == "" {
		return ErrNoEntitlement
	}
	if a.Reg != nil && !force {
		log(now, msgAlreadyReg)
		return ErrAlreadyRegistered
	}
	reg, err := m.Register(a.UDI(), token, []string{ask.Tag})
	if err != nil {
		a.RegFailure = &Attempt{At: now, Failure: failureReason(err)}
		log(now, msgRegFailed)
		return err
	}
	a.RegFailure = nil
	a.Reg = &Registration{
		Account: reg.Device.Account, VirtualAccount: reg.Device.VirtualAccount, Tag: ask.Tag, At: now,
		NextRenew: now.Add(RenewPeriod), Expires: now.Add(RegistrationLife),
	}
	log(now, msgRegSuccess)
	a.authorized(now, reg.Status, log)
	a.SyncAsk(ask, now, log)
	return nil
}

// RenewAuth is an authorization renewal at now (`license smart renew
// auth`, or the agent's own when due).
func (a *Agent) RenewAuth(cfg Config, model string, now time.Time, m family.SmartManager, log Log) error {
	return a.RenewAuthAsk(cfg.Ask(model), now, m, log)
}

// RenewAuthAsk is RenewAuth for what a product's configuration asks.
func (a *Agent) RenewAuthAsk(ask Ask, now time.Time, m family.SmartManager, log Log) error {
	log = a.logger(log)
	if a.Reg == nil {
		return ErrNotRegistered
	}
	reg, err := m.RenewAuthorization(a.UDI())
	return a.authAnswer(ask, now, reg, err, log)
}

// authAnswer records the manager's answer to an authorization renewal.
func (a *Agent) authAnswer(ask Ask, now time.Time, reg smart.Registration, err error, log Log) error {
	if errors.Is(err, smart.ErrNotRegistered) {
		log(now, msgAuthFailed)
		a.dropped(ask, now, log)
		return err
	}
	if err != nil {
		r := a.Reg
		r.Comm = Attempt{At: now, Failure: failureReason(err)}
		r.CommRetry = backoff(r.CommRetry, AuthRetryFirst)
		r.NextComm = now.Add(r.CommRetry)
		log(now, msgAuthFailed)
		return err
	}
	a.authorized(now, reg.Status, log)
	return nil
}

// ReportUsageAsk is an authorization renewal that reports what ask asks
// for when it is no longer what the registration authorized (an IOS XE
// agent does so after a change of package or throughput, at boot and at
// its renewals): the manager authorizes the new entitlement from then on.
// A manager that takes no usage report gets a plain renewal.
func (a *Agent) ReportUsageAsk(ask Ask, now time.Time, m family.SmartManager, log Log) error {
	u, ok := m.(family.SmartUsageReporter)
	if a.Reg == nil || a.Reserved != nil || ask.Tag == "" || a.Reg.Tag == ask.Tag || !ok {
		return a.RenewAuthAsk(ask, now, m, log)
	}
	log = a.logger(log)
	reg, err := u.ReportUsage(a.UDI(), []string{ask.Tag})
	if err == nil {
		a.Reg.Tag = ask.Tag
	}
	return a.authAnswer(ask, now, reg, err, log)
}

// RenewID is a registration renewal at now (`license smart renew id`, or
// the agent's own when due).
func (a *Agent) RenewID(cfg Config, model string, now time.Time, m family.SmartManager, log Log) error {
	return a.RenewIDAsk(cfg.Ask(model), now, m, log)
}

// RenewIDAsk is RenewID for what a product's configuration asks.
func (a *Agent) RenewIDAsk(ask Ask, now time.Time, m family.SmartManager, log Log) error {
	log = a.logger(log)
	if a.Reg == nil {
		return ErrNotRegistered
	}
	_, err := m.RenewRegistration(a.UDI())
	if errors.Is(err, smart.ErrNotRegistered) {
		a.dropped(ask, now, log)
		return err
	}
	r := a.Reg
	if err != nil {
		r.Renewal = &Attempt{At: now, Failure: failureReason(err)}
		r.RenewRetry = backoff(r.RenewRetry, RenewRetryFirst)
		r.NextRenew = now.Add(r.RenewRetry)
		log(now, msgRenewFailed)
		return err
	}
	r.Renewal = &Attempt{At: now}
	r.NextRenew, r.Expires, r.RenewRetry = now.Add(RenewPeriod), now.Add(RegistrationLife), 0
	log(now, msgRenewSuccess)
	return nil
}

// dropped: the manager no longer knows the device (removed from its
// virtual account): the agent is unregistered.
func (a *Agent) dropped(ask Ask, now time.Time, log Log) {
	a.Reg = nil
	log(now, msgRegExpired)
	a.SyncAsk(ask, now, log)
}

// Renew makes the attempts due at now through m (family.SmartLicensing's
// SmartRenew): the authorization renewal, then the registration renewal.
func (a *Agent) Renew(cfg Config, model string, now time.Time, m family.SmartManager, log Log) {
	a.RenewAsk(cfg.Ask(model), now, m, log)
}

// RenewAsk is Renew for what a product's configuration asks.
func (a *Agent) RenewAsk(ask Ask, now time.Time, m family.SmartManager, log Log) {
	a.AdvanceAsk(ask, now, log)
	if a.Reg == nil || a.Reserved != nil {
		return
	}
	if !now.Before(a.Reg.NextComm) {
		_ = a.RenewAuthAsk(ask, now, m, log)
	}
	if a.Reg != nil && !now.Before(a.Reg.NextRenew) {
		_ = a.RenewIDAsk(ask, now, m, log)
	}
}

// Deregister is `license smart deregister`: the agent returns its licenses
// and is unregistered. It deregisters locally also when the manager does
// not answer (the licenses then stay in use in the account until it is
// reached: a choice, the real agent's behaviour is UNSURE).
func (a *Agent) Deregister(cfg Config, model string, now time.Time, m family.SmartManager, log Log) error {
	return a.DeregisterAsk(cfg.Ask(model), now, m, log)
}

// DeregisterAsk is Deregister for what a product's configuration asks.
func (a *Agent) DeregisterAsk(ask Ask, now time.Time, m family.SmartManager, log Log) error {
	log = a.logger(log)
	if a.Reg == nil {
		return ErrNotRegistered
	}
	_ = m.Deregister(a.UDI())
	a.Reg = nil
	log(now, msgDeregSuccess)
	a.SyncAsk(ask, now, log)
	return nil
}

// RequestReservation is `license smart reservation request universal`: it
// makes the request code the manager turns into an authorization code;
// while one is outstanding it answers that one again.
// The code's nonce is drawn from the serial and the time, so that the
// agent stays deterministic.
func (a *Agent) RequestReservation(cfg Config, now time.Time) (string, error) {
	switch {
	case !cfg.Reservation:
		return "", ErrReservationMode
	case a.Reserved != nil:
		return "", ErrReserved
	case a.Reg != nil:
		return "", ErrAlreadyRegistered
	case a.Request != "": // the outstanding request, again
		return a.Request, nil
	}
	a.Request = smart.RequestCode(a.Serial, nonce(a.Serial, now))
	return a.Request, nil
}

// nonce is 9 letters and digits from the serial and the time.
func nonce(serial string, now time.Time) string {
	h := uint64(headend.Hash32(serial+"|"+now.UTC().Format(time.RFC3339Nano)))<<20 | uint64(now.UnixNano()&0xfffff)
	s := strings.ToUpper(strconv.FormatUint(h, 36))
	for len(s) < 9 {
		s = "0" + s
	}
	return s[len(s)-9:]
}

// InstallReservation is `license smart reservation install CODE`: the
// code is checked against the outstanding request (m.VerifyAuthorization,
// offline); on success the reserved tier licenses the box with no further
// communication. A code that does not match changes nothing.
func (a *Agent) InstallReservation(cfg Config, model, code string, now time.Time, m family.SmartManager, log Log) error {
	switch {
	case !cfg.Reservation:
		return ErrReservationMode
	case a.Reserved != nil:
		return ErrReserved
	case a.Request == "":
		return ErrNoRequest
	}
	tag, err := m.VerifyAuthorization(a.Request, strings.TrimSpace(code))
	if err != nil {
		return err
	}
	a.Reserved, a.Request = &Reservation{Tag: tag, At: now, Code: strings.TrimSpace(code)}, ""
	log(now, msgReserveInstalled)
	a.Sync(cfg, model, now, log)
	return nil
}

// CancelReservation is `license smart reservation cancel`: the
// outstanding request is dropped.
func (a *Agent) CancelReservation() error {
	if a.Request == "" {
		return ErrNoRequest
	}
	a.Request = ""
	return nil
}

// ReturnReservation is `license smart reservation return`: the installed
// reservation is removed, the agent is unregistered (in evaluation again
// with what was left of it, the configuration unchanged), and it returns
// the return code that gives the license back to the virtual account. The
// device needs no communication for it; m.ReturnReservation stands for
// the operator entering the code at the manager, which the lab does at
// once. A return the manager refuses still returns the box (its license
// then stays in use in the account), as a deregistration that does not
// reach it does.
func (a *Agent) ReturnReservation(cfg Config, model string, now time.Time, m family.SmartManager, log Log) (string, error) {
	if a.Reserved == nil {
		return "", ErrNotReserved
	}
	code := smart.ReturnCode(a.Reserved.Code)
	_ = m.ReturnReservation(a.UDI(), code)
	a.Reserved = nil
	a.Sync(cfg, model, now, log)
	return code, nil
}

// Summary is the agent's state in one line, as the lab's event log shows
// a change of it; it depends on the stored state alone, so that two
// states compare by it.
func (a *Agent) Summary() string {
	var b strings.Builder
	switch {
	case a.Reserved != nil:
		fmt.Fprintf(&b, "Smart Licensing: reservation installed (%s)", a.Reserved.Tag)
	case a.Reg != nil:
		fmt.Fprintf(&b, "Smart Licensing: registered to %s/%s, %s (%s)", a.Reg.Account, a.Reg.VirtualAccount, a.Reg.Status, a.Reg.Tag)
		if f := a.Reg.Comm.Failure; f != "" {
			fmt.Fprintf(&b, "; authorization renewal failed at %s: %s", a.Reg.Comm.At.UTC().Format(time.RFC3339), f)
		}
		if rn := a.Reg.Renewal; rn != nil && rn.Failure != "" {
			fmt.Fprintf(&b, "; registration renewal failed at %s: %s", rn.At.UTC().Format(time.RFC3339), rn.Failure)
		}
	case a.EvalExpired:
		b.WriteString("Smart Licensing: unregistered, evaluation period expired")
	case a.evalCounting():
		b.WriteString("Smart Licensing: unregistered, in evaluation")
	default:
		b.WriteString("Smart Licensing: unregistered")
	}
	if a.Reg == nil && a.RegFailure != nil {
		fmt.Fprintf(&b, "; registration failed at %s: %s", a.RegFailure.At.UTC().Format(time.RFC3339), a.RegFailure.Failure)
	}
	if a.Request != "" {
		b.WriteString("; reservation requested")
	}
	return b.String()
}

// ChangeSyslog is the syslog line that tells the change from a to b in the
// lab's event log, where the last line the change logged would tell
// another thing: a registration (a first one, or again with force) logs
// AGENT_REG_SUCCESS and then the authorization's line, and is a
// registration. "" leaves the choice to the last line.
func ChangeSyslog(a, b *Agent) string {
	if b.Reg != nil && (a.Reg == nil || !a.Reg.At.Equal(b.Reg.At)) {
		return msgRegSuccess
	}
	return ""
}

// Changed reports whether b's state differs from a's as Summary tells it,
// and the differing timestamps of a renewal that succeeded (a renewal
// changes no summary but is a change of state).
func Changed(a, b *Agent) bool {
	if a == nil || b == nil {
		return a != b
	}
	if a.Summary() != b.Summary() {
		return true
	}
	ra, rb := a.Reg, b.Reg
	return ra != nil && rb != nil && (!ra.Comm.At.Equal(rb.Comm.At) || !slices.Equal(renewalAt(ra), renewalAt(rb)))
}

func renewalAt(r *Registration) []time.Time {
	if r.Renewal == nil {
		return nil
	}
	return []time.Time{r.Renewal.At}
}
