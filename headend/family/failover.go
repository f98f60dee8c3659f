package family

import "time"

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
}

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
}

// FailoverCommand is a pair command typed on a unit.
type FailoverCommand int

// Pair commands.
const (
	FailoverMakeActive    FailoverCommand = iota + 1 // `failover active`
	FailoverMakeStandby                              // `no failover active`
	FailoverReloadStandby                            // `failover reload-standby`
)
