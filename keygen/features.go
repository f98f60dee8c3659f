package keygen

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Failover is the failover mode a key unlocks.
type Failover uint8

// Failover modes, in increasing order of capability.
const (
	FailoverNone Failover = iota
	FailoverActiveStandby
	FailoverActiveActive
)

// String returns the feature-list spelling: "active-standby", "active-active"
// or "none".
func (f Failover) String() string {
	switch f {
	case FailoverActiveStandby:
		return "active-standby"
	case FailoverActiveActive:
		return "active-active"
	default:
		return "none"
	}
}

// VPNOnlyTiers are the sizes of the L-AC-VPNO-<n>= licenses (Cisco
// licensing FAQ, "VPN Only"). A key
// stores the index into this table, so its order must never change.
var VPNOnlyTiers = []int{25, 50, 100, 250, 500, 750, 1000, 2500, 5000, 10000}

// Field limits: what the key layout can hold (see Signer). Platform limits are
// lower and are applied by the headend, with the ASA's "reduced to" warning.
const (
	MaxContexts      = 1<<8 - 1
	MaxVLANs         = 1<<11 - 1
	MaxPremiumPeers  = 1<<15 - 1
	MaxSharedServer  = 1<<15 - 1
	MaxProxySessions = 1<<14 - 1
	MaxDays          = 1<<10 - 1
	MaxNonce         = 1<<4 - 1
)

// Features is what one activation key grants. Numbers are absolute values
// ("contexts=10" means 10 contexts in all), zero means "not granted, the
// platform default applies". A permanent key holds every permanent feature of
// a device; a time-based key usually holds one.
type Features struct {
	SecurityPlus      bool
	Encryption3DES    bool
	Failover          Failover
	Contexts          int
	VLANs             int
	PremiumPeers      int
	Essentials        bool
	Mobile            bool
	Phone             bool
	AEA               bool
	SharedParticipant bool
	// SharedServer is the pool size of a shared licensing server
	// ("Shared AnyConnect Premium Peers").
	SharedServer  int
	Botnet        bool
	Carrier       bool
	Cluster       bool
	ProxySessions int
	// PlusApex is the AnyConnect Plus/Apex entitlement: the ASA cannot tell
	// the two apart (docs/licensing-rules.md, Plus, Apex and VPN Only).
	PlusApex bool
	// VPNOnly is the n of an L-AC-VPNO-<n>= license, one of VPNOnlyTiers, or 0.
	VPNOnly int
}

// IsZero reports whether the key grants nothing.
func (f Features) IsZero() bool { return f == Features{} }

// Validate checks ranges and the combinations the 4.x licensing model
// forbids (docs/licensing-rules.md, Plus, Apex and VPN Only): VPN Only with
// Plus/Apex, and either of them with the retired Essentials/Premium/Shared
// licenses.
func (f Features) Validate() error {
	switch {
	case f.Failover > FailoverActiveActive:
		return fmt.Errorf("%w: unknown failover mode %d", ErrInvalidFeatures, f.Failover)
	case f.Contexts < 0 || f.Contexts > MaxContexts:
		return fmt.Errorf("%w: contexts must be 0..%d", ErrInvalidFeatures, MaxContexts)
	case f.VLANs < 0 || f.VLANs > MaxVLANs:
		return fmt.Errorf("%w: vlans must be 0..%d", ErrInvalidFeatures, MaxVLANs)
	case f.PremiumPeers < 0 || f.PremiumPeers > MaxPremiumPeers:
		return fmt.Errorf("%w: premium peers must be 0..%d", ErrInvalidFeatures, MaxPremiumPeers)
	case f.SharedServer < 0 || f.SharedServer > MaxSharedServer:
		return fmt.Errorf("%w: shared server pool must be 0..%d", ErrInvalidFeatures, MaxSharedServer)
	case f.ProxySessions < 0 || f.ProxySessions > MaxProxySessions:
		return fmt.Errorf("%w: proxy sessions must be 0..%d", ErrInvalidFeatures, MaxProxySessions)
	case f.VPNOnly != 0 && !slices.Contains(VPNOnlyTiers, f.VPNOnly):
		return fmt.Errorf("%w: vpn-only must be one of %v", ErrInvalidFeatures, VPNOnlyTiers)
	case f.PlusApex && f.VPNOnly != 0:
		return fmt.Errorf("%w: VPN Only does not co-exist with AnyConnect Plus/Apex", ErrInvalidFeatures)
	case f.HasNewAnyConnect() && f.HasClassicAnyConnect():
		return fmt.Errorf("%w: AnyConnect Plus/Apex and VPN Only do not co-exist with Essentials, Premium or Shared licenses", ErrInvalidFeatures)
	}
	return nil
}

