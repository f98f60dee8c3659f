package twin

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/keygen"
)

// start is a fixed lab time: no test depends on the time of day.
var start = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func signer(t *testing.T) *keygen.Signer {
	t.Helper()
	s, err := keygen.NewSigner([]byte("asalab-twin-test-secret-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readCapture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// makeTwin parses a capture and makes its twin as the lab does: a new unit
// of the capture's model with its serial (or a placeholder when it prints
// none) and hostname, then Apply.
func makeTwin(t *testing.T, showVersion, activationKey string) (*Capture, *asa.Device, error) {
	t.Helper()
	c, err := Parse(showVersion, activationKey)
	if err != nil {
		return nil, nil, err
	}
	serial := c.Serial
	if serial == "" {
		serial = "JAD20000001"
	}
	d, err := asa.NewDevice(c.Platform.Model, serial, c.Hostname, start)
	if err != nil {
		t.Fatal(err)
	}
	return c, d, Apply(d, c, signer(t))
}

// The real ASA 5500/5500-X outputs: the twin's show version prints the
// capture's licensed features block and platform line line for line, and
// its release, model, serial and hostname. Where a real box prints what a
// twin cannot (a unit of a failover pair), or the capture is laid out as
// no box prints it (the 8.4(1) example's indent), the capture's Notes say
// so, and the lines differ exactly as they say.
func TestTwinOfRealOutputs(t *testing.T) {
	for _, tc := range []struct {
		file    string
		model   string
		timed   int
		running bool // the twin runs a permanent key of the lab's
		notes   int
		// platform is the line the twin prints where the capture, of a
		// unit of a pair, has none.
		platform string
	}{
		{file: "genie_golden_output2.txt", model: "ASA5520", timed: 2, running: true, notes: 1},
		{file: "genie_golden_output4.txt", model: "ASA5555"},
		{file: "ntc_cisco_asa_show_version.txt", model: "ASA5516", running: true, notes: 1, platform: "This platform has a Base license."},
		{file: "ntc_cisco_asa_show_version3.txt", model: "ASA5516", running: true, notes: 1, platform: "This platform has a Base license."},
	} {
		t.Run(tc.file, func(t *testing.T) {
			text := readCapture(t, tc.file)
			c, d, err := makeTwin(t, text, "")
			if err != nil {
				t.Fatal(err)
			}
			if c.Platform.Model != tc.model {
				t.Fatalf("model %s, want %s", c.Platform.Model, tc.model)
			}
			if n := len(c.Notes()); n != tc.notes {
				t.Errorf("%d notes, want %d: %q", n, tc.notes, c.Notes())
			}
			out := d.ShowVersion(start)
			got, err := Parse(out, "")
			if err != nil {
				t.Fatalf("the twin's show version: %v\n%s", err, out)
			}
			if len(got.Notes()) != 0 {
				t.Errorf("the twin's own show version has notes: %q", got.Notes())
			}
			// Golden-free: the capture itself is the expectation, with
			// only the differences its notes name.
			want := blockLines(text)
			if c.Indent != "" {
				for i, l := range want {
					switch {
					case strings.HasPrefix(l, c.Indent+" "):
						want[i] = "  " + strings.TrimLeft(l, " \t")
					case !strings.HasPrefix(l, platformPrefix):
						want[i] = strings.TrimPrefix(l, c.Indent)
					}
				}
			}
			if c.PairUnit {
				if c.PlatformLine != "" {
					t.Fatalf("a unit of a pair with a platform line %q", c.PlatformLine)
				}
				want = append(want, tc.platform)
				for _, l := range []string{"failover cluster up ", clusterHeading} {
					if strings.Contains(out, "\n"+l) {
						t.Errorf("the twin prints %q", l)
					}
				}
			}
			if g := blockLines(out); strings.Join(g, "\n") != strings.Join(want, "\n") {
				t.Errorf("licensed features block:\n%s\nwant (the capture):\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
			}
			for _, l := range []string{
				"Cisco Adaptive Security Appliance Software Version " + c.Version,
				"Hardware:   " + c.Model + ",",
				"Serial Number: " + c.Serial,
				c.Hostname + " up ",
			} {
				if !strings.Contains(out, "\n"+l) {
					t.Errorf("twin's show version has no line starting %q:\n%s", l, out)
				}
			}
			if d.License.ReloadPending() {
				t.Error("reload pending on the twin")
			}
			if tc.running != (d.License.Running != nil) {
				t.Errorf("running permanent key %v, want one: %v", d.License.Running, tc.running)
			}
			active := 0
			for _, k := range d.License.Timed {
				if k.Active {
					active++
				}
			}
			if active != tc.timed {
				t.Errorf("%d active time-based keys, want %d", active, tc.timed)
			}
		})
	}
}

// blockLines are the lines of the first licensed features block as
// printed, then the platform line if any.
func blockLines(text string) []string {
	var out []string
	in := false
	for _, l := range lines(text) {
		t := strings.TrimSpace(l)
		switch {
		case t == blockHeading:
			in = true
		case !in:
		case t == "" && len(out) > 0:
			in = false
		case strings.HasPrefix(t, platformPrefix):
			in = false
		case t != "":
			out = append(out, l)
		}
	}
	for _, l := range lines(text) {
		if strings.HasPrefix(l, platformPrefix) {
			out = append(out, l)
			break
		}
	}
	return out
}

// The time-based keys carry the days the capture shows, counted from the
// lab time the twin was made, and count down on the lab clock.
func TestTwinTimeBasedDays(t *testing.T) {
	_, d, err := makeTwin(t, readCapture(t, "genie_golden_output2.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	later := start.Add(10 * 24 * time.Hour)
	out := d.ShowVersion(later)
	for _, want := range []string{
		"Total UC Proxy Sessions           : 12             52 days",
		"Botnet Traffic Filter             : Enabled        636 days",
	} {
		if !strings.Contains(out, "\n"+want+"\n") {
			t.Errorf("10 days later, no line %q:\n%s", want, out)
		}
	}
}

// Captures the lab cannot twin are refused with what was not understood.
func TestTwinRefusals(t *testing.T) {
	sample := readCapture(t, "genie_golden_output4.txt")
	for _, tc := range []struct {
		name, text string
		want       error
		quoted     string
	}{
		{"not show version", "fw09# show clock\n08:09:56.229 UTC Sat Jun 3 2023\n", ErrNotShowVersion, "Software Version"},
		{"no block", strings.Split(sample, "Licensed features")[0], ErrNotShowVersion, blockHeading},
		{"ISA-3000 (ntc show_version4)", readCapture(t, "ntc_cisco_asa_show_version4.txt"), ErrUnknownModel, `"ISA-3000-2C2F"`},
		{"Firepower 9300 (genie golden_output3)", readCapture(t, "genie_golden_output3.txt"), ErrNotActivationKeyModel, "<context>"},
		{"ASAv 9.5 (ntc show_version1)", readCapture(t, "ntc_cisco_asa_show_version1.txt"), ErrNotActivationKeyModel, "ASAv10 is licensed by smart"},
		{"ASAv 9.8 (genie golden_output1)", readCapture(t, "genie_golden_output1.txt"), ErrNotActivationKeyModel, "ASAv10 is licensed by smart"},
		{"Firepower context (ntc show_version2)", readCapture(t, "ntc_cisco_asa_show_version2.txt"), ErrNotActivationKeyModel, "<context>"},
		{"unknown feature line",
			strings.Replace(sample, "IPS Module                        : Disabled       perpetual", "Flux Capacitor                    : Enabled        perpetual", 1),
			ErrUnknownFeatureLine, `"Flux Capacitor                    : Enabled        perpetual"`},
		{"feature value not understood",
			strings.Replace(sample, "Failover                          : Active/Active  perpetual", "Failover                          : Sometimes      perpetual", 1),
			ErrUnknownFeatureLine, `"Failover                          : Sometimes      perpetual"`},
		{"unknown duration",
			strings.Replace(sample, "Botnet Traffic Filter             : Disabled       perpetual", "Botnet Traffic Filter             : Enabled        forever", 1),
			ErrUnknownFeatureLine, `duration "forever"`},
		{"model unknown to the catalog",
			strings.Replace(sample, "Hardware:   ASA5555,", "Hardware:   ASA5590,", 1),
			ErrUnknownModel, `"ASA5590"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.text, "")
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.quoted) {
				t.Errorf("err %q does not quote %q", err, tc.quoted)
			}
		})
	}
}

// A capture the lab's license model cannot print the same way is refused
// with the line it would print differently, and the unit is unchanged.
func TestTwinNotReproducible(t *testing.T) {
	sample := readCapture(t, "genie_golden_output4.txt")
	for _, tc := range []struct {
		name, from, to, quoted string
	}{
		// The ASA 5555-X's Other VPN Peers is the platform's 5000.
		{"a value the catalog does not have", "Other VPN Peers                   : 5000           perpetual",
			"Other VPN Peers                   : 4000           perpetual", `"Other VPN Peers                   : 4000           perpetual": the twin would print "Other VPN Peers                   : 5000           perpetual"`},
		// Premium peers above the platform's 5000 are capped.
		{"a value the platform caps", "AnyConnect Premium Peers          : 2              perpetual",
			"AnyConnect Premium Peers          : 9000           perpetual", `"AnyConnect Premium Peers          : 9000           perpetual"`},
		{"no time-based license for the feature", "Maximum VLANs                     : 500            perpetual",
			"Maximum VLANs                     : 500            30 days", "no time-based license for Maximum VLANs"},
		{"another platform line", "This platform has an ASA5555 VPN Premium license.",
			"This platform has an ASA5555 Security Plus license.", `the twin would print "This platform has an ASA5555 VPN Premium license."`},
		{"a line the lab does not print on the release", "IPS Module                        : Disabled       perpetual\n", "", `"Cluster                           : Enabled        perpetual": the twin would print "IPS Module`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(sample, tc.from, tc.to, 1)
			if text == sample {
				t.Fatal("the edit did not apply")
			}
			c, err := Parse(text, "")
			if err != nil {
				t.Fatal(err)
			}
			d, err := asa.NewDevice(c.Platform.Model, c.Serial, c.Hostname, start)
			if err != nil {
				t.Fatal(err)
			}
			before := d.ShowVersion(start)
			err = Apply(d, c, signer(t))
			if !errors.Is(err, ErrNotReproducible) {
				t.Fatalf("err %v, want ErrNotReproducible", err)
			}
			if !strings.Contains(err.Error(), tc.quoted) {
				t.Errorf("err %q does not quote %q", err, tc.quoted)
			}
			if after := d.ShowVersion(start); after != before {
				t.Errorf("the refused unit changed:\n%s", after)
			}
		})
	}
}

// A capture as a terminal keeps it, with CRLF line ends and the pager's
// prompt in the middle of the block, twins as the clean one does.
func TestTwinTerminalCapture(t *testing.T) {
	clean := readCapture(t, "genie_golden_output4.txt")
	paged := strings.Replace(clean, "Shared License                    : Disabled       perpetual\n",
		"Shared License                    : Disabled       perpetual\n<--- More --->\n", 1)
	if paged == clean {
		t.Fatal("the edit did not apply")
	}
	c, d, err := makeTwin(t, strings.ReplaceAll(paged, "\n", "\r\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := blockLines(d.ShowVersion(start)), blockLines(clean); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("twin's block:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c.Hostname != "fw09" || c.Serial != "A0000000000" {
		t.Errorf("hostname %q serial %q", c.Hostname, c.Serial)
	}
}

// A release the model never ran is refused as such.
func TestTwinUnsupportedVersion(t *testing.T) {
	text := strings.Replace(readCapture(t, "genie_golden_output2.txt"), "Software Version 8.4(1)", "Software Version 9.14(2)14", 1)
	_, _, err := makeTwin(t, text, "")
	if !errors.Is(err, headend.ErrUnsupportedVersion) || !strings.Contains(err.Error(), "9.14(2)14") {
		t.Fatalf("err %v, want ErrUnsupportedVersion naming 9.14(2)14", err)
	}
}

// show activation-key of the same box gives the time-based keys' own
// values; one of another box is refused.
func TestTwinWithActivationKey(t *testing.T) {
	sv := readCapture(t, "genie_golden_output2.txt")
	// show activation-key prints the same block and key list as show
	// version (the real 8.4(1) output's lines from "Serial Number:" and
	// its block).
	ak := "Serial Number: JMX0938K0C0\nRunning Permanent Activation Key: 0xce06dc6b 0x8a7b5ab7 0xa1e21dd4 0xd2c4b8b8 0xc4594f9c\n\n" +
		sv[strings.Index(sv, "Licensed features"):strings.Index(sv, "Serial Number:")]
	_, d, err := makeTwin(t, sv, ak)
	if err != nil {
		t.Fatal(err)
	}
	var proxy int
	for _, k := range d.License.Timed {
		proxy += k.Features.ProxySessions
	}
	if proxy != 10 {
		t.Errorf("time-based UC proxy sessions %d, want the key list's 10", proxy)
	}
	other := strings.Replace(ak, "JMX0938K0C0", "JMX0938K0C1", 1)
	if _, err := Parse(sv, other); !errors.Is(err, ErrCaptureMismatch) {
		t.Errorf("another box's show activation-key: err %v, want ErrCaptureMismatch", err)
	}
}

// Every model and train the lab simulates, with a few licenses: a twin of
// the lab's own show version is made and prints the same block. The real
// outputs cover a few boxes; this covers the 5505's own lines, Security
// Plus tiers and the older trains' blocks.
func TestTwinRoundTrip(t *testing.T) {
	s := signer(t)
	type license struct {
		name  string
		perm  keygen.Features
		timed []Timed
	}
	for _, p := range headend.Platforms() {
		if p.Licensing != headend.LicensingPAK {
			continue
		}
		licenses := []license{
			{name: "base"},
			{name: "premium", perm: keygen.Features{PremiumPeers: min(25, p.PremiumMax), Mobile: true, AEA: true, Botnet: true, Carrier: true}},
			{name: "essentials", perm: keygen.Features{Essentials: true, Phone: true}},
			{name: "shared server", perm: keygen.Features{SharedServer: 500, Contexts: p.ContextsMax}},
			{name: "shared participant", perm: keygen.Features{SharedParticipant: true, ProxySessions: p.ProxyMax}},
		}
		if p.SecurityPlus {
			licenses = append(licenses, license{name: "security plus", perm: keygen.Features{SecurityPlus: true, Encryption3DES: true}})
		}
		if p.TimeBased {
			licenses = append(licenses, license{name: "time-based", perm: keygen.Features{PremiumPeers: min(10, p.PremiumMax)},
				timed: []Timed{{Features: keygen.Features{PremiumPeers: min(25, p.PremiumMax)}, Days: 60}, {Features: keygen.Features{Botnet: true}, Days: 365}}})
		}
		trains := p.SoftwareTrains()
		for i, train := range trains {
			// The first and last trains and those where the block
			// changes (9.0 Encryption-*, 9.4, 9.5 Carrier, 9.8 TLS).
			if i != 0 && i != len(trains)-1 && !slices.Contains([]string{"9.0", "9.4", "9.5", "9.8"}, train) {
				continue
			}
			version := train + "(1)"
			for _, l := range licenses {
				t.Run(p.Model+"/"+version+"/"+l.name, func(t *testing.T) {
					serial := p.SerialPrefix + "20000001"
					box, err := asa.NewDevice(p.Model, serial, "box", start)
					if err != nil {
						t.Fatal(err)
					}
					if err := box.SetSoftwareVersion(version); err != nil {
						t.Fatal(err)
					}
					install := func(k keygen.Key) {
						w, err := s.Encode(k)
						if err != nil {
							t.Fatal(err)
						}
						if _, err := box.InstallKey(s, w, asa.KeyActivate, start); err != nil {
							t.Fatal(err)
						}
					}
					if !l.perm.IsZero() {
						install(keygen.Key{Serial: serial, Features: l.perm})
						box.License.Running = box.License.Flash
					}
					for _, tk := range l.timed {
						install(keygen.Key{Serial: serial, Days: tk.Days, Features: tk.Features})
					}
					capture := box.ShowVersion(start)
					c, twin, err := makeTwin(t, capture, "")
					if err != nil {
						t.Fatalf("%v\ncapture:\n%s", err, capture)
					}
					if got, want := blockLines(twin.ShowVersion(start)), blockLines(capture); strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Errorf("twin's block:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
					}
					if c.Version != version || twin.Version != version {
						t.Errorf("version %s, twin %s, want %s", c.Version, twin.Version, version)
					}
				})
			}
		}
	}
}
