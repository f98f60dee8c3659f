package ios

import (
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
)

// The classes of the admission engine, as this family uses them: SSL VPN
// sessions draw SSL_VPN seats (the engine's Premium counter), IPsec
// sessions the platform's tunnels (its Other counter).
const (
	classSSL   = admission.ClassPremium
	classIPsec = admission.ClassOther
)

// AdmissionPolicy is the admission policy of the router at now:
//   - SSL VPN kinds (AnyConnect over SSL/DTLS, AnyConnect on a mobile
//     device, clientless WebVPN) draw SSL_VPN seats, up to the seats the
//     license files grant, and never more than the platform's SSL VPN
//     maximum; they need securityk9 running ("Cisco IOS head-ends must
//     also have a Security License") and a webvpn context in service on
//     a gateway in service on an interface that is up: without one
//     nothing answers them, and the refusal is silent;
//   - IKEv2 kinds (third-party IKEv2 clients, site-to-site) and the
//     legacy IKEv1 client (Easy VPN on IOS) need securityk9 and draw no
//     seats: they count against the platform's IPsec tunnel maximum
//     (hardware.ipsecMax). The IKEv2 kinds also need an IKEv2 profile
//     complete enough to answer a peer (config.IKEv2Profile.Complete:
//     `match identity remote`, `authentication remote` and `authentication
//     local`): without one the router answers no IKEv2 peer;
//   - AnyConnect for Cisco VPN Phone is refused: IOS headends do not
//     terminate it (the phone's VPN client needs an ASA).
//
// The kind "anyconnect" is AnyConnect over SSL; the lab has no separate
// AnyConnect-IKEv2 kind, so AnyConnect IPsec is tried as third-party IKEv2.
func (d *Device) AdmissionPolicy(now time.Time) *admission.Policy {
	d.Advance(now)
	r := d.RunningLicense(now)
	p := admission.Rules{UpAt: d.UpAt.Unix(), ValidUntil: admission.NoExpiry, Serial: d.Serial, LogLevel: -1}
	if !d.Running.NoLogBuffer {
		p.LogLevel = 7
	}
	if at, ok := d.NextTimedEvent(); ok {
		// An evaluation period that ends changes the policy.
		p.ValidUntil = at.Unix()
	}
	for k := range p.Logins {
		p.Logins[k] = admission.NoLoginLimit
	}
	for k := range p.Class {
		p.Class[k] = admission.ClassNone
	}
	if d.IsXE() {
		// No SSL VPN on the IOS XE routers: nothing answers an SSL
		// client, so its kinds stay ClassNone. IKEv2 as the router's
		// licensing allows (xe.go).
		if d.xeIPsec() {
			p.Limit[classIPsec] = uint32(d.hw.ipsecMax)
			d.ipsecClasses(&p)
		}
		p.Total = uint32(d.hw.ipsecMax)
		p.NoPortal = true
		return admission.NewPolicy(p)
	}
	seats := min(r.SSLVPN(), d.hw.sslMax)
	p.Limit[classSSL] = uint32(seats)
	ssl := d.Running.SSLVPNInService()
	if r.Security() && ssl {
		for _, k := range []headend.Kind{headend.KindAnyConnect, headend.KindMobile, headend.KindClientless} {
			p.Class[k] = classSSL
		}
	}
	if r.Security() {
		p.Limit[classIPsec] = uint32(d.hw.ipsecMax)
		d.ipsecClasses(&p)
	}
	p.Total = uint32(seats + d.hw.ipsecMax)
	// With no SSL VPN service in service nothing answers an SSL VPN
	// client, so its refusal logs nothing.
	p.NoPortal = !ssl
	return admission.NewPolicy(p)
}

// ipsecClasses opens the IPsec kinds the configuration answers: IKEv1
// always, the IKEv2 kinds with a complete IKEv2 profile.
func (d *Device) ipsecClasses(p *admission.Rules) {
	p.Class[headend.KindIPsecIKEv1] = classIPsec
	if d.Running.IKEv2Ready() {
		p.Class[headend.KindIKEv2ThirdParty] = classIPsec
		p.Class[headend.KindSiteToSite] = classIPsec
	}
}

// SSLVPNSeats is the SSL_VPN seats the router grants at now: its license
// files' count, never more than the platform's SSL VPN maximum; none on
// the IOS XE routers.
func (d *Device) SSLVPNSeats(now time.Time) int {
	if d.IsXE() {
		return 0
	}
	return min(d.RunningLicense(now).SSLVPN(), d.hw.sslMax)
}
