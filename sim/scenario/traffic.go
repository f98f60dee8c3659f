package scenario

import (
	"fmt"
	"time"
)

// traffic brings every group's connected users to the curve's count at
// lab time at: users beyond it log off, those short of it connect through
// the lab's admission path (a refused one tries again at the next step).
// A session the headend ended (a reload, an RMA) counts as a user to
// connect again. Called with e.mu held.
func (e *Engine) traffic(at time.Time) {
	r := e.run
	if r == nil {
		return
	}
	liveOn := e.liveSessions()
	for i, g := range r.sc.Groups {
		live := liveOn(g.Headend)
		target := r.sc.target(g, at)
		sess := r.sess[i]
		for j := range sess {
			id := sess[j]
			if id != 0 && !live[id] {
				sess[j], id = 0, 0
			}
			switch {
			case j >= target && id != 0:
				_ = e.lab.Release(g.Headend, id)
				sess[j] = 0
			case j < target && id == 0:
				d, err := e.lab.Admit(g.Headend, userName(g.Headend, g.Kind.String(), j), "laptop", g.Kind)
				if err == nil && d.Admitted {
					sess[j] = d.Session
				}
			}
		}
	}
}

// userName is the name of a group's user j.
func userName(host, kind string, j int) string { return fmt.Sprintf("%s-%s-%04d", host, kind, j) }

// liveSessions returns a lookup of the sessions up on a headend that asks
// the lab once per headend, however many groups share it.
func (e *Engine) liveSessions() func(host string) map[uint64]bool {
	alive := map[string]map[uint64]bool{}
	return func(host string) map[uint64]bool {
		live, ok := alive[host]
		if !ok {
			live = e.sessions(host)
			alive[host] = live
		}
		return live
	}
}

// sessions are the ids of the sessions up on the headend.
func (e *Engine) sessions(host string) map[uint64]bool {
	out := map[uint64]bool{}
	var after uint64
	for {
		vs, more, err := e.lab.Sessions(host, after, 1000)
		if err != nil {
			return out
		}
		for _, v := range vs {
			out[v.Info.ID] = true
			after = v.Info.ID
		}
		if !more || len(vs) == 0 {
			return out
		}
	}
}
