package admission_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/keygen"
)

// lender is a shared licensing server in process: it lends blocks of 50
// from a pool, as the lab's service does, calling SetBorrowed first.
type lender struct {
	a     *admission.Admission
	mu    sync.Mutex
	pool  int // sessions left to lend
	calls atomic.Int64
}

func (l *lender) borrow(int64) bool {
	l.calls.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pool < 50 {
		return false
	}
	l.pool -= 50
	l.a.SetBorrowed(l.a.Borrowed() + 50)
	return true
}

func participant(t testing.TB, pool int) (*admission.Admission, *admission.Principals, *lender) {
	t.Helper()
	_, a, ps := testAdmission(t, "ASA5525", keygen.Features{PremiumPeers: 25, SharedParticipant: true})
	l := &lender{a: a, pool: pool}
	a.SetBorrower(l.borrow)
	return a, ps, l
}

// TestBorrowAtLocalLimit: the local sessions first, without asking; the
// first admission past them borrows a block and is marked shared; the
// next block only when that one is used up.
func TestBorrowAtLocalLimit(t *testing.T) {
	a, ps, l := participant(t, 1000)
	now := t0.Unix()
	for i := range 125 {
		d := a.Admit(principal(t, ps, fmt.Sprint("user", i)), headend.KindAnyConnect, now)
		if !d.Admitted {
			t.Fatalf("user%d refused: %+v", i, d)
		}
		if want := i >= 25; d.Shared() != want {
			t.Errorf("user%d: shared %v, want %v", i, d.Shared(), want)
		}
		if want := (i + 25) / 50; int(l.calls.Load()) != want {
			t.Fatalf("after user%d: %d block requests, want %d", i, l.calls.Load(), want)
		}
	}
	if a.Borrowed() != 100 || a.PremiumLimit() != 125 {
		t.Errorf("borrowed %d, Premium limit %d; want 100 and 125", a.Borrowed(), a.PremiumLimit())
	}
	// Clientless counts against Premium too, and borrows like AnyConnect.
	if d := a.Admit(principal(t, ps, "portal"), headend.KindClientless, now); !d.Admitted || !d.Shared() {
		t.Errorf("clientless past the local limit: %+v", d)
	}
	// Other VPN Peers never borrow.
	if d := a.Admit(principal(t, ps, "legacy"), headend.KindIPsecIKEv1, now); !d.Admitted || d.Shared() {
		t.Errorf("IKEv1: %+v", d)
	}
}

// TestBorrowRefused: a server with nothing left to lend, or no server:
// the refusal names the limit in force, local plus borrowed.
func TestBorrowRefused(t *testing.T) {
	a, ps, l := participant(t, 50)
	now := t0.Unix()
	admitted := 0
	var last admission.Decision
	for i := range 100 {
		if last = a.Admit(principal(t, ps, fmt.Sprint("user", i)), headend.KindAnyConnect, now); last.Admitted {
			admitted++
		}
	}
	if admitted != 75 || last.Reason != headend.ReasonPremiumLimit || last.Limit != 75 {
		t.Errorf("admitted %d, last %+v; want 75 and a Premium refusal at 75", admitted, last)
	}
	// One request per admission refused (25) and the one granted, no
	// retry after a refusal.
	if got := l.calls.Load(); got != 26 {
		t.Errorf("%d block requests, want 26", got)
	}
	a.SetBorrower(nil)
	if d := a.Admit(principal(t, ps, "late"), headend.KindAnyConnect, now); d.Admitted || d.Limit != 75 {
		t.Errorf("without a borrower: %+v", d)
	}
	if got := l.calls.Load(); got != 26 {
		t.Errorf("a removed borrower was asked: %d", got)
	}
}

// TestBorrowNeverPastPlatform: however much the server would lend, a
// participant holds at most its platform's Premium limit (750 on an ASA
// 5525-X), and stops asking there.
func TestBorrowNeverPastPlatform(t *testing.T) {
	a, ps, l := participant(t, 5000)
	now := t0.Unix()
	admitted := 0
	for i := range 800 {
		if a.Admit(principal(t, ps, fmt.Sprint("user", i)), headend.KindAnyConnect, now).Admitted {
			admitted++
		}
	}
	if admitted != 750 {
		t.Errorf("admitted %d, want the platform's 750", admitted)
	}
	if c := a.Counts(); c.Premium != 750 {
		t.Errorf("Premium count %d", c.Premium)
	}
	if a.PremiumLimit() != 750 {
		t.Errorf("Premium limit %d with %d borrowed", a.PremiumLimit(), a.Borrowed())
	}
	if got := l.calls.Load(); got != 15 {
		t.Errorf("%d block requests, want 15 (25 + 15 x 50 >= 750)", got)
	}
	// The configured cap bounds borrowing as it bounds the local license.
	d := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 25, SharedParticipant: true})
	d.Running.Essentials = false
	d.Running.VPN.MaxAnyConnect = 60
	capped := newTestAdmission(t, d)
	capped.SetBorrowed(500)
	if capped.PremiumLimit() != 60 {
		t.Errorf("with max-anyconnect-premium-or-essentials-limit 60: limit %d", capped.PremiumLimit())
	}
}

