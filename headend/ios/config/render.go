package config

import (
	"fmt"
	"strings"
)

// The layout of `show running-config` is a 15.x ISR G2's (the real 2901
// and 2911 configurations kept in headend/ios/testdata): the header
// (Building configuration..., Current configuration : N bytes), `version`
// and the `service` lines, the hostname, boot markers, the secrets, the
// UDI line, users, interfaces with their duplex and speed, the vty line,
// and the webvpn blocks at the end, before `end`.

// Header is what the rendering needs beyond the configuration: the train
// of the software ("15.5") and the unit's UDI.
type Header struct {
	Train      string
	Module     string // the technology-package module: "c2900"
	PID        string
	Serial     string
	LastChange string // "! Last configuration change at ..." line, "" for none
}

// Body is the configuration as `show running-config` prints it after its
// "Current configuration" line, down to `end`.
func (c *Config) Body(h Header) string {
	var b strings.Builder
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	w("!")
	if h.LastChange != "" {
		w(h.LastChange, "!")
	}
	w("version "+h.Train,
		"service timestamps debug datetime msec",
		"service timestamps log datetime msec",
		"no service password-encryption",
		"!",
		"hostname "+c.Hostname,
		"!",
		"boot-start-marker",
		"boot-end-marker",
		"!",
		"!")
	if !c.NoLogBuffer && c.LogBuffer != 0 {
		w(fmt.Sprintf("logging buffered %d", c.LogBuffer))
	}
	if c.NoLogBuffer {
		w("no logging buffered")
	}
	if c.EnableSecret != "" {
		w("enable secret 5 " + c.EnableSecret)
	}
	w("!", "no aaa new-model", "!", "!", "!", "!", "!")
	if c.DomainName != "" {
		w("ip domain name " + c.DomainName)
	}
	w("ip cef", "no ipv6 cef", "!", "multilink bundle-name authenticated", "!", "!", "!")
	w(fmt.Sprintf("license udi pid %s sn %s", h.PID, h.Serial))
	for _, p := range c.BootPackages {
		w(fmt.Sprintf("license boot module %s technology-package %s", h.Module, p))
	}
	if c.BootLevel != "" {
		w("license boot level " + c.BootLevel)
	}
	if c.ThroughputMB != 0 {
		w(fmt.Sprintf("platform hardware throughput level MB %d", c.ThroughputMB))
	}
	w("!", "!")
	for _, u := range c.Users {
		// The default privilege, 1, is not printed.
		line := "username " + u.Name
		if u.Privilege != 1 {
			line += fmt.Sprintf(" privilege %d", u.Privilege)
		}
		if u.Secret != "" {
			line += " secret 5 " + u.Secret
		} else {
			line += " password 0 " + u.Password
		}
		w(line)
	}
	w("!", "redundancy", "!", "!", "!", "!")
	for _, p := range c.IKEv2Proposals {
		w("crypto ikev2 proposal " + p.Name)
		for _, l := range [][2]string{{" encryption ", p.Encryption}, {" integrity ", p.Integrity}, {" group ", p.Group}} {
			if l[1] != "" {
				w(l[0] + l[1])
			}
		}
		w("!")
	}
	for _, p := range c.IKEv2Policies {
		w("crypto ikev2 policy " + p.Name)
		if p.Proposal != "" {
			w(" proposal " + p.Proposal)
		}
		w("!")
	}
	for _, p := range c.IKEv2Profiles {
		w("crypto ikev2 profile " + p.Name)
		if p.MatchRemote != "" {
			w(" match identity remote " + p.MatchRemote)
		}
		if p.AuthRemote != "" {
			w(" authentication remote " + p.AuthRemote)
		}
		if p.AuthLocal != "" {
			w(" authentication local " + p.AuthLocal)
		}
		if p.Trustpoint != "" {
			w(" pki trustpoint " + p.Trustpoint)
		}
		if p.VirtualTemplate != 0 {
			w(fmt.Sprintf(" virtual-template %d", p.VirtualTemplate))
		}
		w("!")
	}
	w("!")
	for _, f := range c.Interfaces {
		if f.Tunnel {
			renderTemplate(w, f)
			continue
		}
		w("interface " + f.Name)
		renderAddressing(w, f)
		w(" duplex auto", " speed auto", "!")
	}
	w("ip forward-protocol nd", "!", "no ip http server", "no ip http secure-server", "!", "!", "!", "!",
		"control-plane", "!", "!", "line con 0", "line aux 0", "line 2",
		" no activation-character", " no exec", " transport preferred none", " transport output pad telnet rlogin lapb-ta mop udptn v120 ssh",
		" stopbits 1", "line vty 0 4")
	switch c.VTY.ExecTimeout {
	case 0:
	case NoExecTimeout:
		w(" exec-timeout 0 0")
	default:
		w(fmt.Sprintf(" exec-timeout %d 0", c.VTY.ExecTimeout))
	}
	if c.VTY.LoginLocal {
		w(" login local")
	} else {
		w(" login")
	}
	if c.VTY.Transport != "" {
		w(" transport input " + c.VTY.Transport)
	}
	w("!", "scheduler allocate 20000 1000", "!")
	for _, g := range c.Gateways {
		w("webvpn gateway " + g.Name)
		if g.Address.IsValid() {
			w(fmt.Sprintf(" ip address %s port %d", g.Address, g.port()))
		}
		if g.InService {
			w(" inservice")
		}
		w(" !")
	}
	for _, x := range c.Contexts {
		w("webvpn context " + x.Name)
		if x.Gateway != "" {
			w(" gateway " + x.Gateway)
		}
		if x.InService {
			w(" inservice")
		}
		w("!")
	}
	w("end")
	return b.String()
}

