package asa

import (
	"crypto/md5"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/asa/ssh"
	"github.com/asalab/asalab/headend/family"
)

// This file is the one renderer of the ASA text formats: the console, the
// gRPC API and the tests all print through it. Layouts follow the real
// outputs published with genieparser and ntc-templates; the licensed
// features block is headend/asa/license's.

// FormatUptime prints an uptime as `show version` does: the two largest
// units, "51 days 9 hours", "1 year 97 days", "4 mins 52 secs".
func FormatUptime(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	unit := func(n int64, name string) string {
		if n == 1 {
			return fmt.Sprintf("1 %s", name)
		}
		return fmt.Sprintf("%d %ss", n, name)
	}
	secs := int64(d / time.Second)
	const minute, hour, day, year = 60, 3600, 86400, 365 * 86400
	switch {
	case secs >= year:
		return unit(secs/year, "year") + " " + unit(secs%year/day, "day")
	case secs >= day:
		return unit(secs/day, "day") + " " + unit(secs%day/hour, "hour")
	case secs >= hour:
		return unit(secs/hour, "hour") + " " + unit(secs%hour/minute, "min")
	case secs >= minute:
		return unit(secs/minute, "min") + " " + unit(secs%minute, "sec")
	}
	return unit(secs, "sec")
}

// imageFile is the system image name for the platform's version. Real
// images up to 9.10 pack the release digits together and add the interim
// build after a dash (asa983-21-smp-k8.bin, asa992-32-lfbff-k8.SPA,
// asa825-k8.bin); from 9.12 every number is dashed
// (asa9-12-3-9-smp-k8.bin, asa9-14-2-14-smp-k8.bin), as public `show
// version` and `boot system` outputs show.
func imageFile(p *Platform, version string) string {
	release, interim, _ := strings.Cut(version, ")")
	major, rest, _ := strings.Cut(release, ".")
	minor, maint, _ := strings.Cut(rest, "(")
	sep := ""
	if p.Lines == Lines9x && major == "9" {
		if n, err := strconv.Atoi(minor); err == nil && n >= 12 {
			sep = "-"
		}
	}
	digits := major + sep + minor + sep + maint
	if interim != "" {
		digits += "-" + interim
	}
	return fmt.Sprintf(p.Hardware.Image, digits)
}

// ShowVersion renders `show version` at now.
func (d *Device) ShowVersion(now time.Time) string {
	return d.ShowVersionPaired(now, family.FailoverStatus{})
}

// ShowVersionPaired is `show version` on a unit of a failover pair as st
// tells it: while the pair is formed (st.Cluster), the "failover cluster
// up" line under the unit's uptime and the cluster license after its own,
// as a real pair prints them (license.WriteClusterBlock). The lab's
// cluster license has no days left per feature: its values print
// perpetual.
func (d *Device) ShowVersionPaired(now time.Time, st family.FailoverStatus) string {
	d.Advance(now)
	p := d.platform
	hw := &p.Hardware
	r := d.RunningLicense(now)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("")
	line("Cisco Adaptive Security Appliance Software Version %s", d.Version)
	line("Device Manager Version %s", d.DeviceManagerVersion())
	line("")
	line("Compiled on %s by builders", d.CompiledOn())
	line("System image file is \"%s\"", imageFile(p, d.Version))
	line("Config file at boot was \"startup-config\"")
	line("")
	line("%s up %s", d.Hostname(), FormatUptime(now.Sub(d.UpAt)))
	if st.Cluster != nil && !st.Since.IsZero() {
		line("failover cluster up %s", FormatUptime(now.Sub(st.Since)))
	}
	line("")
	line("Hardware:   %s", hw.Line)
	if d.Smart != nil {
		line("Model Id:   %s", p.Model)
	}
	if hw.ASALine != "" {
		line("            %s", hw.ASALine)
	}
	line("%s", hw.Flash)
	line("%s", hw.BIOS)
	line("")
	for i, c := range hw.Crypto {
		if i == 0 {
			line("Encryption hardware device : %s", c)
		} else {
			line("                             %s", c)
		}
	}
	if hw.BMC != "" {
		line("%s", hw.BMC)
		line("")
	}
	line("")
	first := 0
	if p.Family == FamilySmallX {
		first = 1
	}
	for i, f := range hw.Interfaces {
		kind := "Int"
		if f.Ext {
			kind = "Ext"
		}
		// The name is padded to 19 and followed by " :": a name as long
		// as "Internal-Control1/1" or longer keeps one space before the
		// colon ("TenGigabitEthernet0/8 : address is"), so that parsers
		// splitting on " : " read the name alone.
		if f.Name == "Not used" {
			line("%2d: %s: %-19s : irq %d", first+i, kind, f.Name, f.IRQ)
			continue
		}
		mac := f.MAC
		if mac == "" {
			mac = d.macFor(i)
		}
		line("%2d: %s: %-19s : address is %s, irq %d", first+i, kind, f.Name, mac, f.IRQ)
	}
	if d.Smart != nil {
		d.writeSmartVersion(&b, &r, now)
		return b.String()
	}
	if st.Cluster != nil {
		c := r
		c.LicensedFeatures, c.Days = *st.Cluster, [len(r.Days)]int{}
		c.Capped = nil
		license.WriteClusterBlock(&b, d.licensed(), &r, &c)
	} else {
		license.WriteBlock(&b, d.licensed(), &r)
	}
	line("Serial Number: %s", d.Serial)
	d.writeRunningKeys(&b)
	line("Configuration register is 0x1")
	switch p.Family {
	case Family5500X:
		line("")
		line("Image type          : Release")
		line("Key version         : A")
		line("")
	case FamilySmallX:
		line("Image type                : Release")
		line("Key Version               : A")
	}
	line("%s", d.lastModified())
	return b.String()
}

