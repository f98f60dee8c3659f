// Package hardware is what an ASA reports of its box: `show inventory`
// (chassis, power supplies and storage, with serials derived from the
// unit's), `dir` of its flash (the system and ASDM images, the directories
// the ASA creates, the room the startup configuration takes) and `show
// memory`. Layouts follow real ASA outputs that the ntc-templates project
// parses; figures a real output does not give are derived from the catalog
// and marked as our choice. It is pure logic on a platform.
package hardware

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
)

// derivedSerial makes a stable serial for a part of the box other than the
// one licensed (power supply, chassis of a 5585-X): plant code, year/week
// digits and four alphanumerics, from the unit's serial and the part.
func derivedSerial(plant, serial, part string) string {
	const alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	v := headend.Hash32(serial + "/" + part)
	b := []byte(fmt.Sprintf("%s%04d", plant, 1000+v%9000))
	for i := 0; i < 4; i++ {
		b = append(b, alnum[v%uint32(len(alnum))])
		v = v/uint32(len(alnum)) + uint32(i)*7919
	}
	return string(b)
}

type inventoryItem struct {
	name, descr, pid, vid, sn string
}

// inventory lists what `show inventory` prints for the device: the chassis
// first, with the licensed serial, then power supplies or storage. The 5515-X
// and 5506-X entries are the real ones; the 5545-X and 5555-X entries follow
// a real 5555-X (genieparser's ShowInventory golden output: a chassis
// without ", AC", one "power supply 1" and a Micron SSD; serials, the power
// supply's PID and the SSD's model number are masked there, so the serials
// are derived and the PID and model number are our choice); the other
// models follow their family with their own names (our choice, not
// verified).
func inventory(p *headend.Platform, serial string) []inventoryItem {
	num := strings.TrimPrefix(p.Model, "ASA")
	ports := 0
	for _, f := range p.Hardware.Interfaces {
		if f.Ext && strings.HasPrefix(f.Name, "GigabitEthernet") {
			ports++
		}
	}
	psu := func(i int, descr, pid, vid string) inventoryItem {
		name := "power supply"
		if i >= 0 {
			name = fmt.Sprintf("power supply %d", i)
		}
		return inventoryItem{name, descr, pid, vid, derivedSerial("DTN", serial, name)}
	}
	switch p.Family {
	case headend.Family5500X:
		if strings.HasPrefix(p.Model, "ASA5585") {
			ssp := strings.TrimPrefix(p.Model, "ASA5585-SSP")
			return []inventoryItem{
				{"Chassis", "ASA 5585-X", "ASA5585", "V02", derivedSerial("JMX", serial, "chassis")},
				{"slot:0", fmt.Sprintf("ASA 5585-X SSP-%s, 2 SFP+ 10GE, 6 GE, 2 GE Mgmt, AC", ssp), "ASA5585-SSP-" + ssp, "V02", serial},
				psu(0, "ASA 5585-X AC Power Supply", "ASA5585-PWR-AC", "V01"),
				psu(1, "ASA 5585-X AC Power Supply", "ASA5585-PWR-AC", "V01"),
			}
		}
		switch p.Model {
		case "ASA5545", "ASA5555":
			return []inventoryItem{
				{"Chassis", fmt.Sprintf("ASA %s-X with SW, %d GE Data, 1 GE Mgmt", num, ports), p.Model, "V01", serial},
				psu(1, "ASA 5545-X/5555-X AC Power Supply", "ASA-PWR-AC", "N/A"),
				{"Storage Device 1", "Micron 128 GB SSD MLC, Model Number: Micron_M550_MTFDDAK128MAY", "N/A", "N/A", derivedSerial("MSA", serial, "ssd")},
			}
		}
		items := []inventoryItem{{"Chassis", fmt.Sprintf("ASA %s-X with SW, %d GE Data, 1 GE Mgmt, AC", num, ports), p.Model, "V03", serial}}
		return append(items, psu(-1, "ASA/IPS 180W AC Power Supply", "ASA-180W-PWR-AC", "V01"))
	case headend.FamilySmallX:
		return []inventoryItem{
			{"Chassis", fmt.Sprintf("ASA %s-X with FirePOWER services, %dGE, AC, DES", num, ports), p.Model, "V01", serial},
			{"Storage Device 1", fmt.Sprintf("ASA %s-X SSD", num), p.Model + "-SSD", "N/A", derivedSerial("MSA", serial, "ssd")},
		}
	}
	return []inventoryItem{{"Chassis", "ASA " + num + " Adaptive Security Appliance", p.Model, "V02", serial}}
}

