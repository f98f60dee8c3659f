// Package shared is what an ASA prints about shared AnyConnect Premium
// licensing: the syslog lines of the service's events and `show shared
// license [detail | client [HOSTNAME] | backup]`, rendered from the lab's
// view of the service (family.SharedStatus). It is pure rendering: the lab
// runs the service, the device keeps the `license-server` lines.
package shared

import (
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend/family"
)

// Syslog is the line a unit logs for a shared licensing event; "" for an
// unknown kind. The texts are those of Cisco's ASA Series Syslog Messages
// (444100 to 444111). Where the guide leaves a word to the event:
// 444100's request is the message kind in lower case ("registration",
// "get"); 444105's license type is "AnyConnect Premium", the only one
// shared (the guide does not list the values); 444109's state is "active"
// or "inactive".
func Syslog(ev family.SharedEvent) string {
	switch ev.Kind {
	case family.SharedRequestFailed:
		return fmt.Sprintf("%%ASA-5-444100: Shared %s request failed. Reason: %s", ev.Request, ev.Reason)
	case family.SharedServiceActive:
		return "%ASA-5-444101: Shared license service is active. License server address: " + ev.Addr.String()
	case family.SharedServerNotResponding:
		return "%ASA-2-444102: Shared license service inactive. License server is not responding."
	case family.SharedReleased:
		return fmt.Sprintf("%%ASA-2-444105: Released %d shared AnyConnect Premium license(s). License server has been unreachable for 24 hours", ev.Count)
	case family.SharedBackupUnavailable:
		return "%ASA-4-444106: Shared license backup server " + ev.Addr.String() + " is not available"
	case family.SharedBackupRole:
		return "%ASA-4-444109: Shared license backup server role changed to " + ev.State
	case family.SharedBackupDaysLeft:
		return fmt.Sprintf("%%ASA-4-444110: Shared license server backup has %d days remaining as active license server", ev.Days)
	case family.SharedBackupTerminated:
		return fmt.Sprintf("%%ASA-2-444111: Shared license backup service has been terminated due to the primary license server %s being unavailable for more than %d days. The license server needs to be brought back online to continue using shared licensing.", ev.Addr, ev.Days)
	}
	return ""
}

// Show renders `show shared license` on a unit.
//
// The server's layout is the real one (testdata/show_shared_license_server.txt,
// from tunnelsup.com, "Understanding Cisco ASA AnyConnect Licensing",
// 2012): the pool, this device's use, the message counts, and the
// participants the server knows. The participant's layout is not in a
// stored source; it is derived from the example of the Cisco ASA command
// reference as recalled: a block naming the server it uses, its version and
// whether the service is active, a blank line, then the server's
// utilization block without the participant list. A backup server prints
// the participant's layout while inactive and the server's while active.
// A unit with no shared licensing configured prints the utilization block
// with an empty pool.
func Show(st family.SharedStatus) string {
	var b strings.Builder
	if st.Role == family.SharedParticipant || st.Role == family.SharedBackup && !st.Backup.Active {
		serverBlock(&b, st)
		b.WriteString("\n")
	}
	utilization(&b, st)
	if serves(st) {
		b.WriteString("\n")
		clientTable(&b, st.Clients)
	}
	return b.String()
}

// ShowDetail renders `show shared license detail`: the backup server's block
// (when one is configured), the utilization block, and every participant's
// block (on a server). Not in a stored source: the layout follows the
// Cisco ASA command reference's example as recalled ("Backup License
// Server Info:", "Client Info:" blocks of "Label : value" lines).
func ShowDetail(st family.SharedStatus) string {
	var b strings.Builder
	if st.Backup.Addr.IsValid() {
		backupBlock(&b, st)
		b.WriteString("\n")
	}
	utilization(&b, st)
	if serves(st) {
		b.WriteString("\n")
		clientBlocks(&b, st.Clients, "")
	}
	return b.String()
}

// ShowClient renders `show shared license client [HOSTNAME]`: the blocks of
// the participants a server knows, of one hostname if given (nothing when
// none matches, or on a unit that does not serve).
func ShowClient(st family.SharedStatus, hostname string) string {
	var b strings.Builder
	if serves(st) {
		clientBlocks(&b, st.Clients, hostname)
	}
	return b.String()
}

// ShowBackup renders `show shared license backup`: the backup server's block,
// or a line saying none is configured (ours: no real output of an ASA
// without a backup server was found).
func ShowBackup(st family.SharedStatus) string {
	if !st.Backup.Addr.IsValid() {
		return "No backup license server is configured.\n"
	}
	var b strings.Builder
	backupBlock(&b, st)
	return b.String()
}

// serves reports whether the unit lends the pool: a server, or a backup
// server while it stands in for the main one.
func serves(st family.SharedStatus) bool {
	return st.Role == family.SharedServer || st.Role == family.SharedBackup && st.Backup.Active
}

func activeWord(on bool) string {
	if on {
		return "Active"
	}
	return "Inactive"
}

func yesNo(on bool) string {
	if on {
		return "YES"
	}
	return "NO"
}

