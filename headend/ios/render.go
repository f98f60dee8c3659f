package ios

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/headend/ios/config"
)

// The `show` outputs of an ISR G2 on IOS 15.x, laid out as the real ones
// kept in testdata/ (their sources named there) and as the ntc-templates
// cisco_ios parsers read them.

// clockStamp is the lab time as IOS prints a time of day: the router has
// no NTP server, so the time is not authoritative and IOS marks it with
// '*'.
func clockStamp(t time.Time) string {
	return "*" + t.UTC().Format("15:04:05.000 MST Mon Jan 2 2006")
}

// eventStamp is a date as "Last configuration change at" and "System
// restarted at" print it.
func eventStamp(t time.Time) string { return t.UTC().Format("15:04:05 MST Mon Jan 2 2006") }

// logStamp is a log message's timestamp (`service timestamps log datetime
// msec`), '*' for a clock that is not authoritative.
func logStamp(t time.Time) string { return "*" + t.UTC().Format("Jan _2 15:04:05.000") }

// ShowClock is `show clock`.
func ShowClock(now time.Time) string { return clockStamp(now) + "\n" }

// ShowPrivilege is `show privilege`.
func ShowPrivilege(level int) string { return fmt.Sprintf("Current privilege level is %d\n", level) }

// uptime is IOS's "1 year, 2 weeks, 3 days, 4 hours, 5 minutes": the
// units that are not zero, minutes always.
func uptime(d time.Duration) string {
	m := int(d / time.Minute)
	parts := []struct {
		n    int
		unit string
	}{
		{m / (365 * 24 * 60), "year"}, {m % (365 * 24 * 60) / (7 * 24 * 60), "week"},
		{m % (7 * 24 * 60) / (24 * 60), "day"}, {m % (24 * 60) / 60, "hour"},
	}
	var out []string
	for _, p := range parts {
		if p.n > 0 {
			out = append(out, plural(p.n, p.unit))
		}
	}
	out = append(out, plural(m%60, "minute"))
	return strings.Join(out, ", ")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

const cryptoNotice = `This product contains cryptographic features and is subject to United
States and local country laws governing import, export, transfer and
use. Delivery of Cisco cryptographic products does not imply
third-party authority to import, export, distribute or use encryption.
Importers, exporters, distributors and users are responsible for
compliance with U.S. and local country laws. By using this product you
agree to comply with applicable laws and regulations. If you are unable
to comply with U.S. and local laws, return this product immediately.

A summary of U.S. laws governing Cisco cryptographic products may be found at:
http://www.cisco.com/wwl/export/crypto/tool/stqrg.html

If you require further assistance please contact us by sending email to
export@cisco.com.
`

// ShowVersion is `show version` at now.
func (d *Device) ShowVersion(now time.Time) string {
	if d.IsXE() {
		return d.showVersionXE(now)
	}
	var b strings.Builder
	hw := d.hw
	fmt.Fprintf(&b, "Cisco IOS Software, %s Software (%s-UNIVERSALK9-M), Version %s, RELEASE SOFTWARE (fc1)\n", hw.series, hw.series, d.Version)
	b.WriteString("Technical Support: http://www.cisco.com/techsupport\n")
	b.WriteString("Copyright (c) 1986-2015 by Cisco Systems, Inc.\n")
	b.WriteString("Compiled Thu 23-Jul-15 03:08 by prod_rel_team\n\n")
	b.WriteString("ROM: System Bootstrap, Version 15.0(1r)M16, RELEASE SOFTWARE (fc1)\n\n")
	fmt.Fprintf(&b, "%s uptime is %s\n", d.Running.Hostname, uptime(now.Sub(d.UpAt)))
	if d.Boots == 0 {
		b.WriteString("System returned to ROM by power-on\n")
	} else {
		fmt.Fprintf(&b, "System returned to ROM by reload at %s\n", eventStamp(d.BootedAt))
	}
	fmt.Fprintf(&b, "System restarted at %s\n", eventStamp(d.UpAt))
	fmt.Fprintf(&b, "System image file is \"flash0:%s\"\n", hw.imageFile(d.Version))
	b.WriteString("Last reload type: Normal Reload\n")
	if d.Boots == 0 {
		b.WriteString("Last reload reason: power-on\n")
	} else {
		b.WriteString("Last reload reason: Reload Command\n")
	}
	b.WriteString("\n\n\n" + cryptoNotice + "\n")
	fmt.Fprintf(&b, "Cisco %s (revision 1.0) with %s bytes of memory.\n", hw.pid, hw.memory)
	fmt.Fprintf(&b, "Processor board ID %s\n", d.Serial)
	fmt.Fprintf(&b, "%d Gigabit Ethernet interfaces\n", hw.ports)
	b.WriteString("1 terminal line\n1 Virtual Private Network (VPN) Module\n")
	b.WriteString("DRAM configuration is 64 bits wide with parity enabled.\n")
	b.WriteString("255K bytes of non-volatile configuration memory.\n")
	fmt.Fprintf(&b, "%dK bytes of ATA System CompactFlash 0 (Read/Write)\n\n\n", hw.flashKB)
	b.WriteString("License Info:\n\nLicense UDI:\n\n")
	b.WriteString("-------------------------------------------------\n")
	b.WriteString("Device#\t  PID\t\tSN\n")
	b.WriteString("-------------------------------------------------\n")
	fmt.Fprintf(&b, "*0  \t  %-22s%-16s\n\n\n\n", hw.pid, d.Serial)
	if t := d.License.TechnologyTable(now); t != "" {
		b.WriteString(strings.TrimRight(t, "\n") + "\n\n")
	}
	b.WriteString("Configuration register is 0x2102\n")
	return b.String()
}

// ShowInventory is `show inventory`: the chassis, with its PID, version ID
// and serial number.
func (d *Device) ShowInventory() string {
	return fmt.Sprintf("NAME: \"%s chassis\", DESCR: \"%s chassis\"\nPID: %-18s, VID: V07 , SN: %s\n\n", d.hw.pid, d.hw.pid, d.hw.pid, d.Serial)
}

// ShowIPInterfaceBrief is `show ip interface brief`. An address the saved
// configuration gave at boot shows Method NVRAM, one typed since (saved
// or not) manual;
// an interface without one unset. An interface that is not shut down is
// up: the lab network has no cables to pull.
func (d *Device) ShowIPInterfaceBrief() string {
	var b strings.Builder
	b.WriteString("Interface                  IP-Address      OK? Method Status                Protocol\n")
	for _, f := range d.Running.Interfaces {
		addr, method := "unassigned", "unset "
		if f.Address.IsValid() {
			addr, method = f.Address.Addr().String(), "NVRAM "
			if slices.Contains(d.Manual, f.Name) {
				method = "manual"
			}
		}
		status, proto := "up", "up"
		if f.Shutdown {
			status, proto = "administratively down", "down"
		} else if f.Tunnel {
			// A virtual template carries no traffic itself: the
			// virtual-access interfaces cloned from it do.
			proto = "down"
		}
		fmt.Fprintf(&b, "%-26s %-15s YES %s %-21s %s\n", f.Name, addr, method, status, proto)
	}
	return b.String()
}

// ShowLogging is `show logging`: the logging settings, then the buffer:
// the router's own messages and the refusal lines of its admission state a
// (nil: none), oldest first.
func (d *Device) ShowLogging(a *admission.Admission) string {
	entries, logged := d.LogEntries()
	if a != nil && !d.Running.NoLogBuffer {
		entries, logged = d.withRefusals(entries, logged, a)
	}
	var b strings.Builder
	b.WriteString("Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)\n\n")
	b.WriteString("No Active Message Discriminator.\n\n\n\nNo Inactive Message Discriminator.\n\n\n")
	fmt.Fprintf(&b, "    Console logging: level debugging, %d messages logged, xml disabled,\n                     filtering disabled\n", logged)
	b.WriteString("    Monitor logging: level debugging, 0 messages logged, xml disabled,\n                     filtering disabled\n")
	if d.Running.NoLogBuffer {
		b.WriteString("    Buffer logging:  disabled, xml disabled,\n                    filtering disabled\n")
	} else {
		fmt.Fprintf(&b, "    Buffer logging:  level debugging, %d messages logged, xml disabled,\n                    filtering disabled\n", logged)
	}
	b.WriteString("    Exception Logging: size (4096 bytes)\n    Count and timestamp logging messages: disabled\n    Persistent logging: disabled\n\n")
	b.WriteString("No active filter modules.\n\n")
	fmt.Fprintf(&b, "    Trap logging: level informational, %d message lines logged\n        Logging Source-Interface:       VRF Name:\n\n", logged)
	if d.Running.NoLogBuffer {
		return b.String()
	}
	fmt.Fprintf(&b, "Log Buffer (%d bytes):\n\n", d.Running.LogBufferSize())
	for _, e := range entries {
		fmt.Fprintf(&b, "%s: %s\n", logStamp(e.Time), e.Msg)
	}
	return b.String()
}

// header is what the configuration outputs print besides the
// configuration.
func (d *Device) header() config.Header {
	t := train(d.Version)
	if d.IsXE() {
		t = xeTrain(d.Version)
	}
	h := config.Header{Train: t, Module: d.License.Module, PID: d.hw.pid, Serial: d.Serial,
		LastChange: "! No configuration change since last restart"}
	if d.ChangedBy != "" {
		h.LastChange = fmt.Sprintf("! Last configuration change at %s by %s", eventStamp(d.ChangedAt), d.ChangedBy)
	}
	return h
}

// ShowRunningConfig is `show running-config`.
func (d *Device) ShowRunningConfig() string { return d.Running.Running(d.header()) }

// ShowStartupConfig is `show startup-config`; "startup-config is not
// present" cannot happen: a new unit has its factory configuration saved.
func (d *Device) ShowStartupConfig() string {
	h := d.header()
	saved := h.LastChange
	if d.SavedBy != "" {
		saved += fmt.Sprintf("\n! NVRAM config last updated at %s by %s", eventStamp(d.SavedAt), d.SavedBy)
	}
	return d.Startup.Startup(h, saved)
}

// withRefusals merges the refusal lines the admission state kept (the
// admission path writes them to a ring, unrendered, without locks) into
// the buffer's messages by time, the router's own first at the same
// second, and keeps the newest that fit the buffer as logf does. A refusal
// without a line (IPsec, phone) logs nothing; logged counts those the
// ring no longer holds as logged.
func (d *Device) withRefusals(own []family.LogEntry, logged int, a *admission.Admission) ([]family.LogEntry, int) {
	refusals, n := a.Refusals()
	out := slices.Clone(own)
	for _, r := range refusals {
		if r.Logoff {
			continue
		}
		if msg := refusalLine(r.Reason, r.Kind); msg != "" {
			out = append(out, family.LogEntry{Time: r.At, Msg: msg})
			logged++
		}
	}
	logged += int(n) - len(refusals)
	slices.SortStableFunc(out, func(x, y family.LogEntry) int { return x.Time.Compare(y.Time) })
	size, keep := 0, 0
	for i := len(out) - 1; i >= 0 && keep < maxLog; i-- {
		size += len(out[i].Msg) + len("*Nov 30 10:41:25.123: \n")
		if size > d.Running.LogBufferSize() && keep > 0 {
			break
		}
		keep++
	}
	return out[len(out)-keep:], logged
}
