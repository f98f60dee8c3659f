// Package license is the activation keys of a PAK-licensed ASA: the
// permanent keys on flash and running, the time-based keys with their
// timers, warnings and expiry, how a key is installed and which keys may
// co-exist, how they combine into the license in force on a platform and
// software train (docs/licensing-rules.md), and the licensed features
// block the show commands print. It is pure logic; the time is passed in.
package license

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// Day is the unit of time-based licenses.
const Day = 24 * time.Hour

// PermanentKey is a permanent activation key with what it grants.
type PermanentKey struct {
	Words    keygen.Words    `json:"words"`
	Features keygen.Features `json:"features"`
}

// TimeKey is an installed time-based key. While Active it burns time from
// Since on, whether the device is up, reloading or off (8.4+ behaviour,
// Cisco CLI guide 8.4); deactivating it pauses the timer.
type TimeKey struct {
	Words     keygen.Words    `json:"words"`
	Features  keygen.Features `json:"features"`
	Days      int             `json:"days"`
	Active    bool            `json:"active"`
	Remaining time.Duration   `json:"remaining"` // left at Since
	Since     time.Time       `json:"since"`
	// Warned is the smallest 444005 warning threshold (days) already
	// logged or skipped, so that each warning is logged once.
	Warned int `json:"warned"`
}

// Left is the time the key has left at now.
func (k *TimeKey) Left(now time.Time) time.Duration {
	if !k.Active {
		return k.Remaining
	}
	return max(k.Remaining-now.Sub(k.Since), 0)
}

// DaysLeft rounds the time left up to whole days, as the ASA prints it.
func (k *TimeKey) DaysLeft(now time.Time) int {
	return int((k.Left(now) + Day - 1) / Day)
}

// ExpiresAt is when an active key runs out.
func (k *TimeKey) ExpiresAt() time.Time { return k.Since.Add(k.Remaining) }

// Keys is what is on the device's flash and what runs. Keys are not part
// of the configuration: `write erase` keeps them, an RMA loses them.
type Keys struct {
	// Running is the permanent key in use; nil means none (the Base
	// license, shown as an all-zero key).
	Running *PermanentKey `json:"running,omitempty"`
	// Flash is the permanent key stored on flash; it becomes Running at the
	// next reload.
	Flash *PermanentKey `json:"flash,omitempty"`
	Timed []TimeKey     `json:"timed,omitempty"`
}

// ReloadPending reports whether flash and running permanent keys differ.
func (l *Keys) ReloadPending() bool { return PermWords(l.Running) != PermWords(l.Flash) }

// RunningWords is the running permanent key, all zero when none.
func (l *Keys) RunningWords() keygen.Words { return PermWords(l.Running) }

// FlashWords is the flash permanent key, all zero when none.
func (l *Keys) FlashWords() keygen.Words { return PermWords(l.Flash) }

// PermWords is the words of permanent key k, all zero when none.
func PermWords(k *PermanentKey) keygen.Words {
	if k == nil {
		return keygen.Words{}
	}
	return k.Words
}

// PermFeatures is what permanent key k grants, nothing when none.
func PermFeatures(k *PermanentKey) keygen.Features {
	if k == nil {
		return keygen.Features{}
	}
	return k.Features
}

// Clone returns a deep copy.
func (l *Keys) Clone() Keys {
	c := Keys{Timed: append([]TimeKey(nil), l.Timed...)}
	if l.Running != nil {
		r := *l.Running
		c.Running = &r
	}
	if l.Flash != nil {
		f := *l.Flash
		c.Flash = &f
	}
	return c
}

// Feat names a licensed feature line, for durations and for the rule "one
// active time-based key per feature".
type Feat int

// Features that time-based keys can carry, plus those shown with a duration.
const (
	FeatContexts Feat = iota
	FeatPremium
	FeatEssentials
	FeatMobile
	FeatPhone
	FeatAEA
	FeatBotnet
	FeatCarrier
	FeatProxy
	numFeat
)

// featMask is a set of Feat.
type featMask uint16