// serverBlock is the participant's view of its servers: the main server
// it is configured with and whether it answers (st.Active), then the
// backup server, if it knows one, and whether it serves it
// (st.Backup.Active).
func serverBlock(b *strings.Builder, st family.SharedStatus) {
	addr := "Not configured"
	if st.ServerAddr.IsValid() {
		addr = st.ServerAddr.String()
	}
	fmt.Fprintf(b, "Primary License Server : %s\n", addr)
	fmt.Fprintf(b, "  Version              : 1\n")
	fmt.Fprintf(b, "  Status               : %s\n", activeWord(st.Active))
	if st.Backup.Addr.IsValid() {
		fmt.Fprintf(b, "Backup License Server  : %s\n", st.Backup.Addr)
		fmt.Fprintf(b, "  Version              : 1\n")
		fmt.Fprintf(b, "  Status               : %s\n", activeWord(st.Backup.Active))
	}
}

// utilization is the block of the real sample: labels padded to 18, values
// right-aligned in 9 after the colon.
func utilization(b *strings.Builder, st family.SharedStatus) {
	num := func(label string, v int) { fmt.Fprintf(b, "    %-18s:%9d\n", label, v) }
	msg := func(label string, m family.SharedMessages) {
		fmt.Fprintf(b, "    %-16s: %d / %d / %d\n", label, m.Tx, m.Rx, m.Error)
	}
	b.WriteString("Shared license utilization:\n")
	b.WriteString("  AnyConnect Premium:\n")
	num("Total for network", st.TotalForNetwork)
	num("Available", st.Available)
	num("Utilized", st.Utilized)
	b.WriteString("  This device:\n")
	num("Platform limit", st.PlatformLimit)
	num("Current usage", st.CurrentUsage)
	num("High usage", st.HighUsage)
	b.WriteString("  Messages Tx/Rx/Error:\n")
	msg("Registration", st.Registration)
	msg("Get", st.Get)
	msg("Release", st.Release)
	msg("Transfer", st.Transfer)
}

// clientTable is the real sample's participant list.
func clientTable(b *strings.Builder, cs []family.SharedClient) {
	fmt.Fprintf(b, "  %-20s%-8s%s\n", "Client ID", "Usage", "Hostname")
	for _, c := range cs {
		fmt.Fprintf(b, "  %-20s%-8d%s\n", c.ID, c.Usage, c.Hostname)
	}
}

// backupBlock is the backup server as `detail` and `backup` print it.
// The hello, sync and update messages pass between the main server and
// its backup: a participant, which sees none of them, prints no count.
func backupBlock(b *strings.Builder, st family.SharedStatus) {
	bk := st.Backup
	line := func(label, v string) { fmt.Fprintf(b, "%-23s: %s\n", label, v) }
	b.WriteString("Backup License Server Info:\n\n")
	if bk.ID != "" { // a participant knows it once its server tells it
		line("Device ID", bk.ID)
	}
	line("Address", bk.Addr.String())
	line("Registered", yesNo(bk.Registered))
	if bk.HAID != "" {
		line("HA peer ID", bk.HAID)
		line("Registered", yesNo(bk.HARegistered))
	}
	line("Status", activeWord(bk.Active))
	if bk.Active {
		line("Days remaining", fmt.Sprint(bk.DaysLeft))
	} else {
		line("Days available", fmt.Sprint(bk.DaysLeft))
	}
	if st.Role != family.SharedServer && st.Role != family.SharedBackup {
		return
	}
	b.WriteString("Messages Tx/Rx/Error:\n")
	for _, m := range []struct {
		label string
		m     family.SharedMessages
	}{{"Hello", bk.Hello}, {"Sync", bk.Sync}, {"Update", bk.Update}} {
		fmt.Fprintf(b, "  %-21s: %d / %d / %d\n", m.label, m.m.Tx, m.m.Rx, m.m.Error)
	}
}

// clientBlocks are the participants' blocks, of one hostname if given.
func clientBlocks(b *strings.Builder, cs []family.SharedClient, hostname string) {
	first := true
	for _, c := range cs {
		if hostname != "" && c.Hostname != hostname {
			continue
		}
		if first {
			b.WriteString("Client Info:\n")
			first = false
		}
		b.WriteString("\n")
		fmt.Fprintf(b, "%-23s: %s\n", "Hostname", c.Hostname)
		fmt.Fprintf(b, "%-23s: %s\n", "Device ID", c.ID)
		fmt.Fprintf(b, "%-23s: %d\n", "Platform limit", c.Platform)
		b.WriteString("AnyConnect Premium:\n")
		fmt.Fprintf(b, "  %-21s: %d\n", "Current usage", c.Usage)
		fmt.Fprintf(b, "  %-21s: %d\n", "High", c.High)
		b.WriteString("Messages Tx/Rx/Error:\n")
		for _, m := range []struct {
			label string
			m     family.SharedMessages
		}{{"Registration", c.Registration}, {"Get", c.Get}, {"Release", c.Release}, {"Transfer", c.Transfer}} {
			fmt.Fprintf(b, "  %-21s: %d / %d / %d\n", m.label, m.m.Tx, m.m.Rx, m.m.Error)
		}
	}
}
