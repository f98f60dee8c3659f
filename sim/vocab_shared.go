package sim

import "github.com/asalab/asalab/headend/family"

// The shared licensing vocabulary the front-ends speak (see vocab.go).
type (
	SharedRole   = family.SharedRole
	SharedStatus = family.SharedStatus
)

// Shared licensing roles.
const (
	SharedNone        = family.SharedNone
	SharedServer      = family.SharedServer
	SharedBackup      = family.SharedBackup
	SharedParticipant = family.SharedParticipant
)
