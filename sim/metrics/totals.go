package metrics

import (
	"sync/atomic"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
)

// Totals keeps the admission counters of the session tables a lab
// dropped (reloads, deleted headends), so that its metrics never go
// backwards, and adds those of the tables still running. The zero Totals
// is empty and ready.
type Totals struct {
	admitted [headend.NumKinds]atomic.Uint64
	refused  [headend.NumReasons]atomic.Uint64
}

// Retire keeps the counts c of a table being dropped.
func (t *Totals) Retire(c admission.Counts) {
	for k, n := range c.Cumulative {
		t.admitted[k].Add(uint64(n))
	}
	for r, n := range c.Refused {
		t.refused[r].Add(n)
	}
}

// Sum adds to the retired counts those of every table each gives:
// admitted per kind, refused per reason, and active sessions.
func (t *Totals) Sum(each func(fn func(*admission.Admission))) (admitted [headend.NumKinds]uint64, refused [headend.NumReasons]uint64, active int) {
	for k := range admitted {
		admitted[k] = t.admitted[k].Load()
	}
	for r := range refused {
		refused[r] = t.refused[r].Load()
	}
	each(func(a *admission.Admission) {
		c := a.Counts()
		for k, n := range c.Cumulative {
			admitted[k] += uint64(n)
		}
		for r, n := range c.Refused {
			refused[r] += n
		}
		active += c.Total()
	})
	return admitted, refused, active
}
