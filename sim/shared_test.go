package sim

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim/sharedlic"
)

// shFleet is a shared licensing fleet: srv (ASA 5545-X, pool 1,000, at
// 10.0.0.1 on inside), bk (a backup, 10.0.0.2) when asked, and
// participants p1..pN (ASA 5525-X, 25 local Premium peers each).
type shFleet struct {
	t     testing.TB
	lab   *Lab
	parts []string
	plain bool
}

const shSecret = "SeKreTkey"

var shSrvAddr, shBkAddr = netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")

func shSerial(host string) string {
	switch host {
	case "srv":
		return "FCH1900S001"
	case "bk":
		return "FCH1900B001"
	}
	var n int
	fmt.Sscanf(host, "p%d", &n)
	return fmt.Sprintf("FCH19%02dP%03d", n/1000, n%1000)
}

// newShFleet creates the fleet in lab with n participants; plain: the
// same units with no license-server lines.
func newShFleet(t testing.TB, lab *Lab, n int, backup, plain bool) *shFleet {
	t.Helper()
	f := &shFleet{t: t, lab: lab, plain: plain}
	srvCfg := family.SharedConfig{Secret: shSecret, EnableIface: "inside"}
	if backup {
		srvCfg.BackupAddr, srvCfg.BackupID = shBkAddr, shSerial("bk")
	}
	f.unit("srv", "ASA5545", keygen.Features{SharedServer: 1000, SharedParticipant: true}, shSrvAddr, srvCfg)
	if backup {
		f.unit("bk", "ASA5525", keygen.Features{SharedParticipant: true}, shBkAddr, family.SharedConfig{
			BackupEnableIface: "inside", ServerAddr: shSrvAddr, ServerSecret: shSecret})
	}
	// Created by a few at a time: their synced writes share the syncs.
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(n, 16) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				host := fmt.Sprintf("p%d", i)
				cfg := family.SharedConfig{ServerAddr: shSrvAddr, ServerSecret: shSecret}
				if backup {
					cfg.ServerBackupAddr = shBkAddr
				}
				err := f.makeUnit(host, "ASA5525", keygen.Features{PremiumPeers: 25, SharedParticipant: true},
					netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), cfg)
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for i := 1; i <= n; i++ {
		next <- i
		f.parts = append(f.parts, fmt.Sprintf("p%d", i))
	}
	close(next)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return f
}

// unit creates a headend with a key of features, an inside interface at
// addr and the license-server lines cfg.
func (f *shFleet) unit(host, model string, feat keygen.Features, addr netip.Addr, cfg family.SharedConfig) {
	f.t.Helper()
	if err := f.makeUnit(host, model, feat, addr, cfg); err != nil {
		f.t.Fatal(err)
	}
}

// makeUnit is unit for any goroutine.
func (f *shFleet) makeUnit(host, model string, feat keygen.Features, addr netip.Addr, cfg family.SharedConfig) error {
	serial := shSerial(host)
	if _, err := f.lab.Create(model, host, serial); err != nil {
		return err
	}
	w, err := f.lab.signer.Encode(keygen.Key{Serial: serial, Features: feat})
	if err != nil {
		return err
	}
	if _, _, err := f.lab.InstallKey(host, w.String(), KeyActivate); err != nil {
		return err
	}
	r, err := f.lab.Exec(host, []string{"configure terminal", "interface GigabitEthernet0/1", "nameif inside",
		"ip address " + addr.String() + " 255.255.0.0", "no shutdown", "end"})
	if err != nil {
		return err
	}
	if strings.Contains(r.Transcript, "ERROR") {
		return fmt.Errorf("%s: %s", host, r.Transcript)
	}
	if f.plain {
		return nil
	}
	return f.configureErr(host, cfg)
}

// configure gives host the license-server lines cfg, on its console.
func (f *shFleet) configure(host string, cfg family.SharedConfig) {
	f.t.Helper()
	if err := f.configureErr(host, cfg); err != nil {
		f.t.Fatal(err)
	}
}

