package console

import (
	"testing"

	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/keygen/ioslic"
)

// TestLicenseTranscript: a CISCO2911 installs a 10-seat SSL VPN license
// file from flash (a missing file and one for another router refused),
// boots securityk9 on evaluation after its EULA, reloads, and saves and
// clears its licenses; the transcript is compared with its golden file.
func TestLicenseTranscript(t *testing.T) {
	h := newFakeHost(t, "CISCO2911", "FTX1628A1B2", "R1")
	for _, f := range []struct{ name, udi string }{{"ssl10.lic", h.dev.UDI()}, {"other.lic", "CISCO2911/K9:FTX9999Z9ZZ"}} {
		data, _, err := ioslic.Issue(h.signer, f.udi, "FL-SSLVPN10-K9", h.now, "PAK-"+f.name[:3])
		if err != nil {
			t.Fatal(err)
		}
		if err := h.dev.PutFile("flash:"+f.name, data, h.now); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := cli.Run(h.session().(cli.Script), []string{
		"show license udi", "license install flash:missing.lic", "license install flash:other.lic",
		"license install flash:ssl10.lic", "show license feature",
		"configure terminal", "license boot module c2900 technology-package securityk9", "yes",
		"license boot module c2901 technology-package securityk9", "end", "write memory",
		"show version | begin Technology", "reload", "",
	})
	second, _ := cli.Run(h.session().(cli.Script), []string{
		"show version | begin Technology", "show license", "license save flash:all.lic", "dir flash:",
		"license clear SSL_VPN", "yes", "show license feature", "show logging | include LICENSE|SSLVPN",
	})
	golden(t, "license", first+"\n"+second)
}

// TestLicenseBootNeedsWrite: `license boot module` is a configuration
// line; not saved, it does not take effect at the reload ("use 'write'
// command to make license boot config take effect on next boot").
func TestLicenseBootNeedsWrite(t *testing.T) {
	h := newFakeHost(t, "CISCO1941", "FTX1628A1B2", "R1")
	first, _ := cli.Run(h.session().(cli.Script), []string{
		"configure terminal", "license boot module c1900 technology-package securityk9", "yes", "end",
		"show running-config | include ^license", "reload", "no", "",
	})
	second, _ := cli.Run(h.session().(cli.Script), []string{
		"show version | include ^security", "show running-config | include ^license",
		"configure terminal", "license boot module c1900 technology-package securityk9", "end",
		"write memory", "reload", "",
	})
	third, _ := cli.Run(h.session().(cli.Script), []string{"show version | include ^security"})
	golden(t, "license_boot_write", first+"\n"+second+"\n"+third)
}
