package asa

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/sessions"
)

// ShowLogging renders `show logging`: the logging settings, in the layout
// of the real ASA 9.x outputs the ntc-templates parse, and the buffer: the
// device's licensing messages and the refusals of its admission state a
// (nil: none), oldest first, as many of the newest as fit in the buffer
// (`logging buffer-size`).
func (d *Device) ShowLogging(a *Admission) string {
	c := d.Running.Logging
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	onOff := func(on bool) string {
		if on {
			return "enabled"
		}
		return "disabled"
	}

	type entry struct {
		msg string
		at  int64
	}
	entries := make([]entry, 0, len(d.Log))
	for _, e := range d.Log {
		entries = append(entries, entry{e.Msg, e.Time.Unix()})
	}
	count := uint64(max(d.LogCount, len(d.Log)))
	// The simulator counts each message once, for the buffer; trap
	// logging counts those of them at its level or more severe. Every
	// message it logs is a warning or more severe, so at warnings or a
	// more verbose level that is all of them; at a more severe level, the
	// ones the buffer still holds
	// (`clear logging buffer` and an overflowing buffer lose the rest).
	var trapCount uint64
	for _, e := range d.Log {
		if msgSeverity(e.Msg) <= c.TrapLevel {
			trapCount++
		}
	}
	if a != nil {
		refusals, n := a.Refusals()
		count += n
		for _, r := range refusals {
			msg := sessions.RefusalLine(r.Reason, r.Limit, r.Kind, r.Class, d.Serial, r.Prin.User(), r.Prin.Device())
			if r.Logoff {
				msg = sessions.PreemptedLine(r.Kind, r.Limit, r.Prin.User(), r.Prin.Device())
			}
			entries = append(entries, entry{msg, r.At.Unix()})
		}
	}
	if c.TrapLevel >= config.LevelWarnings {
		trapCount = count
	}
	slices.SortStableFunc(entries, func(x, y entry) int { return int(min(max(x.at-y.at, -1), 1)) })

	line("Syslog logging: " + onOff(c.Enable))
	line("    Facility: 20")
	line("    Timestamp logging: " + onOff(c.Timestamp))
	line("    Hide Username logging: disabled")
	line("    Standby logging: disabled")
	line("    Debug-trace logging: disabled")
	line("    Console logging: disabled")
	line("    Monitor logging: disabled")
	if c.Buffered {
		line(fmt.Sprintf("    Buffer logging: level %s, %d messages logged", config.LevelNames()[c.BufferedLevel], count))
	} else {
		line("    Buffer logging: disabled")
	}
	// `logging host` sends nothing until `logging trap` sets a level. The
	// lab has no syslog servers: the simulator sends no packets, so every
	// server's counters stay at 0.
	if c.Trap {
		line(fmt.Sprintf("    Trap logging: level %s, facility 20, %d messages logged", config.LevelNames()[c.TrapLevel], trapCount))
		for _, h := range c.Hosts {
			line("        Logging to " + h.Iface + " " + h.Addr + ", UDP TX:0 errors: 0  dropped: 0")
		}
	} else {
		line("    Trap logging: disabled")
	}
	line("    Global TCP syslog stats::")
	line("        NOT_PUTABLE: 0, ALL_CHANNEL_DOWN: 0")
	line("        CHANNEL_FLAP_CNT: 0, SYSLOG_PKT_LOSS: 0")
	line("        PARTIAL_REWRITE_CNT: 0")
	line("    Permit-hostdown logging: disabled")
	line("    History logging: disabled")
	line("    Device ID: disabled")
	line("    Mail logging: disabled")
	line("    ASDM logging: disabled")

	// The buffer keeps the newest messages that fit; the timestamp is
	// part of the stored message when `logging timestamp` is on.
	lines := make([]string, len(entries))
	for i, e := range entries {
		lines[i] = e.msg
		if c.Timestamp {
			lines[i] = fmtTime(e.at) + ": " + e.msg
		}
	}
	first, size := len(lines), 0
	for first > 0 && size+len(lines[first-1])+1 <= c.BufferBytes() {
		first--
		size += len(lines[first]) + 1
	}
	for _, l := range lines[first:] {
		line(l)
	}
	return b.String()
}

// fmtTime is the syslog timestamp, "Nov 30 2026 12:00:00".
func fmtTime(unix int64) string { return time.Unix(unix, 0).UTC().Format("Jan 02 2006 15:04:05") }