func (f *shFleet) configureErr(host string, cfg family.SharedConfig) error {
	lines := []string{"configure terminal", "no license-server address", "no license-server backup address",
		"no license-server backup enable", "no license-server backup", "no license-server enable", "no license-server secret"}
	if cfg.Secret != "" {
		lines = append(lines, "license-server secret "+cfg.Secret)
	}
	if cfg.EnableIface != "" {
		lines = append(lines, "license-server enable "+cfg.EnableIface)
	}
	if cfg.BackupID != "" {
		lines = append(lines, fmt.Sprintf("license-server backup %s backup-id %s", cfg.BackupAddr, cfg.BackupID))
	}
	if cfg.BackupEnableIface != "" {
		lines = append(lines, "license-server backup enable "+cfg.BackupEnableIface)
	}
	if cfg.ServerAddr.IsValid() {
		l := fmt.Sprintf("license-server address %s secret %s", cfg.ServerAddr, cfg.ServerSecret)
		if cfg.ServerPort != 0 {
			l += fmt.Sprintf(" port %d", cfg.ServerPort)
		}
		lines = append(lines, l)
	}
	if cfg.ServerBackupAddr.IsValid() {
		lines = append(lines, "license-server backup address "+cfg.ServerBackupAddr.String())
	}
	r, err := f.lab.Exec(host, append(lines, "end"))
	if err != nil {
		return err
	}
	if strings.Contains(r.Transcript, "ERROR") {
		return fmt.Errorf("%s:\n%s", host, r.Transcript)
	}
	return nil
}

func (f *shFleet) exec(host string, lines ...string) string {
	f.t.Helper()
	r, err := f.lab.Exec(host, lines)
	if err != nil {
		f.t.Fatal(err)
	}
	if strings.Contains(r.Transcript, "ERROR") || strings.Contains(r.Transcript, "% Invalid") {
		f.t.Fatalf("%s: %s", host, r.Transcript)
	}
	return r.Transcript
}

func (f *shFleet) status(host string) family.SharedStatus {
	f.t.Helper()
	h, err := f.lab.headend(host)
	if err != nil {
		f.t.Fatal(err)
	}
	return h.SharedStatus()
}

// borrow asks for a block for host, as its admission does when its
// local Premium sessions are used up.
func (f *shFleet) borrow(host string) bool {
	f.t.Helper()
	h, err := f.lab.headend(host)
	if err != nil {
		f.t.Fatal(err)
	}
	ok, unit := f.lab.shared.svc.Borrow(h.id, f.lab.clock.Now())
	if !unit {
		f.t.Fatalf("%s takes no part in shared licensing", host)
	}
	f.lab.settleShared()
	return ok
}

// backupState is the service's record of backup host.
func (f *shFleet) backupState(host string) sharedlic.Backup {
	f.t.Helper()
	h, err := f.lab.headend(host)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.lab.shared.svc.BackupOf(h.id)
}

func (f *shFleet) advance(d time.Duration) {
	f.t.Helper()
	if _, err := f.lab.AdvanceClock(d); err != nil {
		f.t.Fatal(err)
	}
}

// sharedLines are the shared licensing events after seq, as "AT HEADEND
// SYSLOG-or-TEXT".
func sharedLines(t *testing.T, lab *Lab, seq uint64) []string {
	t.Helper()
	var out []string
	for _, e := range eventsAfter(t, lab, seq) {
		if e.Kind == EventShared {
			out = append(out, fmt.Sprintf("%s %s %s", e.At.Format(time.RFC3339), e.Headend, cmpOr(e.Syslog, e.Text)))
		}
	}
	return out
}

func lastSeq(t *testing.T, lab *Lab) uint64 {
	t.Helper()
	evs := eventsAfter(t, lab, 0)
	if len(evs) == 0 {
		return 0
	}
	return evs[len(evs)-1].Seq
}

func wantLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("shared licensing events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func ts(d time.Duration) string { return simStart.Add(d).Format(time.RFC3339) }

// TestSharedRegistration: a participant with the server's address and
// secret registers (444101) and sees the pool; one with a wrong secret is
// refused (444100) and borrows nothing; one whose server does not answer
// logs 444102.
func TestSharedRegistration(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 1, false, false)
	wantLines(t, sharedLines(t, tl.lab, 0),
		ts(0)+" p1 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.1")
	st := f.status("p1")
	if st.Role != family.SharedParticipant || !st.Active || st.ServerAddr != shSrvAddr || st.TotalForNetwork != 1000 ||
		st.Available != 1000 || st.PlatformLimit != 750 || st.Registration != (family.SharedMessages{Tx: 1, Rx: 1}) {
		t.Fatalf("p1: %+v", st)
	}
	if st := f.status("srv"); st.Role != family.SharedServer || !st.Active || len(st.Clients) != 1 ||
		st.Clients[0].ID != shSerial("p1") || st.Clients[0].Hostname != "p1" || st.Clients[0].Platform != 750 ||
		st.Clients[0].Usage != 0 || !st.Clients[0].LastSeen.Equal(simStart) {
		t.Fatalf("srv: %+v", st)
	}

	seq := lastSeq(t, tl.lab)
	f.configure("p1", family.SharedConfig{ServerAddr: shSrvAddr, ServerSecret: "NotTheSecret"})
	wantLines(t, sharedLines(t, tl.lab, seq),
		ts(0)+" p1 %ASA-5-444100: Shared registration request failed. Reason: Invalid shared secret")
	if f.borrow("p1") {
		t.Fatal("a refused participant borrowed a block")
	}
	if st := f.status("p1"); st.Active || st.Borrowed != 0 || st.Registration != (family.SharedMessages{Tx: 2, Rx: 2, Error: 1}) {
		t.Fatalf("p1 refused: %+v", st)
	}

	seq = lastSeq(t, tl.lab)
	f.configure("p1", family.SharedConfig{ServerAddr: netip.MustParseAddr("10.0.0.9"), ServerSecret: shSecret})
	wantLines(t, sharedLines(t, tl.lab, seq),
		ts(0)+" p1 %ASA-2-444102: Shared license service inactive. License server is not responding.")
	f.configure("p1", family.SharedConfig{ServerAddr: shSrvAddr, ServerSecret: shSecret, ServerPort: 50555})
	if st := f.status("p1"); st.Active {
		t.Fatalf("p1 registered on a port the server does not listen on: %+v", st)
	}
	seq = lastSeq(t, tl.lab)
	f.configure("p1", family.SharedConfig{ServerAddr: shSrvAddr, ServerSecret: shSecret})
	wantLines(t, sharedLines(t, tl.lab, seq),
		ts(0)+" p1 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.1")
}

// TestSharedBlocks: blocks of 50 while the pool has them and the
// participant stays within its platform limit; the message counts of
// refreshes come from the elapsed intervals; unused blocks go back.
func TestSharedBlocks(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 2, false, false)
	seq := lastSeq(t, tl.lab)
	for range 3 {
		if !f.borrow("p1") {
			t.Fatal("block refused")
		}
	}
	st := f.status("p1")
	if st.Borrowed != 150 || st.CurrentUsage != 150 || st.HighUsage != 150 || st.Utilized != 150 || st.Available != 850 ||
		st.Get != (family.SharedMessages{Tx: 3, Rx: 3}) {
		t.Fatalf("p1: %+v", st)
	}
	// 25 local + 14 blocks = 725: the 15th grant is the 25 left to the
	// 750 of a 5525-X; past it, p1 asks nothing.
	for range 12 {
		if !f.borrow("p1") {
			t.Fatal("block refused below the platform limit")
		}
	}
	if f.borrow("p1") {
		t.Fatal("a block past the platform limit")
	}
	if st := f.status("p1"); st.Borrowed != 725 || st.Get != (family.SharedMessages{Tx: 15, Rx: 15}) {
		t.Fatalf("p1 at its limit: %+v", st)
	}
	// The pool runs out: p2 gets the 275 left in whole blocks, 250; the
	// server refuses a block of the 25 left.
	for range 5 {
		if !f.borrow("p2") {
			t.Fatal("p2's block refused")
		}
	}
	if f.borrow("p2") {
		t.Fatal("a block past the pool")
	}
	if st := f.status("srv"); st.Utilized != 975 || st.Available != 25 || len(st.Clients) != 2 ||
		st.Clients[0].Usage != 725 || st.Clients[1].Usage != 250 {
		t.Fatalf("srv: %+v", st)
	}
	// An hour of refreshes every 30 s: 120 more registrations each, no
	// event.
	f.advance(time.Hour)
	if st := f.status("p2"); st.Registration != (family.SharedMessages{Tx: 121, Rx: 121}) {
		t.Fatalf("p2 after an hour: %+v", st.Registration)
	}
	if st := f.status("srv"); st.Registration != (family.SharedMessages{Tx: 242, Rx: 242}) || st.Get != (family.SharedMessages{Tx: 21, Rx: 21, Error: 1}) {
		t.Fatalf("srv after an hour: %+v %+v", st.Registration, st.Get)
	}
	// Nobody uses the blocks (no session): they go back, whole.
	got := sharedLines(t, tl.lab, seq)
	want := []string{ts(time.Hour) + " p1 returned 725 unused shared sessions to srv", ts(time.Hour) + " p2 returned 250 unused shared sessions to srv"}
	if len(got) < 2 || !slices.Equal(got[len(got)-2:], want) {
		t.Fatalf("events: %q", got)
	}
	if st := f.status("p1"); st.Borrowed != 0 || st.HighUsage != 725 || st.Available != 1000 || st.Release != (family.SharedMessages{Tx: 1, Rx: 1}) {
		t.Fatalf("p1 after returning: %+v", st)
	}
}

