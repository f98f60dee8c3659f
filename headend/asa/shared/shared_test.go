package shared_test

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend/asa/shared"
	"github.com/asalab/asalab/headend/family"
)

// realServer is the state behind the real sample: a pool of 5000, the
// server itself using 50, one participant holding 50.
func realServer() family.SharedStatus {
	return family.SharedStatus{
		Role: family.SharedServer, Active: true,
		TotalForNetwork: 5000, Available: 4900, Utilized: 100,
		PlatformLimit: 5000, CurrentUsage: 50, HighUsage: 100,
		Registration: family.SharedMessages{Tx: 441798, Rx: 441789, Error: 9},
		Get:          family.SharedMessages{Tx: 28, Rx: 28},
		Release:      family.SharedMessages{Tx: 27, Rx: 27},
		Clients:      []family.SharedClient{{ID: "JMX1111", Hostname: "vpn-asa-01", Usage: 50, Platform: 750, High: 100}},
	}
}

// TestShowServerIsTheRealSample: the server's `show shared license` is the
// published output, byte for byte.
func TestShowServerIsTheRealSample(t *testing.T) {
	want, err := os.ReadFile("testdata/show_shared_license_server.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := shared.Show(realServer()); got != string(want) {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestShowParticipant: a participant names its server and whether the
// service is active before the utilization block, and lists no clients;
// a backup server does the same until it serves.
func TestShowParticipant(t *testing.T) {
	st := family.SharedStatus{
		Role: family.SharedParticipant, Active: true, ServerAddr: netip.MustParseAddr("10.15.0.15"),
		TotalForNetwork: 5000, Available: 4900, Utilized: 100, PlatformLimit: 750, CurrentUsage: 50, HighUsage: 50,
		Borrowed: 50,
	}
	got := shared.Show(st)
	want := "Primary License Server : 10.15.0.15\n  Version              : 1\n  Status               : Active\n\n" +
		"Shared license utilization:\n  AnyConnect Premium:\n    Total for network :     5000\n"
	if !strings.HasPrefix(got, want) || strings.Contains(got, "Client ID") {
		t.Errorf("participant:\n%s", got)
	}
	st.Role, st.Active = family.SharedBackup, false
	st.Backup = family.SharedBackupStatus{Addr: netip.MustParseAddr("10.15.0.16")}
	if got := shared.Show(st); !strings.Contains(got, "Backup License Server  : 10.15.0.16\n") || strings.Contains(got, "Client ID") {
		t.Errorf("inactive backup:\n%s", got)
	}
	st.Backup.Active = true
	st.Clients = []family.SharedClient{{ID: "JMX2222", Hostname: "asa2", Usage: 50}}
	if got := shared.Show(st); strings.HasPrefix(got, "Primary") || !strings.HasSuffix(got, "  JMX2222             50      asa2\n") {
		t.Errorf("active backup:\n%s", got)
	}
}

// TestDetailClientBackup: the blocks of `detail`, `client [HOSTNAME]` and
// `backup`.
func TestDetailClientBackup(t *testing.T) {
	st := realServer()
	st.Clients = append(st.Clients, family.SharedClient{ID: "JMX2222", Hostname: "vpn-asa-02", Usage: 0, Platform: 750})
	st.Backup = family.SharedBackupStatus{Addr: netip.MustParseAddr("10.1.1.2"), ID: "JMX0916L0Z4", Registered: true, DaysLeft: 5,
		Hello: family.SharedMessages{Tx: 3, Rx: 3}}
	backup := "Backup License Server Info:\n\n" +
		"Device ID              : JMX0916L0Z4\n" +
		"Address                : 10.1.1.2\n" +
		"Registered             : YES\n" +
		"Status                 : Inactive\n" +
		"Days available         : 5\n" +
		"Messages Tx/Rx/Error:\n" +
		"  Hello                : 3 / 3 / 0\n" +
		"  Sync                 : 0 / 0 / 0\n" +
		"  Update               : 0 / 0 / 0\n"
	if got := shared.ShowBackup(st); got != backup {
		t.Errorf("backup:\n%s\nwant:\n%s", got, backup)
	}
	client2 := "Client Info:\n\n" +
		"Hostname               : vpn-asa-02\n" +
		"Device ID              : JMX2222\n" +
		"Platform limit         : 750\n" +
		"AnyConnect Premium:\n" +
		"  Current usage        : 0\n" +
		"  High                 : 0\n" +
		"Messages Tx/Rx/Error:\n" +
		"  Registration         : 0 / 0 / 0\n" +
		"  Get                  : 0 / 0 / 0\n" +
		"  Release              : 0 / 0 / 0\n" +
		"  Transfer             : 0 / 0 / 0\n"
	if got := shared.ShowClient(st, "vpn-asa-02"); got != client2 {
		t.Errorf("client vpn-asa-02:\n%s\nwant:\n%s", got, client2)
	}
	if got := shared.ShowClient(st, "nobody"); got != "" {
		t.Errorf("client nobody: %q", got)
	}
	d := shared.ShowDetail(st)
	if !strings.HasPrefix(d, backup+"\nShared license utilization:\n") || strings.Count(d, "Hostname               :") != 2 ||
		!strings.HasSuffix(d, client2[len("Client Info:\n"):]) {
		t.Errorf("detail:\n%s", d)
	}
	if got := shared.ShowBackup(family.SharedStatus{}); got != "No backup license server is configured.\n" {
		t.Errorf("no backup: %q", got)
	}
}

// TestSyslog: each event's line, with its severity and arguments.
func TestSyslog(t *testing.T) {
	a := netip.MustParseAddr("10.15.0.15")
	for ev, want := range map[family.SharedEvent]string{
		{Kind: family.SharedRequestFailed, Request: "registration", Reason: "Invalid secret"}: "%ASA-5-444100: Shared registration request failed. Reason: Invalid secret",
		{Kind: family.SharedServiceActive, Addr: a}:                                           "%ASA-5-444101: Shared license service is active. License server address: 10.15.0.15",
		{Kind: family.SharedServerNotResponding}:                                              "%ASA-2-444102: Shared license service inactive. License server is not responding.",
		{Kind: family.SharedReleased, Count: 100}:                                             "%ASA-2-444105: Released 100 shared AnyConnect Premium license(s). License server has been unreachable for 24 hours",
		{Kind: family.SharedBackupUnavailable, Addr: a}:                                       "%ASA-4-444106: Shared license backup server 10.15.0.15 is not available",
		{Kind: family.SharedBackupRole, State: "active"}:                                      "%ASA-4-444109: Shared license backup server role changed to active",
		{Kind: family.SharedBackupDaysLeft, Days: 15}:                                         "%ASA-4-444110: Shared license server backup has 15 days remaining as active license server",
		{Kind: family.SharedBackupTerminated, Addr: a, Days: 30}:                              "%ASA-2-444111: Shared license backup service has been terminated due to the primary license server 10.15.0.15 being unavailable for more than 30 days. The license server needs to be brought back online to continue using shared licensing.",
		{}: "",
	} {
		if got := shared.Syslog(ev); got != want {
			t.Errorf("%+v:\n got %q\nwant %q", ev, got, want)
		}
	}
}
