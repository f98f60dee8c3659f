package admission

import (
	"sync/atomic"
	"time"

	"github.com/asalab/asalab/headend"
)

// refusalRingSize bounds the refusals kept for `show logging`: the
// shortest refusal line is over 100 bytes, so 64 fill the default 4096-byte
// buffer. A larger `logging buffer-size` shows more of the device's
// licensing messages but never more than the last 64
// refusals: the ring is part of every headend's admission state, and a
// ring for a full 1 MB buffer (some 10000 records) would cost each headend
// over 300 KB whether or not it logs.
const refusalRingSize = 64

// refusalRing keeps the last refusals of a headend for `show logging`,
// written by the admission path without locks or allocation: a writer takes
// a ticket, marks the record busy with a CAS, fills it, and publishes the
// ticket. A writer that finds its record busy (another writer a whole ring
// ahead or behind) drops its record; the count stays exact. The text is
// rendered only when `show logging` runs.
type refusalRing struct {
	next atomic.Uint64 // tickets taken: the refusals logged
	// cleared is the first ticket `clear logging buffer` left listed.
	cleared atomic.Uint64
	// base is the first ticket of this boot: "N messages logged" counts
	// from it.
	base atomic.Uint64
	recs [refusalRingSize]refusalRec
}

type refusalRec struct {
	// seq is 0 while empty, recBusy while written, else its ticket + 1.
	seq  atomic.Uint64
	at   atomic.Int64  // lab unix seconds
	info atomic.Uint64 // kind | reason << 8 | class << 16 | logoff << 24 | limit << 32
	prin atomic.Pointer[Principal]
}

const recBusy = ^uint64(0)

// refusalInfo is the refusalRec.info of refusal d of kind k, counted
// against class c.
func refusalInfo(k headend.Kind, c Class, d Decision) uint64 {
	return uint64(k) | uint64(d.Reason)<<8 | uint64(c)<<16 | uint64(uint32(d.Limit))<<32
}

// logoffInfo is the refusalRec.info of the logoff of a session of kind k
// that lasted dur seconds, which a login over the user's simultaneous
// logins caused: the ring keeps it with the refusals, as it is logged at
// the same severity and rendered the same way, when `show logging` asks.
func logoffInfo(k headend.Kind, dur int64) uint64 {
	return uint64(k) | 1<<24 | uint64(uint32(max(dur, 0)))<<32
}

// add writes one record (info from refusalInfo or logoffInfo) under a new
// ticket. The callers build info inline: the refusal path pays one call.
func (r *refusalRing) add(p *Principal, now int64, info uint64) {
	t := r.next.Add(1) - 1
	rec := &r.recs[t%refusalRingSize]
	s := rec.seq.Load()
	if s == recBusy || s > t || !rec.seq.CompareAndSwap(s, recBusy) {
		return
	}
	rec.at.Store(now)
	rec.info.Store(info)
	rec.prin.Store(p)
	rec.seq.Store(t + 1)
}

// Refusal is one refusal read back from the ring: what the family renders
// its syslog line from.
type Refusal struct {
	At     time.Time
	Kind   headend.Kind
	Reason headend.Reason
	Class  Class // the class the kind counted against
	Limit  int
	Prin   *Principal
	// Logoff: a session logged off by a login over the limit; Limit
	// holds how long it lasted, in seconds.
	Logoff bool
}

// read returns the refusals kept, oldest first, and how many were logged.
func (r *refusalRing) read() ([]Refusal, uint64) {
	base := r.base.Load() // before next, so that base <= n
	n := r.next.Load()
	first := uint64(0)
	if n > refusalRingSize {
		first = n - refusalRingSize
	}
	first = max(first, r.cleared.Load())
	var out []Refusal
	for t := first; t < n; t++ {
		rec := &r.recs[t%refusalRingSize]
		s := rec.seq.Load()
		if s != t+1 {
			continue // dropped, being written, or overwritten since
		}
		at, info, p := rec.at.Load(), rec.info.Load(), rec.prin.Load()
		if rec.seq.Load() != s || p == nil {
			continue
		}
		out = append(out, Refusal{
			At: time.Unix(at, 0).UTC(), Kind: headend.Kind(info & 0xff), Reason: headend.Reason(info >> 8 & 0xff),
			Class: Class(info >> 16 & 0xff), Limit: int(uint32(info >> 32)), Prin: p, Logoff: info>>24&1 != 0,
		})
	}
	return out, n - base
}

// clear empties the ring for `show logging`; the count stays.
func (r *refusalRing) clear() { r.cleared.Store(r.next.Load()) }

// restart empties the ring and restarts its count: the device booted, and
// the buffer, in RAM, starts empty.
func (r *refusalRing) restart() {
	n := r.next.Load()
	r.cleared.Store(n)
	r.base.Store(n)
}

// ClearLogBuffer is `clear logging buffer` for the refusals: `show
// logging` lists none of those logged so far.
func (a *Admission) ClearLogBuffer() { a.refusals.clear() }

// Refusals returns the refusals kept for `show logging`, oldest first, and
// how many were logged since the device booted.
func (a *Admission) Refusals() ([]Refusal, uint64) { return a.refusals.read() }