// permanentOnly names the first feature that exists only as a permanent
// license, or returns "". Time-based (evaluation, VPN Flex) licenses exist for
// session counts, contexts, proxy sessions, Botnet and the AnyConnect
// add-ons; the platform tier (Security Plus, failover, VLANs), the encryption
// license (whose change needs a reload, which a time-based key never does),
// shared licensing, clustering and VPN Only are bought for good.
func (f Features) permanentOnly() string {
	switch {
	case f.SecurityPlus:
		return "sec-plus"
	case f.Encryption3DES:
		return "3des"
	case f.Failover != FailoverNone:
		return "failover"
	case f.VLANs > 0:
		return "vlans"
	case f.SharedParticipant:
		return "shared-participant"
	case f.SharedServer > 0:
		return "shared-server"
	case f.Cluster:
		return "cluster"
	case f.VPNOnly > 0:
		return "vpn-only"
	}
	return ""
}

// HasClassicAnyConnect reports whether the key carries a license of the
// retired model (Essentials, Premium peers, Shared participant or server).
func (f Features) HasClassicAnyConnect() bool {
	return f.Essentials || f.PremiumPeers > 0 || f.SharedParticipant || f.SharedServer > 0
}

// HasNewAnyConnect reports whether the key carries a Plus/Apex or VPN Only
// entitlement (the 4.x model).
func (f Features) HasNewAnyConnect() bool { return f.PlusApex || f.VPNOnly > 0 }

// Names lists the features as ParseFeature spells them, in a fixed order.
func (f Features) Names() []string {
	var out []string
	flag := func(on bool, name string) {
		if on {
			out = append(out, name)
		}
	}
	num := func(n int, name string) {
		if n > 0 {
			out = append(out, name+"="+strconv.Itoa(n))
		}
	}
	flag(f.SecurityPlus, "sec-plus")
	flag(f.Encryption3DES, "3des")
	if f.Failover != FailoverNone {
		out = append(out, "failover="+f.Failover.String())
	}
	num(f.Contexts, "contexts")
	num(f.VLANs, "vlans")
	num(f.PremiumPeers, "premium")
	flag(f.Essentials, "essentials")
	flag(f.Mobile, "mobile")
	flag(f.Phone, "phone")
	flag(f.AEA, "aea")
	flag(f.SharedParticipant, "shared-participant")
	num(f.SharedServer, "shared-server")
	flag(f.Botnet, "botnet")
	flag(f.Carrier, "carrier")
	flag(f.Cluster, "cluster")
	num(f.ProxySessions, "tls-proxy")
	flag(f.PlusApex, "plus-apex")
	num(f.VPNOnly, "vpn-only")
	return out
}

// String is the space-separated feature list, "none" when empty.
func (f Features) String() string {
	if f.IsZero() {
		return "none"
	}
	return strings.Join(f.Names(), " ")
}

// FeatureHelp lists the words ParseFeature accepts, for usage messages.
const FeatureHelp = "sec-plus, 3des, failover=active-standby|active-active, contexts=N, vlans=N, premium=N, " +
	"essentials, mobile, phone, aea, shared-participant, shared-server=N, botnet, carrier, cluster, " +
	"tls-proxy=N, plus-apex, vpn-only=N"

