package asa

import (
	"net/netip"
	"time"

	"github.com/asalab/asalab/headend/family"
)

// What the lab reads of a failover unit to pair it (family.FailoverLinks,
// family.FailoverAdmission).
var (
	_ family.FailoverLinks     = (*Device)(nil)
	_ family.FailoverAdmission = (*Device)(nil)
)

// FailoverLinks is the unit's failover links and key as configured.
func (d *Device) FailoverLinks() family.FailoverLinkConfig {
	f := &d.Running.Failover
	c := family.FailoverLinkConfig{Key: f.Key}
	addr := func(name string) family.FailoverLinkAddr {
		a := family.FailoverLinkAddr{Name: name}
		for _, ip := range f.IPs {
			if ip.Name == name {
				a.Active, a.Standby = ip.Address, ip.Standby
			}
		}
		return a
	}
	if f.LAN.Name != "" {
		c.LAN = addr(f.LAN.Name)
	}
	if f.Link.Name != "" {
		c.State = addr(f.Link.Name)
	}
	return c
}

// StandbyAddresses are the standby addresses (`ip address A M standby S`)
// of the interfaces up, named and addressed.
func (d *Device) StandbyAddresses() []netip.Addr {
	var out []netip.Addr
	for _, i := range d.Running.Interfaces {
		if i.Active() && i.Standby.IsValid() {
			out = append(out, i.Standby)
		}
	}
	return out
}

// ClusterAdmissionPolicy is the admission policy of the unit at now with
// the failover cluster license in place of its own: the same rules
// (AdmissionPolicy), with the cluster's peers and features.
func (d *Device) ClusterAdmissionPolicy(cluster family.LicensedFeatures, now time.Time) *Policy {
	d.Advance(now)
	r := d.RunningLicense(now)
	r.LicensedFeatures = cluster
	return d.policyOf(r)
}
