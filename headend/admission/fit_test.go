package admission

import (
	"testing"

	"github.com/asalab/asalab/headend"
)

// A policy whose limits exceed the session table (a catalog row whose
// maximum is lower than what its family licenses) once made the second
// admission search for a free slot for ever: the limits are cut to the
// table's size.
func TestLimitsAboveTheTable(t *testing.T) {
	var r Rules
	r.Class[headend.KindAnyConnect] = 0
	r.Limit[0], r.Total, r.ValidUntil = 10, 10, NoExpiry
	for k := range r.Logins {
		r.Logins[k] = NoLoginLimit
	}
	a := NewAdmission(1, 1, NewPolicy(r), 0, nil)
	ps := NewPrincipals(nil)
	done := make(chan [2]Decision)
	go func() {
		var d [2]Decision
		for i := range d {
			p, err := ps.Get(string(rune('a'+i)), "laptop")
			if err != nil {
				panic(err)
			}
			d[i] = a.Admit(p, headend.KindAnyConnect, 1)
		}
		done <- d
	}()
	d := <-done
	if !d[0].Admitted || d[1].Admitted || d[1].Limit != 1 {
		t.Fatalf("decisions %+v, want the first admitted and the second refused at the table's 1 slot", d)
	}
	a.SetPolicy(NewPolicy(r))
	if got := a.Policy().total; got != 1 {
		t.Errorf("SetPolicy kept total %d over the table's 1 slot", got)
	}
}