// timedMask is what a time-based key covers. An Apex evaluation covers
// Premium and the add-ons it unlocks.
func timedMask(f keygen.Features) featMask {
	var m featMask
	set := func(on bool, x Feat) {
		if on {
			m |= 1 << x
		}
	}
	set(f.Contexts > 0, FeatContexts)
	set(f.PremiumPeers > 0 || f.PlusApex, FeatPremium)
	set(f.Essentials, FeatEssentials)
	set(f.Mobile || f.PlusApex, FeatMobile)
	set(f.Phone || f.PlusApex, FeatPhone)
	set(f.AEA || f.PlusApex, FeatAEA)
	set(f.Botnet, FeatBotnet)
	set(f.Carrier, FeatCarrier)
	set(f.ProxySessions > 0, FeatProxy)
	return m
}

// overlap reports whether time-based keys with features a and b cover a
// feature in common, so that only one of them may be active.
func overlap(a, b keygen.Features) bool { return timedMask(a)&timedMask(b) != 0 }

// multiFeature: an evaluation key with several features blocks other
// time-based keys for any of them (Cisco CLI guide 8.4, time-based
// licenses).
func multiFeature(f keygen.Features) bool {
	n := 0
	for m := timedMask(f); m != 0; m &= m - 1 {
		n++
	}
	return n > 1 && !f.PlusApex
}

// Running is the license in force: the platform's base values, the running
// permanent key, and the active time-based keys, combined by the rules of
// docs/licensing-rules.md (Activation keys) and capped at the platform
// limits.
type Running struct {
	// The features the API shows, with what only `show version` prints
	// (InsideHosts, TenGE) and how it prints it.
	family.LicensedFeatures
	InsideHosts string
	TenGE       bool
	// Days, per feature: the days left of the time-based key the value
	// comes from; 0 means perpetual.
	Days [numFeat]int
	// VPNEncryptionNames: the software is 8.x, which names the encryption
	// lines VPN-DES and VPN-3DES-AES (Encryption-DES and
	// Encryption-3DES-AES from 9.0).
	VPNEncryptionNames bool
}

// BasePremium is the AnyConnect Premium peers every ASA has without a VPN
// license (Cisco TechNote 215331: "ASA platforms will only support 2 VPN
// peers without a license").
const BasePremium = 2

func capLine(granted int, unit string, limit int) string {
	return fmt.Sprintf("The Running Activation Key feature: %d %s exceed the limit on the platform, reduced to %d %s.",
		granted, unit, limit, unit)
}

func (r *Running) capAt(v, limit int, unit string) int {
	if v > limit {
		r.Capped = append(r.Capped, capLine(v, unit, limit))
		return limit
	}
	return v
}

func proxyUnit(p *headend.Platform) string {
	if p.Lines == headend.Lines9x {
		return "TLS Proxy sessions"
	}
	return "UC Proxy sessions"
}

