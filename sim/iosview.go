package sim

import (
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/headend/ios/license"
	"github.com/asalab/asalab/keygen/ioslic"
)

// IOSLicensing is an IOS router's licensing as the API shows it: what `show
// license` and `show version`'s technology-package table print.
type IOSLicensing struct {
	// UDI is "PID:SN"; Module the `license boot module` name ("c2900").
	UDI, Module string
	// Packages in `show version` order, ipbasek9 first.
	Packages []IOSPackage
	// SSLVPNSeats are the SSL_VPN seats the installed licenses grant;
	// SSLVPNInUse the SSL VPN sessions holding one.
	SSLVPNSeats, SSLVPNInUse int
}

// IOSPackage is one technology package of an IOS router.
type IOSPackage struct {
	Technology, Package string // "security", "securityk9"
	// Current: it runs now; NextReboot: it runs after the next reload.
	Current, NextReboot bool
	// Type is the license it runs on, or would: "Permanent" or
	// "EvalRightToUse".
	Type string
	// EvalRemaining is what is left of its evaluation right to use,
	// EvalExpired whether it ran out; both zero with a permanent license.
	EvalRemaining time.Duration
	EvalExpired   bool
}

// IOSLicensingOf is the licensing of an IOS router at the snapshot's time;
// false for a headend of another family.
func IOSLicensingOf(s Snapshot) (IOSLicensing, bool) {
	d, ok := s.Device.(*ios.Device)
	if !ok || d.License == nil {
		return IOSLicensing{}, false
	}
	// Only the ISR G2 has technology packages; the IOS XE routers are
	// Smart-licensed.
	m, err := license.ModuleFor(d.Platform())
	if err != nil {
		return IOSLicensing{}, false
	}
	st := d.License
	r := st.Running(s.Now)
	out := IOSLicensing{UDI: st.UDI, Module: st.Module, SSLVPNSeats: r.SSLVPNSeats, SSLVPNInUse: s.SSLVPNInUse}
	for _, t := range m.Technologies {
		p := IOSPackage{Technology: t.Name, Package: t.Package, Type: string(license.TypeEval)}
		if b := st.Boot[t.Package]; b != nil {
			p.Current, p.NextReboot = b.Current, b.Next
		}
		permanent := t.Package == ioslic.FeatureIPBase
		for _, l := range st.Licenses {
			permanent = permanent || l.Feature == t.Package
		}
		if permanent {
			p.Type = string(license.TypePermanent)
		} else if e := st.Eval[t.Package]; e != nil {
			used := e.Used
			if !e.InUseSince.IsZero() && s.Now.After(e.InUseSince) {
				used += s.Now.Sub(e.InUseSince)
			}
			p.EvalRemaining, p.EvalExpired = max(license.EvalPeriod-used, 0), e.Expired
		} else {
			p.EvalRemaining = license.EvalPeriod
		}
		out.Packages = append(out.Packages, p)
	}
	return out, true
}

// sslVPNInUse is the SSL VPN sessions an IOS router holds, the SSL_VPN
// seats its `show license` counts in use; 0 for other families, whose
// snapshots need no count of the sessions.
func (h *Headend) sslVPNInUse(d family.Device) int {
	if _, ok := d.(*ios.Device); !ok || h.adm == nil {
		return 0
	}
	c := h.adm.Counts()
	return c.Active[headend.KindAnyConnect] + c.Active[headend.KindMobile] + c.Active[headend.KindClientless]
}
