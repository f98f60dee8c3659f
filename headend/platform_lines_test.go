package headend

import (
	"strings"
	"testing"

	"github.com/asalab/asalab/keygen"
)

// TestPlatformLine: the "This platform has ..." line of a unit without a
// key, for the models a real output shows.
func TestPlatformLine(t *testing.T) {
	for model, want := range map[string]string{
		"ASA5515": "This platform has an ASA 5515 Security Plus license.", // 9.4(1) boot log
		"ASA5555": "This platform has an ASA5555 VPN Premium license.",    // 9.14(2)14
		"ASA5506": "This platform has a Base license.",                    // 9.8(4)22
		"ASA5520": "This platform has a Base license.",                    // 8.4(1)
	} {
		d := newTestDevice(t, model, keygen.Features{})
		if out := d.ShowVersion(t0); !strings.Contains(out, "\n\n"+want+"\n\n") {
			t.Errorf("%s: no line %q in\n%s", model, want, out)
		}
	}
}
