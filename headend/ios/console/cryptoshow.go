package console

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/headend/ios/config"
)

// addCryptoShow registers `show crypto ikev2 sa`: one IKEv2 SA per IKEv2
// session the router holds, laid out as the real IOS 15/XE outputs are
// (public FlexVPN and Azure VPN walk-throughs print the same columns and
// the Encr and Life/Active Time lines).
func addCryptoShow(r *cli.Registry[*Session]) {
	r.Add(privOnly, "show crypto ikev2 sa", "Shows ikev2 SAs", argNone, "", cmdShowIKEv2SA)
	r.Add(privOnly, "show crypto session", "Show crypto sessions currently established", argNone, "", cmdShowCryptoSession)
	describe(privOnly, "show crypto", "Encryption module")
	describe(privOnly, "show crypto ikev2", "Shows ikev2 information")
}

func cmdShowIKEv2SA(s *Session, _ *cli.Call) {
	local, encr := "0.0.0.0", ""
	s.view(func(d *ios.Device) {
		if a := d.Running.ActiveAddresses(); len(a) > 0 {
			local = a[0].String()
		}
		encr = negotiated(&d.Running)
	})
	now := s.now()
	var b strings.Builder
	b.WriteString(" IPv4 Crypto IKEv2  SA\n\n")
	eachIKEv2(s, func(n int, v family.SessionView) {
		fmt.Fprintf(&b, "Tunnel-id Local                 Remote                fvrf/ivrf            Status\n")
		fmt.Fprintf(&b, "%-9d %-21s %-21s %-20s READY\n", n, local+"/4500", v.PublicIP+"/4500", "none/none")
		fmt.Fprintf(&b, "      %s\n      Life/Active Time: 86400/%d sec\n\n", encr, int64(max(now.Sub(time.Unix(v.Info.Login, 0)), 0)/time.Second))
	})
	b.WriteString(" IPv6 Crypto IKEv2  SA\n\n")
	s.print(b.String())
}

// eachIKEv2 calls fn with each IKEv2 session the router holds, numbered
// from 1 in the engine's order.
func eachIKEv2(s *Session, fn func(n int, v family.SessionView)) {
	n := 0
	s.b.Admission().Sessions(0, func(si admission.SessionInfo) bool {
		if si.Kind == headend.KindIKEv2ThirdParty || si.Kind == headend.KindSiteToSite {
			n++
			fn(n, ios.ViewSession(si, s.b.PrincipalByIndex(si.Principal)))
		}
		return true
	})
}

// negotiated is an SA's Encr line: the first transforms of the proposal
// the first IKEv2 policy names (else the first proposal), or of IOS's
// default proposal (AES-CBC 256, SHA512, group 5) when none is
// configured; the authentication methods of the first complete profile.
func negotiated(c *config.Config) string {
	enc, integ, group := "aes-cbc-256", "sha512", "5"
	var prop *config.IKEv2Proposal
	for _, p := range c.IKEv2Policies {
		if x, ok := c.IKEv2Proposal(p.Proposal); ok && prop == nil {
			prop = x
		}
	}
	if prop == nil && len(c.IKEv2Proposals) > 0 {
		prop = &c.IKEv2Proposals[0]
	}
	firstOf := func(v, def string) string {
		if f := strings.Fields(v); len(f) > 0 {
			return f[0]
		}
		return def
	}
	if prop != nil {
		enc, integ, group = firstOf(prop.Encryption, enc), firstOf(prop.Integrity, integ), firstOf(prop.Group, group)
	}
	cipher := strings.ToUpper(enc)
	if i := strings.LastIndexByte(enc, '-'); i > 0 {
		cipher = strings.ToUpper(enc[:i]) + ", keysize: " + enc[i+1:]
	}
	hash := strings.ToUpper(integ)
	switch integ {
	case "sha1", "md5":
		hash += "96"
	}
	sign, verify := "PSK", "PSK"
	for _, p := range c.IKEv2Profiles {
		if p.Complete() {
			sign, verify = authName(p.AuthLocal), authName(p.AuthRemote)
			break
		}
	}
	return fmt.Sprintf("Encr: %s, PRF: %s, Hash: %s, DH Grp:%s, Auth sign: %s, Auth verify: %s",
		cipher, strings.ToUpper(integ), hash, group, sign, verify)
}

// authName is a profile's authentication method as an SA names it.
func authName(m string) string {
	switch strings.Fields(m + " x")[0] {
	case "rsa-sig":
		return "RSA"
	case "ecdsa-sig":
		return "ECDSA"
	case "eap":
		return "EAP"
	}
	return "PSK"
}

// cmdShowCryptoSession is `show crypto session`: each IKEv2 session, on
// the virtual-access interface its profile's virtual template clones (the
// outside interface without one), in the layout of the real IOS 15/XE
// outputs. The flow is the client's pool address.
func cmdShowCryptoSession(s *Session, _ *cli.Call) {
	local, outside, profile, vt := "0.0.0.0", "GigabitEthernet0/0", "", 0
	s.view(func(d *ios.Device) {
		for _, f := range d.Running.Interfaces {
			if !f.Shutdown && f.Address.IsValid() && !f.Tunnel {
				local, outside = f.Address.Addr().String(), f.Name
				break
			}
		}
		for _, p := range d.Running.IKEv2Profiles {
			if p.Complete() {
				profile, vt = p.Name, p.VirtualTemplate
				break
			}
		}
	})
	var b strings.Builder
	b.WriteString("Crypto session current status\n\n")
	eachIKEv2(s, func(n int, v family.SessionView) {
		iface := outside
		if vt != 0 {
			iface = fmt.Sprintf("Virtual-Access%d", n)
		}
		fmt.Fprintf(&b, "Interface: %s\nProfile: %s\nSession status: UP-ACTIVE\nPeer: %s port 4500\n", iface, profile, v.PublicIP)
		fmt.Fprintf(&b, "  Session ID: %d\n  IKEv2 SA: local %s/4500 remote %s/4500 Active\n", n, local, v.PublicIP)
		fmt.Fprintf(&b, "  IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 %s/255.255.255.255\n        Active SAs: 2, origin: crypto map\n\n", v.AssignedIP)
	})
	s.print(b.String())
}
