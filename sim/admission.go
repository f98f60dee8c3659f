package sim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"go.uber.org/zap"

	"github.com/asalab/asalab/headend"
)

// Errors of the admission path.
var (
	ErrSessionNotFound = errors.New("sim: no such session")
	ErrInvalidKind     = errors.New("sim: unknown connection kind")
)

// Sessions live in memory only: a daemon restart drops them, as a power cut
// would. What the lab keeps is the unique users seen (for the honor-system
// compliance report) and the principals they name, written in the
// background (flushUsage) because the admission path does no I/O.

// newAdmission makes the admission state of h from its device. Called with
// h.dev set and before h is visible.
func (l *Lab) newAdmission(h *Headend, now time.Time) {
	d := h.dev
	h.adm = headend.NewAdmission(uint32(h.id), d.Platform().VPNMax, d.AdmissionPolicy(now), d.UpAt.Unix(), h.refreshPolicy)
	h.adm.OnUse(l.notePending)
}

// refreshPolicy rebuilds the policy when a time-based key expires.
func (h *Headend) refreshPolicy(now int64) *headend.Policy {
	h.mu.Lock()
	defer h.mu.Unlock()
	p := h.dev.AdmissionPolicy(time.Unix(now, 0).UTC())
	h.adm.SetPolicy(p)
	return p
}

// afterChange brings the admission state in line with a changed device:
// a reload or RMA drops every session; any change may change the policy.
// Called with h.mu held, after the new device is in place.
func (h *Headend) afterChange(old, c *headend.Device, now time.Time) {
	if rebooted(old, c) {
		h.lab.retire(h.adm.Reset(c.UpAt.Unix()))
	}
	h.adm.SetPolicy(c.AdmissionPolicy(now))
}

// Principal interns a user and client device.
func (l *Lab) Principal(user, device string) (*headend.Principal, error) {
	return l.principals.Get(user, device)
}

// Admit decides one connection to the headend with that hostname.
func (l *Lab) Admit(hostname, user, device string, k headend.Kind) (headend.Decision, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return headend.Decision{}, err
	}
	if !k.Valid() {
		return headend.Decision{}, fmt.Errorf("%w %d", ErrInvalidKind, k)
	}
	p, err := l.principals.Get(user, device)
	if err != nil {
		return headend.Decision{}, err
	}
	return h.Admit(p, k), nil
}

// Admit decides one connection of an interned principal: the in-process
// path of load tools, no lookup by hostname.
func (h *Headend) Admit(p *headend.Principal, k headend.Kind) headend.Decision {
	return h.adm.Admit(p, k, h.lab.clock.Now().Unix())
}

// Release ends a session on the headend.
func (h *Headend) Release(id uint64) bool { return h.adm.Release(id) }

// Admission is the headend's admission state (console.Backend).
func (h *Headend) Admission() *headend.Admission { return h.adm }

// PrincipalByIndex resolves a principal of the lab (console.Backend).
func (h *Headend) PrincipalByIndex(i uint32) *headend.Principal { return h.lab.principals.ByIndex(i) }

// Release ends a session on the headend with that hostname.
func (l *Lab) Release(hostname string, id uint64) error {
	h, err := l.headend(hostname)
	if err != nil {
		return err
	}
	if !h.adm.Release(id) {
		return fmt.Errorf("%w: %d on %s", ErrSessionNotFound, id, hostname)
	}
	return nil
}

// Sessions lists the active sessions of a headend after the session id
// after, at most limit of them, and whether more follow.
func (l *Lab) Sessions(hostname string, after uint64, limit int) ([]headend.SessionView, bool, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return nil, false, err
	}
	var out []headend.SessionView
	more := false
	h.adm.Sessions(after, func(s headend.SessionInfo) bool {
		if len(out) == limit {
			more = true
			return false
		}
		out = append(out, headend.ViewSession(s, l.principals.ByIndex(s.Principal)))
		return true
	})
	return out, more, nil
}

// Counts returns the admission counters of a headend.
func (l *Lab) Counts(hostname string) (headend.Counts, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return headend.Counts{}, err
	}
	return h.adm.Counts(), nil
}

