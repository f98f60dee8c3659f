package asa

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/family"
)

// What a change of the device did, as the lab's event log tells it, and
// the ASA syslog lines that go with it. The lines' forms are those of Cisco's "Cisco ASA Series Syslog Messages"
// guide:
//
//	%ASA-5-111008: User 'user' executed the 'command' command.
//	%ASA-6-199005: Startup begin
//
// 111008 (severity 5, notification) is logged for each configuration
// command a user enters. The console does not tell the lab the commands it
// runs, only their effect, so the commands are read back from that effect:
// the lines `show running-config` prints after the change and did not
// before (configCommands). 199005 (severity 6) starts the log of a unit
// that boots, which a reload or an RMA does.

// startupLine is the ASA's first syslog line of a boot.
const startupLine = "%ASA-6-199005: Startup begin"

// commandLine is the ASA's line for a command a user executed.
func commandLine(user, command string) string {
	if user == "" {
		user = "enable_15" // the ASA's name for a session entered with enable alone
	}
	return fmt.Sprintf("%%ASA-5-111008: User '%s' executed the '%s' command.", user, command)
}

// ChangesFrom is what changed from prev, an earlier state of the same
// headend, to c (family.Device): a reload, new activation keys, the
// essentials switch, the other changes of the configuration, with the
// syslog lines the ASA logs for them.
func (c *Device) ChangesFrom(prev family.Device) []family.Change {
	old, ok := Unwrap(prev)
	if !ok {
		return nil
	}
	var out []family.Change
	add := func(k family.ChangeKind, syslog, text string) {
		out = append(out, family.Change{Kind: k, Syslog: syslog, Text: text})
	}
	boot := old.Boots != c.Boots || !old.UpAt.Equal(c.UpAt)
	if boot && !old.Startup.Equal(c.Startup) { // `reload save-config`: saved first
		add(family.ChangeConfig, commandLine(c.ModifiedBy, "write memory"), "configuration saved")
	}
	if boot {
		text := fmt.Sprintf("reloaded; up at %s", c.UpAt.UTC().Format(time.RFC3339))
		if o := old.Hostname(); o != c.Hostname() {
			text += fmt.Sprintf("; hostname %s until the reload", o)
		}
		add(family.ChangeReloaded, startupLine, text)
	}
	if old.License.FlashWords() != c.License.FlashWords() || old.License.RunningWords() != c.License.RunningWords() ||
		len(old.License.Timed) != len(c.License.Timed) {
		text := fmt.Sprintf("activation keys changed: flash %s, running %s, %d time-based",
			c.License.FlashWords(), c.License.RunningWords(), len(c.License.Timed))
		if c.License.ReloadPending() {
			text += "; the new key takes effect at the next reload"
		}
		add(family.ChangeKeys, "", text)
	}
	out = append(out, c.smartChanges(old)...)
	// A reload loads the saved configuration: nobody typed the lines it
	// brings back or drops, so they are no 111008 (a real ASA logs none).
	if boot {
		if !old.Running.Equal(c.Running) {
			add(family.ChangeConfig, "", "running configuration replaced by the startup configuration; unsaved changes lost")
		}
		return out
	}
	if old.Running.Essentials != c.Running.Essentials {
		cmd, state := "anyconnect-essentials", "enabled"
		if !c.Running.Essentials {
			cmd, state = "no anyconnect-essentials", "disabled"
		}
		add(family.ChangeEssentials, commandLine(c.ModifiedBy, cmd), "AnyConnect Essentials "+state)
	}
	oldRun, newRun := old.Running, c.Running
	oldRun.Essentials, oldRun.EssentialsTyped = newRun.Essentials, newRun.EssentialsTyped
	if !oldRun.Equal(newRun) {
		cmds := configCommands(old, c)
		for _, cmd := range cmds {
			add(family.ChangeConfig, commandLine(c.ModifiedBy, cmd), "running configuration: "+cmd)
		}
		if len(cmds) == 0 { // a change `show running-config` does not print
			text := "running configuration changed"
			if c.ModifiedBy != "" {
				text += " by " + c.ModifiedBy
			}
			add(family.ChangeConfig, "", text)
		}
	}
	if !old.Startup.Equal(c.Startup) && c.Startup.Equal(c.Running) {
		add(family.ChangeConfig, commandLine(c.ModifiedBy, "write memory"), "configuration saved")
	}
	return out
}

