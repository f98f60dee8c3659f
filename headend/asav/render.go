package asav

import (
	"fmt"
	"strings"
	"time"
)

// AgentVersion is "Smart Agent for Licensing:" of `show license all`
// (verbatim from the samples).
const AgentVersion = "1.6.14_rel/129"

// stamp is the agent's time format: "Dec 03 16:43:48 2018 UTC".
func stamp(t time.Time) string { return t.UTC().Format("Jan 02 15:04:05 2006 MST") }

// evalLeft is "89 days, 1 hours, 33 minutes, 51 seconds" (the evaluation
// sample's form, plural throughout).
func evalLeft(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%d days, %d hours, %d minutes, %d seconds", s/86400, s%86400/3600, s%3600/60, s%60)
}

// VersionLines are the license lines `show version` and `show license
// features` print before "Licensed features for this platform:". The
// unlicensed lines are verbatim from a 9.16(2) ASAv (pyntc's show version
// fixture: 9.5 printed "*Memory resource allocation is more than the
// permitted limit." where 9.16 prints the throughput line), the
// evaluation lines from a 9.15 ASAv, the reserved ones from a reserved
// ASAv10; "License reservation: Enabled" follows "License mode:" when
// `license smart reservation` is on.
func (a *Agent) VersionLines(cfg Config, model string, now time.Time) []string {
	l := a.Limits(cfg, model, now)
	out := []string{"License mode: Smart Licensing"}
	if cfg.Reservation || a.Reserved != nil {
		out = append(out, "License reservation: Enabled")
	}
	state := "Unlicensed"
	if l.Licensed {
		state = "Licensed"
	}
	out = append(out, "ASAv Platform License State: "+state)
	if !l.HasEntitlement {
		return append(out, "No active entitlement: no feature tier and no throughput level configured",
			"Firewall throughput limited to "+UnlicensedThroughput)
	}
	return append(out, fmt.Sprintf("Active entitlement: %s, enforce mode: %s", l.Entitlement.Tag, l.Enforce),
		"Firewall throughput limited to "+l.Throughput)
}

// usage is the entitlement `show license all` lists under License Usage,
// with its status; ok is false when none is in use.
func (a *Agent) usage(ask Ask) (tag, desc, status string, ok bool) {
	switch {
	case a.Reserved != nil:
		tag, status = a.Reserved.Tag, StatusAuthorized
	case a.Reg != nil:
		tag, status = a.Reg.Tag, a.Reg.Status
	default:
		tag, status = ask.Tag, StatusEval
		if a.EvalExpired {
			status = StatusEvalExpired
		}
	}
	desc = ask.describe(tag)
	return tag, desc, status, tag != "" && (desc != "" || ask.Describe == nil)
}

// registrationStatus is the Registration "Status:" line's value. A
// failed first registration and a reservation print the IOS-XE Smart
// Agent's forms (UNSURE on ASAv).
func (a *Agent) registrationStatus() string {
	switch {
	case a.Reserved != nil:
		return "REGISTERED - UNIVERSAL LICENSE RESERVATION"
	case a.Reg != nil:
		return "REGISTERED"
	case a.RegFailure != nil:
		return "UNREGISTERED - REGISTRATION FAILED"
	}
	return "UNREGISTERED"
}

func attemptLines(b *strings.Builder, label string, at *Attempt, ok string) {
	switch {
	case at == nil:
		fmt.Fprintf(b, "  %s: None\n", label)
	case at.Failure != "":
		fmt.Fprintf(b, "  %s: FAILED on %s\n    Failure reason: %s\n", label, stamp(at.At), at.Failure)
	default:
		fmt.Fprintf(b, "  %s: %s on %s\n", label, ok, stamp(at.At))
	}
}

