package sim

import (
	"fmt"
	"time"

	"github.com/asalab/asalab/sim/labclock"
)

// ClockMode is where a lab's time comes from (package labclock).
type ClockMode = labclock.Mode

// Clock modes.
const (
	ClockReal      = labclock.Real
	ClockSimulated = labclock.Simulated
)

// ParseClockMode reads the --clock flag: "real" or "sim".
func ParseClockMode(s string) (ClockMode, error) {
	switch s {
	case "real", "":
		return ClockReal, nil
	case "sim", "simulated":
		return ClockSimulated, nil
	}
	return 0, fmt.Errorf("%w: clock must be real or sim, not %q", ErrInvalidArgument, s)
}

// Clock is a lab clock: the machine's time, or a simulated time that only
// Lab.SetClock and Lab.AdvanceClock move. Reading it is lock-free.
type Clock = labclock.Clock

// NewSimClock starts a simulated clock at t.
func NewSimClock(t time.Time) *Clock {
	c, _ := labclock.NewSim(t)
	return c
}
