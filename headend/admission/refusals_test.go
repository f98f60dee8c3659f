package admission

import (
	"fmt"
	"sync"
	"testing"

	"github.com/asalab/asalab/headend"
)

// TestRefusalRingConcurrent: refusals logged from many goroutines are all
// counted, and every record read back is whole.
func TestRefusalRingConcurrent(t *testing.T) {
	var r refusalRing
	ps := NewPrincipals(nil)
	const workers, each = 8, 2000
	prins := make([]*Principal, workers)
	for w := range prins {
		p, err := ps.Get(fmt.Sprint("w", w), "laptop")
		if err != nil {
			t.Fatal(err)
		}
		prins[w] = p
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() { // a reader during the writes
		for {
			select {
			case <-stop:
				return
			default:
			}
			recs, _ := r.read()
			for _, e := range recs {
				if int(e.At.Unix()) != e.Limit || e.Prin.User() != fmt.Sprint("w", int(e.Kind)-1) {
					t.Errorf("torn record %+v", e)
					return
				}
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Every field follows from the writer and i, so a
				// record mixed from two writes shows.
				r.add(prins[w], int64(i), refusalInfo(headend.Kind(w+1), ClassPremium, Decision{Reason: headend.ReasonPremiumLimit, Limit: i}))
			}
		}()
	}
	wg.Wait()
	close(stop)
	recs, n := r.read()
	if n != workers*each || len(recs) == 0 || len(recs) > refusalRingSize {
		t.Fatalf("count %d, %d records", n, len(recs))
	}
}
