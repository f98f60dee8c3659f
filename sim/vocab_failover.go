package sim

import "github.com/asalab/asalab/headend/family"

// The failover vocabulary the front-ends speak (see vocab.go).
type (
	FailoverState   = family.FailoverState
	FailoverStatus  = family.FailoverStatus
	FailoverCommand = family.FailoverCommand
)

// Failover states.
const (
	FailoverOff          = family.FailoverOff
	FailoverNegotiation  = family.FailoverNegotiation
	FailoverActive       = family.FailoverActive
	FailoverStandbyReady = family.FailoverStandbyReady
	FailoverColdStandby  = family.FailoverColdStandby
	FailoverFailed       = family.FailoverFailed
	FailoverDisabled     = family.FailoverDisabled
)
