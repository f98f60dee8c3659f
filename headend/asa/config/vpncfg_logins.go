package config

import (
	"strings"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa/sessions"
)

// Which group policy limits a login: admission requests name no connection
// profile, so a session lands in the default one of its kind, whose
// `default-group-policy` (DfltGrpPolicy unless its general-attributes set
// another) gives the `vpn-simultaneous-logins` in force. AnyConnect,
// clientless, mobile, phone and third-party IKEv2 sessions land in
// DefaultWEBVPNGroup, legacy IKEv1 clients in DefaultRAGroup. Site-to-site
// tunnels are no user login and are not limited.

// tunnelGroupPolicy is the `default-group-policy` of tunnel group tg.
func (c *Config) tunnelGroupPolicy(tg string) string {
	head := "tunnel-group " + tg + " general-attributes"
	for _, l := range c.Lines {
		if l.Section != "tunnel-group" || l.Text != head {
			continue
		}
		for _, s := range l.Sub {
			if g, ok := strings.CutPrefix(s.Text, "default-group-policy "); ok {
				return g
			}
		}
	}
	return DefaultGroupPolicy
}

// LoginsFor is the `vpn-simultaneous-logins` that limits the sessions of
// kind k of one user; -1 for site-to-site tunnels, which it does not limit.
func (c *Config) LoginsFor(k headend.Kind) int {
	if k == headend.KindSiteToSite {
		return -1
	}
	return c.VPN.SimultaneousLogins(c.tunnelGroupPolicy(sessions.TunnelGroupFor(k)))
}

// SetLogins puts the limits of c into the admission policy p.
func (c *Config) SetLogins(p *admission.Rules) {
	for k := headend.KindAnyConnect; k < headend.Kind(headend.NumKinds); k++ {
		p.Logins[k] = max(c.LoginsFor(k), admission.NoLoginLimit)
	}
}
