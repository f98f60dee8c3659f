package sim

import (
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/devlog"
)

// logMark is where a change starts in a device's log (sim/devlog).
type logMark = devlog.Mark

// markLog marks the log of c, a copy of the headend's device brought to the
// lab time, before a change. Called with h.mu held.
func (h *Headend) markLog(c family.Device) logMark { return devlog.MarkOf(c, h.logged) }