// TestBorrowedDropKeepsSessions: a lower borrowed count ends no session;
// it refuses new ones beyond the new limit, a returning user included,
// until enough sessions end.
func TestBorrowedDropKeepsSessions(t *testing.T) {
	a, ps, _ := participant(t, 50)
	now := t0.Unix()
	var ids []uint64
	users := make([]*admission.Principal, 75)
	for i := range users {
		users[i] = principal(t, ps, fmt.Sprint("user", i))
		d := a.Admit(users[i], headend.KindAnyConnect, now)
		if !d.Admitted {
			t.Fatalf("user%d refused", i)
		}
		ids = append(ids, d.Session)
	}
	a.SetBorrower(nil)
	a.Release(ids[74])
	a.SetBorrowed(0)
	if c := a.Counts(); c.Total() != 74 {
		t.Fatalf("%d sessions after the release of the block, want 74", c.Total())
	}
	if d := a.Admit(users[74], headend.KindAnyConnect, now); d.Admitted || d.Limit != 25 {
		t.Errorf("user74 coming back: %+v, want refused at 25", d)
	}
	for _, id := range ids[:49] {
		a.Release(id)
	}
	if d := a.Admit(users[74], headend.KindAnyConnect, now); d.Admitted {
		t.Errorf("at 25 sessions: %+v, want refused", d)
	}
	a.Release(ids[49])
	if d := a.Admit(users[74], headend.KindAnyConnect, now); !d.Admitted || d.Shared() {
		t.Errorf("at 24 sessions: %+v, want admitted on the local license", d)
	}
}

// TestBorrowConcurrent: goroutines admitting and releasing at once, the
// server lending blocks as they ask: the Premium sessions never exceed
// the local limit plus what was lent, and every block lent is used.
func TestBorrowConcurrent(t *testing.T) {
	const pool = 200
	a, ps, l := participant(t, pool)
	now := t0.Unix()
	var live, peak atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var held []uint64
			for i := range 400 {
				p := principal(t, ps, fmt.Sprintf("g%d-u%d", g, i))
				d := a.Admit(p, headend.KindAnyConnect, now)
				if d.Admitted {
					n := live.Add(1)
					for {
						pk := peak.Load()
						if n <= pk || peak.CompareAndSwap(pk, n) {
							break
						}
					}
					if lim := int64(25 + a.Borrowed()); n > lim {
						t.Errorf("%d sessions live with a limit of %d", n, lim)
					}
					held = append(held, d.Session)
				}
				if i%3 == 2 && len(held) > 0 {
					live.Add(-1)
					a.Release(held[0])
					held = held[1:]
				}
			}
		}()
	}
	wg.Wait()
	if a.Borrowed() > pool || peak.Load() > int64(25+pool) {
		t.Errorf("borrowed %d, peak %d: past the pool", a.Borrowed(), peak.Load())
	}
	if l.pool != 0 || a.Borrowed() != pool {
		t.Errorf("pool left %d, borrowed %d: 8 x 400 admissions should use it all", l.pool, a.Borrowed())
	}
	if c := a.Counts(); c.Premium > 25+pool {
		t.Errorf("Premium reservations %d", c.Premium)
	}
}

// BenchmarkAdmitBorrow: a participant at its local limit (an ASA 5505
// with 10 Premium peers, so that giving reservations back scans 25 slots)
// admits a new session that borrows a block through a borrower in process,
// releases it and returns the block (SetBorrowed(0), which gives the
// released reservation back); beside it, measured in the same run, the
// same admission one session below the limit, released and collected.
func BenchmarkAdmitBorrow(b *testing.B) {
	run := func(b *testing.B, held int, borrow bool) {
		_, a, ps := testAdmission(b, "ASA5505", keygen.Features{PremiumPeers: 10, SharedParticipant: true})
		if borrow {
			a.SetBorrower(func(int64) bool { a.SetBorrowed(a.Borrowed() + 50); return true })
		}
		now := t0.Unix()
		for i := range held {
			if !a.Admit(principal(b, ps, fmt.Sprint("user", i)), headend.KindAnyConnect, now).Admitted {
				b.Fatal("refused")
			}
		}
		u := principal(b, ps, "newcomer")
		b.ReportAllocs()
		for b.Loop() {
			d := a.Admit(u, headend.KindAnyConnect, now)
			if !d.Admitted || d.Shared() != borrow {
				b.Fatalf("%+v", d)
			}
			a.Release(d.Session)
			if borrow {
				a.SetBorrowed(0)
			} else {
				a.Collect()
			}
		}
	}
	b.Run("local", func(b *testing.B) { run(b, 9, false) })
	b.Run("borrow", func(b *testing.B) { run(b, 10, true) })
}
