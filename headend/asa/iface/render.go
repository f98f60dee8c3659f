package iface

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/config"
)

// This file renders the interfaces: `show interface`, `show interface ip
// brief` and `ping`, in the layouts of ASA 9.x; their configuration blocks
// are headend/asa/config's.

// RenderConfig is `show running-config interface [NAME]` of c on p: the
// blocks of every interface (name empty) or of one, each after a "!".
func RenderConfig(p *headend.Platform, c config.Config, name string) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	for _, n := range p.InterfaceNames() {
		if name == "" || n == name {
			line("!")
			config.InterfaceLines(c.Interface(n), line)
		}
	}
	return b.String()
}

// ifHardware is the "Hardware is" text of a port: the controller its family
// uses, with the port's speed. The controller names are those of real 5500
// and 5500-X outputs (i82574L for their copper and management ports,
// i82599_sfp for the 5585-X ten-gigabit ports, 88E6095 for the 5505 switch
// ports).
func ifHardware(name string) (hw string, mbps int, dly int) {
	switch {
	case strings.HasPrefix(name, "TenGigabitEthernet"):
		return "i82599_sfp rev01", 10000, 10
	case strings.HasPrefix(name, "Ethernet"):
		return "88E6095 rev 2", 100, 100
	}
	return "i82574L rev00", 1000, 10
}

// Show is `show interface [NAME]` of configuration c on the unit of
// platform p and serial number serial (name empty: every interface of
// the model that a configuration can name). Counters are zero: no packet
// crosses a simulated interface.
func Show(p *headend.Platform, serial string, c *config.Config, name string) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	for idx, f := range p.Hardware.Interfaces {
		if !f.Ext || f.Name == "Not used" || (name != "" && f.Name != name) {
			continue
		}
		i := c.Interface(f.Name)
		status, proto := "up", "up"
		if !i.Up {
			status, proto = "administratively down", "down"
		}
		line("Interface %s %q, is %s, line protocol is %s", f.Name, i.Nameif, status, proto)
		hw, mbps, dly := ifHardware(f.Name)
		line("  Hardware is %s, BW %d Mbps, DLY %d usec", hw, mbps, dly)
		if i.Up {
			line("\tAuto-Duplex(Full-duplex), Auto-Speed(%d Mbps)", mbps)
		} else {
			line("\tAuto-Duplex, Auto-Speed")
		}
		line("\tInput flow control is unsupported, output flow control is off")
		if i.Description != "" {
			line("\tDescription: %s", i.Description)
		}
		mac := f.MAC
		if mac == "" {
			mac = MAC(p, serial, idx)
		}
		if i.Nameif == "" {
			line("\tAvailable but not configured via nameif")
			line("\tMAC address %s, MTU not set", mac)
		} else {
			line("\tMAC address %s, MTU 1500", mac)
		}
		if i.Address.IsValid() {
			line("\tIP address %s, subnet mask %s", i.Address.Addr(), config.MaskString(i.Address.Bits()))
		} else {
			line("\tIP address unassigned")
		}
		for _, l := range ifCounters {
			line("\t%s", l)
		}
		if i.Nameif != "" {
			line("  Traffic Statistics for %q:", i.Nameif)
			for _, l := range ifTraffic {
				line("%s", l)
			}
		}
	}
	return b.String()
}

var (
	ifCounters = []string{
		"0 packets input, 0 bytes, 0 no buffer",
		"Received 0 broadcasts, 0 runts, 0 giants",
		"0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort",
		"0 pause input, 0 resume input",
		"0 L2 decode drops",
		"0 packets output, 0 bytes, 0 underruns",
		"0 pause output, 0 resume output",
		"0 output errors, 0 collisions, 0 interface resets",
		"0 late collisions, 0 deferred",
		"0 input reset drops, 0 output reset drops",
		"input queue (blocks free curr/low): hardware (0/0)",
		"output queue (blocks free curr/low): hardware (0/0)",
	}
	ifTraffic = []string{
		"\t0 packets input, 0 bytes",
		"\t0 packets output, 0 bytes",
		"\t0 packets dropped",
		"      1 minute input rate 0 pkts/sec,  0 bytes/sec",
		"      1 minute output rate 0 pkts/sec,  0 bytes/sec",
		"      1 minute drop rate, 0 pkts/sec",
		"      5 minute input rate 0 pkts/sec,  0 bytes/sec",
		"      5 minute output rate 0 pkts/sec,  0 bytes/sec",
		"      5 minute drop rate, 0 pkts/sec",
	}
)

// ShowIPBrief is `show interface ip brief` of c on p, in the columns of 9.x
// (Interface 27 wide, IP-Address 16, Method 7, Status 22, then Protocol
// padded to 4).
func ShowIPBrief(p *headend.Platform, c *config.Config) string {
	var b strings.Builder
	b.WriteString("Interface                  IP-Address      OK? Method Status                Protocol\n")
	names := p.InterfaceNames()
	slices.Sort(names)
	for _, n := range names {
		i := c.Interface(n)
		addr, method := "unassigned", "unset"
		if i.Address.IsValid() {
			addr, method = i.Address.Addr().String(), "CONFIG"
		}
		status, proto := "up", "up"
		if !i.Up {
			status, proto = "administratively down", "down"
		}
		fmt.Fprintf(&b, "%-27s%-16sYES %-7s%-22s%-4s\n", n, addr, method, status, proto)
	}
	return b.String()
}

// PingResult is how a ping ended.
type PingResult int

// Ping results.
const (
	PingReplied PingResult = iota // every echo answered
	PingTimeout                   // no answer: nobody holds the address
	PingNoRoute                   // the box has no interface to send from
)

// Ping is what `ping A.B.C.D` prints: five 100-byte echoes with a 2-second
// timeout, the defaults of the ASA's ping.
func Ping(target netip.Addr, r PingResult) string {
	var b strings.Builder
	b.WriteString("Type escape sequence to abort.\n")
	fmt.Fprintf(&b, "Sending 5, 100-byte ICMP Echos to %s, timeout is 2 seconds:\n", target)
	switch r {
	case PingReplied:
		b.WriteString("!!!!!\nSuccess rate is 100 percent (5/5), round-trip min/avg/max = 1/1/1 ms\n")
	case PingTimeout:
		b.WriteString("?????\nSuccess rate is 0 percent (0/5)\n")
	default:
		fmt.Fprintf(&b, "No route to host %s\n\nSuccess rate is 0 percent (0/1)\n", target)
	}
	return b.String()
}

// MAC derives a stable MAC address for interface i of the unit of
// platform p with serial number serial.
func MAC(p *headend.Platform, serial string, i int) string {
	v := (headend.Hash32(serial) + uint32(i)) & 0xffffff
	return fmt.Sprintf("%s%02x.%04x", p.Hardware.MACPrefix, v>>16, v&0xffff)
}