// TestSharedLoss: a participant whose server stops answering logs 444102
// at its first failed refresh; the server reclaims its sessions after 3
// missed refreshes; the participant keeps them for 24 hours after its
// last refresh, then releases them (444105). Back before 24 hours but
// after the reclaim, it asks again.
func TestSharedLoss(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 2, false, false)
	for _, p := range []string{"p1", "p2"} {
		for range 2 {
			if !f.borrow(p) {
				t.Fatal("block refused")
			}
		}
	}
	seq := lastSeq(t, tl.lab)
	// p1 loses its way to the server: its interface goes down.
	f.exec("p1", "configure terminal", "interface GigabitEthernet0/1", "shutdown", "end")
	if st := f.status("p1"); st.Active || st.Borrowed != 100 || st.ExpiresAt != simStart.Add(24*time.Hour) {
		t.Fatalf("p1 cut off: %+v", st)
	}
	f.advance(2 * time.Minute)
	if st := f.status("srv"); st.Utilized != 0 || len(st.Clients) != 1 || st.Clients[0].Hostname != "p2" {
		t.Fatalf("srv after the reclaim: %+v", st)
	}
	if st := f.status("p1"); st.Borrowed != 100 || st.Registration != (family.SharedMessages{Tx: 5, Rx: 1, Error: 4}) {
		t.Fatalf("p1 cut off for 2 minutes: %+v", st)
	}
	f.advance(24 * time.Hour)
	wantLines(t, sharedLines(t, tl.lab, seq),
		ts(30*time.Second)+" p1 %ASA-2-444102: Shared license service inactive. License server is not responding.",
		ts(90*time.Second)+" srv reclaimed 100 shared sessions from p1 after 3 missed refreshes",
		// p2 uses none of its blocks: they go back after its refresh.
		ts(2*time.Minute)+" p2 returned 100 unused shared sessions to srv",
		ts(24*time.Hour)+" p1 %ASA-2-444105: Released 100 shared AnyConnect Premium license(s). License server has been unreachable for 24 hours",
	)
	st := f.status("p1")
	if st.Borrowed != 0 || st.HighUsage != 100 || !st.ExpiresAt.IsZero() {
		t.Fatalf("p1 after 24 hours: %+v", st)
	}
	if f.borrow("p1") {
		t.Fatal("a participant cut off borrowed")
	}
}

// TestSharedReconnect: a participant back before its 24 hours but after
// the server reclaimed its sessions asks for them again; back before the
// reclaim, it keeps them as they are.
func TestSharedReconnect(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 1, false, false)
	for range 2 {
		f.borrow("p1")
	}
	cut := func() { f.exec("p1", "configure terminal", "interface GigabitEthernet0/1", "shutdown", "end") }
	restore := func() { f.exec("p1", "configure terminal", "interface GigabitEthernet0/1", "no shutdown", "end") }
	cut()
	f.advance(time.Minute)
	seq := lastSeq(t, tl.lab)
	restore()
	wantLines(t, sharedLines(t, tl.lab, seq),
		ts(time.Minute)+" p1 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.1")
	if st := f.status("srv"); st.Utilized != 100 {
		t.Fatalf("srv: %+v", st)
	}
	cut()
	f.advance(time.Hour)
	seq = lastSeq(t, tl.lab)
	restore()
	wantLines(t, sharedLines(t, tl.lab, seq),
		ts(61*time.Minute)+" p1 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.1",
		ts(61*time.Minute)+" p1 asked srv again for the 100 shared sessions it held: 100 granted")
	if st := f.status("srv"); st.Utilized != 100 || st.Get.Rx != 3 {
		t.Fatalf("srv: %+v", st)
	}
}

