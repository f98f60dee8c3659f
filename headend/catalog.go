package headend

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asalab/asalab/keygen"
)

// Licensing is how a platform is licensed.
type Licensing int

// Licensing models: activation keys on the ASA 5500/5500-X, Smart Licensing
// on ASAv, IOS licenses on routers.
const (
	// LicensingPAK: activation keys bound to the serial (ASA 5500, 5500-X).
	LicensingPAK Licensing = iota + 1
	// LicensingSmart: Smart Licensing, no activation keys (ASAv).
	LicensingSmart
	// LicensingIOS: IOS technology packages and counted seats (ISR, CSR, ASR).
	LicensingIOS
)

func (l Licensing) String() string {
	switch l {
	case LicensingPAK:
		return "pak"
	case LicensingSmart:
		return "smart"
	case LicensingIOS:
		return "ios"
	}
	return "unknown"
}

// LineSet chooses the feature lines `show version` prints, which changed
// between software trains (docs/licensing-rules.md, Platforms).
type LineSet int

const (
	// Lines9x is the 9.5+ list: Carrier, Total TLS Proxy Sessions, no
	// Intercompany Media Engine (5500-X on 9.12-9.16, ASAv).
	Lines9x LineSet = iota + 1
	// LinesLegacy is the 9.0-9.4 list still run by the 5500 series:
	// GTP/GPRS, UC Phone Proxy Sessions + Total UC Proxy Sessions,
	// Intercompany Media Engine.
	LinesLegacy
	// Lines5505 is LinesLegacy with the ASA 5505's own lines (VLANs with DMZ
	// restriction, Dual ISPs, VLAN Trunk Ports) and no Security Contexts.
	Lines5505
	// Lines94 is the 9.4 list: GTP/GPRS, Total UC Proxy Sessions alone, no
	// Intercompany Media Engine.
	Lines94
	// Lines95 is the 9.5-9.7 list: Carrier and the 9.x order, with Total UC
	// Proxy Sessions.
	Lines95
)

// SharedEarly: Shared License follows Total VPN Peers (8.x to 9.4), not
// Advanced Endpoint Assessment.
func (ls LineSet) SharedEarly() bool { return ls != Lines95 && ls != Lines9x }

// UCPhoneProxy: the block has UC Phone Proxy Sessions and Intercompany Media
// Engine (8.x to 9.3).
func (ls LineSet) UCPhoneProxy() bool { return ls == LinesLegacy || ls == Lines5505 }

// NineX: the block of 9.5 and later (Carrier, Cluster on every model).
func (ls LineSet) NineX() bool { return ls == Lines95 || ls == Lines9x }

// Iface is one line of the interface list in `show version`.
type Iface struct {
	Ext  bool   // "Ext" or "Int"
	Name string // "GigabitEthernet0/0"; "Not used" prints without address
	// MAC: a fixed address (internal ports such as 0000.0001.0002); empty
	// means one derived from the serial number.
	MAC string
	IRQ int
}

// Hardware is what `show version` prints about the box itself. Recalled from
// real outputs of each family (the ASA5555 and ASA5516 blocks are verbatim
// from [GENIE] golden_output4 and [NTC] show_version3); other models follow
// the layout of their family with their own figures (recalled, not verified).
type Hardware struct {
	Line       string   // after "Hardware:   "
	ASALine    string   // 5500-X: "ASA: 8575 MB RAM, 1 CPU (2 cores)", indented under Hardware
	Flash      string   // "Internal ATA Compact Flash, 8192MB"
	BIOS       string   // "BIOS Flash MX25L6445E @ 0xffbb0000, 8192KB"
	Crypto     []string // "Encryption hardware device" block, first line without the label
	BMC        string   // 5500-X: "Baseboard Management Controller (revision 0x1) Firmware Version: 2.4"
	Image      string   // system image file, %s = version in file form
	DMVersion  string   // Device Manager version
	MACPrefix  string   // OUI-like prefix of derived addresses, "d8b1.90"
	Interfaces []Iface
}

// Family groups models that print alike.
type Family int

