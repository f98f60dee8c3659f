package asav

import (
	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen/smart"
)

// Tier is one ASAv throughput entitlement: the `throughput level` that
// asks for it, its Smart Licensing tag, the model whose limits it gives
// (from 9.13 the entitlement, not the vCPU count, sets the limits: any
// level may be configured on any model) and how `show version` prints its
// throughput.
type Tier struct {
	Level       string // "1G"
	Tag         string // "ASAv-STD-1G"
	Model       string // "ASAv10"
	Throughput  string // "1 Gbps"
	Description string // "ASAv10 Standard - 1G"
	// Proxy is Total TLS Proxy Sessions when licensed: 500 on the ASAv10
	// (a real ASAv10 with a reservation); the other tiers' values are
	// UNSURE (scaled from the ASAv10's by the tier's VPN peers).
	Proxy int
}

// Tiers are the ASAv tiers, lowest first. The ASAv5 description is
// verbatim from a real `show license all` ("ASAv5 Standard - 100M"); the
// others follow its form (UNSURE).
var Tiers = []Tier{
	{Level: "100M", Tag: smart.TagASAv100M, Model: "ASAv5", Throughput: "100 Mbps", Description: "ASAv5 Standard - 100M", Proxy: 500},
	{Level: "1G", Tag: smart.TagASAv1G, Model: "ASAv10", Throughput: "1 Gbps", Description: "ASAv10 Standard - 1G", Proxy: 500},
	{Level: "2G", Tag: smart.TagASAv2G, Model: "ASAv30", Throughput: "2 Gbps", Description: "ASAv30 Standard - 2G", Proxy: 1000},
	{Level: "10G", Tag: smart.TagASAv10G, Model: "ASAv50", Throughput: "10 Gbps", Description: "ASAv50 Standard - 10G", Proxy: 10000},
	{Level: "20G", Tag: smart.TagASAv20G, Model: "ASAv100", Throughput: "20 Gbps", Description: "ASAv100 Standard - 20G", Proxy: 10000},
}

// Levels are the `throughput level` keywords.
var Levels = func() []string {
	out := make([]string, len(Tiers))
	for i, t := range Tiers {
		out[i] = t.Level
	}
	return out
}()

// TierOfLevel is the tier a `throughput level` asks for.
func TierOfLevel(level string) (Tier, bool) {
	for _, t := range Tiers {
		if t.Level == level {
			return t, true
		}
	}
	return Tier{}, false
}

// TierOfTag is the tier of an entitlement tag.
func TierOfTag(tag string) (Tier, bool) {
	for _, t := range Tiers {
		if t.Tag == tag {
			return t, true
		}
	}
	return Tier{}, false
}

// TierOfModel is the tier an ASAv model was sold with, which `feature
// tier standard` alone asks for.
func TierOfModel(model string) (Tier, bool) {
	for _, t := range Tiers {
		if t.Model == model {
			return t, true
		}
	}
	return Tier{}, false
}

// peers is the platform VPN limit of the tier's model (the catalog's).
func (t Tier) peers() int {
	if p, ok := headend.LookupPlatform(t.Model); ok {
		return p.VPNMax
	}
	return 0
}