// TestSharedBackup: the backup registers with the main server (5 days
// when fresh, one more a day up to 30); while the main server is down it
// serves the participants, warns at 15 days left (444110) and stops at 0
// (444111); the main server back, it steps down.
func TestSharedBackup(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 1, true, false)
	// The server named its backup before the backup was there.
	if got := sharedLines(t, tl.lab, 0); !slices.Contains(got, ts(0)+" srv %ASA-4-444106: Shared license backup server 10.0.0.2 is not available") {
		t.Fatalf("events: %q", got)
	}
	if st := f.status("bk"); st.Role != family.SharedBackup || !st.Backup.Registered || st.Backup.DaysLeft != 5 || st.Backup.Active {
		t.Fatalf("fresh backup: %+v", st)
	}
	if bk := f.backupState("bk"); bk.Hello != (family.SharedMessages{Tx: 1, Rx: 1}) || bk.Syncs(simStart.Add(time.Minute)).Tx != 6 {
		t.Fatalf("fresh backup's hello and syncs: %+v", bk)
	}
	f.advance(40 * day)
	if st := f.status("srv"); st.Backup.Addr != shBkAddr || st.Backup.ID != shSerial("bk") || !st.Backup.Registered ||
		st.Backup.Active || st.Backup.DaysLeft != 30 {
		t.Fatalf("backup after 40 days, from the server: %+v", st.Backup)
	}
	f.borrow("p1")
	seq := lastSeq(t, tl.lab)
	down := 40 * day
	f.exec("srv", "configure terminal", "interface GigabitEthernet0/1", "shutdown", "end")
	if st := f.status("p1"); st.Active || st.ServerAddr != shSrvAddr || !st.Backup.Active || st.Utilized != 50 || st.Borrowed != 50 {
		t.Fatalf("p1 on the backup: %+v", st)
	}
	if !f.borrow("p1") {
		t.Fatal("the active backup lent no block")
	}
	f.advance(31 * day)
	wantLines(t, sharedLines(t, tl.lab, seq),
		ts(down)+" bk %ASA-4-444109: Shared license backup server role changed to active",
		ts(down)+" p1 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.2",
		ts(down)+" p1 borrowed 50 shared sessions from srv: holds 100",
		// The backup is a participant of the main server too.
		ts(down+30*time.Second)+" bk %ASA-2-444102: Shared license service inactive. License server is not responding.",
		ts(down+15*day)+" bk %ASA-4-444110: Shared license server backup has 15 days remaining as active license server",
		ts(down+30*day)+" bk %ASA-2-444111: Shared license backup service has been terminated due to the primary license server 10.0.0.1 being unavailable for more than 30 days. The license server needs to be brought back online to continue using shared licensing.",
		ts(down+30*day+30*time.Second)+" p1 %ASA-2-444102: Shared license service inactive. License server is not responding.",
		// The pool the backup served (the main server's) takes its
		// sessions back after 3 missed refreshes, as the main would.
		ts(down+30*day+90*time.Second)+" srv reclaimed 100 shared sessions from p1 after 3 missed refreshes",
		ts(down+31*day)+" p1 %ASA-2-444105: Released 100 shared AnyConnect Premium license(s). License server has been unreachable for 24 hours",
	)
	seq = lastSeq(t, tl.lab)
	f.exec("srv", "configure terminal", "interface GigabitEthernet0/1", "no shutdown", "end")
	wantLines(t, sharedLines(t, tl.lab, seq),
		ts(down+31*day)+" bk %ASA-5-444101: Shared license service is active. License server address: 10.0.0.1",
		ts(down+31*day)+" p1 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.1")
	if st := f.status("bk"); st.Backup.Active || st.Backup.DaysLeft != 0 {
		t.Fatalf("backup after its 30 days: %+v", st.Backup)
	}
	f.advance(3 * day)
	if st := f.status("bk"); st.Backup.DaysLeft != 3 {
		t.Fatalf("backup recharging: %+v", st.Backup)
	}
}