// Families.
const (
	Family5505   Family = iota + 1
	Family5500          // 5510..5580 on 9.1/9.2
	Family5500X         // 5512-X..5555-X and 5585-X on 9.12/9.14
	FamilySmallX        // 5506-X, 5508-X, 5516-X on 9.16
	FamilyASAv
	FamilyIOS
)

// Platform is one row of the catalog: what a model supports and how it prints.
type Platform struct {
	Model   string // model id, as in the Hardware line: "ASA5525"
	Family  Family
	Aliases []string // other spellings accepted on input: "ASA5525-X"
	Name    string   // marketing name: "ASA 5525-X"
	// SerialPrefix is the plant code of generated serials.
	SerialPrefix string
	Licensing    Licensing
	Version      string // default software version: the last train the model ran (recalled)

	VPNMax       int // platform maximum of VPN sessions (Total VPN Peers)
	OtherBase    int // Other VPN Peers, Base license
	OtherPlus    int // Other VPN Peers, Security Plus
	PremiumMax   int // AnyConnect Premium platform limit
	VLANsBase    int
	VLANsPlus    int
	ContextsBase int // included with Base (0 on 5510/5512: contexts need Sec Plus)
	ContextsPlus int // included with Security Plus
	ContextsMax  int // 0: no security contexts at all (no line printed)
	FailoverBase keygen.Failover
	FailoverPlus keygen.Failover
	// SecurityPlus: a Security Plus tier exists. SecPlusReload: moving
	// between Base and Security Plus needs a reload (5505, 5510; Cisco CLI
	// guide 8.4, "Managing Feature Licenses").
	SecurityPlus  bool
	SecPlusReload bool
	TimeBased     bool // accepts time-based keys (not the 5506-X)
	// StrongEncryption: Encryption-3DES-AES is enabled without a key. Every
	// 9.9+ output seen shows it enabled with an all-zero key (ASA5555
	// 9.14, ASA5506 9.8, ISA-3000 9.16), while the 9.4 and older trains
	// need the free K9 key (5515-X 9.4(1) default license: Disabled).
	StrongEncryption bool
	// TotalIsSum: Total VPN Peers prints Premium + Other (5505, 5506-X).
	TotalIsSum bool

	PhysIfBase, PhysIfPlus string // Maximum Physical Interfaces
	InsideHosts            string
	ProxyDefault           int // UC/TLS proxy sessions without a key
	ProxyMax               int
	ClusterDefault         bool // Cluster enabled without a key
	ClusterPlusOnly        bool // clustering only with Security Plus (5512-X)
	ClusterMembers         int  // "Cluster Members" line when > 0 and clustering is on
	IPSModule              bool // prints "IPS Module : Disabled"
	VPNLoadBalancing       bool // prints "VPN Load Balancing : Enabled"
	TenGE                  bool // prints "10GE I/O", enabled by Security Plus (5585-X)
	Lines                  LineSet
	// BannerBase and BannerPlus are the "This platform has ..." lines; the
	// rule behind them is unsure (no public source states it), we print what was seen for
	// the family: "a Base license" on the 5500 and small 5500-X, "an ASA5555
	// VPN Premium license" on 5525-X..5555-X, "an ASA 5515 Security Plus
	// license" on the 5515-X, "an ASA 5505 Security Plus license" with
	// Security Plus.
	BannerBase, BannerPlus string
	Hardware               Hardware
	Source                 string
}

// HasContexts reports whether the platform has security contexts at all.
func (p *Platform) HasContexts() bool { return p.ContextsMax > 0 }

// MaxVLANs is the highest VLAN count any key can unlock.
func (p *Platform) MaxVLANs() int { return max(p.VLANsBase, p.VLANsPlus) }

// gigPorts lists GigabitEthernet<slot>/<first..first+n-1>.
func gigPorts(prefix string, first, n, irq int) []Iface {
	out := make([]Iface, 0, n)
	for i := range n {
		out = append(out, Iface{Ext: true, Name: fmt.Sprintf("%s%d", prefix, first+i), IRQ: irq})
	}
	return out
}

func concat(parts ...[]Iface) []Iface { return slices.Concat(parts...) }

