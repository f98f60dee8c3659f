package admission

import "github.com/asalab/asalab/headend"

// loginBack is how far before its start a table can date a login: the
// sessions a failover unit takes over from its mate logged in there,
// possibly before this unit's boot. It moves the origin of the table's
// login times back, leaving 2^26 - 2^24 s (582 days) of uptime to count.
const loginBack = 1 << 24

// TakeOver makes the session s, held by another unit and replicated to
// this one over a stateful failover link, a session of this table, as a
// real ASA's standby unit holds the replicated sessions when it becomes
// active: the same principal p, kind and login time, in the same slot
// when it is free (so that its index and assigned address stay), else
// in the next free one. It is no new login: neither Cumulative nor the
// day's users count it, and no simultaneous-logins limit preempts it (the
// user's logins bucket holds it, as any session). Refused (false) like an
// admission when the policy refuses the kind, this unit is down or a
// standby, p is forgotten, or no reservation is left under the limits in
// force. It reports the session's id here (the table's, so not s.ID).
// Not on the admission path: it may lock and collect.
func (a *Admission) TakeOver(p *Principal, s SessionInfo, now int64) (uint64, bool) {
	k := s.Kind
	pol := a.policy.Load()
	if now >= pol.validUntil && a.refresh != nil {
		pol = a.refresh(now)
	}
	if p.Forgotten() || now < pol.upAt || pol.standby || !k.Valid() || pol.class[k] == ClassNone {
		return 0, false
	}
	c := pol.class[k]
	t := a.tab.Load()
	for {
		w := t.counts.Load()
		cur, sum := t.count(c, w), t.count(0, w)+t.count(1, w)+t.count(2, w)
		if cur >= pol.limit[c] || sum >= pol.total {
			if t.dirty.Load() != 0 {
				t.collect()
				continue
			}
			return 0, false
		}
		if t.counts.CompareAndSwap(w, w+1<<(countBits*uint(c))) {
			break
		}
	}
	limited := k != headend.KindSiteToSite
	var b uint32
	if limited {
		b = t.bucketOf(p)
		t.loginsMu.Lock()
		t.bucketTake(b)
		t.loginsMu.Unlock()
	}
	rel := min(max(s.Login-t.start, 0), recTimeMask)
	// The slot s had, then the next free one. A slot released and not yet
	// collected is not free: collect once when the wanted one is.
	n := len(t.slots)
	i, wanted, collected := s.Slot, true, false
	if i < 0 || i >= n {
		i, wanted = int(t.next.Load())%n, false
	}
	for {
		sl := &t.slots[i]
		w := sl.Load()
		if recState(w) == stReleased && wanted && !collected {
			t.collect()
			collected = true
			continue
		}
		if recState(w) == stFree {
			// The claim notes its own generation as counted: no
			// admission into the slot is left to bank.
			gen := recGen(w) + 1
			if m := t.meta[i].Load(); m&metaSet == 0 && t.meta[i].CompareAndSwap(m, metaWord(gen, b, limited)) {
				sl.Store(makeRec(stActive, k, c, gen, p.idx, rel))
				if want := hintWord(a.id, i); p.hint.Load() != want {
					p.hint.Store(want)
				}
				return makeID(t.epoch, i, gen, p.idx), true
			}
			continue
		}
		if wanted {
			wanted = false
			i = int(t.next.Load())
		} else {
			i++
		}
		if i >= n {
			i = 0
		}
	}
}

// TookOver ends a take-over (TakeOver): each kind's Cumulative is raised
// to the sessions of that kind the unit holds, so that the sessions a unit
// took over count there once, and taking them back (a second switchover)
// counts none again. Whether a real ASA counts replicated sessions in the
// new active unit's "Cumulative" is not documented; this is the lab's
// choice.
func (a *Admission) TookOver() {
	t := a.tab.Load()
	c := t.snapshot()
	for k := range c.Active {
		if n := c.Active[k] - c.Cumulative[k]; n > 0 {
			t.banked[k].v.Add(uint64(n))
		}
	}
}
