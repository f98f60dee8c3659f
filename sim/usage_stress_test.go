package sim

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/keygen"
)

// TestUsageUnderRollovers: admissions through held principals on several
// headends while the lab day changes, principals are forgotten and usage
// is flushed, concurrently. The report of every day names exactly the
// users admitted that day (an admission whose clock reading the test
// cannot place, because midnight passed during it, counts on either day),
// and flags Apex-only exactly those admitted clientless: no use lost, none
// under another user's name.
func TestUsageUnderRollovers(t *testing.T) {
	store, lab := openUsageLab(t, nil, t.TempDir())
	defer store.Close()
	defer lab.Close()
	const (
		headends = 4
		workers  = 4
		steps    = 16  // four days
		users    = 150 // per worker: not all are seen every day, so some are forgotten
		step     = 6 * time.Hour
		every    = 400 // admissions between clock steps
	)
	var serials []string
	var hs []*Headend
	for i := range headends {
		host, serial := fmt.Sprintf("asa%d", i), fmt.Sprintf("FCH1947V%03d", i)
		if _, err := lab.Create("ASA5525", host, serial); err != nil {
			t.Fatal(err)
		}
		w, _ := lab.signer.Encode(keygen.Key{Serial: serial, Features: keygen.Features{PremiumPeers: 750}})
		if _, _, err := lab.InstallKey(host, w.String(), asa.KeyActivate); err != nil {
			t.Fatal(err)
		}
		h, _ := lab.Headend(host)
		hs = append(hs, h)
		serials = append(serials, serial)
	}
	type use struct {
		user     string
		from, to int64 // lab days the admission may have read
		apex     bool
	}
	var (
		mu   sync.Mutex
		uses []use
	)
	ticks := make(chan struct{})
	var wg sync.WaitGroup
	clockDone := make(chan struct{})
	go func() {
		defer close(clockDone)
		for range steps {
			<-ticks
			if _, err := lab.AdvanceClock(step); err != nil {
				t.Error(err)
				return
			}
			lab.forgetPrincipals(false)
			if err := lab.flushUsage(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var count sync.Mutex
	n := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			held := make([]*admission.Principal, users)
			rnd := uint32(w*7919 + 1)
			for i := 0; ; i++ {
				select {
				case <-clockDone:
					return
				default:
				}
				rnd = rnd*1664525 + 1013904223
				u := int(rnd>>8) % (users - w*20) // users of higher numbers are seen less
				name := fmt.Sprintf("w%d-u%03d", w, u)
				p := held[u]
				if p == nil || p.Forgotten() {
					var err error
					if p, err = lab.Principal(name, "laptop"); err != nil {
						t.Error(err)
						return
					}
					held[u] = p
				}
				k := headend.KindAnyConnect
				if u%7 == 0 && i%3 == 0 {
					k = headend.KindClientless
				}
				h := hs[(i+w)%len(hs)]
				from := lab.Clock().Now().Unix() / 86400
				d := h.Admit(p, k)
				to := lab.Clock().Now().Unix() / 86400
				if !d.Admitted {
					// At most one session a worker is active, far below
					// the limit.
					h.adm.Collect()
					t.Errorf("%s refused: %+v; counts after a collection %+v", name, d, h.adm.Counts())
					return
				}
				h.Release(d.Session)
				mu.Lock()
				uses = append(uses, use{name, from, to, k == headend.KindClientless})
				mu.Unlock()
				count.Lock()
				if n++; n%every == 0 {
					select {
					case ticks <- struct{}{}:
					default: // the clock is still on its last step
					}
				}
				count.Unlock()
			}
		}()
	}
	<-clockDone
	wg.Wait()
	if t.Failed() {
		return
	}
	first, last := uses[0].from, uses[0].to
	for _, u := range uses {
		first, last = min(first, u.from), max(last, u.to)
	}
	if last-first < 3 {
		t.Fatalf("the test spanned days %d to %d only", first, last)
	}
	for day := first; day <= last; day++ {
		at := time.Unix(day*86400, 0).UTC()
		all, apex := lab.Users(serials, at, at.Add(24*time.Hour))
		may, must := map[string]bool{}, map[string]bool{}
		mayApex, mustApex := map[string]bool{}, map[string]bool{}
		for _, u := range uses {
			if day < u.from || day > u.to {
				continue
			}
			may[u.user] = true
			mayApex[u.user] = mayApex[u.user] || u.apex
			if u.from == u.to {
				must[u.user] = true
				mustApex[u.user] = mustApex[u.user] || u.apex
			}
		}
		check := func(what string, got []string, may, must map[string]bool) {
			for _, u := range got {
				if !may[u] {
					t.Errorf("day %d: %s %s, who was not admitted so that day", day, what, u)
				}
			}
			for u, m := range must {
				if m && !slices.Contains(got, u) {
					t.Errorf("day %d: %s lacks %s", day, what, u)
				}
			}
		}
		check("users", all, may, must)
		check("Apex-only users", apex, mayApex, mustApex)
	}
}
