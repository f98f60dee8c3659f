package sim

import (
	"fmt"
	"time"

	"github.com/asalab/asalab/headend"
)

// The events a headend's change tells, and the ASA syslog lines they carry.
// The lines' forms are those of Cisco's "Cisco ASA Series Syslog Messages"
// guide:
//
//	%ASA-5-111008: User 'user' executed the 'command' command.
//	%ASA-6-199005: Startup begin
//
// 111008 (severity 5, notification) is logged for each configuration
// command a user enters; the simulator knows the command only for the
// changes it can tell apart by their effect (anyconnect-essentials, write
// memory). 199005 (severity 6) starts the log of a unit that boots, which a
// reload or an RMA does.

// startupLine is the ASA's first syslog line of a boot.
const startupLine = "%ASA-6-199005: Startup begin"

// commandLine is the ASA's line for a command a user executed.
func commandLine(user, command string) string {
	if user == "" {
		user = "enable_15" // the ASA's name for a session entered with enable alone
	}
	return fmt.Sprintf("%%ASA-5-111008: User '%s' executed the '%s' command.", user, command)
}

// changeEvents are the events of a change of the headend from old to c at
// now: the lines the device logged since the last change was stored, a
// reload, new activation keys, the essentials switch, other changes of the
// configuration. Called with h.mu held.
func (h *Headend) changeEvents(old, c *headend.Device, now time.Time) []Event {
	name := c.Hostname()
	// The lines logged come first: most were logged as the device caught up
	// with the lab time, before the change.
	evs := h.logEvents(c)
	add := func(k EventKind, syslog, text string) {
		evs = append(evs, Event{At: now, Headend: name, Kind: k, Syslog: syslog, Text: text})
	}
	if rebooted(old, c) {
		add(EventReloaded, startupLine, fmt.Sprintf("reloaded; up at %s", c.UpAt.UTC().Format(time.RFC3339)))
	}
	if old.License.FlashWords() != c.License.FlashWords() || old.License.RunningWords() != c.License.RunningWords() ||
		len(old.License.Timed) != len(c.License.Timed) {
		text := fmt.Sprintf("activation keys changed: flash %s, running %s, %d time-based",
			c.License.FlashWords(), c.License.RunningWords(), len(c.License.Timed))
		if c.License.ReloadPending() {
			text += "; the new key takes effect at the next reload"
		}
		add(EventKeyInstalled, "", text)
	}
	if old.Running.Essentials != c.Running.Essentials {
		cmd, state := "anyconnect-essentials", "enabled"
		if !c.Running.Essentials {
			cmd, state = "no anyconnect-essentials", "disabled"
		}
		add(EventEssentials, commandLine(c.ModifiedBy, cmd), "AnyConnect Essentials "+state)
	}
	oldRun, newRun := old.Running, c.Running
	oldRun.Essentials, oldRun.EssentialsTyped = newRun.Essentials, newRun.EssentialsTyped
	if !oldRun.Equal(newRun) {
		text := "running configuration changed"
		if c.ModifiedBy != "" {
			text += " by " + c.ModifiedBy
		}
		add(EventConfigChanged, "", text)
	}
	if !old.Startup.Equal(c.Startup) && c.Startup.Equal(c.Running) && !rebooted(old, c) {
		add(EventConfigChanged, commandLine(c.ModifiedBy, "write memory"), "configuration saved")
	}
	return evs
}

// logEvents are the lines c logged that no stored event holds yet. Called
// with h.mu held.
func (h *Headend) logEvents(c *headend.Device) []Event {
	n := min(c.LogCount-h.logged, len(c.Log))
	if n <= 0 {
		return nil
	}
	evs := make([]Event, 0, n)
	for _, e := range c.Log[len(c.Log)-n:] {
		evs = append(evs, Event{At: e.Time, Headend: c.Hostname(), Kind: EventSyslog, Syslog: e.Msg})
	}
	return evs
}
