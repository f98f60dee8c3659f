package sim

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/family"
)

// TestSharedParticipantOnBackup: a participant the backup serves shows its
// configured main server inactive and the backup active, whether the main
// server's service is disabled or the server is powered off.
func TestSharedParticipantOnBackup(t *testing.T) {
	for _, how := range []string{"disabled", "powered off"} {
		t.Run(how, func(t *testing.T) {
			tl := openTestLab(t, t.TempDir())
			f := newShFleet(t, tl.lab, 1, true, false)
			if how == "disabled" {
				f.exec("srv", "configure terminal", "no license-server enable inside", "end")
			} else if _, _, err := tl.lab.PowerOff("srv"); err != nil {
				t.Fatal(err)
			}
			f.advance(time.Minute)
			st := f.status("p1")
			if st.ServerAddr != shSrvAddr || st.Active || st.Backup.Addr != shBkAddr || !st.Backup.Active {
				t.Fatalf("p1 on the backup: server %s active %v, backup %s active %v", st.ServerAddr, st.Active, st.Backup.Addr, st.Backup.Active)
			}
			out := f.exec("p1", "show shared license")
			for _, want := range []string{
				"Primary License Server : 10.0.0.1\n  Version              : 1\n  Status               : Inactive\n",
				"Backup License Server  : 10.0.0.2\n  Version              : 1\n  Status               : Active\n",
			} {
				if !strings.Contains(out, want) {
					t.Fatalf("show shared license on p1 lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// TestSharedPlatformCeiling: the platform limit is a ceiling: a 5525-X
// with 25 local sessions borrows up to 750 in all, its last grant 25; a
// request it knows cannot fit is not sent, nor counted.
func TestSharedPlatformCeiling(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 1, false, false)
	for i := range 15 {
		if !f.borrow("p1") {
			t.Fatalf("grant %d refused below the platform limit", i+1)
		}
	}
	if f.borrow("p1") {
		t.Fatal("a grant past the platform limit")
	}
	st := f.status("p1")
	if st.Borrowed != 725 || st.Get != (family.SharedMessages{Tx: 15, Rx: 15}) {
		t.Fatalf("p1 at its platform limit: borrowed %d, Get %+v", st.Borrowed, st.Get)
	}
	if st := f.status("srv"); st.Utilized != 725 || st.Get != (family.SharedMessages{Tx: 15, Rx: 15}) {
		t.Fatalf("srv: utilized %d, Get %+v", st.Utilized, st.Get)
	}
	// Unused, all of it goes back, the short block too.
	f.advance(time.Minute)
	if st := f.status("srv"); st.Utilized != 0 {
		t.Fatalf("srv after p1's refresh: utilized %d", st.Utilized)
	}
}

// TestSharedCutOffPool: a participant cut off from its server shows the
// pool as the server last told it, not the server's live pool.
func TestSharedCutOffPool(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	f := newShFleet(t, tl.lab, 1, false, false)
	f.borrow("p1")
	f.borrow("p1")
	if _, err := tl.lab.CutLink("srv", "p1"); err != nil {
		t.Fatal(err)
	}
	f.advance(91 * time.Second)
	if st := f.status("srv"); st.Utilized != 0 {
		t.Fatalf("srv did not reclaim: %+v", st)
	}
	if st := f.status("p1"); st.TotalForNetwork != 1000 || st.Available != 900 || st.Utilized != 100 {
		t.Fatalf("p1 cut off: total %d, available %d, utilized %d; want 1000, 900, 100", st.TotalForNetwork, st.Available, st.Utilized)
	}
	// It survives a restart.
	before := f.status("p1")
	tl.close()
	tl = openTestLab(t, dir)
	f.lab = tl.lab
	if st := f.status("p1"); st.Available != before.Available || st.Utilized != before.Utilized {
		t.Fatalf("p1 after a restart: %+v, want %+v", st, before)
	}
}

// TestSharedServerDown: a server powered off logs nothing and does
// nothing while it is off: no 444106 for its backup, no block given back
// by it, no reclaim; the participants' missed refreshes are reclaimed
// when it is up again.
func TestSharedServerDown(t *testing.T) {
	tl := openTestLabWith(t, t.TempDir(), Config{ClockMode: ClockSimulated, RealNow: simNow, BootTime: time.Minute})
	f := newShFleet(t, tl.lab, 1, true, false)
	f.exec("srv", "write memory")
	f.advance(time.Minute)
	f.borrow("srv")
	for range 2 {
		f.borrow("p1")
	}
	seq := lastSeq(t, tl.lab)
	off := time.Minute
	if _, _, err := tl.lab.PowerOff("srv"); err != nil {
		t.Fatal(err)
	}
	f.advance(6 * day)
	for _, l := range sharedLines(t, tl.lab, seq) {
		if strings.Contains(l, " srv ") {
			t.Errorf("srv logged while off: %s", l)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	on := off + 6*day
	seq = lastSeq(t, tl.lab)
	if _, err := tl.lab.PowerOn("srv"); err != nil {
		t.Fatal(err)
	}
	f.advance(2 * time.Minute)
	got := sharedLines(t, tl.lab, seq)
	// bk served p1 for its 5 days, then stopped; p1's refreshes have gone
	// unanswered since: srv takes its sessions back once up.
	want := ts(on+time.Minute) + " srv reclaimed 100 shared sessions from p1 after 3 missed refreshes"
	if !slices.Contains(got, want) {
		t.Fatalf("after the power on: %q\nwant %q", got, want)
	}
}

// TestSharedParticipantDown: a participant powered off logs nothing; its
// server, up, takes its sessions back after 3 missed refreshes.
func TestSharedParticipantDown(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 1, false, false)
	f.borrow("p1")
	seq := lastSeq(t, tl.lab)
	if _, _, err := tl.lab.PowerOff("p1"); err != nil {
		t.Fatal(err)
	}
	f.advance(25 * time.Hour)
	wantLines(t, sharedLines(t, tl.lab, seq), ts(90*time.Second)+" srv reclaimed 50 shared sessions from p1 after 3 missed refreshes")
}

// TestSharedReclaimByBackup: with the main server off, the backup serving
// its pool takes back the sessions of a participant that stopped
// refreshing.
func TestSharedReclaimByBackup(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 1, true, false)
	f.borrow("p1")
	f.borrow("p1")
	if _, _, err := tl.lab.PowerOff("srv"); err != nil {
		t.Fatal(err)
	}
	if st := f.status("bk"); !st.Backup.Active || st.Utilized != 100 {
		t.Fatalf("bk: %+v", st)
	}
	seq := lastSeq(t, tl.lab)
	if _, err := tl.lab.CutLink("bk", "p1"); err != nil {
		t.Fatal(err)
	}
	f.advance(2 * time.Minute)
	wantLines(t, sharedLines(t, tl.lab, seq),
		// bk, up, misses its server too.
		ts(30*time.Second)+" bk %ASA-2-444102: Shared license service inactive. License server is not responding.",
		ts(30*time.Second)+" p1 %ASA-2-444102: Shared license service inactive. License server is not responding.",
		ts(90*time.Second)+" bk reclaimed 100 shared sessions from p1 after 3 missed refreshes")
	if st := f.status("bk"); st.Utilized != 0 {
		t.Fatalf("bk after the reclaim: %+v", st)
	}
}

// TestSharedServerNotItsOwnClient: the server drawing from its own pool
// is not in its client list.
func TestSharedServerNotItsOwnClient(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 1, false, false)
	f.borrow("srv")
	f.borrow("p1")
	st := f.status("srv")
	if st.Utilized != 100 || st.CurrentUsage != 50 || len(st.Clients) != 1 || st.Clients[0].Hostname != "p1" {
		t.Fatalf("srv: utilized %d, usage %d, clients %+v", st.Utilized, st.CurrentUsage, st.Clients)
	}
}

// TestSharedParticipantBackupView: a participant refused by its server
// knows no backup it was not configured with; none shows the messages
// between the server and its backup.
func TestSharedParticipantBackupView(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 1, true, false)
	for _, cmd := range []string{"show shared license detail", "show shared license backup"} {
		out := f.exec("p1", cmd)
		if !strings.Contains(out, "Backup License Server Info:") || strings.Contains(out, "Hello") || strings.Contains(out, "Sync") {
			t.Fatalf("%s on p1:\n%s", cmd, out)
		}
		if out := f.exec("srv", cmd); !strings.Contains(out, "Hello") {
			t.Fatalf("%s on srv lacks the hellos:\n%s", cmd, out)
		}
		if out := f.exec("bk", cmd); !strings.Contains(out, "Hello") {
			t.Fatalf("%s on bk lacks the hellos:\n%s", cmd, out)
		}
	}
	f.configure("p1", family.SharedConfig{ServerAddr: shSrvAddr, ServerSecret: "NotTheSecret"})
	if st := f.status("p1"); st.Backup.Addr.IsValid() {
		t.Fatalf("p1 refused shows a backup: %+v", st.Backup)
	}
	if out := f.exec("p1", "show shared license"); strings.Contains(out, "Backup License Server") {
		t.Fatalf("show shared license on p1 refused:\n%s", out)
	}
	// Configured with the backup's address, it shows it.
	f.configure("p1", family.SharedConfig{ServerAddr: shSrvAddr, ServerSecret: "NotTheSecret", ServerBackupAddr: netip.MustParseAddr("10.0.0.2")})
	if st := f.status("p1"); st.Backup.Addr != shBkAddr {
		t.Fatalf("p1 with a backup address: %+v", st.Backup)
	}
}