// Users implements keygen.Usage for the portal's compliance report: the
// distinct users the headends with these serials admitted in [from, to),
// counted by lab day, and those of them who used an Apex-only service.
func (l *Lab) Users(serials []string, from, to time.Time) (all, apexOnly []string) {
	l.mu.Lock()
	var hs []*Headend
	for _, s := range serials {
		if h := l.bySerial[s]; h != nil {
			hs = append(hs, h)
		}
	}
	l.mu.Unlock()
	users := map[string]uint8{}
	for _, h := range hs {
		for idx, f := range h.adm.UniqueUsers(from.Unix()/86400, (to.Unix()-1)/86400) {
			if p := l.principals.ByIndex(idx); p != nil {
				users[p.User()] |= f
			}
		}
	}
	for u, f := range users {
		all = append(all, u)
		if f&headend.UsedApexOnly != 0 {
			apexOnly = append(apexOnly, u)
		}
	}
	slices.Sort(all)
	slices.Sort(apexOnly)
	return all, apexOnly
}

// admissionTotals keeps the counts of dropped session tables (reloads,
// deleted headends), so that the lab's metrics never go backwards.
type admissionTotals struct {
	admitted [headend.NumKinds]atomic.Uint64
	refused  [headend.NumReasons]atomic.Uint64
}

func (l *Lab) retire(c headend.Counts) {
	for k, n := range c.Cumulative {
		l.retired.admitted[k].Add(uint64(n))
	}
	for r, n := range c.Refused {
		l.retired.refused[r].Add(n)
	}
}

// AdmissionTotals sums the admission counters of every headend, past and
// present: admitted per kind, refused per reason, and active sessions.
func (l *Lab) AdmissionTotals() (admitted [headend.NumKinds]uint64, refused [headend.NumReasons]uint64, active int) {
	for k := range admitted {
		admitted[k] = l.retired.admitted[k].Load()
	}
	for r := range refused {
		refused[r] = l.retired.refused[r].Load()
	}
	l.byName.Range(func(_, v any) bool {
		c := v.(*Headend).adm.Counts()
		for k, n := range c.Cumulative {
			admitted[k] += uint64(n)
		}
		for r, n := range c.Refused {
			refused[r] += n
		}
		active += c.Total()
		return true
	})
	return admitted, refused, active
}

// Persistence of principals and usage: keys
//
//	l/<lab>/p/<principal 4 bytes>                        user NUL device
//	l/<lab>/u/<headend 8 bytes><day 8 bytes><principal 4> flags

type usageLog struct {
	mu sync.Mutex // one flush at a time
	// pending counts the records noted since the last flush (an
	// estimate: the flusher resets it), to wake the flusher early. The
	// records wait with their headend and principal shard, so that noting
	// one takes no lab-wide lock.
	pending atomic.Int64
	stop    chan struct{}
	done    chan struct{}
	// kick asks the flusher to write now: a burst of new users must not
	// pile up in memory until the next tick.
	kick chan struct{}
}

// flushAt is the number of pending records that wakes the flusher early.
const flushAt = 8192

func (l *Lab) notePending() {
	if l.usage.pending.Add(1) >= flushAt && l.usage.kick != nil {
		select {
		case l.usage.kick <- struct{}{}:
		default: // a flush is already asked for
		}
	}
}

func principalPrefix(lab string) []byte { return append(labPrefix(lab), "p/"...) }

func usagePrefix(lab string) []byte { return append(labPrefix(lab), "u/"...) }

// appendUsageKey appends the rest of a usage record's key to its prefix.
func appendUsageKey(k []byte, headendID uint64, u headend.Use) []byte {
	k = binary.BigEndian.AppendUint64(k, headendID)
	k = binary.BigEndian.AppendUint64(k, uint64(u.Day))
	return binary.BigEndian.AppendUint32(k, u.Principal)
}