// writeRunningKeys writes the running permanent key and the active
// time-based keys.
func (d *Device) writeRunningKeys(b *strings.Builder) {
	fmt.Fprintf(b, "Running Permanent Activation Key: %s\n", license.PermWords(d.License.Running))
	for i := range d.License.Timed {
		if k := &d.License.Timed[i]; k.Active {
			fmt.Fprintf(b, "Running Timebased Activation Key: %s\n", k.Words)
		}
	}
}

// lastModified is the last line of `show version`.
func (d *Device) lastModified() string {
	if d.ModifiedAt.IsZero() {
		return "Configuration has not been modified since last system restart."
	}
	return fmt.Sprintf("Configuration last modified by %s at %s", d.ModifiedBy, d.ModifiedAt.UTC().Format("15:04:05.000 MST Mon Jan 2 2006"))
}

// ShowActivationKey renders `show activation-key [detail]` at now. detail
// adds the inactive time-based keys and, while a reload is pending, what the
// flash key will run after the reload (the real detail layout is unsure:
// no public output of it was found).
func (d *Device) ShowActivationKey(now time.Time, detail bool) string {
	d.Advance(now)
	p := d.licensed()
	r := d.RunningLicense(now)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("Serial Number: %s", d.Serial)
	d.writeRunningKeys(&b)
	license.WriteBlock(&b, p, &r)
	if d.License.ReloadPending() {
		line("The flash permanent activation key is DIFFERENT from the running permanent key.")
	} else {
		line("The flash permanent activation key is the SAME as the running permanent key.")
	}
	timed := func(title string, active bool) {
		started := false
		for i := range d.License.Timed {
			k := &d.License.Timed[i]
			if k.Active != active {
				continue
			}
			if !started {
				line("")
				line("%s", title)
				started = true
			}
			line("%s", k.Words)
			for _, l := range license.TimedLines(p, k.Features, k.DaysLeft(now)) {
				line("%s", l)
			}
		}
	}
	timed("Active Timebased Activation Key:", true)
	if detail {
		timed("Inactive Timebased Activation Key:", false)
		if d.License.ReloadPending() {
			fr := license.Permanent(p, license.PermFeatures(d.License.Flash))
			fr.VPNEncryptionNames = d.runs8x()
			line("")
			line("Flash Permanent Activation Key: %s", license.PermWords(d.License.Flash))
			line("")
			line("Licensed features for this platform:")
			for _, f := range license.FeatureLines(p, &fr) {
				line("%s", f)
			}
		}
	}
	return b.String()
}

// ConfigSection selects part of `show running-config`.
type ConfigSection int

// Sections of the configuration that can be shown alone.
const (
	SectionAll ConfigSection = iota
	SectionHostname
	SectionWebVPN
)

// RenderConfig prints a configuration as `show running-config` does; all adds
// the commands that are at their default (`show running-config all`).
// Passwords show as "*****".
func (d *Device) RenderConfig(c config.Config, section ConfigSection, all bool) string {
	return d.renderConfig(c, section, all, false)
}

// RenderSystemConfig prints a configuration as `more
// system:running-config` does: like `show running-config`, with the
// password hashes instead of "*****".
func (d *Device) RenderSystemConfig(c config.Config) string {
	return d.renderConfig(c, SectionAll, false, true)
}

