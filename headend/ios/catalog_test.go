package ios

import (
	"testing"

	"github.com/asalab/asalab/headend"
)

// TestCatalogVPNMax: each ISR G2's catalog row holds its SSL VPN and IPsec
// maxima together, the most sessions its policy admits: the lab sizes a
// headend's admission table by it.
func TestCatalogVPNMax(t *testing.T) {
	for model, hw := range isrG2 {
		p, ok := headend.LookupPlatform(model)
		if !ok {
			t.Fatalf("%s is not in the catalog", model)
		}
		if p.VPNMax != hw.sslMax+hw.ipsecMax {
			t.Errorf("%s: VPNMax %d, want %d SSL VPN + %d IPsec", model, p.VPNMax, hw.sslMax, hw.ipsecMax)
		}
	}
}
