package server

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", err, fmt.Sprintf(format, args...))
}

func timeUnix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

func failoverPB(f keygen.Failover) headendv1.FailoverMode {
	switch f {
	case keygen.FailoverActiveStandby:
		return headendv1.FailoverMode_FAILOVER_MODE_ACTIVE_STANDBY
	case keygen.FailoverActiveActive:
		return headendv1.FailoverMode_FAILOVER_MODE_ACTIVE_ACTIVE
	}
	return headendv1.FailoverMode_FAILOVER_MODE_DISABLED
}

func licensingPB(l headend.Licensing) headendv1.Licensing {
	switch l {
	case headend.LicensingPAK:
		return headendv1.Licensing_LICENSING_PAK
	case headend.LicensingSmart:
		return headendv1.Licensing_LICENSING_SMART
	case headend.LicensingIOS:
		return headendv1.Licensing_LICENSING_IOS
	}
	return headendv1.Licensing_LICENSING_UNSPECIFIED
}

func configPB(c asa.Config) *headendv1.Config {
	return &headendv1.Config{Hostname: c.Hostname, AnyconnectEssentials: c.Essentials}
}

func headendPB(lab string, s sim.Snapshot) *headendv1.Headend {
	d := s.Device
	r := d.RunningLicense(s.Now)
	state := headendv1.HeadendState_HEADEND_STATE_UP
	if d.Reloading(s.Now) {
		state = headendv1.HeadendState_HEADEND_STATE_RELOADING
	}
	lic := &headendv1.License{
		RunningPermanentKey:   d.License.RunningWords().String(),
		FlashPermanentKey:     d.License.FlashWords().String(),
		ReloadPending:         d.License.ReloadPending(),
		PlatformLimitWarnings: r.Capped,
		Features: &headendv1.LicensedFeatures{
			SecurityPlus:                 r.SecurityPlus,
			MaxPhysicalInterfaces:        r.PhysIf,
			MaxVlans:                     int32(r.VLANs),
			Failover:                     failoverPB(r.Failover),
			StrongEncryption:             r.TripleDES,
			SecurityContexts:             int32(r.Contexts),
			Carrier:                      r.Carrier,
			AnyconnectPremiumPeers:       int32(r.Premium),
			AnyconnectEssentials:         r.Essentials,
			OtherVpnPeers:                int32(r.Other),
			TotalVpnPeers:                int32(r.Total),
			SharedLicense:                r.Shared,
			SharedAnyconnectPremiumPeers: int32(r.SharedPool),
			AnyconnectForMobile:          r.Mobile,
			AnyconnectForVpnPhone:        r.Phone,
			AdvancedEndpointAssessment:   r.AEA,
			ProxySessions:                int32(r.Proxy),
			BotnetTrafficFilter:          r.Botnet,
			Cluster:                      r.Cluster,
			AnyconnectPlusApex:           r.PlusApex,
			AnyconnectVpnOnlyPeers:       int32(r.VPNOnly),
		},
	}
	for i := range d.License.Timed {
		k := &d.License.Timed[i]
		lic.TimeBasedKeys = append(lic.TimeBasedKeys, &headendv1.TimeBasedKey{
			Key:           k.Words.String(),
			Active:        k.Active,
			Remaining:     durationpb.New(k.Left(s.Now)),
			DaysRemaining: int32(k.DaysLeft(s.Now)),
			Features:      k.Features.Names(),
		})
	}
	return &headendv1.Headend{
		Lab:             lab,
		Hostname:        d.Hostname(),
		Model:           d.Model,
		Serial:          d.Serial,
		SoftwareVersion: d.Version,
		State:           state,
		UpSince:         timestamppb.New(d.UpAt),
		License:         lic,
		RunningConfig:   configPB(d.Running),
		StartupConfig:   configPB(d.Startup),
		ConfigUnsaved:   d.ConfigUnsaved(),
		SshAddress:      s.SSHAddress,
	}
}

func platformPB(p *headend.Platform) *headendv1.Platform {
	return &headendv1.Platform{
		Model:                     p.Model,
		Aliases:                   p.Aliases,
		Name:                      p.Name,
		Licensing:                 licensingPB(p.Licensing),
		DefaultSoftwareVersion:    p.Version,
		VpnMax:                    int32(p.VPNMax),
		AnyconnectPremiumMax:      int32(p.PremiumMax),
		OtherVpnPeersBase:         int32(p.OtherBase),
		OtherVpnPeersSecurityPlus: int32(p.OtherPlus),
		MaxVlans:                  int32(p.MaxVLANs()),
		MaxSecurityContexts:       int32(p.ContextsMax),
		SecurityPlusTier:          p.SecurityPlus,
		TimeBasedKeys:             p.TimeBased,
		Simulated:                 p.Simulated(),
		SoftwareTrains:            p.SoftwareTrains(),
		Source:                    p.Source,
	}
}

func clockPB(c *sim.Clock) *headendv1.Clock {
	mode := headendv1.ClockMode_CLOCK_MODE_REAL
	if c.Mode() == sim.ClockSimulated {
		mode = headendv1.ClockMode_CLOCK_MODE_SIMULATED
	}
	return &headendv1.Clock{Now: timestamppb.New(c.Now()), Mode: mode}
}