func (d *Device) renderConfig(c config.Config, section ConfigSection, all, reveal bool) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	switch section {
	case SectionHostname:
		line("hostname " + c.Hostname)
		return b.String()
	case SectionWebVPN:
		config.WebVPNLines(c, all, line)
		return b.String()
	}
	line(": Saved")
	line("")
	line(":")
	line(": Serial Number: " + d.Serial)
	line(": Hardware:   " + d.platform.Hardware.Line)
	line(":")
	b.WriteString(d.configBody(c, all, reveal))
	sum := d.ConfigChecksum(c)
	line(fmt.Sprintf("Cryptochecksum:%x", sum[:]))
	line(": end")
	return b.String()
}

// ConfigChecksum is the MD5 the ASA reports as "Cryptochecksum" for c. It
// covers the password hashes, so that a changed password is a changed
// configuration (Ansible's save_when: modified compares checksums).
func (d *Device) ConfigChecksum(c config.Config) [16]byte {
	return md5.Sum([]byte(d.configBody(c, false, true)))
}

// configBody renders the commands between the header and the checksum.
func (d *Device) configBody(c config.Config, all, reveal bool) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line("ASA Version " + d.Version)
	line("!")
	line("hostname " + c.Hostname)
	if c.EnablePassword != "" {
		line("enable password " + config.Secret(c.EnablePassword, reveal))
	}
	d.smartConfigLines(&c, line)
	line("names")
	line("no mac-address auto")
	line("")
	line("!")
	for _, name := range d.platform.InterfaceNames() {
		config.InterfaceLines(c.Interface(name), line)
		line("!")
	}
	for _, l := range defaultConfigLines {
		if config.GrammarBefore(c, l, reveal, line) {
			continue
		}
		if l == "no failover" {
			l = c.Failover.EnableLine()
		}
		line(l)
		if l == "ftp mode passive" {
			if l := config.ClockLine(c); l != "" {
				line(l)
			}
			config.GrammarBefore(c, "pager", reveal, line)
			line(config.PagerLine(c))
			config.LoggingLines(c, line)
		}
		if l == c.Failover.EnableLine() {
			config.FailoverLines(&c, line)
			config.LicenseServerLines(&c, all, reveal, line)
		}
		if l == "telnet timeout 5" {
			ssh.WriteLines(d.Version, c.SSH, all, line)
		}
	}
	config.GrammarBefore(c, "webvpn", reveal, line)
	config.SessionDBLines(&c.VPN, line)
	config.WebVPNLines(c, all, line)
	config.GroupPolicyLines(&c.VPN, "", line)
	line("dynamic-access-policy-record DfltAccessPolicy")
	config.UserLines(c, all, reveal, line)
	config.GrammarBefore(c, "tail", reveal, line)
	for _, l := range defaultConfigTail {
		if config.GrammarBefore(c, l, reveal, line) {
			continue
		}
		if l == "prompt hostname context" {
			l = c.PromptLine()
		}
		line(l)
	}
	d.callHomeLines(&c, line)
	return b.String()
}

// The parts of a factory configuration the simulator does not act on.
var (
	defaultConfigLines = []string{
		"ftp mode passive",
		"no failover",
		"icmp unreachable rate-limit 1 burst-size 1",
		"no asdm history enable",
		"arp timeout 14400",
		"no arp permit-nonconnected",
		"timeout xlate 3:00:00",
		"timeout pat-xlate 0:00:30",
		"timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02",
		"user-identity default-domain LOCAL",
		"aaa authentication ssh console LOCAL",
		"no snmp-server location",
		"no snmp-server contact",
		"crypto ipsec security-association pmtu-aging infinite",
		"crypto ca trustpool policy",
		"telnet timeout 5",
		"console timeout 0",
		"threat-detection basic-threat",
		"threat-detection statistics access-list",
		"no threat-detection statistics tcp-intercept",
	}
	defaultConfigTail = []string{
		"!",
		"class-map inspection_default",
		" match default-inspection-traffic",
		"!",
		"prompt hostname context",
		"no call-home reporting anonymous",
	}
)

// WriteMemoryReport is what saving the running configuration reports after
// "Building configuration..." (`write memory`, `copy running-config
// startup-config`): the checksum of the startup configuration and the size of
// its text, as `show startup-config` prints it.
func (d *Device) WriteMemoryReport() []string {
	text := d.RenderConfig(d.Startup, SectionAll, false)
	sum := d.ConfigChecksum(d.Startup)
	return []string{
		fmt.Sprintf("Cryptochecksum: %x %x %x %x ", sum[0:4], sum[4:8], sum[8:12], sum[12:16]),
		"",
		fmt.Sprintf("%d bytes copied in 0.110 secs", len(text)),
	}
}
