package asa

import (
	"github.com/asalab/asalab/headend/asa/config"
)

// ClearLogBuffer is `clear logging buffer` for the device's messages. The
// "N messages logged" count is kept: it counts what was logged since
// boot, not what the buffer holds.
func (d *Device) ClearLogBuffer() {
	d.LogCount = max(d.LogCount, len(d.Log))
	d.Log = nil
}

// msgSeverity is the severity of a "%ASA-S-NNNNNN: ..." message.
func msgSeverity(msg string) int {
	if len(msg) > 5 && msg[:5] == "%ASA-" && msg[5] >= '0' && msg[5] <= '7' {
		return int(msg[5] - '0')
	}
	return config.LevelDebugging
}
