package license

import (
	"fmt"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
)

// The failover cluster license of an Active/Standby (or Active/Active)
// pair. From ASA 8.3(1) the two units need not hold identical licenses:
// "If you have licenses on both units, they combine into a single running
// failover cluster license" (Cisco ASA CLI configuration guide 8.4,
// "Failover or ASA Cluster Licenses"). The guide's rules, which Combine
// and Mismatch follow:
//   - numeric tiers are summed up to the platform limit: 10 + 10
//     AnyConnect Premium sessions run 20; two ASA 5520s with 500 each run
//     750, the platform's limit; two ASA 5540s with 20 and 10 security
//     contexts run 30. A real 5516-X pair (ntc-templates'
//     cisco_asa_show_version3 sample) shows it too: 2 + 2 contexts and
//     4 + 4 Premium sessions run 4 and 8, while Total VPN Peers stays at
//     the platform's 300;
//   - on/off features are on when either unit has them (the guide's
//     clustering text says the combined license takes the better of the
//     two; we apply it to failover pairs alike);
//   - the Encryption-3DES-AES license must be the same on both units;
//   - the Base license of the ASA 5505, 5510 and 5512-X does not support
//     failover: each unit needs Security Plus;
//   - "Typically, you buy a license only for the primary unit; for
//     Active/Standby failover, the secondary unit inherits the primary
//     license": a unit with no license of its own (no key, or a key that
//     grants nothing beyond the platform's Base, and no time-based key)
//     adds nothing, not even its Base values, to its mate's. Two such
//     units sum their Base values like any other.

// Summed are the tiers the cluster license adds up: the AnyConnect
// sessions (Premium, VPN Only), the security contexts and the TLS/UC proxy
// sessions. The VLANs, the physical interfaces and the Other/Total VPN
// peers are platform tiers, the same on both units of a pair of one model
// and kept as they are (the real 5516-X pair prints 150 VLANs and 300
// Total VPN Peers in both blocks).

// Combine is the failover cluster license of two units of platform p
// running mine and mate; mineKeyless and mateKeyless report a unit with no
// license of its own, which inherits its mate's. Check Mismatch first: Combine
// assumes the pair may form. The result carries no capping warnings. A
// cluster value counts down only when both units' values do, and then with
// the longer of the two (UNSURE: the guide says only that time-based
// licenses in use on both units count down together).
func Combine(p *headend.Platform, mine, mate Running, mineKeyless, mateKeyless bool) Running {
	switch {
	case mateKeyless && !mineKeyless:
		mine.Capped = nil
		return mine
	case mineKeyless && !mateKeyless:
		mate.Capped = nil
		mate.VPNEncryptionNames = mine.VPNEncryptionNames
		return mate
	}
	c := mine
	c.Capped = nil
	days := func(x Feat) {
		if mine.Days[x] > 0 && mate.Days[x] > 0 {
			c.Days[x] = max(mine.Days[x], mate.Days[x])
		} else {
			c.Days[x] = 0
		}
	}
	c.SecurityPlus = mine.SecurityPlus || mate.SecurityPlus
	c.Failover = max(mine.Failover, mate.Failover)
	c.VLANs = max(mine.VLANs, mate.VLANs)
	c.Other = max(mine.Other, mate.Other)
	if p.HasContexts() {
		c.Contexts = min(mine.Contexts+mate.Contexts, p.ContextsMax)
	}
	days(FeatContexts)
	switch {
	case mine.PlusApex || mate.PlusApex:
		c.Premium, c.PlusApex = p.PremiumMax, true
	default:
		c.Premium = min(mine.Premium+mate.Premium, p.PremiumMax)
	}
	if mine.VPNOnly > 0 || mate.VPNOnly > 0 {
		c.VPNOnly = min(mine.VPNOnly+mate.VPNOnly, p.PremiumMax)
	}
	days(FeatPremium)
	c.Proxy = min(mine.Proxy+mate.Proxy, p.ProxyMax)
	days(FeatProxy)
	or := func(v *bool, o bool, x Feat) {
		switch {
		case *v && o:
			days(x)
		case o:
			*v, c.Days[x] = true, mate.Days[x]
		}
	}
	or(&c.Essentials, mate.Essentials, FeatEssentials)
	or(&c.Mobile, mate.Mobile, FeatMobile)
	or(&c.Phone, mate.Phone, FeatPhone)
	or(&c.AEA, mate.AEA, FeatAEA)
	or(&c.Botnet, mate.Botnet, FeatBotnet)
	or(&c.Carrier, mate.Carrier, FeatCarrier)
	c.Shared = mine.Shared || mate.Shared
	c.SharedPool = max(mine.SharedPool, mate.SharedPool)
	c.Cluster = mine.Cluster || mate.Cluster
	c.TenGE = mine.TenGE || mate.TenGE
	c.setTotal(p)
	return c
}

// Mismatch is the line a unit logs when its mate's license cannot join
// its own in a failover pair, "" when it can: the units are of different
// models, either runs a license without failover (the Base license of the
// 5505, 5510 and 5512-X), or their Encryption-3DES-AES licenses differ.
// role is the unit's "Primary" or "Secondary".
//
// The line follows the one ASA message published for a license mismatch,
// `%ASA-1-105045: (Primary) Mate license (number contexts) is not
// compatible with my license (number contexts).` (Cisco ASA syslog
// messages guide); its wording for the hardware, failover and encryption
// cases is ours (UNSURE: no real output of those was found).
func Mismatch(role string, p, mateP *headend.Platform, mine, mate *Running) string {
	line := func(theirs, ours string) string {
		return fmt.Sprintf("%%ASA-1-105045: (%s) Mate license (%s) is not compatible with my license (%s).", role, theirs, ours)
	}
	switch {
	case p.Model != mateP.Model:
		return line(mateP.Model+" platform", p.Model+" platform")
	case mine.Failover == keygen.FailoverNone || mate.Failover == keygen.FailoverNone:
		return line("Failover "+failoverText(mate.Failover), "Failover "+failoverText(mine.Failover))
	case mine.TripleDES != mate.TripleDES:
		return line("Encryption-3DES-AES "+onOff(mate.TripleDES), "Encryption-3DES-AES "+onOff(mine.TripleDES))
	}
	return ""
}
