package asav

import (
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/family"
)

// Unlicensed limits. Cisco: "Until you install a license, throughput is
// limited to 100 Kbps"; the unlicensed ASAv10 sample shows 2 AnyConnect
// Premium peers and Other/Total VPN Peers at the model's platform limit
// (250), and a 9.15(1) ASAv in evaluation prints the same figures with
// "Firewall throughput limited to 100 Kbps": the evaluation licenses
// nothing more than the unlicensed state.
const (
	UnlicensedPremium    = 2
	UnlicensedProxy      = 2
	UnlicensedThroughput = "100 Kbps"
)

// Limits are what the agent's state licenses at a time.
type Limits struct {
	// Licensed is "ASAv Platform License State: Licensed".
	Licensed bool
	// Entitlement is the active entitlement (HasEntitlement), with its
	// enforce mode ("Eval period", "Authorized"...).
	Entitlement    Tier
	HasEntitlement bool
	Enforce        string
	// Premium, Other, Total VPN peers and Total TLS Proxy Sessions.
	Premium, Other, Total, Proxy int
	// AnyConnect: AnyConnect for Mobile, for Cisco VPN Phone, Advanced
	// Endpoint Assessment, Carrier and Cluster are enabled (the licensed
	// ASAv10 sample shows them all enabled).
	AnyConnect bool
	// Throughput is "Firewall throughput limited to ...".
	Throughput string
}

// Enforce modes of `show version`'s "Active entitlement: TAG, enforce
// mode: MODE". "Eval period" and "Authorized" are verbatim (a 9.15 ASAv in
// evaluation, a reserved ASAv10); the others are UNSURE, in their form.
const (
	EnforceEval            = "Eval period"
	EnforceEvalExpired     = "Eval expired"
	EnforceAuthorized      = "Authorized"
	EnforceOutOfCompliance = "Out of compliance"
	EnforceAuthExpired     = "Authorization expired"
)

// Limits is what the agent licenses at now on model with cfg:
//   - reserved, or registered and AUTHORIZED or OUT OF COMPLIANCE: the
//     entitlement's tier (VPN peers of its model, Premium at that limit,
//     the AnyConnect features, its throughput). Out of compliance keeps
//     the tier's limits: no public text says the ASAv enforces anything
//     then (UNSURE, a choice);
//   - registered with the authorization expired (the 90-day communication
//     deadline passed), in evaluation, after it, or with nothing
//     configured: the unlicensed limits, the model's Other/Total peers.
func (a *Agent) Limits(cfg Config, model string, now time.Time) Limits {
	l := Limits{Premium: UnlicensedPremium, Proxy: UnlicensedProxy, Throughput: UnlicensedThroughput}
	if p, ok := headend.LookupPlatform(model); ok {
		l.Other, l.Total = p.VPNMax, p.VPNMax
	}
	licensed := func(t Tier, enforce string) Limits {
		n := t.peers()
		return Limits{Licensed: true, Entitlement: t, HasEntitlement: true, Enforce: enforce,
			Premium: n, Other: n, Total: n, Proxy: t.Proxy, AnyConnect: true, Throughput: t.Throughput}
	}
	switch {
	case a.Reserved != nil:
		if t, ok := TierOfTag(a.Reserved.Tag); ok {
			return licensed(t, EnforceAuthorized)
		}
	case a.Reg != nil:
		t, _ := TierOfTag(a.Reg.Tag)
		switch a.Reg.Status {
		case StatusAuthorized:
			return licensed(t, EnforceAuthorized)
		case StatusOutOfCompliance:
			return licensed(t, EnforceOutOfCompliance)
		}
		l.Entitlement, l.HasEntitlement, l.Enforce = t, true, EnforceAuthExpired
		return l
	}
	if t, ok := cfg.Entitlement(model); ok {
		l.Entitlement, l.HasEntitlement, l.Enforce = t, true, EnforceEval
		if a.EvalExpired {
			l.Enforce = EnforceEvalExpired
		}
	}
	return l
}

// Registration and authorization states of the view.
func (a *Agent) states(cfg Config, model string) (registration, authorization string) {
	return a.StatesAsk(cfg.Ask(model))
}

// StatesAsk are the Registration and Authorization states (as
// family.SmartLicense words them) for what a product's configuration asks.
func (a *Agent) StatesAsk(ask Ask) (registration, authorization string) {
	switch {
	case a.Reserved != nil:
		return "RESERVED", StatusAuthorized
	case a.Reg != nil:
		return "REGISTERED", a.Reg.Status
	}
	if ask.Tag == "" {
		return "UNREGISTERED", StatusNoLicenses
	}
	if a.EvalExpired {
		return "UNREGISTERED", StatusEvalExpired
	}
	return "UNREGISTERED", StatusEval
}

// View is the state at now as the API shows it (family.SmartLicense).
func (a *Agent) View(cfg Config, model string, now time.Time) family.SmartLicense {
	l := a.Limits(cfg, model, now)
	v := family.SmartLicense{Tier: cfg.Tier, Throughput: cfg.Throughput, UDI: a.UDI(), PremiumPeers: l.Premium,
		PlatformState: "Unlicensed", EvalRemaining: a.EvalRemaining(now)}
	if t, ok := cfg.Entitlement(model); ok {
		v.Entitlement = t.Tag
	}
	if l.Licensed {
		v.PlatformState = "Licensed"
	}
	v.Registration, v.Authorization = a.states(cfg, model)
	if r := a.Reg; r != nil {
		v.SmartAccount, v.VirtualAccount = r.Account, r.VirtualAccount
		v.RegisteredAt, v.AuthorizedAt = r.At, r.StatusAt
		v.NextAttempt, _ = a.Due()
		v.NextRenewal, v.NextCommunication = r.NextRenew, r.NextComm
		v.CommDeadline, v.RegistrationExpires = r.Deadline, r.Expires
		v.LastFailure = r.Comm.Failure
		if v.LastFailure == "" && r.Renewal != nil {
			v.LastFailure = r.Renewal.Failure
		}
	} else if a.RegFailure != nil {
		v.LastFailure = a.RegFailure.Failure
	}
	if a.Reserved != nil {
		v.Entitlement = a.Reserved.Tag
		v.RegisteredAt, v.AuthorizedAt = a.Reserved.At, a.Reserved.At
	}
	return v
}