var (
	// The 5500-X (5512..5555) interface list, after [GENIE] golden_output4.
	ifaces5500X = func(ports int) []Iface {
		return concat(
			[]Iface{{Name: "Internal-Data0/0", IRQ: 11}},
			gigPorts("GigabitEthernet0/", 0, ports, 5),
			[]Iface{
				{Name: "Internal-Data0/1", MAC: "0000.0001.0002"},
				{Name: "Internal-Control0/0", MAC: "0000.0001.0001"},
				{Name: "Internal-Data0/2", MAC: "0000.0001.0003"},
				{Ext: true, Name: "Management0/0"},
				{Name: "Internal-Data0/3", MAC: "0000.0100.0001"},
			})
	}
	// The 5506/5508/5516-X list, after [NTC] show_version3.
	ifacesFirepowerX = func(ports int) []Iface {
		return concat(
			gigPorts("GigabitEthernet1/", 1, ports, 255),
			[]Iface{
				{Name: "Internal-Data1/1", IRQ: 255},
				{Name: "Internal-Data1/2", MAC: "0000.0001.0002"},
				{Name: "Internal-Control1/1", MAC: "0000.0001.0001"},
				{Name: "Internal-Data1/3", MAC: "0000.0001.0003"},
				{Ext: true, Name: "Management1/1"},
				{Name: "Internal-Data1/4", MAC: "0000.0100.0001"},
			})
	}
	ifaces5505 = concat(
		[]Iface{{Name: "Internal-Data0/0", IRQ: 11}},
		gigPorts("Ethernet0/", 0, 8, 255),
		[]Iface{{Name: "Internal-Data0/1", MAC: "0000.0003.0002", IRQ: 255}, {Name: "Not used", IRQ: 255}, {Name: "Not used", IRQ: 255}},
	)
	ifaces5500 = func(eth string, ports int) []Iface {
		return concat(gigPorts(eth, 0, ports, 9),
			[]Iface{{Ext: true, Name: "Management0/0", IRQ: 11}, {Name: "Not used", IRQ: 11}, {Name: "Not used", IRQ: 5}})
	}

	crypto5500X = []string{
		"Cisco ASA Crypto on-board accelerator (revision 0x1)",
		"Boot microcode        : CNPx-MC-BOOT-2.00",
		"SSL/IKE microcode     : CNPx-MC-SSL-SB-PLUS-0005",
		"IPSec microcode       : CNPx-MC-IPSEC-MAIN-0026",
		"Number of accelerators: 1",
	}
	crypto5500 = []string{
		"Cisco ASA-55xx on-board accelerator (revision 0x0)",
		"Boot microcode   : CN1000-MC-BOOT-2.00",
		"SSL/IKE microcode: CNLite-MC-SSLm-PLUS-2.03",
		"IPSec microcode  : CNlite-MC-IPSECm-MAIN-2.08",
	}
	cryptoFirepowerX = []string{
		"Cisco ASA Crypto on-board accelerator (revision 0x1)",
		"Number of accelerators: 1",
	}
)

const (
	srcSpec  = "Cisco ASA license tables (CLI configuration guides 8.4 and 9.x), recalled, not verified"
	src5555  = "genieparser ASA ShowVersion golden_output4 (ASA5555 9.14(2)14, verified layout)"
	src5516  = "ntc-templates cisco_asa show_version3 (ASA5516 9.9(2)32, verified layout and VLANs 150)"
	src5506  = "a published ASA5506 9.8(4)22 Base show version (verified)"
	src5520  = "genieparser ASA ShowVersion golden_output2 (ASA5520 8.4(1): VLANs 150, 750 peers, verified)"
	src5505  = "Cisco ASA 5505 license table as recalled; 5505 lines from a weak source (unsure)"
	srcASAv  = "ntc-templates cisco_asa show_version1 (ASAv10 verified); other ASAv tiers recalled (unsure)"
	srcIOS   = "Cisco IOS licensing (technology packages, counted SSL_VPN seats)"
	banner55 = "This platform has a Base license."
)

