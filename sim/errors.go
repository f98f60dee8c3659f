package sim

import (
	"errors"

	"github.com/asalab/asalab/sim/hostnames"
	"github.com/asalab/asalab/sim/labexec"
)

// Domain errors of the lab.
var (
	ErrLabNotFound       = errors.New("sim: lab not found")
	ErrHeadendNotFound   = errors.New("sim: headend not found")
	ErrHostnameTaken     = hostnames.ErrTaken
	ErrSerialTaken       = errors.New("sim: serial number is already used by another headend in the lab")
	ErrClockNotSimulated = errors.New("sim: the lab clock is the real clock")
	ErrClockBackwards    = errors.New("sim: the lab clock only moves forward")
	ErrInvalidArgument   = errors.New("sim: invalid argument")
	// ErrExecTooLarge: an Exec asked for more lines, or more output, than
	// one request may hold (MaxExecLines, MaxExecResponseBytes).
	ErrExecTooLarge = labexec.ErrTooLarge
)