// TestSharedSurvivesRestart: who holds what, high usage, message counts,
// a participant's 24 hours and a backup's days survive a restart.
func TestSharedSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	f := newShFleet(t, tl.lab, 2, true, false)
	f.advance(2 * day)
	for range 3 {
		f.borrow("p1")
	}
	f.borrow("p2")
	f.exec("p2", "configure terminal", "interface GigabitEthernet0/1", "shutdown", "end")
	f.advance(10 * time.Second)
	hosts := []string{"srv", "bk", "p1", "p2"}
	before := map[string]family.SharedStatus{}
	for _, h := range hosts {
		before[h] = f.status(h)
	}
	if before["p2"].ExpiresAt.IsZero() || before["p1"].Borrowed != 150 || before["srv"].Utilized != 200 || before["bk"].Backup.DaysLeft != 7 {
		t.Fatalf("before the restart: %+v", before)
	}
	tl.close()
	tl = openTestLab(t, dir)
	f.lab = tl.lab
	for _, h := range hosts {
		if got := f.status(h); fmt.Sprint(got) != fmt.Sprint(before[h]) {
			t.Errorf("%s after the restart:\n%+v\nwant\n%+v", h, got, before[h])
		}
	}
	// The lab goes on where it was: p2's 24 hours end as they would have.
	seq := lastSeq(t, tl.lab)
	f.advance(day)
	got := sharedLines(t, tl.lab, seq)
	want := ts(2*day+24*time.Hour) + " p2 %ASA-2-444105: Released 50 shared AnyConnect Premium license(s). License server has been unreachable for 24 hours"
	if !slices.Contains(got, want) {
		t.Fatalf("after a day: %q", got)
	}
}

// TestSharedFaults: a cut link or a server powered off is a loss like any
// other, seen at the lab time of the fault; a restore or power on brings
// the participant back.
func TestSharedFaults(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 2, false, false)
	f.borrow("p1")
	f.advance(10 * time.Second)
	seq := lastSeq(t, tl.lab)
	if _, err := tl.lab.CutLink("p1", "srv"); err != nil {
		t.Fatal(err)
	}
	if st := f.status("p1"); st.Active || st.ExpiresAt != simStart.Add(24*time.Hour) {
		t.Fatalf("p1 cut off: %+v", st)
	}
	if st := f.status("p2"); !st.Active {
		t.Fatalf("p2 lost its server with p1's link: %+v", st)
	}
	f.advance(time.Minute)
	if err := tl.lab.RestoreLink("p1", "srv"); err != nil {
		t.Fatal(err)
	}
	f.exec("srv", "write memory") // power on boots the saved configuration
	if _, _, err := tl.lab.PowerOff("srv"); err != nil {
		t.Fatal(err)
	}
	f.advance(time.Minute)
	if _, err := tl.lab.PowerOn("srv"); err != nil {
		t.Fatal(err)
	}
	got := sharedLines(t, tl.lab, seq)
	want := []string{
		ts(30*time.Second) + " p1 %ASA-2-444102: Shared license service inactive. License server is not responding.",
		ts(70*time.Second) + " p1 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.1",
		// p2's last refresh was at 60 s, p1's registration at 70 s.
		ts(90*time.Second) + " p2 %ASA-2-444102: Shared license service inactive. License server is not responding.",
		ts(100*time.Second) + " p1 %ASA-2-444102: Shared license service inactive. License server is not responding.",
		ts(130*time.Second) + " p1 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.1",
		ts(130*time.Second) + " p2 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.1",
	}
	wantLines(t, got, want...)
}

// TestSharedLeave: a participant whose license-server lines go gives what
// it borrowed back to the pool at once.
func TestSharedLeave(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 1, false, false)
	f.borrow("p1")
	f.borrow("p1")
	seq := lastSeq(t, tl.lab)
	f.configure("p1", family.SharedConfig{})
	wantLines(t, sharedLines(t, tl.lab, seq), ts(0)+" p1 left shared licensing: returned 100 shared sessions")
	if st := f.status("srv"); st.Utilized != 0 || len(st.Clients) != 0 {
		t.Fatalf("srv: %+v", st)
	}
	if st := f.status("p1"); st.Borrowed != 0 || st.Active {
		t.Fatalf("p1: %+v", st)
	}
}

// TestSharedServerParticipates: the server draws from its own pool, with
// no message sent, and does not list itself as a client.
func TestSharedServerParticipates(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newShFleet(t, tl.lab, 0, false, false)
	if !f.borrow("srv") {
		t.Fatal("the server's own block refused")
	}
	st := f.status("srv")
	if st.Borrowed != 50 || st.Utilized != 50 || st.Get != (family.SharedMessages{}) || len(st.Clients) != 0 {
		t.Fatalf("srv: %+v", st)
	}
	f.advance(time.Minute) // unused: back after a refresh interval
	if st := f.status("srv"); st.Borrowed != 0 || st.Utilized != 0 || st.HighUsage != 50 {
		t.Fatalf("srv after a minute: %+v", st)
	}
}