// featureMax is the largest value of each counted feature but vpn-only
// (whose values are its tiers), as Validate checks them.
var featureMax = map[string]int{
	"contexts": MaxContexts, "vlans": MaxVLANs, "premium": MaxPremiumPeers,
	"shared-server": MaxSharedServer, "tls-proxy": MaxProxySessions,
}

// ParseFeature adds one feature word (as FeatureHelp lists them) to f.
func ParseFeature(word string, f *Features) error {
	name, val, hasVal := strings.Cut(strings.TrimSpace(word), "=")
	flags := map[string]*bool{
		"sec-plus": &f.SecurityPlus, "3des": &f.Encryption3DES, "essentials": &f.Essentials,
		"mobile": &f.Mobile, "phone": &f.Phone, "aea": &f.AEA,
		"shared-participant": &f.SharedParticipant, "botnet": &f.Botnet, "carrier": &f.Carrier,
		"cluster": &f.Cluster, "plus-apex": &f.PlusApex,
	}
	nums := map[string]*int{
		"contexts": &f.Contexts, "vlans": &f.VLANs, "premium": &f.PremiumPeers,
		"shared-server": &f.SharedServer, "tls-proxy": &f.ProxySessions, "vpn-only": &f.VPNOnly,
	}
	if p, ok := flags[name]; ok {
		if hasVal {
			return fmt.Errorf("%w: %q takes no value", ErrInvalidFeatures, name)
		}
		*p = true
		return nil
	}
	if p, ok := nums[name]; ok {
		n, err := strconv.Atoi(val)
		// A missing value (val "") is a syntax error, never too large.
		if max, ok := featureMax[name]; ok && (errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(val, "-") || err == nil && n > max) {
			return fmt.Errorf("%w: %s=%s is too large: %s is 1..%d", ErrInvalidFeatures, name, val, name, max)
		}
		if !hasVal || err != nil || n <= 0 {
			return fmt.Errorf("%w: %q needs a positive number, as %s=N", ErrInvalidFeatures, name, name)
		}
		*p = n
		return nil
	}
	if name == "failover" {
		switch val {
		case "active-standby":
			f.Failover = FailoverActiveStandby
		case "active-active":
			f.Failover = FailoverActiveActive
		default:
			return fmt.Errorf("%w: failover must be active-standby or active-active", ErrInvalidFeatures)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown feature %q (one of %s)", ErrInvalidFeatures, word, FeatureHelp)
}

// ParseFeatures parses a list of feature words and validates the result.
func ParseFeatures(words []string) (Features, error) {
	var f Features
	for _, w := range words {
		if err := ParseFeature(w, &f); err != nil {
			return Features{}, err
		}
	}
	return f, f.Validate()
}

// Merge combines the permanent features of two licenses on one serial, as
// the licensing portal makes one permanent key of them: on/off features
// OR-ed, counts the higher value.
func (f Features) Merge(o Features) Features {
	return Features{
		SecurityPlus: f.SecurityPlus || o.SecurityPlus, Encryption3DES: f.Encryption3DES || o.Encryption3DES,
		Failover: max(f.Failover, o.Failover), Contexts: max(f.Contexts, o.Contexts), VLANs: max(f.VLANs, o.VLANs),
		PremiumPeers: max(f.PremiumPeers, o.PremiumPeers), Essentials: f.Essentials || o.Essentials,
		Mobile: f.Mobile || o.Mobile, Phone: f.Phone || o.Phone, AEA: f.AEA || o.AEA,
		SharedParticipant: f.SharedParticipant || o.SharedParticipant, SharedServer: max(f.SharedServer, o.SharedServer),
		Botnet: f.Botnet || o.Botnet, Carrier: f.Carrier || o.Carrier, Cluster: f.Cluster || o.Cluster,
		ProxySessions: max(f.ProxySessions, o.ProxySessions), PlusApex: f.PlusApex || o.PlusApex,
		VPNOnly: max(f.VPNOnly, o.VPNOnly),
	}
}
