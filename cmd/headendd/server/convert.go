package server

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", err, fmt.Sprintf(format, args...))
}

func timeUnix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

func failoverPB(f sim.Failover) headendv1.FailoverMode {
	switch f {
	case sim.FailoverActiveStandby:
		return headendv1.FailoverMode_FAILOVER_MODE_ACTIVE_STANDBY
	case sim.FailoverActiveActive:
		return headendv1.FailoverMode_FAILOVER_MODE_ACTIVE_ACTIVE
	}
	return headendv1.FailoverMode_FAILOVER_MODE_DISABLED
}

func licensingPB(l sim.Licensing) headendv1.Licensing {
	switch l {
	case sim.LicensingPAK:
		return headendv1.Licensing_LICENSING_PAK
	case sim.LicensingSmart:
		return headendv1.Licensing_LICENSING_SMART
	case sim.LicensingIOS:
		return headendv1.Licensing_LICENSING_IOS
	}
	return headendv1.Licensing_LICENSING_UNSPECIFIED
}

func configPB(hostname string, essentials bool) *headendv1.Config {
	return &headendv1.Config{Hostname: hostname, AnyconnectEssentials: essentials}
}

func headendPB(lab string, s sim.Snapshot) *headendv1.Headend {
	d := s.Device
	state, power := headendv1.HeadendState_HEADEND_STATE_UP, headendv1.PowerState_POWER_STATE_ON
	switch {
	case s.PoweredOff:
		state, power = headendv1.HeadendState_HEADEND_STATE_POWERED_OFF, headendv1.PowerState_POWER_STATE_OFF
	case d.Reloading(s.Now):
		state = headendv1.HeadendState_HEADEND_STATE_RELOADING
	}
	h := &headendv1.Headend{
		Lab:             lab,
		Hostname:        s.LabName(),
		Model:           d.Platform().Model,
		Serial:          d.SerialNumber(),
		SoftwareVersion: d.SoftwareVersion(),
		State:           state,
		UpSince:         timestamppb.New(d.UpSince()),
		RunningConfig:   configPB(d.Hostname(), false),
		StartupConfig:   configPB(d.SavedHostname(), false),
		ConfigUnsaved:   d.ConfigUnsaved(),
		SshAddress:      s.SSHAddress,
		Failover:        failoverPairPB(s),
		Power:           power,
		SharedLicensing: sharedPB(s.Shared, s.SharedPool),
	}
	if s.PoweredOff {
		h.PoweredOffSince = timestamppb.New(s.PoweredOffSince)
	}
	if sl, ok := s.SmartLicense(); ok {
		h.SmartLicense = smartLicensePB(sl)
	}
	if il, ok := sim.IOSLicensingOf(s); ok {
		h.IosLicense = iosLicensePB(il)
	}
	k, ok := s.KeyLicense()
	if !ok {
		return h
	}
	r := k.Features
	h.RunningConfig.AnyconnectEssentials, h.StartupConfig.AnyconnectEssentials = k.RunningEssentials, k.SavedEssentials
	h.License = &headendv1.License{
		RunningPermanentKey:   k.RunningKey,
		FlashPermanentKey:     k.FlashKey,
		ReloadPending:         k.ReloadPending,
		PlatformLimitWarnings: r.Capped,
		Features:              licensedFeaturesPB(&r),
	}
	for _, t := range k.Timed {
		h.License.TimeBasedKeys = append(h.License.TimeBasedKeys, &headendv1.TimeBasedKey{
			Key:           t.Key,
			Active:        t.Active,
			Remaining:     durationpb.New(t.Remaining),
			DaysRemaining: int32(t.DaysRemaining),
			Features:      t.Features,
		})
	}
	return h
}

// iosLicensePB is an IOS router's licensing; a package with a permanent
// license has no evaluation period left to show.
func iosLicensePB(l sim.IOSLicensing) *headendv1.IosLicense {
	out := &headendv1.IosLicense{Udi: l.UDI, Module: l.Module,
		SslVpnSeats: int32(l.SSLVPNSeats), SslVpnSeatsInUse: int32(l.SSLVPNInUse)}
	for _, p := range l.Packages {
		pb := &headendv1.IosTechnologyPackage{Technology: p.Technology, Package: p.Package,
			Current: p.Current, NextReboot: p.NextReboot, Type: p.Type, EvalExpired: p.EvalExpired}
		if p.Type != "Permanent" {
			pb.EvalRemaining = durationpb.New(p.EvalRemaining)
		}
		out.Packages = append(out.Packages, pb)
	}
	return out
}

