package asa

import (
	"net/netip"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/iface"
)

// The device's interfaces are headend/asa/iface's, on its platform and
// running configuration; these methods are the console's way to them.

// ResolveInterface finds the interface the user means (iface.Resolve).
func (d *Device) ResolveInterface(typed string) (string, error) {
	return iface.Resolve(d.platform, typed)
}

// SetNameif is `nameif NAME` (iface.SetNameif): it returns the ASA's INFO
// line when the interface gets its default security level.
func (d *Device) SetNameif(ifname, nameif string) (string, error) {
	return iface.SetNameif(&d.Running, ifname, nameif)
}

// ClearNameif is `no nameif`: the name goes, and the security level with it.
func (d *Device) ClearNameif(ifname string) { iface.ClearNameif(&d.Running, ifname) }

// SetSecurityLevel is `security-level N`, or `no security-level` with
// clear.
func (d *Device) SetSecurityLevel(ifname string, level int, clear bool) error {
	return iface.SetSecurityLevel(&d.Running, ifname, level, clear)
}

// SetShutdown is `shutdown` (true) or `no shutdown`.
func (d *Device) SetShutdown(ifname string, down bool) { iface.SetShutdown(&d.Running, ifname, down) }

// SetDescription is `description TEXT`; an empty text is `no
// description`.
func (d *Device) SetDescription(ifname, text string) { iface.SetDescription(&d.Running, ifname, text) }

// SetAddress is `ip address A M [standby S]` (iface.SetAddress).
func (d *Device) SetAddress(ifname string, addr, mask, standby netip.Addr) error {
	return iface.SetAddress(&d.Running, ifname, addr, mask, standby)
}

// ClearAddress is `no ip address`.
func (d *Device) ClearAddress(ifname string) { iface.ClearAddress(&d.Running, ifname) }

// RenderInterfaceConfig is `show running-config interface [NAME]` of c.
func (d *Device) RenderInterfaceConfig(c config.Config, name string) string {
	return iface.RenderConfig(d.platform, c, name)
}

// ShowInterface is `show interface [NAME]` (iface.Show).
func (d *Device) ShowInterface(name string) string {
	return iface.Show(d.platform, d.Serial, &d.Running, name)
}

// ShowInterfaceIPBrief is `show interface ip brief`.
func (d *Device) ShowInterfaceIPBrief() string { return iface.ShowIPBrief(d.platform, &d.Running) }

// PingResult is how a ping ended.
type PingResult = iface.PingResult

// Ping results.
const (
	PingReplied = iface.PingReplied // every echo answered
	PingTimeout = iface.PingTimeout // no answer: nobody holds the address
	PingNoRoute = iface.PingNoRoute // the box has no interface to send from
)

// Ping is what `ping A.B.C.D` prints (iface.Ping).
func Ping(target netip.Addr, r PingResult) string { return iface.Ping(target, r) }
