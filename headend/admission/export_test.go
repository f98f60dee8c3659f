package admission

// Internals the external tests check.
var IDSlot = idSlot

func (p *Policy) Limits() ([NumClasses]uint32, uint32) { return p.limit, p.total }

func (ps *Principals) NumbersHandedOut() uint32 { return ps.next }

func (ps *Principals) IndexSlots() int {
	n := 0
	for i := range ps.shards {
		n += len(*ps.shards[i].table.Load())
	}
	return n
}

// ExpiringAt is a copy of p that must be rebuilt before deciding after at.
func (p *Policy) ExpiringAt(at int64) *Policy {
	c := *p
	c.validUntil = at
	return &c
}

// BucketOf is the logins bucket of p's user in the current table.
func (a *Admission) BucketOf(p *Principal) uint32 { return a.tab.Load().bucketOf(p) }

// Widened reports whether a bucket of the current table outgrew its byte.
func (a *Admission) Widened() bool { return a.tab.Load().wide.Load() != nil }

// UsersOnDay is the number of distinct principals seen on a lab day; only
// the current day is in memory.
func (a *Admission) UsersOnDay(day int64) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if day == a.usageDay {
		return a.usage.n
	}
	return 0
}
