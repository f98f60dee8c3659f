package sim

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
)

// The fleet of the migration the shared-to-Plus training rehearses: one
// ASA 5545-X shared licensing server (a pool of 1,000), a backup server,
// three ASA 5525-X participants with participant keys and 25 local Premium
// peers each, configured on their consoles, and 600 AnyConnect users
// spread over the participants through the lab's admission path.
type migrationFleet struct {
	t     *testing.T
	lab   *Lab
	parts []string
	users map[string]int // next user number per participant
}

var migrationSerials = map[string]string{
	"srv": "FCH2001S001", "bk": "FCH2001B001", "p1": "FCH2001P001", "p2": "FCH2001P002", "p3": "FCH2001P003",
}

func newMigrationFleet(t *testing.T, lab *Lab) *migrationFleet {
	t.Helper()
	f := &migrationFleet{t: t, lab: lab, parts: []string{"p1", "p2", "p3"}, users: map[string]int{}}
	f.unit("srv", "ASA5545", keygen.Features{SharedServer: 1000}, "10.0.0.1",
		"license-server secret SeKreTkey", "license-server enable inside",
		"license-server backup 10.0.0.2 backup-id "+migrationSerials["bk"])
	f.unit("bk", "ASA5525", keygen.Features{SharedParticipant: true}, "10.0.0.2",
		"license-server address 10.0.0.1 secret SeKreTkey", "license-server backup enable inside")
	for i, p := range f.parts {
		f.unit(p, "ASA5525", keygen.Features{PremiumPeers: 25, SharedParticipant: true}, fmt.Sprintf("10.0.0.%d", 11+i),
			"license-server address 10.0.0.1 secret SeKreTkey", "license-server backup address 10.0.0.2")
	}
	return f
}

func (f *migrationFleet) unit(host, model string, feat keygen.Features, addr string, lines ...string) {
	f.t.Helper()
	w, err := f.lab.signer.Encode(keygen.Key{Serial: migrationSerials[host], Features: feat})
	if err != nil {
		f.t.Fatal(err)
	}
	f.unitKey(host, model, w.String(), addr, lines...)
}

// unitKey creates host with key, an inside interface at addr, logging to
// its buffer, and the license-server lines; saved.
func (f *migrationFleet) unitKey(host, model, key, addr string, lines ...string) {
	f.t.Helper()
	if _, err := f.lab.Create(model, host, migrationSerials[host]); err != nil {
		f.t.Fatal(err)
	}
	if _, _, err := f.lab.InstallKey(host, key, KeyActivate); err != nil {
		f.t.Fatal(err)
	}
	f.exec(host, append(append([]string{"configure terminal", "interface GigabitEthernet0/1", "nameif inside",
		"ip address " + addr + " 255.255.255.0", "no shutdown", "exit", "logging enable", "logging buffered informational"},
		lines...), "end", "write memory")...)
}

func (f *migrationFleet) exec(host string, lines ...string) string {
	f.t.Helper()
	r, err := f.lab.Exec(host, lines)
	if err != nil {
		f.t.Fatal(err)
	}
	if strings.Contains(r.Transcript, "ERROR") || strings.Contains(r.Transcript, "% Invalid") {
		f.t.Fatalf("%s:\n%s", host, r.Transcript)
	}
	return r.Transcript
}

// connect admits n new AnyConnect users on host and returns how many were
// admitted, and of them how many took a shared session of pool.
func (f *migrationFleet) connect(host string, n int, pool string) (admitted, shared int) {
	f.t.Helper()
	h, err := f.lab.headend(host)
	if err != nil {
		f.t.Fatal(err)
	}
	for range n {
		f.users[host]++
		d, err := f.lab.Admit(host, fmt.Sprintf("%s-user%d", host, f.users[host]), "laptop", KindAnyConnect)
		if err != nil {
			f.t.Fatal(err)
		}
		if d.Admitted {
			admitted++
			if d.Shared() {
				shared++
				if got := h.SharedPool(); got != pool {
					f.t.Fatalf("%s: a shared session of pool %q, want %q", host, got, pool)
				}
			}
		}
	}
	return admitted, shared
}

// active is the number of sessions up on host.
func (f *migrationFleet) active(host string) int {
	f.t.Helper()
	c, err := f.lab.Counts(host)
	if err != nil {
		f.t.Fatal(err)
	}
	return c.Total()
}

func (f *migrationFleet) advance(d time.Duration) {
	f.t.Helper()
	if _, err := f.lab.AdvanceClock(d); err != nil {
		f.t.Fatal(err)
	}
}

