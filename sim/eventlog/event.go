package eventlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/asalab/asalab/sim/syslogtag"
)

// ErrUnknownKind: an event kind that is none of this package's.
var ErrUnknownKind = errors.New("unknown event kind")

// Kind is what an event tells.
type Kind uint8

// Event kinds.
const (
	Created Kind = iota + 1
	Deleted
	KeyInstalled
	Reloaded
	RMA
	ConfigChanged
	Essentials
	PortalOrder
	PortalRegister
	PortalActivationCode
	PortalShare
	PortalDemo
	PortalRehost
	Clock
	// Refusal is a sample of a headend's refused connections.
	Refusal
	// Syslog is a line the headend logged (its `show logging`).
	Syslog
	// LinkCut and LinkRestored: a lab fault cut, or a restore ended, every
	// lab network path between two headends; Headend names the first as
	// given, Text both.
	LinkCut
	LinkRestored
	// PowerOff and PowerOn: a lab fault switched a headend off, or on
	// again (it then boots, with the events of a reload).
	PowerOff
	PowerOn
	// FailoverPairFormed: two failover units paired.
	FailoverPairFormed
	// FailoverSwitchover: a failover pair changed its active unit.
	FailoverSwitchover
	// FailoverMateLost: a failover unit lost its mate.
	FailoverMateLost
	// Shared is a step of the shared licensing service between headends:
	// a registration, a block lent or returned, a loss of the server, a
	// reclaim, a release after 24 hours, a backup server's role change.
	Shared
	// Smart is a change in the lab's Smart Software Manager: an account,
	// an entitlement, a token made or revoked, a device registered,
	// renewed, deregistered or reserved.
	Smart
	// NumKinds is one more than the last kind: an array indexed by kind
	// holds every kind in NumKinds elements.
	NumKinds
)

var kindNames = [NumKinds]string{
	Created: "created", Deleted: "deleted", KeyInstalled: "key_installed",
	Reloaded: "reloaded", RMA: "rma", ConfigChanged: "config_changed",
	Essentials: "essentials", PortalOrder: "portal_order", PortalRegister: "portal_register",
	PortalActivationCode: "portal_activation_code", PortalShare: "portal_share",
	PortalDemo: "portal_demo", PortalRehost: "portal_rehost", Clock: "clock",
	Refusal: "refusal", Syslog: "syslog",
	LinkCut: "link_cut", LinkRestored: "link_restored", PowerOff: "power_off", PowerOn: "power_on",
	FailoverPairFormed: "failover_pair_formed", FailoverSwitchover: "failover_switchover",
	FailoverMateLost: "failover_mate_lost",
	Shared:           "shared_license",
	Smart:            "smart",
}

func (k Kind) String() string {
	if k > 0 && k < NumKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k > 0 && k < NumKinds }

// Kinds lists every kind, in order.
func Kinds() []Kind {
	out := make([]Kind, 0, NumKinds-1)
	for k := Kind(1); k < NumKinds; k++ {
		out = append(out, k)
	}
	return out
}

// ParseKind reads a kind by its name ("created", "portal_order", ...).
func ParseKind(s string) (Kind, error) {
	for k := Kind(1); k < NumKinds; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%w %q (known: %v)", ErrUnknownKind, s, kindNames[1:])
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
	Kind    Kind
	// Syslog is the headend's syslog line for the change ("%ASA-4-113029:
	// ...", "%SYS-5-CONFIG_I: ..."), "" where the headend logs none
	// (portal actions, the lab's own changes).
	Syslog string
	// Text says what happened, for a reader.
	Text string
}

// SyslogTag reads the severity and message ID of the event's syslog line,
// as its family names them ("%ASA-4-113029: ..." is 4 and "113029",
// "%SYS-5-CONFIG_I: ..." is 5 and "SYS-5-CONFIG_I"); ok is false when it
// has none.
func (e *Event) SyslogTag() (severity int, msgID string, ok bool) {
	t, ok := syslogtag.Parse(e.Syslog)
	return t.Severity, t.MsgID, ok
}

// storedEvent is an event's value in the store; its key holds Seq.
type storedEvent struct {
	At      time.Time `json:"at"`
	Headend string    `json:"headend,omitempty"`
	Kind    string    `json:"kind"`
	Syslog  string    `json:"syslog,omitempty"`
	Text    string    `json:"text,omitempty"`
}

// Encode is the record of e in the store; its key holds e.Seq.
func Encode(e *Event) ([]byte, error) {
	v, err := json.Marshal(storedEvent{At: e.At.UTC(), Headend: e.Headend, Kind: e.Kind.String(), Syslog: e.Syslog, Text: e.Text})
	if err != nil {
		return nil, fmt.Errorf("sim: encode event: %w", err)
	}
	return v, nil
}

// Decode reads back the event seq from its record.
func Decode(seq uint64, v []byte) (Event, error) {
	var s storedEvent
	if err := json.Unmarshal(v, &s); err != nil {
		return Event{}, fmt.Errorf("sim: decode event %d: %w", seq, err)
	}
	k, err := ParseKind(s.Kind)
	if err != nil {
		return Event{}, fmt.Errorf("sim: event %d: %w", seq, err)
	}
	return Event{Seq: seq, At: s.At, Headend: s.Headend, Kind: k, Syslog: s.Syslog, Text: s.Text}, nil
}

// Filter selects events; an empty list selects every value.
type Filter struct {
	Headends []string
	Kinds    []Kind
}

// Match reports whether f selects e.
func (f *Filter) Match(e *Event) bool {
	return (len(f.Headends) == 0 || slices.Contains(f.Headends, e.Headend)) &&
		(len(f.Kinds) == 0 || slices.Contains(f.Kinds, e.Kind))
}

// Validate checks the filter's kinds.
func (f *Filter) Validate() error {
	for _, k := range f.Kinds {
		if !k.Valid() {
			return fmt.Errorf("%w %d", ErrUnknownKind, k)
		}
	}
	return nil
}
