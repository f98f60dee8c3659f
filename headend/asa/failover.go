package asa

import (
	"net/netip"
	"time"

	"github.com/asalab/asalab/headend/asa/failover"
	"github.com/asalab/asalab/headend/family"
)

// The device's failover lines and `show failover` are headend/asa/failover's,
// on its platform and running configuration; these methods are the
// console's way to them.

// SetFailoverPolltime is `failover polltime [unit|interface] POLL
// [holdtime HOLD]` (failover.SetPolltime); a zero poll is the `no` form.
func (d *Device) SetFailoverPolltime(iface bool, poll, hold int) error {
	return failover.SetPolltime(&d.Running, iface, poll, hold)
}

// SetFailoverUnit is `failover lan unit primary|secondary`; "" is the
// `no` form.
func (d *Device) SetFailoverUnit(unit string) { d.Running.Failover.Unit = unit }

// SetFailoverLAN is `failover lan interface NAME PHYSICAL-IF`.
func (d *Device) SetFailoverLAN(name, ifname string) error {
	return failover.SetLAN(&d.Running, name, ifname)
}

// ClearFailoverLAN is `no failover lan interface`.
func (d *Device) ClearFailoverLAN() { failover.ClearLAN(&d.Running) }

// SetFailoverLink is `failover link NAME [PHYSICAL-IF]` (failover.SetLink).
func (d *Device) SetFailoverLink(name, ifname string) error {
	return failover.SetLink(&d.Running, name, ifname)
}

// ClearFailoverLink is `no failover link`.
func (d *Device) ClearFailoverLink() { failover.ClearLink(&d.Running) }

// SetFailoverIP is `failover interface ip NAME A M standby S`
// (failover.SetIP).
func (d *Device) SetFailoverIP(name string, addr, mask, standby netip.Addr) error {
	return failover.SetIP(&d.Running, name, addr, mask, standby)
}

// ClearFailoverIP is `no failover interface ip NAME ...`; it reports
// whether NAME had an address.
func (d *Device) ClearFailoverIP(name string) bool { return failover.ClearIP(&d.Running, name) }

// SetFailoverKey is `failover key SECRET`; "" is the `no` form.
func (d *Device) SetFailoverKey(key string) error { return failover.SetKey(&d.Running, key) }

// SetFailoverReplicationHTTP is `[no] failover replication http`.
func (d *Device) SetFailoverReplicationHTTP(on bool) { d.Running.Failover.ReplicationHTTP = on }

// ShowFailover renders `show failover` of a standalone unit
// (failover.ShowOff).
func (d *Device) ShowFailover() string { return failover.ShowOff(d.platform, &d.Running) }

// ShowFailoverStatus renders `show failover` on a unit whose pair the lab
// describes in st, at now (failover.ShowStatus).
func (d *Device) ShowFailoverStatus(st family.FailoverStatus, now time.Time) string {
	return failover.ShowStatus(d.platform, d.Version, d.Serial, &d.Running, st, now)
}

// ShowFailoverState renders `show failover state` of the unit whose pair
// the lab describes in st (failover.ShowState).
func (d *Device) ShowFailoverState(st family.FailoverStatus) string {
	return failover.ShowState(&d.Running, st)
}

// ShowFailoverInterface renders `show failover interface`
// (failover.ShowInterface).
func (d *Device) ShowFailoverInterface() string { return failover.ShowInterface(&d.Running) }