// port is the gateway's port, 443 unless configured.
func (g Gateway) port() int {
	if g.Port == 0 {
		return 443
	}
	return g.Port
}

// PortInUse is the port the gateway listens on.
func (g Gateway) PortInUse() int { return g.port() }

// maskOf is the dotted netmask of a prefix length.
func maskOf(bits int) string {
	v := ^uint32(0) << (32 - bits)
	if bits == 0 {
		v = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", v>>24, v>>16&0xff, v>>8&0xff, v&0xff)
}

// Mask is the dotted netmask of a prefix length.
func Mask(bits int) string { return maskOf(bits) }

// Running is `show running-config`: the building line, the size of the
// body and the body.
func (c *Config) Running(h Header) string {
	body := c.Body(h)
	return fmt.Sprintf("Building configuration...\n\nCurrent configuration : %d bytes\n%s", len(body), body)
}

// Startup is `show startup-config`: the NVRAM header (IOS prints "Using N
// out of 262136 bytes" for the 256K NVRAM of an ISR G2) and the body.
func (c *Config) Startup(h Header, nvramUpdated string) string {
	h.LastChange = nvramUpdated
	body := c.Body(h)
	return fmt.Sprintf("Using %d out of 262136 bytes\n%s", len(body), body)
}

// renderTemplate prints a virtual template as IOS 15 does: with its type
// and without duplex or speed, which a tunnel does not have.
func renderTemplate(w func(...string), f Interface) {
	w("interface " + f.Name + " type tunnel")
	renderAddressing(w, f)
	w("!")
}

// renderAddressing prints the lines an Ethernet port and a virtual
// template share: description, address and shutdown.
func renderAddressing(w func(...string), f Interface) {
	if f.Description != "" {
		w(" description " + f.Description)
	}
	if f.Address.IsValid() {
		w(fmt.Sprintf(" ip address %s %s", f.Address.Addr(), maskOf(f.Address.Bits())))
	} else {
		w(" no ip address")
	}
	if f.Shutdown {
		w(" shutdown")
	}
}