// TestSharedFleetLoss is the shared half of the migration this serves: 600
// users on three participants that borrow from the server's pool; the
// server cut off from them, they log 444102 at their first failed refresh
// and the server takes their sessions back after 3; they keep what they
// borrowed for 24 hours (the users stay up, new ones connect only within
// it), then release it (444105 in each one's log): the users stay up, new
// ones beyond the local 25 are refused; the server back, they borrow again.
//
// The server is cut off from the participants only: cut off from its
// backup too, the backup would take over and serve them, and no 444105
// would come (TestSharedFleetServerCutOff).
func TestSharedFleetLoss(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newMigrationFleet(t, tl.lab)
	for _, p := range f.parts {
		if a, s := f.connect(p, 200, "srv"); a != 200 || s != 175 {
			t.Fatalf("%s: %d admitted, %d on shared sessions; want 200 and 175", p, a, s)
		}
	}
	out := f.exec("srv", "show shared license")
	for _, want := range []string{"Total for network :     1000", "Available         :      400", "Utilized          :      600"} {
		if !strings.Contains(out, want) {
			t.Fatalf("srv: show shared license lacks %q:\n%s", want, out)
		}
	}
	// The server cut off from the participants; the backup still reaches
	// it, so it stays inactive and serves nobody.
	f.advance(10 * time.Second)
	seq := lastSeq(t, tl.lab)
	for _, p := range f.parts {
		if _, err := tl.lab.CutLink("srv", p); err != nil {
			t.Fatal(err)
		}
	}
	f.advance(time.Hour)
	// Their last refresh answered was at 0 s: 444102 at 30 s, the
	// server's reclaim at 90 s.
	var want []string
	for _, p := range f.parts {
		want = append(want, ts(30*time.Second)+" "+p+" %ASA-2-444102: Shared license service inactive. License server is not responding.")
	}
	for _, p := range f.parts {
		want = append(want, ts(90*time.Second)+" srv reclaimed 200 shared sessions from "+p+" after 3 missed refreshes")
	}
	wantLines(t, sharedLines(t, tl.lab, seq), want...)
	if out := f.exec("srv", "show shared license"); !strings.Contains(out, "Utilized          :        0") {
		t.Fatalf("srv after the reclaim:\n%s", out)
	}
	for _, p := range f.parts {
		if out := f.exec(p, "show logging"); !strings.Contains(out, "%ASA-2-444102: Shared license service inactive. License server is not responding.") {
			t.Fatalf("%s: show logging lacks 444102:\n%s", p, out)
		}
	}
	for _, p := range f.parts {
		// Borrowed 4 blocks: 225 in all, 200 in use.
		if a, s := f.connect(p, 30, "srv"); a != 25 || s != 25 {
			t.Fatalf("%s cut off for an hour: %d of 30 admitted, %d shared; want 25 and 25", p, a, s)
		}
	}
	f.advance(23 * time.Hour)
	for _, p := range f.parts {
		if n := f.active(p); n != 225 {
			t.Fatalf("%s after 24 hours: %d sessions up, want 225", p, n)
		}
		if a, _ := f.connect(p, 5, "srv"); a != 0 {
			t.Fatalf("%s after 24 hours: %d new users admitted beyond the local license", p, a)
		}
		if out := f.exec(p, "show logging"); !strings.Contains(out, "%ASA-2-444105: Released 200 shared AnyConnect Premium license(s). License server has been unreachable for 24 hours") {
			t.Fatalf("%s: show logging lacks 444105:\n%s", p, out)
		}
	}
	for _, p := range f.parts {
		if err := tl.lab.RestoreLink("srv", p); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range f.parts {
		if a, s := f.connect(p, 5, "srv"); a != 5 || s != 5 {
			t.Fatalf("%s with the server back: %d of 5 admitted, %d shared", p, a, s)
		}
	}
}

// TestSharedFleetServerCutOff: the server cut off from everyone, its
// backup included, or powered off: the backup takes over and serves the
// participants, which keep what they borrowed, borrow more from it, and
// release nothing (no 444105) while it serves.
func TestSharedFleetServerCutOff(t *testing.T) {
	for _, how := range []string{"cut off", "powered off"} {
		t.Run(how, func(t *testing.T) {
			tl := openTestLab(t, t.TempDir())
			f := newMigrationFleet(t, tl.lab)
			for _, p := range f.parts {
				if a, s := f.connect(p, 200, "srv"); a != 200 || s != 175 {
					t.Fatalf("%s: %d admitted, %d on shared sessions; want 200 and 175", p, a, s)
				}
			}
			f.advance(10 * time.Second)
			seq := lastSeq(t, tl.lab)
			if how == "cut off" {
				for _, h := range append([]string{"bk"}, f.parts...) {
					if _, err := tl.lab.CutLink("srv", h); err != nil {
						t.Fatal(err)
					}
				}
			} else if _, _, err := tl.lab.PowerOff("srv"); err != nil {
				t.Fatal(err)
			}
			f.advance(25 * time.Hour)
			got := sharedLines(t, tl.lab, seq)
			for _, want := range []string{
				ts(10*time.Second) + " bk %ASA-4-444109: Shared license backup server role changed to active",
				ts(10*time.Second) + " p1 %ASA-5-444101: Shared license service is active. License server address: 10.0.0.2",
			} {
				if !slices.Contains(got, want) {
					t.Fatalf("events lack %q:\n%s", want, strings.Join(got, "\n"))
				}
			}
			for _, l := range got {
				if strings.Contains(l, "444105") || strings.Contains(l, "444102") && !strings.Contains(l, " bk ") {
					t.Fatalf("a participant lost its service while the backup serves: %s", l)
				}
			}
			for _, p := range f.parts {
				// 25 left in their blocks, then blocks of the backup.
				if a, s := f.connect(p, 30, "srv"); a != 30 || s != 30 {
					t.Fatalf("%s on the backup: %d of 30 admitted, %d shared", p, a, s)
				}
				out := f.exec(p, "show shared license")
				if !strings.Contains(out, "Primary License Server : 10.0.0.1\n  Version              : 1\n  Status               : Inactive\n") ||
					!strings.Contains(out, "Backup License Server  : 10.0.0.2\n  Version              : 1\n  Status               : Active\n") {
					t.Fatalf("%s: show shared license:\n%s", p, out)
				}
			}
			if out := f.exec("bk", "show shared license"); !strings.Contains(out, "Utilized          :      750") {
				t.Fatalf("bk serving:\n%s", out)
			}
		})
	}
}

// TestSharedConcurrentBorrow: participants admitting at once from many
// goroutines never hold more than the pool, nor more than their platform
// allows, and every shared session they admitted is one the pool lent.
func TestSharedConcurrentBorrow(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newMigrationFleet(t, tl.lab)
	var wg sync.WaitGroup
	var admitted, shared atomic.Int64
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := f.parts[g%3]
			// 4 x 300 tries a participant, more than its platform
			// limit of 750: however the pool is shared out, every
			// session a participant borrows is then used.
			for i := range 300 {
				d, err := tl.lab.Admit(p, fmt.Sprintf("g%d-u%d", g, i), "laptop", KindAnyConnect)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Admitted {
					admitted.Add(1)
				}
				if d.Shared() {
					shared.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	tl.lab.settleShared()
	var borrowed int
	atCeiling := false
	for _, p := range f.parts {
		h, _ := tl.lab.headend(p)
		st := h.SharedStatus()
		borrowed += st.Borrowed
		atCeiling = atCeiling || 25+st.Borrowed == 750
		if n := f.active(p); n > 25+st.Borrowed || 25+st.Borrowed > 750 {
			t.Errorf("%s: %d sessions up on 25 local and %d borrowed", p, n, st.Borrowed)
		}
	}
	srv, _ := tl.lab.headend("srv")
	st := srv.SharedStatus()
	if st.Utilized != borrowed || st.Utilized > 1000 || int(shared.Load()) > borrowed {
		t.Fatalf("pool: utilized %d, borrowed %d, shared sessions %d", st.Utilized, borrowed, shared.Load())
	}
	// 3,600 users for 3 x 25 local + a pool of 1,000, all of it lent:
	// unless one participant reached its ceiling of 750 with a last block
	// of 25, which leaves 25 in the pool, less than anyone else's block.
	want := int64(1000)
	if atCeiling && borrowed == 975 {
		want = 975
	}
	if admitted.Load() != 75+want || shared.Load() != want {
		t.Fatalf("%d admitted, %d shared; want %d and %d", admitted.Load(), shared.Load(), 75+want, want)
	}
}

// TestSharedReturnAfterLogoff: blocks whose users logged off go back to the
// pool at the participant's next refresh, whole; those in use stay.
func TestSharedReturnAfterLogoff(t *testing.T) {
	tl := openTestLab(t, t.TempDir())
	f := newMigrationFleet(t, tl.lab)
	var ids []uint64
	for i := range 130 { // 25 local, 105 shared: 3 blocks
		d, err := tl.lab.Admit("p1", fmt.Sprintf("u%d", i), "laptop", KindAnyConnect)
		if err != nil || !d.Admitted {
			t.Fatalf("user %d: %+v %v", i, d, err)
		}
		ids = append(ids, d.Session)
	}
	for _, id := range ids[70:] { // 70 left: 45 shared, one block
		if err := tl.lab.Release("p1", id); err != nil {
			t.Fatal(err)
		}
	}
	tl.lab.settleShared() // the blocks' events
	seq := lastSeq(t, tl.lab)
	f.advance(time.Minute)
	wantLines(t, sharedLines(t, tl.lab, seq), ts(time.Minute)+" p1 returned 100 unused shared sessions to srv")
	srv, _ := tl.lab.headend("srv")
	if st := srv.SharedStatus(); st.Utilized != 50 {
		t.Fatalf("srv: %+v", st)
	}
}
