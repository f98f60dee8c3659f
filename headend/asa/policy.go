package asa

import (
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa/license"
)

// AdmissionPolicy is the admission policy of the device at now
// (docs/licensing-rules.md, Essentials to Admission):
//   - AnyConnect kinds (anyconnect, third-party IKEv2, mobile, phone) count
//     against AnyConnect Premium Peers, or in Essentials mode (the flag on
//     and an Essentials license) against Total VPN Peers only;
//   - clientless counts against Premium, and is refused in Essentials mode;
//   - with the flag on and a Plus/Apex/VPN Only key but no Essentials
//     license (the migration mistake), AnyConnect has only the 2 base
//     Premium peers and clientless is refused;
//   - mobile needs AnyConnect for Mobile, phone needs AnyConnect for Cisco
//     VPN Phone;
//   - legacy IKEv1 clients and site-to-site count against Other VPN Peers;
//   - everything counts against Total VPN Peers;
//   - `vpn-sessiondb max-anyconnect-premium-or-essentials-limit` and
//     `max-other-vpn-limit` lower the class limits below the license;
//   - once webvpn is set up, AnyConnect and clientless need it enabled on
//     a working interface, AnyConnect also `anyconnect enable` (gateWebVPN);
//   - one user's sessions are limited by `vpn-simultaneous-logins`
//     (setLogins);
//   - a shared licensing participant's borrowed sessions raise the Premium
//     limit up to the platform's (SharedMax).
func (d *Device) AdmissionPolicy(now time.Time) *Policy {
	d.Advance(now)
	return d.policyOf(d.RunningLicense(now))
}

// policyOf is the admission policy of the device under the license r.
func (d *Device) policyOf(r license.Running) *Policy {
	p := admission.Rules{UpAt: d.UpAt.Unix(), ValidUntil: NoExpiry, Serial: d.Serial, LogLevel: d.Running.Logging.BufferLevel()}
	for i := range d.License.Timed {
		if k := &d.License.Timed[i]; k.Active {
			p.ValidUntil = min(p.ValidUntil, k.ExpiresAt().Unix())
		}
	}
	essentials := d.Running.Essentials && r.Essentials
	trap := d.Running.Essentials && !r.Essentials && (r.PlusApex || r.VPNOnly > 0)
	ac := classPremium
	if essentials {
		ac = classEssentials
	}
	p.Limit[classPremium] = uint32(r.Premium)
	if trap {
		p.Limit[classPremium] = license.BasePremium
	}
	p.Limit[classEssentials] = uint32(r.Total)
	p.Limit[classOther] = uint32(r.Other)
	p.Total = uint32(r.Total)
	d.Running.VPN.CapLimits(&p.Limit)
	// Borrowed shared sessions stop at the platform's Premium limit and
	// at the configured cap.
	p.SharedMax = uint32(d.sharedMax())
	p.Class[KindAnyConnect] = ac
	p.Class[KindIKEv2ThirdParty] = ac
	p.Class[KindMobile] = classNone
	if r.Mobile {
		p.Class[KindMobile] = ac
	}
	p.Class[KindPhone] = classNone
	if r.Phone {
		p.Class[KindPhone] = ac
	}
	p.Class[KindClientless] = classPremium
	if essentials || trap {
		p.Class[KindClientless] = classNone
	}
	p.Class[KindIPsecIKEv1] = classOther
	p.Class[KindSiteToSite] = classOther
	d.Running.GateWebVPN(&p)
	d.Running.SetLogins(&p)
	return admission.NewPolicy(p)
}