func legacyASA(model string, vpn, premium, vlans, ctxMax, proxyMax, ram int, cpu string, eth string, ports int) Platform {
	return Platform{
		Model: model, Family: Family5500, Name: "ASA " + strings.TrimPrefix(model, "ASA"), SerialPrefix: "JMX", Licensing: LicensingPAK, Version: "9.1(7)",
		VPNMax: vpn, OtherBase: vpn, OtherPlus: vpn, PremiumMax: premium,
		VLANsBase: vlans, VLANsPlus: vlans, ContextsBase: 2, ContextsPlus: 2, ContextsMax: ctxMax,
		FailoverBase: keygen.FailoverActiveActive, FailoverPlus: keygen.FailoverActiveActive,
		TimeBased: true, PhysIfBase: "Unlimited", PhysIfPlus: "Unlimited", InsideHosts: "Unlimited",
		ProxyDefault: 2, ProxyMax: proxyMax, Lines: LinesLegacy,
		BannerBase: banner55, BannerPlus: banner55,
		Hardware: Hardware{
			Line:  fmt.Sprintf("%s, %d MB RAM, CPU %s", model, ram, cpu),
			Flash: "Internal ATA Compact Flash, 256MB", BIOS: "BIOS Flash M50FW016 @ 0xfff00000, 2048KB",
			Crypto: crypto5500, Image: "disk0:/asa%s-k8.bin", DMVersion: "7.1(7)",
			MACPrefix: "0019.e8", Interfaces: ifaces5500(eth, ports),
		},
		Source: srcSpec,
	}
}

func asa5500X(model string, vpn, vlans, ctxMax, proxyMax int, version, hw, asaLine string, ports int) Platform {
	num := strings.TrimPrefix(model, "ASA")
	return Platform{
		Model: model, Family: Family5500X, Aliases: []string{model + "-X"}, Name: "ASA " + num + "-X", SerialPrefix: "FCH", Licensing: LicensingPAK, Version: version,
		VPNMax: vpn, OtherBase: vpn, OtherPlus: vpn, PremiumMax: vpn,
		VLANsBase: vlans, VLANsPlus: vlans, ContextsBase: 2, ContextsPlus: 2, ContextsMax: ctxMax,
		FailoverBase: keygen.FailoverActiveActive, FailoverPlus: keygen.FailoverActiveActive,
		TimeBased: true, StrongEncryption: true, PhysIfBase: "Unlimited", PhysIfPlus: "Unlimited", InsideHosts: "Unlimited",
		ProxyDefault: 2, ProxyMax: proxyMax, ClusterDefault: true, ClusterMembers: 2, IPSModule: true, Lines: Lines9x,
		BannerBase: "This platform has an " + model + " VPN Premium license.",
		BannerPlus: "This platform has an " + model + " VPN Premium license.",
		Hardware: Hardware{
			Line: hw, ASALine: asaLine,
			Flash: "Internal ATA Compact Flash, 8192MB", BIOS: "BIOS Flash MX25L6445E @ 0xffbb0000, 8192KB",
			Crypto: crypto5500X, BMC: "Baseboard Management Controller (revision 0x1) Firmware Version: 2.4",
			Image: "disk0:/asa%s-smp-k8.bin", DMVersion: "7.16(1)150",
			MACPrefix: "d8b1.90", Interfaces: ifaces5500X(ports),
		},
		Source: srcSpec + "; layout after " + src5555,
	}
}

