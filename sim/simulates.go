package sim

import (
	"errors"
	"sync"
	"time"

	"github.com/asalab/asalab/headend"
)

// simulated caches simulates per catalog row: the catalog and the
// families are fixed for the life of the process.
var simulated sync.Map // model -> bool

// simulates reports whether p's family makes a unit of p. A family need
// not simulate every model of its licensing (the IOS family has the ISR
// G2 routers, not yet the CSR 1000V or the ASR 1001-X), and its New is
// what knows which: asking New, rather than keeping a list beside it,
// keeps the platforms list and create in agreement as models are added.
func simulates(p *headend.Platform) bool {
	if v, ok := simulated.Load(p.Model); ok {
		return v.(bool)
	}
	f, err := FamilyOf(p)
	ok := err == nil
	if ok {
		// A valid serial and hostname: the only refusal left is the
		// model's.
		_, err = f.New(p, "SIM00000000", "probe", time.Unix(0, 0).UTC())
		ok = !errors.Is(err, headend.ErrModelNotSimulated)
	}
	simulated.Store(p.Model, ok)
	return ok
}
