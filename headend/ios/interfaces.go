package ios

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
)

// ShowInterfaces is `show interfaces`, or one interface's block when name
// is set, in the IOS 15 layout the ntc-templates cisco_ios_show_interfaces
// parser reads. The lab moves no traffic, so the counters stay at zero; an
// interface not shut down is up, as in show ip interface brief.
func (d *Device) ShowInterfaces(name string) string {
	var b strings.Builder
	for i, f := range d.Running.Interfaces {
		if name != "" && f.Name != name {
			continue
		}
		state, proto := "up", "up"
		if f.Shutdown {
			state, proto = "administratively down", "down"
		}
		mac := d.mac(i)
		hw, media, duplex := "CN Gigabit Ethernet", "RJ45", "Full Duplex, 1Gbps"
		if d.hw.xe == xeCSR {
			hw, media, duplex = "CSR vNIC", "Virtual", "Full Duplex, 1000Mbps, link type is auto"
		}
		if f.Shutdown {
			duplex = "Auto-duplex, Auto Speed"
		}
		fmt.Fprintf(&b, "%s is %s, line protocol is %s \n", f.Name, state, proto)
		fmt.Fprintf(&b, "  Hardware is %s, address is %s (bia %s)\n", hw, mac, mac)
		if f.Description != "" {
			fmt.Fprintf(&b, "  Description: %s\n", f.Description)
		}
		if f.Address.IsValid() {
			fmt.Fprintf(&b, "  Internet address is %s\n", f.Address)
		}
		b.WriteString("  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec, \n" +
			"     reliability 255/255, txload 1/255, rxload 1/255\n" +
			"  Encapsulation ARPA, loopback not set\n" +
			"  Keepalive set (10 sec)\n")
		fmt.Fprintf(&b, "  %s, media type is %s\n", duplex, media)
		b.WriteString("  output flow-control is unsupported, input flow-control is unsupported\n" +
			"  ARP type: ARPA, ARP Timeout 04:00:00\n" +
			"  Last input never, output never, output hang never\n" +
			"  Last clearing of \"show interface\" counters never\n" +
			"  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0\n" +
			"  Queueing strategy: fifo\n" +
			"  Output queue: 0/40 (size/max)\n" +
			"  5 minute input rate 0 bits/sec, 0 packets/sec\n" +
			"  5 minute output rate 0 bits/sec, 0 packets/sec\n" +
			"     0 packets input, 0 bytes, 0 no buffer\n" +
			"     Received 0 broadcasts (0 IP multicasts)\n" +
			"     0 runts, 0 giants, 0 throttles \n" +
			"     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored\n" +
			"     0 watchdog, 0 multicast, 0 pause input\n" +
			"     0 packets output, 0 bytes, 0 underruns\n" +
			"     0 output errors, 0 collisions, 0 interface resets\n" +
			"     0 unknown protocol drops\n" +
			"     0 babbles, 0 late collision, 0 deferred\n" +
			"     0 lost carrier, 0 no carrier, 0 pause output\n" +
			"     0 output buffer failures, 0 output buffers swapped out\n")
	}
	return b.String()
}

// mac is the burned-in address of port i: the unit's serial picks a block
// under a Cisco OUI (c8:f9:f9), the ports number within it, so a router
// keeps its addresses across reloads.
func (d *Device) mac(i int) string {
	h := fnv.New32a()
	h.Write([]byte(d.Serial))
	n := h.Sum32()&0xffff00 | uint32(i)
	return fmt.Sprintf("c8f9.f9%02x.%04x", n>>16&0xff, n&0xffff)
}

// ShowIPInterface is `show ip interface [NAME]`: each interface's IP
// state. UNSURE: only the head of IOS's long per-interface list is
// printed, the lines Ansible's ios_facts and a student read (address,
// broadcast, MTU, access lists, proxy ARP).
func (d *Device) ShowIPInterface(name string) string {
	var b strings.Builder
	for _, f := range d.Running.Interfaces {
		if name != "" && f.Name != name {
			continue
		}
		state, proto := "up", "up"
		if f.Shutdown {
			state, proto = "administratively down", "down"
		}
		fmt.Fprintf(&b, "%s is %s, line protocol is %s\n", f.Name, state, proto)
		if !f.Address.IsValid() {
			b.WriteString("  Internet protocol processing disabled\n")
			continue
		}
		how := "non-volatile memory"
		if slices.Contains(d.Manual, f.Name) {
			how = "setup command"
		}
		fmt.Fprintf(&b, "  Internet address is %s\n", f.Address)
		b.WriteString("  Broadcast address is 255.255.255.255\n")
		fmt.Fprintf(&b, "  Address determined by %s\n", how)
		b.WriteString("  MTU is 1500 bytes\n" +
			"  Helper address is not set\n" +
			"  Directed broadcast forwarding is disabled\n" +
			"  Outgoing access list is not set\n" +
			"  Inbound  access list is not set\n" +
			"  Proxy ARP is enabled\n" +
			"  Local Proxy ARP is disabled\n" +
			"  Security level is default\n" +
			"  Split horizon is enabled\n")
	}
	return b.String()
}
