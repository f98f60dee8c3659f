package sim

import (
	"context"
	"fmt"

	"github.com/asalab/asalab/sim/eventlog"
	"github.com/asalab/asalab/sim/journal"
	"github.com/asalab/asalab/sim/store"
)

// The lab's event log (package eventlog), kept in the store with one
// sequence per lab. A change and its events are one synced batch (commit):
// an acknowledged change's events are durable, and an unacknowledged one's
// are either all there after a crash or none.

// The lab's events are package eventlog's; these names let front-ends read
// them through the facade.

// EventKind is what an event tells.
type EventKind = eventlog.Kind

// Event is one entry of the lab's log.
type Event = eventlog.Event

// EventFilter selects events; an empty list selects every value.
type EventFilter = eventlog.Filter

// Event kinds.
const (
	EventCreated              = eventlog.Created
	EventDeleted              = eventlog.Deleted
	EventKeyInstalled         = eventlog.KeyInstalled
	EventReloaded             = eventlog.Reloaded
	EventRMA                  = eventlog.RMA
	EventConfigChanged        = eventlog.ConfigChanged
	EventEssentials           = eventlog.Essentials
	EventPortalOrder          = eventlog.PortalOrder
	EventPortalRegister       = eventlog.PortalRegister
	EventPortalActivationCode = eventlog.PortalActivationCode
	EventPortalShare          = eventlog.PortalShare
	EventPortalDemo           = eventlog.PortalDemo
	EventPortalRehost         = eventlog.PortalRehost
	EventClock                = eventlog.Clock
	EventRefusal              = eventlog.Refusal
	EventSyslog               = eventlog.Syslog
	EventLinkCut              = eventlog.LinkCut
	EventLinkRestored         = eventlog.LinkRestored
	EventPowerOff             = eventlog.PowerOff
	EventPowerOn              = eventlog.PowerOn
	EventFailoverPairFormed   = eventlog.FailoverPairFormed
	EventFailoverSwitchover   = eventlog.FailoverSwitchover
	EventFailoverMateLost     = eventlog.FailoverMateLost
	EventShared               = eventlog.Shared
	EventSmart                = eventlog.Smart
)

// EventKinds lists every kind, in order.
func EventKinds() []EventKind { return eventlog.Kinds() }

// ParseEventKind reads a kind by its name ("created", "portal_order", ...).
func ParseEventKind(s string) (EventKind, error) {
	k, err := eventlog.ParseKind(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	return k, nil
}

// validateFilter checks the filter's kinds.
func validateFilter(f *EventFilter) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	return nil
}

// openEvents finds where the lab's log ends. Called by OpenLab first.
func (l *Lab) openEvents() error {
	j, err := journal.Open(l.store, l.name, l.metrics)
	if err != nil {
		return err
	}
	l.journal, l.ev = j, j.Log()
	return nil
}

// EndWatches ends every WatchEvents, once it has delivered what is
// published: a server stopping gracefully calls it first, since a watch
// would otherwise keep it waiting. Close ends them too.
func (l *Lab) EndWatches() { l.closeEvents() }

// Why watches end, as EndWatchesFor is told: a watcher whose watch ended
// without an error tells its client (the gRPC trailer asalab-stream-end),
// which cannot otherwise tell a deleted lab from a daemon stopping.
const (
	WatchEndLabDeleted     = "lab deleted"
	WatchEndLabReset       = "lab reset"
	WatchEndDaemonStopping = "daemon stopping"
)

// EndWatchesFor is EndWatches saying why; WatchEndReason reports it to the
// watchers once their watches have returned.
func (l *Lab) EndWatchesFor(reason string) {
	l.watchEnd.CompareAndSwap(nil, &reason) // the first reason: a reset's, not the close after it
	l.closeEvents()
}

// WatchEndReason is the reason EndWatchesFor was given; "" if none.
func (l *Lab) WatchEndReason() string {
	if r := l.watchEnd.Load(); r != nil {
		return *r
	}
	return ""
}

// closeEvents ends the subscriptions.
func (l *Lab) closeEvents() { l.ev.Close() }

// commit is the one way a change reaches the store (journal.Journal.Commit):
// b (the change's writes) and the events evs in one synced batch, then
// apply (nil: nothing), then the events published. It returns once the
// change is durable and applied, or failed and not applied.
func (l *Lab) commit(b *store.Batch, evs []Event, apply func()) error {
	return l.journal.Commit(b, evs, apply)
}

// LastEvent is the sequence number of the last event published: a
// subscriber that wants only what comes next starts from it.
func (l *Lab) LastEvent() uint64 { return l.ev.Last() }

// ListEvents returns the events after the sequence number after that f
// selects, at most limit of them, in order (eventlog.Log.List): a filter
// that selects few of a long log gets short (even empty) pages rather than
// one call that reads the whole log.
func (l *Lab) ListEvents(after uint64, limit int, f EventFilter) (evs []Event, next uint64, more bool, err error) {
	if err := validateFilter(&f); err != nil {
		return nil, 0, false, err
	}
	if limit <= 0 {
		return nil, 0, false, fmt.Errorf("%w: list at least one event", ErrInvalidArgument)
	}
	return l.ev.List(after, limit, f)
}

// WatchEvents calls fn with the events after the sequence number from that
// f selects, in sequence order and in batches: first those stored, then
// each as it is published. It returns nil when the lab closes, ctx's error
// when ctx is done, or fn's error. fn must not keep the slice. Producers
// never wait for a subscriber: one that falls behind the events memory
// holds reads them from the store and catches up. This is the in-process
// subscription (the gRPC WatchEvents, a syslog forwarder).
func (l *Lab) WatchEvents(ctx context.Context, from uint64, f EventFilter, fn func([]Event) error) error {
	if err := validateFilter(&f); err != nil {
		return err
	}
	return l.ev.Watch(ctx, from, f, fn)
}