// Permanent is what the platform gives with only the permanent key f.
func Permanent(p *headend.Platform, f keygen.Features) Running {
	var r Running
	plus := p.SecurityPlus && f.SecurityPlus
	r.SecurityPlus = plus
	tier := func(base, withPlus int) int {
		if plus {
			return withPlus
		}
		return base
	}
	r.PhysIf, r.InsideHosts = p.PhysIfBase, p.InsideHosts
	if plus {
		r.PhysIf = p.PhysIfPlus
	}
	r.VLANs = r.capAt(max(tier(p.VLANsBase, p.VLANsPlus), f.VLANs), p.MaxVLANs(), "VLANs")
	included := tier(p.ContextsBase, p.ContextsPlus)
	switch {
	case !p.HasContexts() || included == 0:
		// No contexts on this platform, or only with Security Plus.
		if f.Contexts > 0 {
			r.Capped = append(r.Capped, capLine(f.Contexts, "security contexts", 0))
		}
	default:
		r.Contexts = r.capAt(max(included, f.Contexts), p.ContextsMax, "security contexts")
	}
	// The failover mode follows the platform tier; a key's failover field
	// cannot give more than the tier supports (the 5505 stops at
	// Active/Standby, the 5510/5512-X Base has none).
	r.Failover = p.FailoverBase
	if plus {
		r.Failover = p.FailoverPlus
	}
	r.TripleDES = p.StrongEncryption || f.Encryption3DES
	r.Carrier = f.Carrier
	switch {
	case f.PlusApex:
		r.Premium, r.PlusApex = p.PremiumMax, true
	case f.VPNOnly > 0:
		r.Premium = r.capAt(f.VPNOnly, p.PremiumMax, "VPN Only sessions")
		r.VPNOnly = r.Premium
	default:
		r.Premium = r.capAt(max(BasePremium, f.PremiumPeers), p.PremiumMax, "AnyConnect Premium sessions")
	}
	r.Essentials = f.Essentials
	r.Other = tier(p.OtherBase, p.OtherPlus)
	r.Shared = f.SharedParticipant || f.SharedServer > 0
	r.SharedPool = f.SharedServer
	addOns := f.PlusApex || f.VPNOnly > 0
	r.Mobile, r.Phone, r.AEA = f.Mobile || addOns, f.Phone || addOns, f.AEA || addOns
	r.Proxy = r.capAt(max(p.ProxyDefault, f.ProxySessions), p.ProxyMax, proxyUnit(p))
	r.Botnet = f.Botnet
	r.Cluster = f.Cluster || (p.ClusterDefault && (!p.ClusterPlusOnly || plus))
	r.TenGE = p.TenGE && plus
	r.setTotal(p)
	return r
}

// setTotal: on most platforms Total VPN Peers is the platform maximum (equal
// to Other VPN Peers); on the 5505 and 5506-X it prints Premium + Other
// (as real 5505 and 5506-X outputs show), which we keep within the platform
// maximum.
func (r *Running) setTotal(p *headend.Platform) {
	if p.TotalIsSum {
		r.Total = min(r.Premium+r.Other, p.VPNMax)
		return
	}
	r.Total = p.VPNMax
}

// ApplyTimed combines one active time-based key: Premium and on/off features
// take the higher value; contexts and proxy sessions add up to the platform
// limit (Cisco CLI guide 9.x, "How the Permanent and Time-Based Licenses
// Combine").
func (r *Running) ApplyTimed(p *headend.Platform, f keygen.Features, days int) {
	tbPremium := f.PremiumPeers
	if f.PlusApex {
		tbPremium = p.PremiumMax
		r.PlusApex = true
	}
	if tbPremium > r.Premium {
		r.Premium = r.capAt(tbPremium, p.PremiumMax, "AnyConnect Premium sessions")
		r.Days[FeatPremium] = days
	}
	if f.Contexts > 0 && p.HasContexts() && r.Contexts > 0 {
		r.Contexts = r.capAt(r.Contexts+f.Contexts, p.ContextsMax, "security contexts")
		r.Days[FeatContexts] = days
	}
	if f.ProxySessions > 0 {
		r.Proxy = r.capAt(r.Proxy+f.ProxySessions, p.ProxyMax, proxyUnit(p))
		r.Days[FeatProxy] = days
	}
	on := func(grant bool, v *bool, x Feat) {
		if grant && !*v {
			*v = true
			r.Days[x] = days
		}
	}
	on(f.Essentials, &r.Essentials, FeatEssentials)
	on(f.Mobile || f.PlusApex, &r.Mobile, FeatMobile)
	on(f.Phone || f.PlusApex, &r.Phone, FeatPhone)
	on(f.AEA || f.PlusApex, &r.AEA, FeatAEA)
	on(f.Botnet, &r.Botnet, FeatBotnet)
	on(f.Carrier, &r.Carrier, FeatCarrier)
	r.setTotal(p)
}

// Compute returns the running license at now.
func (l *Keys) Compute(p *headend.Platform, now time.Time) Running {
	r := Permanent(p, PermFeatures(l.Running))
	for i := range l.Timed {
		if k := &l.Timed[i]; k.Active {
			r.ApplyTimed(p, k.Features, k.DaysLeft(now))
		}
	}
	return r
}

