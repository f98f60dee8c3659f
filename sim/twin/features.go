package twin

import (
	"fmt"
	"strconv"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/keygen"
)

// kind is what a feature line's value is and what a key does with it.
type kind int

const (
	kPlatform      kind = iota + 1 // printed from the platform alone: Inside Hosts, IPS Module...
	kPhysIf                        // Maximum Physical Interfaces: a number or Unlimited
	kVLANs                         // a count a key can raise
	kFailover                      // Disabled, Active/Standby, Active/Active
	kDES                           // Encryption-DES: always Enabled
	k3DES                          // Encryption-3DES-AES
	kContexts                      // Security Contexts
	kCarrier                       // GTP/GPRS, Carrier
	kPremium                       // AnyConnect Premium Peers
	kEssentials                    // AnyConnect Essentials
	kOnOffPlatform                 // Dual ISPs, 10GE I/O: follow the tier
	kCount                         // Other/Total VPN Peers, VLAN Trunk Ports, Cluster Members: follow the tier
	kShared                        // Shared License
	kSharedPool                    // Shared AnyConnect Premium Peers
	kMobile
	kPhone
	kAEA
	kProxy // UC/TLS proxy sessions
	kBotnet
	kCluster
)

// featureKinds are the feature names the licensed features block of an ASA
// 5500/5500-X prints, on every train from 8.4 to 9.16 (the real outputs of
// genieparser's and ntc-templates' samples; the 5505's own lines).
var featureKinds = map[string]kind{
	"Maximum Physical Interfaces":     kPhysIf,
	"Maximum VLANs":                   kVLANs,
	"VLANs":                           kVLANs,
	"Dual ISPs":                       kOnOffPlatform,
	"VLAN Trunk Ports":                kCount,
	"10GE I/O":                        kOnOffPlatform,
	"Inside Hosts":                    kPlatform,
	"Failover":                        kFailover,
	"VPN-DES":                         kDES,
	"Encryption-DES":                  kDES,
	"VPN-3DES-AES":                    k3DES,
	"Encryption-3DES-AES":             k3DES,
	"Security Contexts":               kContexts,
	"GTP/GPRS":                        kCarrier,
	"Carrier":                         kCarrier,
	"AnyConnect Premium Peers":        kPremium,
	"AnyConnect Essentials":           kEssentials,
	"Other VPN Peers":                 kCount,
	"Total VPN Peers":                 kCount,
	"Shared License":                  kShared,
	"Shared AnyConnect Premium Peers": kSharedPool,
	"AnyConnect for Mobile":           kMobile,
	"AnyConnect for Cisco VPN Phone":  kPhone,
	"Advanced Endpoint Assessment":    kAEA,
	"UC Phone Proxy Sessions":         kProxy,
	"Total UC Proxy Sessions":         kProxy,
	"Total TLS Proxy Sessions":        kProxy,
	"Botnet Traffic Filter":           kBotnet,
	"Intercompany Media Engine":       kPlatform,
	"IPS Module":                      kPlatform,
	"Cluster":                         kCluster,
	"Cluster Members":                 kCount,
	"VPN Load Balancing":              kPlatform,
}

// checkValue checks the value of a feature line of kind k.
func checkValue(k kind, v string) error {
	switch k {
	case kFailover:
		switch v {
		case "Disabled", "Active/Standby", "Active/Active":
			return nil
		}
		return fmt.Errorf("failover mode %q not understood", v)
	case kDES, k3DES, kCarrier, kEssentials, kOnOffPlatform, kShared, kMobile, kPhone, kAEA, kBotnet, kCluster:
		if v != "Enabled" && v != "Disabled" {
			return fmt.Errorf("%q is neither Enabled nor Disabled", v)
		}
	case kVLANs, kContexts, kPremium, kCount, kSharedPool, kProxy:
		if _, err := number(v); err != nil {
			return err
		}
	case kPhysIf, kPlatform:
		// Printed from the platform; the comparison of the twin's block
		// with the capture checks them.
	}
	return nil
}

func number(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a count", v)
	}
	return n, nil
}

// Timed is a time-based key to mint: what it grants, for how many days.
type Timed struct {
	Features keygen.Features
	Days     int
}

// Licenses are the keys that give a unit the capture's features: a
// permanent key (zero when the box runs on its Base license alone) and the
// time-based keys, one per time-based feature.
type Licenses struct {
	Permanent keygen.Features
	Timed     []Timed
}

