package eventlog

import (
	"context"
	"sync"
)

// RingSize is how many recent events memory holds for subscribers that
// keep up; one that falls further behind reads the store.
const RingSize = 1 << 14

// watchBatch bounds the events a subscriber takes at once.
const watchBatch = 1024

// ReadFunc calls fn with the stored events after `after` up to through, in
// order, until fn returns false: a subscriber that falls behind the ring
// reads them so.
type ReadFunc func(after, through uint64, fn func(Event) bool) error

// Log numbers a lab's events, holds the recent ones in memory and delivers
// them to subscribers (Watch). It keeps nothing durable: its owner writes
// the events, and reads them back for Watch through a ReadFunc.
type Log struct {
	// mu orders appends: it is held while a change takes its sequence
	// numbers and enters the write-ahead log, so that the log holds the
	// changes in sequence order and a sync that makes one durable makes
	// every earlier one durable too.
	mu   sync.Mutex
	next uint64 // the next sequence number; guarded by mu

	// pub guards what subscribers read: the ring, published and wake.
	pub sync.RWMutex
	// published is the last sequence number of the events subscribers see:
	// every event up to it is durable and its change applied.
	published uint64
	// done holds the ranges of events committed and applied but not yet
	// published, because an earlier commit has not finished: first -> last.
	done   map[uint64]uint64
	ring   []Event // ring[seq%RingSize]
	wake   chan struct{}
	closed chan struct{}
	read   ReadFunc
}

// New starts a log whose last stored event is last (0: none), read back
// from the store by read.
func New(last uint64, read ReadFunc) *Log {
	return &Log{
		next: last + 1, published: last,
		done: map[uint64]uint64{}, ring: make([]Event, RingSize),
		wake: make(chan struct{}), closed: make(chan struct{}), read: read,
	}
}

// Append numbers evs from the next sequence number and calls write, which
// puts them in the write-ahead log, under the lock that orders appends. On
// success the events are the log's, held for subscribers but not published
// until Publish; on failure their numbers are given again. It returns the
// first number.
func (g *Log) Append(evs []Event, write func() error) (first uint64, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	first = g.next
	for i := range evs {
		evs[i].Seq = first + uint64(i)
	}
	if err := write(); err != nil {
		return first, err
	}
	g.next += uint64(len(evs))
	if len(evs) > 0 {
		g.pub.Lock()
		for _, e := range evs {
			g.ring[e.Seq%RingSize] = e
		}
		g.pub.Unlock()
	}
	return first, nil
}

// Publish makes the n events from first visible to subscribers once every
// earlier one is.
func (g *Log) Publish(first, n uint64) {
	if n == 0 {
		return
	}
	g.pub.Lock()
	defer g.pub.Unlock()
	g.done[first] = first + n - 1
	advanced := false
	for {
		last, ok := g.done[g.published+1]
		if !ok {
			break
		}
		delete(g.done, g.published+1)
		g.published, advanced = last, true
	}
	if advanced {
		close(g.wake)
		g.wake = make(chan struct{})
	}
}

// Last is the sequence number of the last event published.
func (g *Log) Last() uint64 {
	g.pub.RLock()
	defer g.pub.RUnlock()
	return g.published
}

// listScan bounds the events one List reads.
const listScan = 100_000

// List returns the published events after the sequence number after that f
// selects, at most limit of them, in order; next is the sequence number to
// continue after (the last event read, selected or not) and more whether
// events follow it. It reads at most listScan events, so that a filter that
// selects few of a long log costs one call a bounded read.
func (g *Log) List(after uint64, limit int, f Filter) (evs []Event, next uint64, more bool, err error) {
	pub := g.Last()
	next = after
	scanned := 0
	err = g.read(after, pub, func(e Event) bool {
		next = e.Seq
		if f.Match(&e) {
			evs = append(evs, e)
		}
		scanned++
		return len(evs) < limit && scanned < listScan
	})
	return evs, next, next < pub, err
}

// Close ends every Watch, once it has delivered what is published.
func (g *Log) Close() {
	g.pub.Lock()
	defer g.pub.Unlock()
	select {
	case <-g.closed:
	default:
		close(g.closed)
	}
}

// Watch calls fn with the events after the sequence number from that f
// selects, in sequence order and in batches: first those stored, then each
// as it is published. It returns nil when the log closes, ctx's error when
// ctx is done, or fn's error. fn must not keep the slice. Producers never
// wait for a subscriber: one that falls behind the events memory holds
// reads them from the store and catches up.
func (g *Log) Watch(ctx context.Context, from uint64, f Filter, fn func([]Event) error) error {
	pos := from
	buf := make([]Event, 0, watchBatch)
	for {
		buf = buf[:0]
		g.pub.RLock()
		pub, wake := g.published, g.wake
		read, missed := pos, false
		for s := pos + 1; s <= pub && s-pos <= watchBatch; s++ {
			e := &g.ring[s%RingSize]
			if e.Seq != s {
				missed = true
				break
			}
			if f.Match(e) {
				buf = append(buf, *e)
			}
			read = s
		}
		g.pub.RUnlock()
		if missed && read == pos {
			err := g.read(pos, min(pub, pos+watchBatch), func(e Event) bool {
				if f.Match(&e) {
					buf = append(buf, e)
				}
				read = e.Seq
				return true
			})
			if err != nil {
				return err
			}
		}
		if len(buf) > 0 {
			if err := fn(buf); err != nil {
				return err
			}
		}
		pos = max(pos, read)
		if pos < pub {
			continue
		}
		select {
		case <-wake:
		case <-g.closed:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