// smartLicensePB is a Smart-licensed headend's state; unset times stay
// unset.
func smartLicensePB(l sim.SmartLicense) *headendv1.SmartLicense {
	return &headendv1.SmartLicense{
		Tier: l.Tier, Throughput: l.Throughput, Entitlement: l.Entitlement,
		PlatformState: l.PlatformState, Registration: l.Registration, Authorization: l.Authorization,
		SmartAccount: l.SmartAccount, VirtualAccount: l.VirtualAccount, Udi: l.UDI,
		EvalRemaining: durationpb.New(l.EvalRemaining),
		RegisteredAt:  tsPB(l.RegisteredAt), AuthorizedAt: tsPB(l.AuthorizedAt),
		NextAttempt: tsPB(l.NextAttempt), CommDeadline: tsPB(l.CommDeadline), RegistrationExpires: tsPB(l.RegistrationExpires),
		LastFailure: l.LastFailure, PremiumPeers: int32(l.PremiumPeers),
	}
}

func licensedFeaturesPB(r *sim.LicensedFeatures) *headendv1.LicensedFeatures {
	return &headendv1.LicensedFeatures{
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
	}
}

// sharedPB is a headend's shared licensing, pool the hostname of the
// server whose pool it is; nil when it plays no part.
func sharedPB(st sim.SharedStatus, pool string) *headendv1.SharedLicensing {
	role := headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_UNSPECIFIED
	switch st.Role {
	case sim.SharedServer:
		role = headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_SERVER
	case sim.SharedBackup:
		role = headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_BACKUP
	case sim.SharedParticipant:
		role = headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_PARTICIPANT
	default:
		return nil
	}
	p := &headendv1.SharedLicensing{
		Role: role, Registered: st.Active, Borrowed: int32(st.Borrowed),
		PoolTotal: int32(st.TotalForNetwork), PoolAvailable: int32(st.Available), PlatformLimit: int32(st.PlatformLimit),
		ServerHostname: pool,
	}
	if st.ServerAddr.IsValid() {
		p.ServerAddress = st.ServerAddr.String()
	}
	if st.Role == sim.SharedBackup {
		p.BackupActive, p.BackupDaysLeft = st.Backup.Active, int32(st.Backup.DaysLeft)
	}
	p.BorrowedUntil = tsPB(st.ExpiresAt)
	return p
}

func platformPB(p *sim.Platform) *headendv1.Platform {
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
		Simulated:                 sim.Simulated(p),
		SoftwareTrains:            p.SoftwareTrains(),
		Source:                    p.Source,
	}
}

func clockPB(c *sim.Clock) *headendv1.Clock {
	return &headendv1.Clock{Now: timestamppb.New(c.Now()), Mode: clockModePB(c.Mode())}
}

// clockModePB is a clock mode on the wire.
func clockModePB(m sim.ClockMode) headendv1.ClockMode {
	if m == sim.ClockSimulated {
		return headendv1.ClockMode_CLOCK_MODE_SIMULATED
	}
	return headendv1.ClockMode_CLOCK_MODE_REAL
}

// failoverPairPB is a headend's failover pair; nil when failover is off.
func failoverPairPB(s sim.Snapshot) *headendv1.FailoverPair {
	f := s.Failover
	if !f.Enabled {
		return nil
	}
	p := &headendv1.FailoverPair{
		Role: strings.ToLower(f.Role), State: failoverStatePB(f.State), MateState: failoverStatePB(f.MateState),
		Stateful: f.StateUp, Mismatch: s.FailoverMismatch,
	}
	if f.MateSeen {
		p.Mate = f.MateHostname
	}
	p.Since, p.LastFailover = tsPB(f.Since), tsPB(f.LastFailover)
	if f.Cluster != nil {
		p.Cluster = licensedFeaturesPB(f.Cluster)
	}
	return p
}

func failoverStatePB(st sim.FailoverState) headendv1.FailoverState {
	switch st {
	case sim.FailoverNegotiation:
		return headendv1.FailoverState_FAILOVER_STATE_NEGOTIATION
	case sim.FailoverActive:
		return headendv1.FailoverState_FAILOVER_STATE_ACTIVE
	case sim.FailoverStandbyReady:
		return headendv1.FailoverState_FAILOVER_STATE_STANDBY_READY
	case sim.FailoverColdStandby:
		return headendv1.FailoverState_FAILOVER_STATE_COLD_STANDBY
	case sim.FailoverFailed:
		return headendv1.FailoverState_FAILOVER_STATE_FAILED
	case sim.FailoverDisabled:
		return headendv1.FailoverState_FAILOVER_STATE_NOT_DETECTED
	}
	return headendv1.FailoverState_FAILOVER_STATE_UNSPECIFIED
}
