package ios

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/asav"
)

// The IOS XE `show version` follows a real CSR1000V on IOS XE 16.9.1
// (testdata/SOURCES.md): the two version lines, the GPL notice, "ROM:
// IOS-XE ROMMON", the control processor's uptime, "bootflash:packages.conf",
// the license level lines and the virtual hardware. The ASR 1001-X prints
// the same layout with its own software and processor names (UNSURE:
// no 16.x ASR capture; the 3.x ASR1001 capture of the ntc-templates
// samples has the same license and memory lines).
const gplNotice = `Cisco IOS-XE software, Copyright (c) 2005-2020 by cisco Systems, Inc.
All rights reserved.  Certain components of Cisco IOS-XE software are
licensed under the GNU General Public License ("GPL") Version 2.0.  The
software code licensed under GPL Version 2.0 is free software that comes
with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such
GPL code under the terms of GPL Version 2.0.  For more details, see the
documentation or "License Notice" file accompanying the IOS-XE software,
or the applicable URL provided on the flyer accompanying the IOS-XE
software.
`

// xeShort is the IOS version of an IOS XE release: "16.9.5" of
// "16.09.05".
func xeShort(v string) string {
	p := strings.Split(v, ".")
	for i := range p {
		t := strings.TrimLeft(p[i], "0")
		if t == "" || t[0] < '0' || t[0] > '9' {
			t = "0" + t
		}
		p[i] = t
	}
	return strings.Join(p, ".")
}

// xeTrainName is Cisco's name of an IOS XE train.
func xeTrainName(v string) string {
	var major, minor int
	_, _ = fmt.Sscanf(v, "%d.%d", &major, &minor)
	switch {
	case major == 16 && minor <= 4:
		return "Denali"
	case major == 16 && minor <= 8:
		return "Everest"
	case major == 16 && minor == 9:
		return "Fuji"
	case major == 16:
		return "Gibraltar"
	case minor <= 3:
		return "Amsterdam"
	case minor <= 6:
		return "Bengaluru"
	}
	return "Cupertino"
}

// xeLicenseLines are the license lines of `show version`. UNSURE: "Smart
// License" once the agent is authorized; the real sample shows
// "Default. No valid license found." for a CSR not licensed.
func (d *Device) xeLicenseLines() string {
	if d.IsASR() {
		typ := "Permanent Right-To-Use"
		if !d.RTUActive("ipsec") {
			typ = "Default. No valid license found."
		}
		return fmt.Sprintf("License Level: adventerprise\nLicense Type: %s\nNext reload license Level: adventerprise\n", typ)
	}
	typ := "Default. No valid license found."
	if _, authz := d.XE.Smart.StatesAsk(d.ask()); authz == asav.StatusAuthorized || authz == asav.StatusOutOfCompliance {
		typ = "Smart License"
	}
	next := d.Startup.BootLevel
	if next == "" {
		next = DefaultCSRLevel
	}
	return fmt.Sprintf("License Level: %s\nLicense Type: %s\nNext reload license Level: %s\n", d.XE.Level, typ, next)
}

// showVersionXE is `show version` of an IOS XE router at now.
func (d *Device) showVersionXE(now time.Time) string {
	var b strings.Builder
	sw, image, proc := "Virtual XE", "bootflash:packages.conf", "cisco CSR1000V (VXE) processor (revision VXE)"
	if d.IsASR() {
		sw, image, proc = "ASR1000", "bootflash:asr1001x-universalk9."+d.Version+".SPA.bin", "cisco ASR1001-X (1NG) processor (revision 1NG)"
	}
	fmt.Fprintf(&b, "Cisco IOS XE Software, Version %s\n", d.Version)
	fmt.Fprintf(&b, "Cisco IOS Software [%s], %s Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version %s, RELEASE SOFTWARE (fc2)\n", xeTrainName(d.Version), sw, xeShort(d.Version))
	b.WriteString("Technical Support: http://www.cisco.com/techsupport\n")
	b.WriteString("Copyright (c) 1986-2020 by Cisco Systems, Inc.\n")
	b.WriteString("Compiled Thu 30-Jan-20 18:48 by mcpre\n\n\n")
	b.WriteString(gplNotice + "\n\n")
	b.WriteString("ROM: IOS-XE ROMMON\n\n")
	up := uptime(now.Sub(d.UpAt))
	fmt.Fprintf(&b, "%s uptime is %s\n", d.Running.Hostname, up)
	fmt.Fprintf(&b, "Uptime for this control processor is %s\n", up)
	if d.Boots == 0 {
		b.WriteString("System returned to ROM by power-on\n")
	} else {
		b.WriteString("System returned to ROM by reload\n")
	}
	fmt.Fprintf(&b, "System image file is \"%s\"\n", image)
	if d.Boots == 0 {
		b.WriteString("Last reload reason: power-on\n")
	} else {
		b.WriteString("Last reload reason: Reload Command\n")
	}
	b.WriteString("\n\n\n" + cryptoNotice + "\n")
	b.WriteString(d.xeLicenseLines() + "\n")
	fmt.Fprintf(&b, "%s with %s bytes of memory.\n", proc, d.hw.memory)
	fmt.Fprintf(&b, "Processor board ID %s\n", d.Serial)
	fmt.Fprintf(&b, "%d Gigabit Ethernet interfaces\n", d.hw.ports)
	b.WriteString("32768K bytes of non-volatile configuration memory.\n")
	b.WriteString("3018864K bytes of physical memory.\n")
	fmt.Fprintf(&b, "%dK bytes of virtual hard disk at bootflash:.\n", d.hw.flashKB)
	b.WriteString("0K bytes of WebUI ODM Files at webui:.\n\n")
	b.WriteString("Configuration register is 0x2102\n")
	return b.String()
}
