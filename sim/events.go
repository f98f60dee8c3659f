package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/asalab/asalab/sim/store"
)

// The lab's event log: every change the lab makes is told as events, kept
// in the store with one sequence per lab, in the order the changes were
// committed. A change and its events are one synced batch (commit): an
// acknowledged change's events are durable, and an unacknowledged one's
// are either all there after a crash or none. Subscribers (WatchEvents)
// read the events from memory while they keep up and from the store when
// they fall behind, so a slow one never holds up a change.

// EventKind is what an event tells.
type EventKind uint8

// Event kinds.
const (
	EventCreated EventKind = iota + 1
	EventDeleted
	EventKeyInstalled
	EventReloaded
	EventRMA
	EventConfigChanged
	EventEssentials
	EventPortalOrder
	EventPortalRegister
	EventPortalActivationCode
	EventPortalShare
	EventPortalDemo
	EventPortalRehost
	EventClock
	// EventRefusal is a sample of a headend's refused connections.
	EventRefusal
	// EventSyslog is a line the headend logged (its `show logging`).
	EventSyslog
	numEventKinds
)

var eventKindNames = [numEventKinds]string{
	EventCreated: "created", EventDeleted: "deleted", EventKeyInstalled: "key_installed",
	EventReloaded: "reloaded", EventRMA: "rma", EventConfigChanged: "config_changed",
	EventEssentials: "essentials", EventPortalOrder: "portal_order", EventPortalRegister: "portal_register",
	EventPortalActivationCode: "portal_activation_code", EventPortalShare: "portal_share",
	EventPortalDemo: "portal_demo", EventPortalRehost: "portal_rehost", EventClock: "clock",
	EventRefusal: "refusal", EventSyslog: "syslog",
}