// flushUsage writes what was noted since the last flush, principals first,
// in batches of a bounded size (a million new users at once must not make
// a batch of a hundred megabytes), and syncs once at the end: a user
// admitted before a flush survives a crash of the machine, not only of the
// process, and one sync covers the whole flush however many records it
// holds.
func (l *Lab) flushUsage() error {
	l.usage.mu.Lock()
	defer l.usage.mu.Unlock()
	l.usage.pending.Store(0)
	const perBatch = 4096
	b := l.store.db.NewBatch()
	defer func() { b.Close() }()
	n, committed := 0, false
	var err error
	set := func(k, v []byte) {
		if err != nil {
			return
		}
		if err = b.Set(k, v, nil); err != nil {
			return
		}
		if n++; n >= perBatch {
			// The final commit's sync makes this one durable too.
			if err = b.Commit(pebble.NoSync); err == nil {
				b.Close()
				b, n, committed = l.store.db.NewBatch(), 0, true
			}
		}
	}
	pp, up := principalPrefix(l.name), usagePrefix(l.name)
	var key, val []byte // reused for every record: Batch.Set copies them
	l.principals.DrainNew(func(p *headend.Principal) {
		key = binary.BigEndian.AppendUint32(append(key[:0], pp...), p.Index())
		val = append(append(append(val[:0], p.User()...), 0), p.Device()...)
		set(key, val)
	})
	l.byName.Range(func(_, v any) bool {
		h := v.(*Headend)
		h.adm.DrainUses(func(uses []headend.Use) {
			for _, u := range uses {
				key = appendUsageKey(append(key[:0], up...), h.id, u)
				val = append(val[:0], u.Flags)
				set(key, val)
			}
		})
		return true
	})
	switch {
	case err != nil:
		return err
	case n > 0:
		return b.Commit(pebble.Sync)
	case committed:
		return l.store.db.LogData(nil, pebble.Sync)
	}
	return nil
}

// loadUsage restores principals and the usage records of the headends hs,
// given in id order. Called before any admission.
func (l *Lab) loadUsage(hs []*Headend) error {
	pp := principalPrefix(l.name)
	err := l.store.scan(pp, func(k, v []byte) error {
		user, device, ok := strings.Cut(string(v), "\x00")
		if len(k) != len(pp)+4 || !ok {
			return fmt.Errorf("sim: malformed principal record %q", k)
		}
		return l.principals.Restore(binary.BigEndian.Uint32(k[len(pp):]), user, device)
	})
	if err != nil {
		return err
	}
	up := usagePrefix(l.name)
	i := 0 // the records are in headend id order too: walk hs along
	return l.store.scan(up, func(key, v []byte) error {
		k := key[len(up):]
		if len(k) != 20 || len(v) != 1 {
			return fmt.Errorf("sim: malformed usage record %q", key)
		}
		id := binary.BigEndian.Uint64(k)
		for i < len(hs) && hs[i].id < id {
			i++
		}
		if i == len(hs) || hs[i].id != id {
			return nil // a deleted headend's history
		}
		h := hs[i]
		h.adm.RestoreUse(binary.BigEndian.Uint32(k[16:]), int64(binary.BigEndian.Uint64(k[8:])), v[0])
		return nil
	})
}

// runUsageFlusher writes usage every interval, or sooner when a backlog
// builds up, and samples the peak of active sessions every peakEvery
// (negative: never), until Close.
func (l *Lab) runUsageFlusher(interval, peakEvery time.Duration) {
	l.usage.stop, l.usage.done, l.usage.kick = make(chan struct{}), make(chan struct{}), make(chan struct{}, 1)
	go func() {
		defer close(l.usage.done)
		flush := time.NewTicker(interval)
		defer flush.Stop()
		var peaks <-chan time.Time
		if peakEvery > 0 {
			t := time.NewTicker(peakEvery)
			defer t.Stop()
			peaks = t.C
		}
		for {
			select {
			case <-l.usage.stop:
				return
			case <-peaks:
				l.byName.Range(func(_, v any) bool {
					v.(*Headend).adm.Counts() // samples the peak
					return true
				})
				continue
			case <-flush.C:
			case <-l.usage.kick:
			}
			if err := l.flushUsage(); err != nil {
				l.log.Error("writing usage records", zap.Error(err))
			}
		}
	}()
}

// Close stops the lab's background work and makes the usage records
// durable. The store stays open (its owner closes it).
func (l *Lab) Close() error {
	if l.usage.stop != nil {
		close(l.usage.stop)
		<-l.usage.done
		l.usage.stop = nil
	}
	return l.flushUsage()
}