func firepowerX(model string, vpn, vlans, ctxMax, proxyDefault, proxyMax int, hw string) Platform {
	num := strings.TrimPrefix(model, "ASA")
	return Platform{
		Model: model, Family: FamilySmallX, Aliases: []string{model + "-X"}, Name: "ASA " + num + "-X", SerialPrefix: "JAD", Licensing: LicensingPAK, Version: "9.16(4)",
		VPNMax: vpn, OtherBase: vpn, OtherPlus: vpn, PremiumMax: vpn,
		VLANsBase: vlans, VLANsPlus: vlans, ContextsBase: 2, ContextsPlus: 2, ContextsMax: ctxMax,
		FailoverBase: keygen.FailoverActiveActive, FailoverPlus: keygen.FailoverActiveActive,
		TimeBased: true, StrongEncryption: true, PhysIfBase: "Unlimited", PhysIfPlus: "Unlimited", InsideHosts: "Unlimited",
		ProxyDefault: proxyDefault, ProxyMax: proxyMax, VPNLoadBalancing: true, Lines: Lines9x,
		BannerBase: banner55, BannerPlus: banner55,
		Hardware: Hardware{
			Line:  hw,
			Flash: "Internal ATA Compact Flash, 8000MB", BIOS: "BIOS Flash M25P64 @ 0xfed01000, 16384KB",
			Crypto: cryptoFirepowerX, Image: "disk0:/asa%s-lfbff-k8.SPA", DMVersion: "7.16(1)150",
			MACPrefix: "7872.5d", Interfaces: ifacesFirepowerX(8),
		},
		Source: src5516,
	}
}

// asav is an ASAv row. ram is the memory of the model's virtual machine as
// Cisco sizes it (ASAv5 and ASAv10 2 GB, ASAv30 8 GB, ASAv50 16 GB,
// ASAv100 32 GB; recalled); the Hardware line prints no CPU count, as in
// the real ASAv10 (9.5) and ASAv (9.15) outputs, which end in "MHz,". The
// flash, BIOS and interface list are the ASAv10 sample's.
func asav(model string, vpn, vlans, ram int, mbps string) Platform {
	return Platform{
		Model: model, Family: FamilyASAv, Name: model, SerialPrefix: "9A5", Licensing: LicensingSmart, Version: "9.20(3)",
		VPNMax: vpn, OtherBase: vpn, OtherPlus: vpn, PremiumMax: vpn, VLANsBase: vlans, VLANsPlus: vlans,
		FailoverBase: keygen.FailoverActiveStandby, FailoverPlus: keygen.FailoverActiveStandby, StrongEncryption: true,
		PhysIfBase: "10", PhysIfPlus: "10", InsideHosts: "Unlimited", ProxyDefault: 2, ProxyMax: 2, Lines: Lines9x,
		Hardware: Hardware{
			Line:  fmt.Sprintf("ASAv, %d MB RAM, CPU Xeon E5 series 3491 MHz,", ram),
			Flash: "Internal ATA Compact Flash, 8192MB", BIOS: "BIOS Flash Firmware Hub @ 0x0, 0KB",
			Image: "boot:/asa%s-smp-k8.bin", DMVersion: "7.20(1)", MACPrefix: "5000.00",
			Interfaces: ifacesASAv,
		},
		Source: srcASAv + "; throughput " + mbps,
	}
}

// ifacesASAv is the interface list of the ASAv10 sample.
var ifacesASAv = []Iface{
	{Ext: true, Name: "Management0/0", IRQ: 11},
	{Ext: true, Name: "GigabitEthernet0/0", IRQ: 11}, {Ext: true, Name: "GigabitEthernet0/1", IRQ: 10},
	{Ext: true, Name: "GigabitEthernet0/2", IRQ: 10}, {Ext: true, Name: "GigabitEthernet0/3", IRQ: 11},
	{Ext: true, Name: "GigabitEthernet0/4", IRQ: 11}, {Ext: true, Name: "GigabitEthernet0/5", IRQ: 10},
	{Ext: true, Name: "GigabitEthernet0/6", IRQ: 10},
}

// ios is an IOS router's row. vpn is its maximum of VPN sessions, SSL VPN
// and IPsec together, which sizes the lab's admission table of a headend:
// the ISR G2's are the sums of its SSL VPN and IPsec maxima
// (headend/ios/hardware.go); 0 for a model no family simulates yet.
func ios(model, name string, vpn int, aliases ...string) Platform {
	return Platform{Model: model, Family: FamilyIOS, Aliases: aliases, Name: name, SerialPrefix: "FTX", Licensing: LicensingIOS, Version: "15.5(3)M", Source: srcIOS,
		VPNMax: vpn}
}