// licenses derives the keys from the capture's block on platform p as the
// capture's release licenses it, with or without Security Plus. Values the
// platform gives without a key are left out of the key; whether the
// result prints the capture's block is checked by rendering it (Apply).
func (c *Capture) licenses(p *headend.Platform, secPlus bool) (Licenses, error) {
	var l Licenses
	perm := &l.Permanent
	perm.SecurityPlus = secPlus && p.SecurityPlus
	tier := func(base, plus int) int {
		if perm.SecurityPlus {
			return plus
		}
		return base
	}
	// timed collects the time-based grants per feature, so that the two
	// proxy lines of an 8.x block make one key.
	timed := map[license.Feat]*Timed{}
	var order []license.Feat
	grant := func(f Feature, x license.Feat, set func(k *keygen.Features)) error {
		t := timed[x]
		if t == nil {
			t = &Timed{Days: f.Days}
			timed[x] = t
			order = append(order, x)
		} else if t.Days != f.Days {
			return fmt.Errorf("%w: %q: %d days where another line of the same license says %d", ErrNotReproducible, f.Line, f.Days, t.Days)
		}
		set(&t.Features)
		return nil
	}
	onOff := func(f Feature, x license.Feat, perm *bool, set func(k *keygen.Features)) error {
		if f.Value != "Enabled" {
			if f.Days > 0 {
				return fmt.Errorf("%w: %q: a disabled feature with days left", ErrNotReproducible, f.Line)
			}
			return nil
		}
		if f.Days > 0 {
			return grant(f, x, set)
		}
		*perm = true
		return nil
	}
	for _, f := range c.Features {
		k := featureKinds[f.Name]
		if f.Days > 0 && !timeBasedKind(k) {
			return Licenses{}, fmt.Errorf("%w: %q: the lab has no time-based license for %s", ErrNotReproducible, f.Line, f.Name)
		}
		n, _ := number(f.Value)
		var err error
		switch k {
		case kVLANs:
			if n > tier(p.VLANsBase, p.VLANsPlus) {
				perm.VLANs = n
			}
		case kFailover:
			// The failover mode follows the platform's tier, not a key
			// field: the tier chosen shows in the comparison.
		case kDES:
			if f.Value != "Enabled" {
				return Licenses{}, fmt.Errorf("%w: %q: DES is always enabled on an ASA", ErrNotReproducible, f.Line)
			}
		case k3DES:
			// Releases from 9.5 on enable strong encryption without a key.
			perm.Encryption3DES = f.Value == "Enabled" && !p.StrongEncryption
		case kContexts:
			included := tier(p.ContextsBase, p.ContextsPlus)
			switch {
			case f.Days > 0:
				// Time-based contexts add to the permanent ones.
				add := n - included
				if add <= 0 {
					return Licenses{}, fmt.Errorf("%w: %q: time-based contexts add to the %d the platform includes", ErrNotReproducible, f.Line, included)
				}
				err = grant(f, license.FeatContexts, func(k *keygen.Features) { k.Contexts = add })
			case n > included:
				perm.Contexts = n
			}
		case kCarrier:
			err = onOff(f, license.FeatCarrier, &perm.Carrier, func(k *keygen.Features) { k.Carrier = true })
		case kPremium:
			switch {
			case f.Days > 0:
				err = grant(f, license.FeatPremium, func(k *keygen.Features) { k.PremiumPeers = n })
			case n > license.BasePremium:
				perm.PremiumPeers = n
			}
		case kEssentials:
			err = onOff(f, license.FeatEssentials, &perm.Essentials, func(k *keygen.Features) { k.Essentials = true })
		case kShared:
			if f.Value == "Enabled" && !c.hasFeature("Shared AnyConnect Premium Peers") {
				perm.SharedParticipant = true
			}
		case kSharedPool:
			perm.SharedServer = n
		case kMobile:
			err = onOff(f, license.FeatMobile, &perm.Mobile, func(k *keygen.Features) { k.Mobile = true })
		case kPhone:
			err = onOff(f, license.FeatPhone, &perm.Phone, func(k *keygen.Features) { k.Phone = true })
		case kAEA:
			err = onOff(f, license.FeatAEA, &perm.AEA, func(k *keygen.Features) { k.AEA = true })
		case kProxy:
			switch {
			case f.Days > 0:
				// Time-based sessions add to the permanent ones.
				add := n - p.ProxyDefault
				if add <= 0 {
					return Licenses{}, fmt.Errorf("%w: %q: time-based sessions add to the %d the platform includes", ErrNotReproducible, f.Line, p.ProxyDefault)
				}
				err = grant(f, license.FeatProxy, func(k *keygen.Features) { k.ProxySessions = add })
			case n > p.ProxyDefault:
				perm.ProxySessions = n
			}
		case kBotnet:
			err = onOff(f, license.FeatBotnet, &perm.Botnet, func(k *keygen.Features) { k.Botnet = true })
		case kCluster:
			if f.Value == "Enabled" && !(p.ClusterDefault && (!p.ClusterPlusOnly || perm.SecurityPlus)) {
				perm.Cluster = true
			}
		}
		if err != nil {
			return Licenses{}, err
		}
	}
	if err := perm.Validate(); err != nil {
		return Licenses{}, fmt.Errorf("%w: %v", ErrNotReproducible, err)
	}
	for _, x := range order {
		t := *timed[x]
		if t.Days > keygen.MaxDays {
			return Licenses{}, fmt.Errorf("%w: %d days left: a time-based key of the lab lasts at most %d", ErrNotReproducible, t.Days, keygen.MaxDays)
		}
		l.Timed = append(l.Timed, t)
	}
	return l, nil
}

// timeBasedKind reports whether the lab has time-based licenses for a
// feature of kind k.
func timeBasedKind(k kind) bool {
	switch k {
	case kContexts, kCarrier, kPremium, kEssentials, kMobile, kPhone, kAEA, kProxy, kBotnet:
		return true
	}
	return false
}

func (c *Capture) hasFeature(name string) bool {
	for _, f := range c.Features {
		if f.Name == name {
			return true
		}
	}
	return false
}