// writeStatus writes the Registration and License Authorization blocks,
// in the samples' layout (the trailing space after "License
// Authorization:" is the samples').
func (a *Agent) writeStatus(b *strings.Builder, ask Ask, now time.Time) {
	b.WriteString("Registration:\n")
	fmt.Fprintf(b, "  Status: %s\n", a.registrationStatus())
	r := a.Reg
	if r != nil {
		fmt.Fprintf(b, "  Smart Account: %s\n  Virtual Account: %s\n", r.Account, r.VirtualAccount)
	}
	export := "Not Allowed"
	if r != nil || a.Reserved != nil {
		export = "Allowed"
	}
	fmt.Fprintf(b, "  Export-Controlled Functionality: %s\n", export)
	switch {
	case r != nil:
		fmt.Fprintf(b, "  Initial Registration: SUCCEEDED on %s\n", stamp(r.At))
		attemptLines(b, "Last Renewal Attempt", r.Renewal, "SUCCEEDED")
		fmt.Fprintf(b, "  Next Renewal Attempt: %s\n", stamp(r.NextRenew))
		fmt.Fprintf(b, "  Registration Expires: %s\n", stamp(r.Expires))
	case a.Reserved != nil:
		fmt.Fprintf(b, "  Initial Registration: SUCCEEDED on %s\n", stamp(a.Reserved.At))
	case a.RegFailure != nil:
		attemptLines(b, "Initial Registration", a.RegFailure, "SUCCEEDED")
	}
	b.WriteString("\nLicense Authorization: \n")
	_, authz := a.StatesAsk(ask)
	switch {
	case a.Reserved != nil:
		fmt.Fprintf(b, "  Status: AUTHORIZED - RESERVED on %s\n", stamp(a.Reserved.At))
	case r != nil:
		fmt.Fprintf(b, "  Status: %s on %s\n", r.Status, stamp(r.StatusAt))
		attemptLines(b, "Last Communication Attempt", &r.Comm, "SUCCESS")
		fmt.Fprintf(b, "  Next Communication Attempt: %s\n", stamp(r.NextComm))
		fmt.Fprintf(b, "  Communication Deadline: %s\n", stamp(r.Deadline))
	case authz == StatusNoLicenses:
		b.WriteString("  Status: No Licenses in Use\n")
	case authz == StatusEval:
		fmt.Fprintf(b, "  Status: %s\n  Evaluation Period Remaining: %s\n", authz, evalLeft(a.EvalRemaining(now)))
	default:
		fmt.Fprintf(b, "  Status: %s\n", authz)
	}
}

// ShowLicenseAll is `show license all`, in the samples' layout: status,
// usage, product information, agent version, and with a reservation the
// "Reservation Info" block of the ntc template.
func (a *Agent) ShowLicenseAll(cfg Config, model string, now time.Time) string {
	return a.ShowLicenseAllAsk(cfg.Ask(model), now)
}

// ShowLicenseAllAsk is ShowLicenseAll for what a product's configuration
// asks.
func (a *Agent) ShowLicenseAllAsk(ask Ask, now time.Time) string {
	var b strings.Builder
	b.WriteString("\nSmart Licensing Status\n======================\n\nSmart Licensing is ENABLED\n\n")
	a.writeStatus(&b, ask, now)
	b.WriteString("\nLicense Usage\n==============\n\n")
	if tag, d, status, ok := a.usage(ask); ok {
		name, desc := d+" ", d
		if a.Reg == nil && a.Reserved == nil { // the evaluation sample names no license
			name, desc = "", ""
		}
		fmt.Fprintf(&b, "%s(%s):\n  Description: %s\n  Count: 1\n  Version: 1.0\n  Status: %s\n\n", name, tag, desc, status)
	} else {
		b.WriteString("No licenses in use\n\n")
	}
	fmt.Fprintf(&b, "Product Information\n===================\nUDI: %s\n\n", a.UDI())
	fmt.Fprintf(&b, "Agent Version\n=============\nSmart Agent for Licensing: %s\n", AgentVersion)
	if ask.Reservation || a.Reserved != nil {
		b.WriteString("\nReservation Info\n================\nLicense reservation: ENABLED\n")
	}
	return b.String()
}