// needsReload reports whether replacing the running permanent key old with
// new needs a reload: Base <-> Security Plus on the 5505/5510, any change of
// the encryption license, any downgrade of a permanent feature (Cisco CLI
// guide 8.4).
// Values are compared as they run, after capping, so a key granting more
// than the platform is not mistaken for an upgrade or a downgrade.
func needsReload(p *headend.Platform, old, new keygen.Features) bool {
	o, n := Permanent(p, old), Permanent(p, new)
	if o.TripleDES != n.TripleDES {
		return true
	}
	if p.SecPlusReload && old.SecurityPlus != new.SecurityPlus {
		return true
	}
	lost := func(was, is bool) bool { return was && !is }
	return n.VLANs < o.VLANs || n.Failover < o.Failover || n.Contexts < o.Contexts ||
		n.Premium < o.Premium || n.Other < o.Other || n.SharedPool < o.SharedPool || n.Proxy < o.Proxy ||
		lost(o.SecurityPlus, n.SecurityPlus) || lost(o.Essentials, n.Essentials) || lost(o.Mobile, n.Mobile) ||
		lost(o.Phone, n.Phone) || lost(o.AEA, n.AEA) || lost(o.Shared, n.Shared) || lost(o.Botnet, n.Botnet) ||
		lost(o.Carrier, n.Carrier) || lost(o.Cluster, n.Cluster)
}

// FeatureNames describes what a time-based key covers, as the 444007
// message lists it.
func FeatureNames(p *headend.Platform, f keygen.Features) string {
	var names []string
	m := timedMask(f)
	for x := range numFeat {
		if m&(1<<x) != 0 {
			names = append(names, featName(p, x))
		}
	}
	return strings.Join(names, ", ")
}

// featNames are the names of the features that do not depend on the
// platform's software train.
var featNames = [numFeat]string{
	FeatContexts:   "Security Contexts",
	FeatPremium:    "AnyConnect Premium Peers",
	FeatEssentials: "AnyConnect Essentials",
	FeatMobile:     "AnyConnect for Mobile",
	FeatPhone:      "AnyConnect for Cisco VPN Phone",
	FeatAEA:        "Advanced Endpoint Assessment",
	FeatBotnet:     "Botnet Traffic Filter",
}

// featName is the name of feature x on platform p.
func featName(p *headend.Platform, x Feat) string {
	switch x {
	case FeatCarrier:
		return carrierName(p)
	case FeatProxy:
		return proxyName(p)
	}
	return featNames[x]
}

// carrierName is the name of the Carrier feature on p's software train.
func carrierName(p *headend.Platform) string {
	if p.Lines.NineX() {
		return "Carrier"
	}
	return "GTP/GPRS"
}

// proxyName is the name of the proxy feature on p's software train.
func proxyName(p *headend.Platform) string {
	if p.Lines == headend.Lines9x {
		return "Total TLS Proxy Sessions"
	}
	return "Total UC Proxy Sessions"
}

// generation tells the retired AnyConnect model from the 4.x one, which do
// not co-exist on one device (Cisco Secure Client licensing FAQ).
type generation int

const (
	genNone generation = iota
	genClassic
	genPlusApex
	genVPNOnly
)

func generationOf(f keygen.Features) generation {
	switch {
	case f.VPNOnly > 0:
		return genVPNOnly
	case f.PlusApex:
		return genPlusApex
	case f.HasClassicAnyConnect():
		return genClassic
	}
	return genNone
}

// checkCoexistence refuses a license set that mixes AnyConnect generations.
func checkCoexistence(sets ...keygen.Features) error {
	var seen [4]bool
	for _, f := range sets {
		seen[generationOf(f)] = true
	}
	switch {
	case seen[genVPNOnly] && seen[genPlusApex]:
		return ErrVPNOnlyWithPlusApex
	case (seen[genVPNOnly] || seen[genPlusApex]) && seen[genClassic]:
		return ErrNewWithClassic
	}
	return nil
}

// permanentWith is the Base license with the time-based key f on top, to
// report what of f the platform cannot use.
func permanentWith(p *headend.Platform, f keygen.Features) Running {
	r := Permanent(p, keygen.Features{})
	r.Capped = nil
	r.ApplyTimed(p, f, 0)
	return r
}
