package ios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/headend/family"
)

// ChangesFrom is what changed from old, an earlier state of this router,
// to d, as the lab's event log tells it: a boot, the licenses, the
// configuration.
func (d *Device) ChangesFrom(old family.Device) []family.Change {
	o := Router(old)
	if o == nil {
		return nil
	}
	var out []family.Change
	if d.Boots != o.Boots {
		out = append(out, family.Change{Kind: family.ChangeReloaded, Syslog: "%SYS-5-RESTART: System restarted --",
			Text: fmt.Sprintf("reloaded (boot %d)", d.Boots)})
	}
	if !licensesEqual(o, d) {
		out = append(out, family.Change{Kind: family.ChangeKeys, Text: "licenses changed"})
	}
	if d.XE != nil && o.XE != nil && asav.Changed(o.XE.Smart, d.XE.Smart) {
		// A CSR's Smart Agent changed state: told as the ASAv's is.
		out = append(out, family.Change{Kind: family.ChangeSmart, Text: d.XE.Smart.Summary()})
	}
	if d.Boots == o.Boots && (!d.Running.Equal(o.Running) || !d.Startup.Equal(o.Startup)) {
		out = append(out, family.Change{Kind: family.ChangeConfig, Text: "configuration changed"})
	}
	return out
}

// licensesEqual compares the license stores of two states by what is
// stored of them: installed licenses, evaluation and boot state.
func licensesEqual(a, b *Device) bool {
	x, err1 := json.Marshal(a.License)
	y, err2 := json.Marshal(b.License)
	if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
		return false
	}
	if (a.XE == nil) != (b.XE == nil) {
		return false
	}
	// The Smart Agent's state is a change of its own (ChangeSmart).
	return a.XE == nil || (a.XE.Level == b.XE.Level && slices.Equal(a.XE.RTU, b.XE.RTU))
}