// ShowInventory renders `show inventory` of the unit of platform p and
// serial number serial.
func ShowInventory(p *headend.Platform, serial string) string {
	var b strings.Builder
	for i, it := range inventory(p, serial) {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "Name: %q, DESCR: %q\n", it.name, it.descr)
		fmt.Fprintf(&b, "PID: %-18s, VID: %-8s, SN: %s\n", it.pid, it.vid, it.sn)
	}
	return b.String()
}

// noSuchFile ends the ASA's error for a path the flash does not hold.
const noSuchFile = "No such file or directory"

// dirEntry is one line of `dir`.
type dirEntry struct {
	id   int
	dir  bool
	size int64
	at   time.Time
	name string
}

var mbRe = regexp.MustCompile(`(\d+)MB`)

// flashBytes is the capacity `dir` reports: the flash of the Hardware
// section less what its file system keeps (our choice: 7/8 of it, as the
// real 8000MB flash of a 5506-X reports 7365472256 bytes).
func flashBytes(p *headend.Platform) int64 {
	mb := int64(128)
	if m := mbRe.FindStringSubmatch(p.Hardware.Flash); m != nil {
		mb, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return (mb * 1024 * 1024 * 7 / 8) &^ 4095
}

// asdmFile is the ASDM image of the Device Manager version: 7.16(1)150 is
// asdm-7161-150.bin, 7.1(7) asdm-717.bin.
func asdmFile(v string) string {
	main, build, _ := strings.Cut(v, ")")
	name := "asdm-" + strings.NewReplacer(".", "", "(", "").Replace(main)
	if build != "" {
		name += "-" + build
	}
	return name + ".bin"
}

// imageSize is the size of the system image: the 9.x images of the 5500-X
// and the Firepower-based models are over 100 MB, the 9.1/9.2 images of the
// 5500 series about 30 MB (our figures, stable per file name).
func imageSize(p *headend.Platform, name string) int64 {
	base := int64(27_000_000)
	switch p.Family {
	case headend.Family5500X:
		base = 105_000_000
	case headend.FamilySmallX:
		base = 128_000_000
	case headend.Family5500:
		base = 38_000_000
	}
	return base + int64(headend.Hash32(name)%4_000_000)
}

// Flash is what disk0: holds: the system image's path ("disk0:/...bin"),
// the Device Manager version whose ASDM image sits next to it, when the
// unit's software was built, and the size of the startup configuration.
type Flash struct {
	Image, DeviceManager string
	Compiled             time.Time
	ConfigBytes          int
}

// dirEntries is the content of disk0: the running image, its ASDM image and
// the directories the ASA creates. The startup configuration lives in a
// hidden partition of the flash (`show startup-config` reads it), so it is
// not listed, but it takes its room: the free bytes shrink as it grows.
func dirEntries(p *headend.Platform, f Flash) []dirEntry {
	built := f.Compiled.UTC().Add(37 * 24 * time.Hour) // shipped some weeks after the build
	img := strings.TrimPrefix(f.Image, "disk0:/")
	asdm := asdmFile(f.DeviceManager)
	entries := []dirEntry{
		{101, false, imageSize(p, img), built, img},
		{102, false, 26_000_000 + int64(headend.Hash32(asdm)%4_000_000), built.Add(50 * time.Second), asdm},
		{11, true, 4096, built.Add(3 * time.Minute), "log"},
		{20, true, 4096, built.Add(4 * time.Minute), "crypto_archive"},
		{21, true, 4096, built.Add(4*time.Minute + 2*time.Second), "coredumpinfo"},
	}
	if p.Lines == headend.Lines9x {
		entries = append(entries, dirEntry{22, true, 4096, built.Add(4*time.Minute + 5*time.Second), "smart-log"})
	}
	return entries
}

// ShowDir renders `dir [disk0:]` of the unit of platform p whose flash
// holds f; path is what was typed after dir ("" for none). ok is false for a path the device does not have, with the ASA's
// error line as the text.
func ShowDir(p *headend.Platform, f Flash, path string) (text string, ok bool) {
	switch strings.ToLower(path) {
	case "", "disk0:", "disk0:/", "flash:", "flash:/":
	default:
		if !strings.Contains(path, ":") {
			path = "disk0:/" + path
		}
		return "%Error opening " + path + " (" + noSuchFile + ")\n", false
	}
	var b strings.Builder
	b.WriteString("\nDirectory of disk0:/\n\n")
	files, used := 0, int64(0)
	var fileBytes int64
	for _, e := range dirEntries(p, f) {
		perm := "-rwx"
		if e.dir {
			perm = "drwx"
		} else {
			files++
			fileBytes += e.size
		}
		used += e.size
		fmt.Fprintf(&b, "%-7d%-6s%-13d%s  %s\n", e.id, perm, e.size, e.at.Format("15:04:05 Jan 02 2006"), e.name)
	}
	used += int64(f.ConfigBytes)
	total := flashBytes(p)
	free := max(total-used, 0)
	b.WriteString("\n")
	if p.Lines == headend.Lines9x {
		// 9.8 and later add the file count and the share that is free.
		fmt.Fprintf(&b, "%d file(s) total size: %d bytes\n", files, fileBytes)
		fmt.Fprintf(&b, "%d bytes total (%d bytes free/%d%% free)\n", total, free, free*100/total)
	} else {
		fmt.Fprintf(&b, "%d bytes total (%d bytes free)\n", total, free)
	}
	return b.String(), true
}

var ramRe = regexp.MustCompile(`(\d+) MB RAM`)

// memoryBytes is the memory `show memory` accounts: on a 5500-X the share
// the ASA runs in (the "ASA:" line of the Hardware section), elsewhere the
// box's RAM.
func memoryBytes(p *headend.Platform) int64 {
	src := p.Hardware.ASALine
	if src == "" {
		src = p.Hardware.Line
	}
	mb := int64(512)
	if m := ramRe.FindStringSubmatch(src); m != nil {
		mb, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return mb * 1024 * 1024
}

// ShowMemory renders `show memory` for a unit of platform p carrying
// sessions VPN sessions. What is used is our model: a fifth of the memory at boot and
// 64 KB per session. The layout is a real 9.10 ASAv's (the cisco.asa
// Ansible collection's unit-test fixture asa_facts_show_memory): figures
// right-aligned to the 30th column, an 18-dash rule under them. Its
// "Virtual platform memory" block is the ASAv's own; the "Note: Free
// memory is the free system memory..." paragraph that follows is left out,
// as no real output of a hardware model was found with it.
func ShowMemory(p *headend.Platform, sessions int) string {
	total := memoryBytes(p)
	used := min(total/5+int64(sessions)*64*1024, total)
	free := total - used
	freePct := int((free*100 + total/2) / total)
	var b strings.Builder
	fmt.Fprintf(&b, "%-13s%17d bytes (%d%%)\n", "Free memory:", free, freePct)
	fmt.Fprintf(&b, "%-13s%17d bytes (%d%%)\n", "Used memory:", used, 100-freePct)
	b.WriteString("-------------     ------------------\n")
	fmt.Fprintf(&b, "%-13s%17d bytes (100%%)\n", "Total memory:", total)
	return b.String()
}