func (k EventKind) String() string {
	if k > 0 && k < numEventKinds {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", k)
}

// Valid reports whether k is a known kind.
func (k EventKind) Valid() bool { return k > 0 && k < numEventKinds }

// EventKinds lists every kind, in order.
func EventKinds() []EventKind {
	out := make([]EventKind, 0, numEventKinds-1)
	for k := EventKind(1); k < numEventKinds; k++ {
		out = append(out, k)
	}
	return out
}

// ParseEventKind reads a kind by its name ("created", "portal_order", ...).
func ParseEventKind(s string) (EventKind, error) {
	for k := EventKind(1); k < numEventKinds; k++ {
		if eventKindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown event kind %q (known: %v)", ErrInvalidArgument, s, eventKindNames[1:])
}

// Event is one entry of the lab's log.
type Event struct {
	// Seq numbers the lab's events from 1, without gaps, in commit order.
	Seq uint64
	// At is the lab time of the change.
	At time.Time
	// Headend is the hostname of the headend concerned, "" for a change of
	// the lab (clock, portal).
	Headend string
	Kind    EventKind
	// Syslog is the ASA's syslog line for the change ("%ASA-4-113029:
	// ..."), "" where the ASA logs none (portal actions, the lab's own
	// changes).
	Syslog string
	// Text says what happened, for a reader.
	Text string
}

// SyslogTag reads the severity and message ID of the event's syslog line
// ("%ASA-4-113029: ..." is 4 and "113029"); ok is false when it has none.
func (e *Event) SyslogTag() (severity int, msgID string, ok bool) {
	rest, found := strings.CutPrefix(e.Syslog, "%ASA-")
	if !found || len(rest) < 3 || rest[0] < '0' || rest[0] > '7' || rest[1] != '-' {
		return 0, "", false
	}
	id, _, found := strings.Cut(rest[2:], ":")
	if !found || id == "" {
		return 0, "", false
	}
	return int(rest[0] - '0'), id, true
}

// storedEvent is an event's value in the store; its key holds Seq.
type storedEvent struct {
	At      time.Time `json:"at"`
	Headend string    `json:"headend,omitempty"`
	Kind    string    `json:"kind"`
	Syslog  string    `json:"syslog,omitempty"`
	Text    string    `json:"text,omitempty"`
}

func encodeEvent(e *Event) ([]byte, error) {
	v, err := json.Marshal(storedEvent{At: e.At.UTC(), Headend: e.Headend, Kind: e.Kind.String(), Syslog: e.Syslog, Text: e.Text})
	if err != nil {
		return nil, fmt.Errorf("sim: encode event: %w", err)
	}
	return v, nil
}

func decodeEvent(seq uint64, v []byte) (Event, error) {
	var s storedEvent
	if err := json.Unmarshal(v, &s); err != nil {
		return Event{}, fmt.Errorf("sim: decode event %d: %w", seq, err)
	}
	k, err := ParseEventKind(s.Kind)
	if err != nil {
		return Event{}, fmt.Errorf("sim: event %d: %w", seq, err)
	}
	return Event{Seq: seq, At: s.At, Headend: s.Headend, Kind: k, Syslog: s.Syslog, Text: s.Text}, nil
}

// EventFilter selects events; an empty list selects every value.
type EventFilter struct {
	Headends []string
	Kinds    []EventKind
}

func (f *EventFilter) match(e *Event) bool {
	return (len(f.Headends) == 0 || slices.Contains(f.Headends, e.Headend)) &&
		(len(f.Kinds) == 0 || slices.Contains(f.Kinds, e.Kind))
}

// Validate checks the filter's kinds.
func (f *EventFilter) Validate() error {
	for _, k := range f.Kinds {
		if !k.Valid() {
			return fmt.Errorf("%w: unknown event kind %d", ErrInvalidArgument, k)
		}
	}
	return nil
}

// eventRing is how many recent events memory holds for subscribers that
// keep up; one that falls further behind reads the store.
const eventRing = 1 << 14

type labEvents struct {
	// mu orders commits: it is held while a change takes its sequence
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
	ring   []Event // ring[seq%eventRing]
	wake   chan struct{}
	closed chan struct{}
}

// openEvents finds where the lab's log ends. Called by OpenLab first.
func (l *Lab) openEvents() error {
	last, err := l.store.LastEvent(l.name)
	if err != nil {
		return err
	}
	ev := &l.ev
	ev.next, ev.published = last+1, last
	ev.done = map[uint64]uint64{}
	ev.ring = make([]Event, eventRing)
	ev.wake, ev.closed = make(chan struct{}), make(chan struct{})
	return nil
}

// EndWatches ends every WatchEvents, once it has delivered what is
// published: a server stopping gracefully calls it first, since a watch
// would otherwise keep it waiting. Close ends them too.
func (l *Lab) EndWatches() { l.closeEvents() }

// closeEvents ends the subscriptions.
func (l *Lab) closeEvents() {
	l.ev.pub.Lock()
	defer l.ev.pub.Unlock()
	select {
	case <-l.ev.closed:
	default:
		close(l.ev.closed)
	}
}

// commit is the one way a change reaches the store: b (the change's writes)
// and the events evs, which it numbers, in one batch committed with Sync;
// then apply (nil: nothing) makes the change in memory; then the events are
// published. It returns once the change is durable and applied, or failed
// and not applied. Only the ordering into the write-ahead log is
// serialised: concurrent changes wait for their syncs together.
func (l *Lab) commit(b *store.Batch, evs []Event, apply func()) error {
	start := time.Now()
	bodies := make([][]byte, len(evs))
	for i := range evs {
		v, err := encodeEvent(&evs[i])
		if err != nil {
			return err
		}
		bodies[i] = v
	}
	ev := &l.ev
	ev.mu.Lock()
	first := ev.next
	for i := range evs {
		evs[i].Seq = first + uint64(i)
		if err := b.PutEvent(evs[i].Seq, bodies[i]); err != nil {
			ev.mu.Unlock()
			return err
		}
	}
	if err := l.store.ApplyOrdered(b); err != nil {
		ev.mu.Unlock()
		return err
	}
	ev.next += uint64(len(evs))
	if len(evs) > 0 {
		ev.pub.Lock()
		for _, e := range evs {
			ev.ring[e.Seq%eventRing] = e
		}
		ev.pub.Unlock()
	}
	ev.mu.Unlock()
	err := l.store.SyncWait(b)
	l.metrics.observePersist(time.Since(start))
	if err == nil && apply != nil {
		apply()
	}
	// Published even when the sync failed: the events are in the log
	// before those of later changes, whose syncs may yet succeed, and
	// holding them back would stop every subscriber. Pebble does not go
	// on writing after a failed sync of its log.
	l.publishEvents(first, uint64(len(evs)))
	if err == nil {
		l.metrics.countEvents(evs)
	}
	return err
}

// publishEvents makes the n events from first visible to subscribers once every
// earlier one is.
func (l *Lab) publishEvents(first, n uint64) {
	if n == 0 {
		return
	}
	ev := &l.ev
	ev.pub.Lock()
	defer ev.pub.Unlock()
	ev.done[first] = first + n - 1
	advanced := false
	for {
		last, ok := ev.done[ev.published+1]
		if !ok {
			break
		}
		delete(ev.done, ev.published+1)
		ev.published, advanced = last, true
	}
	if advanced {
		close(ev.wake)
		ev.wake = make(chan struct{})
	}
}

// LastEvent is the sequence number of the last event published: a
// subscriber that wants only what comes next starts from it.
func (l *Lab) LastEvent() uint64 {
	l.ev.pub.RLock()
	defer l.ev.pub.RUnlock()
	return l.ev.published
}

// ListEvents returns the events after the sequence number after that f
// selects, at most limit of them, in order; next is the sequence number to
// continue after (the last event read, selected or not) and more whether
// events follow it. It reads at most listScan events: a filter that
// selects few of a long log gets short (even empty) pages rather than one
// call that reads the whole log.
func (l *Lab) ListEvents(after uint64, limit int, f EventFilter) (evs []Event, next uint64, more bool, err error) {
	if err := f.Validate(); err != nil {
		return nil, 0, false, err
	}
	if limit <= 0 {
		return nil, 0, false, fmt.Errorf("%w: list at least one event", ErrInvalidArgument)
	}
	pub := l.LastEvent()
	next = after
	scanned := 0
	err = l.scanEvents(after, pub, func(e Event) bool {
		next = e.Seq
		if f.match(&e) {
			evs = append(evs, e)
		}
		scanned++
		return len(evs) < limit && scanned < listScan
	})
	return evs, next, next < pub, err
}

// listScan bounds the events one ListEvents reads.
const listScan = 100_000

// watchBatch bounds the events a subscriber takes at once.
const watchBatch = 1024

// WatchEvents calls fn with the events after the sequence number from that
// f selects, in sequence order and in batches: first those stored, then
// each as it is published. It returns nil when the lab closes, ctx's error
// when ctx is done, or fn's error. fn must not keep the slice. Producers
// never wait for a subscriber: one that falls behind the events memory
// holds reads them from the store and catches up. This is the in-process
// subscription (the gRPC WatchEvents, a syslog forwarder).
func (l *Lab) WatchEvents(ctx context.Context, from uint64, f EventFilter, fn func([]Event) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	ev := &l.ev
	pos := from
	buf := make([]Event, 0, watchBatch)
	for {
		buf = buf[:0]
		ev.pub.RLock()
		pub, wake := ev.published, ev.wake
		read, missed := pos, false
		for s := pos + 1; s <= pub && s-pos <= watchBatch; s++ {
			e := &ev.ring[s%eventRing]
			if e.Seq != s {
				missed = true
				break
			}
			if f.match(e) {
				buf = append(buf, *e)
			}
			read = s
		}
		ev.pub.RUnlock()
		if missed && read == pos {
			err := l.scanEvents(pos, min(pub, pos+watchBatch), func(e Event) bool {
				if f.match(&e) {
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
		case <-ev.closed:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// scanEvents calls fn with the lab's stored events after `after` up to
// through, in order, until fn returns false.
func (l *Lab) scanEvents(after, through uint64, fn func(Event) bool) error {
	return l.store.ScanEvents(l.name, after, through, func(seq uint64, v []byte) (bool, error) {
		e, err := decodeEvent(seq, v)
		if err != nil {
			return false, err
		}
		return fn(e), nil
	})
}
