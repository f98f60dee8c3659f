package ios

import (
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend"
)

// hardware is what an ISR G2 model prints of itself in `show version`,
// `show inventory` and `dir`. The 1941's figures are a real 15.1 unit's
// (genieparser's IOS ShowVersion golden output c1900: 491520K of main
// memory, 2 Gigabit Ethernet interfaces, 255K of NVRAM, 255488K of
// CompactFlash; see testdata/SOURCES.md); the 2911's memory line
// (483328K/40960K) and 3 Gigabit Ethernet ports are those public 2911
// outputs show; the 3945's follow the same layout with its data-sheet
// figures (recalled, not verified against a real output).
type hardware struct {
	pid     string // the chassis PID and the UDI's: "CISCO2911/K9"
	series  string // image family: "C2900"
	image   string // "c2900-universalk9-mz.SPA.155-3.M.bin" for 15.5(3)M
	memory  string // "483328K/40960K"
	ports   int    // GigabitEthernet0/0..ports-1
	flashKB int    // "250880K bytes of ATA System CompactFlash 0"
	psu     string // the power supply's PID
	// sslMax and ipsecMax are the platform maxima of SSL VPN and IPsec
	// (IKEv2) sessions: Cisco ISR G2 data sheets, "Security
	// performance" (recalled, UNSURE: 75/150 on the 1941, 100/1000 on
	// the 2911, 200/2500 on the 3945).
	sslMax, ipsecMax int
	// xe names an IOS XE router's licensing: xeCSR (Smart Licensing,
	// technology package and throughput level) or xeASR (right-to-use
	// feature licenses); "" for an ISR G2. version is the release a new
	// unit runs ("" the catalog's).
	xe      string
	version string
}

var isrG2 = map[string]hardware{
	"CISCO1941": {pid: "CISCO1941/K9", series: "C1900", memory: "491520K/32768K", ports: 2, flashKB: 255488, psu: "PWR-1941-2901-AC", sslMax: 75, ipsecMax: 150},
	"CISCO2911": {pid: "CISCO2911/K9", series: "C2900", memory: "483328K/40960K", ports: 3, flashKB: 250880, psu: "PWR-2911-AC", sslMax: 100, ipsecMax: 1000},
	"CISCO3945": {pid: "CISCO3945/K9", series: "C3900", memory: "1015808K/32768K", ports: 3, flashKB: 250880, psu: "PWR-3900-AC", sslMax: 200, ipsecMax: 2500},
}

// hardwareOf is the hardware of platform p; ok is false for an IOS row
// this family does not simulate.
func hardwareOf(p *headend.Platform) (hardware, bool) {
	if h, ok := isrG2[p.Model]; ok {
		return h, ok
	}
	h, ok := iosXE[p.Model]
	return h, ok
}

// imageFile is the system image of version v: "15.5(3)M" is
// c2900-universalk9-mz.SPA.155-3.M.bin.
func (h hardware) imageFile(v string) string {
	if h.xe != "" {
		// An IOS XE image: csr1000v-universalk9.16.09.05.SPA.bin.
		return strings.ToLower(strings.ReplaceAll(h.series, "-", "")) + "-universalk9." + v + ".SPA.bin"
	}
	compact := strings.NewReplacer(".", "", "(", "-", ")", ".").Replace(v)
	return fmt.Sprintf("%s-universalk9-mz.SPA.%s.bin", strings.ToLower(h.series), compact)
}

// imageSize is the size of the system image on flash (a 15.5 universal
// image is about 100 MB).
const imageSize = 103_810_972

// interfaces are the model's onboard ports.
func (h hardware) interfaces() []string {
	out := make([]string, h.ports)
	for i := range out {
		switch h.xe {
		case xeCSR: // GigabitEthernet1..N, as a CSR 1000V names its vNICs
			out[i] = fmt.Sprintf("GigabitEthernet%d", i+1)
		case xeASR:
			out[i] = fmt.Sprintf("GigabitEthernet0/0/%d", i)
		default:
			out[i] = fmt.Sprintf("GigabitEthernet0/%d", i)
		}
	}
	return out
}

// train is "15.5" of "15.5(3)M".
func train(v string) string {
	if i := strings.IndexByte(v, '('); i > 0 {
		return v[:i]
	}
	return v
}
