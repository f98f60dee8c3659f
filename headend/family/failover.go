package family

import (
	"errors"
	"time"
)

// Failover pairs (Active/Standby): two units whose failover LAN links meet
// on the lab network with the same key and opposite roles form a pair.
// The device keeps the failover configuration and combines licenses
// (FailoverUnit); the lab decides which unit is active, replicates the
// configuration and tells each console what it sees (Host.FailoverStatus).

// FailoverUnit is the capability of a family that forms failover pairs.
type FailoverUnit interface {
	// FailoverEnabled is `failover` in the running configuration, with
	// the unit's role ("primary" or "secondary").
	FailoverEnabled() (on bool, role string)
	// CombinedLicense is the failover cluster license of this unit and
	// its mate at now, and why the pair cannot form (a mismatch the
	// device logs, "" when it can).
	CombinedLicense(mate Device, now time.Time) (cluster LicensedFeatures, mismatch string)
	// ReplicateFrom makes this unit's running configuration the active
	// unit's, as the real pair replicates it to the standby: all of it,
	// hostname included, except what is the unit's own (`failover lan
	// unit`; the keys, flash and serial are not configuration). The
	// saved configuration is left alone: the lab calls WriteMemory after
	// it when the active unit's configuration is saved (a `write memory`
	// on the active unit saves both units). ErrFailoverMate when active
	// cannot be this unit's mate (another family or model); nothing
	// changes then.
	ReplicateFrom(active Device, now time.Time) error
}

// FailoverLogger is the capability of a failover unit that logs the pair's
// syslog lines itself: the lab hands it the mismatch CombinedLicense words
// ("%ASA-1-105045: ..."), which it logs to its buffer at now, at the
// severity its tag carries.
type FailoverLogger interface {
	LogFailover(msg string, now time.Time)
}

// FailoverMismatch is why two units whose failover LAN links meet do not
// pair for their failover lines.
type FailoverMismatch int

// Failover mismatches.
const (
	FailoverKeyMismatch FailoverMismatch = iota + 1 // their `failover key`s differ
	FailoverRoleClash                               // both are primary, or both secondary
)

// FailoverMismatchLogger is the capability of a failover unit that says
// why the lab does not pair it with the unit its LAN link meets: the lab
// calls LogFailoverMismatch on each of the two units when it finds the
// mismatch (once, not at every check), in an Update of the unit; the unit
// logs its line(s) to its buffer at now and returns them, for the lab's
// events.
type FailoverMismatchLogger interface {
	LogFailoverMismatch(why FailoverMismatch, now time.Time) []string
}

// Failover errors the devices return, and the lab's Host.Failover reports
// (wrapped), so that the console words them as the ASA does.
var (
	// ErrFailoverMate: the other unit cannot be this one's mate.
	ErrFailoverMate = errors.New("headend: the units cannot form a failover pair")
	// ErrNoMate: the command needs the mate, and none is seen.
	ErrNoMate = errors.New("headend: the failover mate is not detected")
	// ErrFailoverOff: the command needs failover on.
	ErrFailoverOff = errors.New("headend: failover is not enabled")
)

// FailoverState is a unit's state in its pair.
type FailoverState int

// Failover states, as `show failover` names them.
const (
	FailoverOff FailoverState = iota // failover not enabled
	FailoverNegotiation
	FailoverActive
	FailoverStandbyReady
	FailoverColdStandby
	FailoverFailed
	FailoverDisabled // a mate that is not seen: "Not Detected"
)

// FailoverStatus is what `show failover` and `show version` show on a
// unit: the lab's view of its pair.
type FailoverStatus struct {
	Enabled bool
	Role    string // "Primary" or "Secondary"
	State   FailoverState
	// Mate: the other unit, when it is seen.
	MateSeen     bool
	MateState    FailoverState
	MateHostname string // the name the mate was created with in the lab
	MateSerial   string
	// LastFailover is when the pair last changed active unit.
	LastFailover time.Time
	// Since is when the pair formed (`failover cluster up ...`).
	Since time.Time
	// LANUp / StateUp: the LAN (control) and stateful links pass
	// packets.
	LANUp, StateUp bool
	// Cluster is the combined license while paired.
	Cluster *LicensedFeatures
	// ActiveTime and MateActiveTime are how long each unit has been
	// active in all ("Active time: N (sec)"); MateVersion is the mate's
	// software version ("" : unknown).
	ActiveTime, MateActiveTime time.Duration
	MateVersion                string
}

// FailoverCommand is a pair command typed on a unit.
type FailoverCommand int

// Pair commands.
const (
	FailoverMakeActive    FailoverCommand = iota + 1 // `failover active`
	FailoverMakeStandby                              // `no failover active`
	FailoverReloadStandby                            // `failover reload-standby`
)