// configCommands are the commands that turn the running configuration of
// old into that of c, as `show running-config` prints them: each line it
// prints for c and not for old (a line of a sub-mode without its parent,
// as the ASA logs a sub-command), then "no" and the first words of each
// line gone that no new line replaces ("no username bob", "no ip
// address", "no description") (one that starts with the same words: "logging
// buffered informational" replaces "logging buffered debugging"; a gone
// "no nameif" is a default that a new line replaced). The essentials
// switch has its own event.
//
// The local users, of which a headend may have thousands, are compared by
// name and only those that differ rendered: a provisioning script that
// adds a thousand users must not render the whole configuration twice a
// line.
func configCommands(old, c *Device) []string {
	type line struct{ parent, text string }
	// The commands alone, without the header and the checksum, which are
	// comment lines the diff skips: a change of the running configuration
	// then renders each side once, not twice (the checksum renders the
	// commands again), for each line a console or a lab file runs.
	render := func(d *Device, cfg config.Config) string {
		return d.configBody(cfg, false, false)
	}
	withoutUsers := func(d *Device) string {
		cfg := d.Running
		cfg.Users = nil
		return render(d, cfg)
	}
	lines := func(text string) []line {
		out := make([]line, 0, strings.Count(text, "\n")+1)
		parent := ""
		for _, l := range strings.Split(text, "\n") {
			t := strings.TrimSpace(l)
			if t == "" || strings.HasPrefix(t, ":") || strings.HasPrefix(t, "!") || strings.HasPrefix(t, "Cryptochecksum") ||
				strings.Contains(t, "anyconnect-essentials") {
				continue
			}
			if l[0] != ' ' {
				parent = t
				out = append(out, line{"", t})
				continue
			}
			out = append(out, line{parent, t})
		}
		return out
	}
	// prefix is what a line that replaces t starts with. An interface's
	// `description` is one attribute whose text is free words: any other
	// description replaces it, and `no description` takes no text.
	prefix := func(t string) string {
		w := strings.Fields(t)
		if w[0] == "description" {
			return w[0]
		}
		return strings.Join(w[:min(2, max(1, len(w)-1))], " ")
	}
	before, after := lines(withoutUsers(old)), lines(withoutUsers(c))
	// Sized once: a configuration has a few hundred lines, and growing the
	// maps line by line was most of the diff's cost.
	had := make(map[line]int, len(before))
	for _, l := range before {
		had[l]++
	}
	has := make(map[line]int, len(after))
	replaced := map[line]bool{} // parent and prefix of the lines added
	var cmds []string
	for _, l := range after {
		has[l]++
		if had[l] > 0 {
			had[l]--
			continue
		}
		cmds = append(cmds, l.text)
		replaced[line{l.parent, prefix(l.text)}] = true
		// A line the configuration prints in its `no` form ("no
		// failover") is the command that took the gone line away.
		if rest, ok := strings.CutPrefix(l.text, "no "); ok {
			replaced[line{l.parent, prefix(rest)}] = true
		}
	}
	for _, l := range before {
		if has[l] > 0 {
			has[l]--
			continue
		}
		if strings.HasPrefix(l.text, "no ") || replaced[line{l.parent, prefix(l.text)}] {
			continue
		}
		cmds = append(cmds, "no "+prefix(l.text))
	}
	return append(cmds, userCommands(old, c, render)...)
}

// userCommands are the `username` commands that turn the local users of
// old into those of c; both lists are sorted by name.
func userCommands(old, c *Device, render func(*Device, config.Config) string) []string {
	var cmds []string
	a, b := old.Running.Users, c.Running.Users
	userLine := func(u config.User) string {
		cfg := c.Running
		cfg.Users = []config.User{u}
		for _, l := range strings.Split(render(c, cfg), "\n") {
			if strings.HasPrefix(l, "username "+u.Name+" ") {
				return l
			}
		}
		return "username " + u.Name
	}
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0].Name < b[0].Name:
			cmds = append(cmds, "no username "+a[0].Name)
			a = a[1:]
		case len(a) == 0 || b[0].Name < a[0].Name:
			cmds = append(cmds, userLine(b[0]))
			b = b[1:]
		default:
			if a[0] != b[0] {
				cmds = append(cmds, userLine(b[0]))
			}
			a, b = a[1:], b[1:]
		}
	}
	return cmds
}