// ShowLicenseStatus is `show license status`: the status part of `show
// license all` (UNSURE: the IOS-XE agent's layout, no ASAv capture).
func (a *Agent) ShowLicenseStatus(cfg Config, model string, now time.Time) string {
	return a.ShowLicenseStatusAsk(cfg.Ask(model), now)
}

// ShowLicenseStatusAsk is ShowLicenseStatus for what a product's
// configuration asks.
func (a *Agent) ShowLicenseStatusAsk(ask Ask, now time.Time) string {
	var b strings.Builder
	b.WriteString("\nSmart Licensing is ENABLED\n\n")
	a.writeStatus(&b, ask, now)
	return b.String()
}

// ShowLicenseSummary is `show license summary`, in the layout of an
// IOS-XE 16.9 Smart Agent's (UNSURE on ASAv): the states without their
// dates, and the license in use as a table (its name cut to 20 characters
// and "..." past 23, none in evaluation, as `show license all` names
// none).
func (a *Agent) ShowLicenseSummary(cfg Config, model string, now time.Time) string {
	return a.ShowLicenseSummaryAsk(cfg.Ask(model), now)
}

// ShowLicenseSummaryAsk is ShowLicenseSummary for what a product's
// configuration asks.
func (a *Agent) ShowLicenseSummaryAsk(ask Ask, now time.Time) string {
	var b strings.Builder
	_, authz := a.StatesAsk(ask)
	b.WriteString("\nSmart Licensing is ENABLED\n\n")
	fmt.Fprintf(&b, "Registration:\n  Status: %s\n", a.registrationStatus())
	r := a.Reg
	if r != nil {
		fmt.Fprintf(&b, "  Smart Account: %s\n  Virtual Account: %s\n", r.Account, r.VirtualAccount)
	}
	export := "Not Allowed"
	if r != nil || a.Reserved != nil {
		export = "Allowed"
	}
	fmt.Fprintf(&b, "  Export-Controlled Functionality: %s\n", export)
	if r != nil {
		fmt.Fprintf(&b, "  Last Renewal Attempt: %s\n  Next Renewal Attempt: %s\n", attemptWord(r.Renewal, "SUCCEEDED"), stamp(r.NextRenew))
	}
	if a.Reserved != nil {
		authz = "AUTHORIZED - RESERVED"
	}
	fmt.Fprintf(&b, "\nLicense Authorization: \n  Status: %s\n", authz)
	switch {
	case r != nil:
		fmt.Fprintf(&b, "  Last Communication Attempt: %s\n  Next Communication Attempt: %s\n", attemptWord(&r.Comm, "SUCCESS"), stamp(r.NextComm))
	case authz == StatusEval:
		fmt.Fprintf(&b, "  Evaluation Period Remaining: %s\n", evalLeft(a.EvalRemaining(now)))
	}
	b.WriteString("\nLicense Usage:\n")
	if tag, desc, status, ok := a.usage(ask); ok {
		name := desc
		if a.Reg == nil && a.Reserved == nil {
			name = ""
		}
		if len(name) > 23 {
			name = name[:20] + "..."
		}
		b.WriteString("  License                 Entitlement tag               Count Status\n")
		b.WriteString("  " + strings.Repeat("-", 77) + "\n")
		fmt.Fprintf(&b, "  %-23s %-29s %5d %s\n", name, "("+tag+")", 1, status)
	} else {
		b.WriteString("  No licenses in use\n")
	}
	return b.String()
}

func attemptWord(at *Attempt, ok string) string {
	switch {
	case at == nil:
		return "None"
	case at.Failure != "":
		return "FAILED"
	}
	return ok
}

// ShowLicenseUDI is `show license udi` (UNSURE: the UDI line of `show
// license all`).
func (a *Agent) ShowLicenseUDI() string { return "UDI: " + a.UDI() + "\n" }