// iosXE is an IOS XE router's row: IOS XE 16.9 (Fuji); a CSR 1000V's
// serial starts with 9, as the virtual router's do ("9IOUX800GMO" on a
// real 16.9 CSR1000V's show version). vpn is its IPsec maximum (it has no
// SSL VPN; headend/ios/xe.go).
func iosXE(model, name, prefix string, vpn int) Platform {
	p := ios(model, name, vpn)
	p.SerialPrefix, p.Version = prefix, "16.09.05"
	return p
}

// catalog is the one table of platforms. Values are recalled from Cisco
// license tables, not verified, except where Source names a real output
// (docs/licensing-rules.md, Platforms).
var catalog = func() []Platform {
	p5505 := Platform{
		Model: "ASA5505", Family: Family5505, Name: "ASA 5505", SerialPrefix: "JMX", Licensing: LicensingPAK, Version: "9.2(4)",
		VPNMax: 25, OtherBase: 10, OtherPlus: 25, PremiumMax: 25, VLANsBase: 3, VLANsPlus: 20,
		FailoverBase: keygen.FailoverNone, FailoverPlus: keygen.FailoverActiveStandby,
		SecurityPlus: true, SecPlusReload: true, TimeBased: true, TotalIsSum: true,
		PhysIfBase: "8", PhysIfPlus: "8", InsideHosts: "10", ProxyDefault: 2, ProxyMax: 24, Lines: Lines5505,
		BannerBase: banner55, BannerPlus: "This platform has an ASA 5505 Security Plus license.",
		Hardware: Hardware{
			Line:  "ASA5505, 512 MB RAM, CPU Geode 500 MHz",
			Flash: "Internal ATA Compact Flash, 128MB", BIOS: "BIOS Flash M50FW080 @ 0xfff00000, 1024KB",
			Crypto: []string{
				"Cisco ASA-5505 on-board accelerator (revision 0x0)",
				"Boot microcode   : CN1000-MC-BOOT-2.00",
				"SSL/IKE microcode: CNLite-MC-SSLm-PLUS-2.03",
				"IPSec microcode  : CNlite-MC-IPSECm-MAIN-2.06",
			},
			Image: "disk0:/asa%s-k8.bin", DMVersion: "7.2(4)",
			MACPrefix: "001d.a2", Interfaces: ifaces5505,
		},
		Source: src5505,
	}
	p5510 := legacyASA("ASA5510", 250, 250, 50, 5, 100, 256, "Pentium 4 Celeron 1600 MHz", "Ethernet0/", 4)
	p5510.VLANsPlus, p5510.ContextsBase, p5510.ContextsPlus = 100, 0, 2
	p5510.FailoverBase = keygen.FailoverNone
	p5510.SecurityPlus, p5510.SecPlusReload = true, true
	p5510.PhysIfBase = "5"
	p5510.BannerPlus = "This platform has an ASA 5510 Security Plus license."

	p5520 := legacyASA("ASA5520", 750, 750, 150, 20, 1000, 2048, "Pentium 4 Celeron 2000 MHz", "GigabitEthernet0/", 4)
	p5520.Source = src5520
	p5540 := legacyASA("ASA5540", 5000, 2500, 200, 50, 2000, 2048, "Pentium 4 2000 MHz", "GigabitEthernet0/", 4)
	p5550 := legacyASA("ASA5550", 5000, 5000, 250, 50, 3000, 4096, "Pentium 4 3000 MHz", "GigabitEthernet0/", 4)
	p5550.Hardware.Interfaces = concat(gigPorts("GigabitEthernet0/", 0, 4, 9), gigPorts("GigabitEthernet1/", 0, 4, 255),
		[]Iface{{Ext: true, Name: "Management0/0", IRQ: 11}})

	p5580 := func(model string, ram, cpus, cores int) Platform {
		p := legacyASA(model, 10000, 10000, 1024, 50, 10000, ram, "AMD Opteron 2600 MHz", "GigabitEthernet3/", 4)
		p.Version = "9.2(4)"
		p.ClusterDefault, p.ClusterMembers = true, 16
		p.Hardware.Line = fmt.Sprintf("%s, %d MB RAM, CPU AMD Opteron 2600 MHz, %d CPUs (%d cores)", model, ram, cpus, cores)
		p.Hardware.Interfaces = concat([]Iface{{Ext: true, Name: "Management0/0", IRQ: 10}, {Ext: true, Name: "Management0/1", IRQ: 10}},
			gigPorts("GigabitEthernet3/", 0, 4, 255))
		return p
	}
	p5585 := func(model string, ssp, vpn, ctxMax int, secPlus bool, ram int, cpu string) Platform {
		p := asa5500X(model, vpn, 1024, ctxMax, 10000, "9.12(4)",
			fmt.Sprintf("ASA5585-SSP-%d, %d MB RAM, CPU %s", ssp, ram, cpu), "", 8)
		p.Aliases = []string{fmt.Sprintf("ASA5585-SSP-%d", ssp), fmt.Sprintf("ASA5585-X-SSP%d", ssp)}
		p.Name = fmt.Sprintf("ASA 5585-X SSP-%d", ssp)
		p.SerialPrefix = "JAF"
		p.IPSModule = false
		p.ClusterMembers = 16
		p.SecurityPlus, p.TenGE = secPlus, true
		banner := "This platform has an ASA 5585-X Base license."
		p.BannerBase, p.BannerPlus = banner, "This platform has an ASA 5585-X Security Plus license."
		if !secPlus {
			p.BannerPlus = banner
		}
		p.Hardware.Interfaces = concat(gigPorts("GigabitEthernet0/", 0, 6, 5),
			[]Iface{{Ext: true, Name: "TenGigabitEthernet0/8", IRQ: 5}, {Ext: true, Name: "TenGigabitEthernet0/9", IRQ: 5},
				{Ext: true, Name: "Management0/0", IRQ: 5}, {Ext: true, Name: "Management0/1", IRQ: 5}})
		p.Source = srcSpec
		return p
	}

	p5506 := firepowerX("ASA5506", 50, 5, 0, 2, 160, "ASA5506, 4096 MB RAM, CPU Atom C2000 series 1250 MHz, 1 CPU (4 cores)")
	p5506.OtherBase, p5506.OtherPlus, p5506.VLANsPlus = 10, 50, 30
	p5506.FailoverBase, p5506.FailoverPlus = keygen.FailoverNone, keygen.FailoverActiveStandby
	p5506.SecurityPlus, p5506.TimeBased, p5506.TotalIsSum, p5506.VPNLoadBalancing = true, false, true, false
	p5506.BannerPlus = "This platform has an ASA 5506 Security Plus license."
	p5506.Source = src5506
	p5508 := firepowerX("ASA5508", 100, 50, 5, 1000, 1000, "ASA5508, 8192 MB RAM, CPU Atom C2000 series 2000 MHz, 1 CPU (8 cores)")
	p5516 := firepowerX("ASA5516", 300, 150, 5, 1000, 1000, "ASA5516, 8192 MB RAM, CPU Atom C2000 series 2416 MHz, 1 CPU (8 cores)")
	p5516.ClusterDefault, p5516.ClusterMembers = true, 2

	p5512 := asa5500X("ASA5512", 250, 50, 5, 500, "9.12(4)", "ASA5512, 4096 MB RAM, CPU Clarkdale 2793 MHz, 1 CPU (2 cores)", "ASA: 1764 MB RAM, 1 CPU (1 core)", 6)
	p5512.VLANsPlus, p5512.ContextsBase, p5512.ContextsPlus = 100, 0, 2
	p5512.FailoverBase = keygen.FailoverNone
	p5512.SecurityPlus, p5512.ClusterDefault, p5512.ClusterPlusOnly = true, true, true
	p5512.BannerBase, p5512.BannerPlus = banner55, "This platform has an ASA 5512 Security Plus license."
	p5512.Source = srcSpec

	// The 5515-X's default license is its Security Plus license: a 9.4(1)
	// unit without a key prints "This platform has an ASA 5515 Security
	// Plus license." (boot log, https://pastebin.com/a39ecgPW).
	p5515 := asa5500X("ASA5515", 250, 100, 5, 500, "9.12(4)", "ASA5515, 8192 MB RAM, CPU Clarkdale 3059 MHz, 1 CPU (4 cores)", "ASA: 2275 MB RAM, 1 CPU (1 core)", 6)
	p5515.BannerBase = "This platform has an ASA 5515 Security Plus license."
	p5515.BannerPlus = p5515.BannerBase

	p5555 := asa5500X("ASA5555", 5000, 500, 100, 3000, "9.14(4)", "ASA5555, 16384 MB RAM, CPU Lynnfield 2800 MHz, 1 CPU (8 cores)", "ASA: 8575 MB RAM, 1 CPU (2 cores)", 8)
	p5555.Source = src5555

	return []Platform{
		p5505, p5510, p5520, p5540, p5550,
		p5580("ASA5580-20", 8192, 2, 4), p5580("ASA5580-40", 16384, 4, 8),
		p5585("ASA5585-SSP10", 10, 5000, 100, true, 6144, "Xeon 5500 series 2000 MHz, 1 CPU (4 cores)"),
		p5585("ASA5585-SSP20", 20, 10000, 250, true, 12288, "Xeon 5500 series 2266 MHz, 1 CPU (8 cores)"),
		p5585("ASA5585-SSP40", 40, 10000, 250, false, 24576, "Xeon 5600 series 2133 MHz, 2 CPUs (12 cores)"),
		p5585("ASA5585-SSP60", 60, 10000, 250, false, 49152, "Xeon 5600 series 2400 MHz, 2 CPUs (24 cores)"),
		p5506, p5508, p5516, p5512,
		p5515,
		asa5500X("ASA5525", 750, 200, 20, 1000, "9.14(4)", "ASA5525, 8192 MB RAM, CPU Lynnfield 2394 MHz, 1 CPU (4 cores)", "ASA: 4096 MB RAM, 1 CPU (1 core)", 8),
		asa5500X("ASA5545", 2500, 300, 50, 2000, "9.14(4)", "ASA5545, 12288 MB RAM, CPU Lynnfield 2793 MHz, 1 CPU (8 cores)", "ASA: 6794 MB RAM, 1 CPU (2 cores)", 8),
		p5555,
		asav("ASAv5", 50, 25, 2048, "100 Mbps"), asav("ASAv10", 250, 50, 2048, "1 Gbps"), asav("ASAv30", 750, 200, 8192, "2 Gbps"),
		asav("ASAv50", 10000, 1024, 16384, "10 Gbps"), asav("ASAv100", 20000, 1024, 32768, "20 Gbps"),
		ios("CISCO1941", "Cisco 1941 ISR G2", 75+150, "CISCO1941/K9"), ios("CISCO2911", "Cisco 2911 ISR G2", 100+1000, "CISCO2911/K9"),
		ios("CISCO3945", "Cisco 3945 ISR G2", 200+2500, "CISCO3945/K9"),
		iosXE("CSR1000V", "Cisco CSR 1000V", "9IO", 1000), iosXE("ASR1001-X", "Cisco ASR 1001-X", "FXS", 8000),
	}
}()

// InterfaceNames are the interfaces of the model a configuration can name,
// in the order `show version` lists them: the external ports (data and
// management), not the internal ones.
func (p *Platform) InterfaceNames() []string {
	var out []string
	for _, f := range p.Hardware.Interfaces {
		if f.Ext && f.Name != "Not used" {
			out = append(out, f.Name)
		}
	}
	return out
}

// Platforms returns the catalog, in table order. Callers must not modify it.
func Platforms() []Platform { return catalog }

// LookupPlatform finds a platform by model id or alias, ignoring case.
func LookupPlatform(model string) (*Platform, bool) {
	for i := range catalog {
		p := &catalog[i]
		if strings.EqualFold(p.Model, model) {
			return p, true
		}
		for _, a := range p.Aliases {
			if strings.EqualFold(a, model) {
				return p, true
			}
		}
	}
	return nil, false
}

// ModelNames lists the model ids, for error messages and help.
func ModelNames() []string {
	out := make([]string, len(catalog))
	for i := range catalog {
		out[i] = catalog[i].Model
	}
	return out
}
