package sim

import (
	"fmt"
	"sync/atomic"
	"time"
)

// ClockMode is where a lab's time comes from.
type ClockMode int

// Clock modes.
const (
	ClockReal ClockMode = iota + 1
	ClockSimulated
)

func (m ClockMode) String() string {
	if m == ClockSimulated {
		return "sim"
	}
	return "real"
}

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
// Set and Advance move. Reading it is lock-free.
type Clock struct {
	mode ClockMode
	sim  atomic.Int64 // unix nanoseconds, simulated mode
	real func() time.Time
}

// NewSimClock starts a simulated clock at t.
func NewSimClock(t time.Time) *Clock {
	c := &Clock{mode: ClockSimulated}
	c.sim.Store(t.UnixNano())
	return c
}

// Mode is the clock's mode.
func (c *Clock) Mode() ClockMode { return c.mode }

// Now is the lab time, in UTC.
func (c *Clock) Now() time.Time {
	if c.mode == ClockReal {
		return c.real().UTC()
	}
	return time.Unix(0, c.sim.Load()).UTC()
}

// set moves a simulated clock to t. Only Lab.SetClock calls it, with the
// lab's clockMu held, once it has checked the mode and that t is not before
// the clock.
func (c *Clock) set(t time.Time) { c.sim.Store(t.UnixNano()) }
