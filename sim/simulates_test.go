package sim

import (
	"errors"
	"testing"

	"github.com/asalab/asalab/headend"
)

// TestSimulatedAgreesWithCreate: every catalog model the platforms list
// calls simulated is one the lab creates, and every other one create
// refuses as not simulated (the CSR 1000V and ASR 1001-X share the ISR
// G2's licensing but are not simulated yet).
func TestSimulatedAgreesWithCreate(t *testing.T) {
	lab := openTestLab(t, t.TempDir()).lab
	for i := range headend.Platforms() {
		p := &headend.Platforms()[i]
		host := "h" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		_, err := lab.Create(p.Model, host, "")
		switch {
		case Simulated(p) && err != nil:
			t.Errorf("%s: listed as simulated, create: %v", p.Model, err)
		case !Simulated(p) && !errors.Is(err, headend.ErrModelNotSimulated):
			t.Errorf("%s: listed as not simulated, create: %v", p.Model, err)
		}
	}
}
