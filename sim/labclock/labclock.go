// Package labclock is a lab's clock: the machine's time, or a simulated
// time that only the lab moves (durably, with its event), read lock-free
// by everything that needs the lab time.
package labclock

import (
	"math"
	"sync/atomic"
	"time"
)

// Mode is where a lab's time comes from.
type Mode int

// Clock modes.
const (
	Real Mode = iota + 1
	Simulated
)

func (m Mode) String() string {
	if m == Simulated {
		return "sim"
	}
	return "real"
}

// Max is the last time a simulated clock holds: it counts Unix
// nanoseconds in an int64.
var Max = time.Unix(0, math.MaxInt64).UTC()

// Min is the first time a simulated clock starts at: Unix time 0, since
// the lab counts days and usage from it.
var Min = time.Unix(0, 0).UTC()

// Clock is a lab clock: the machine's time, or a simulated time that only
// its Setter moves. Reading it is lock-free.
type Clock struct {
	mode atomic.Int32 // a Mode; a real clock may become simulated (Simulate)
	sim  atomic.Int64 // unix nanoseconds, simulated mode
	real func() time.Time
}

// Setter moves a simulated clock to t. Only its lab holds it, and calls it
// serialised, once it has checked that t is not before the clock and
// stored t.
type Setter func(t time.Time)

// NewSim starts a simulated clock at t, and returns the way to move it.
func NewSim(t time.Time) (*Clock, Setter) {
	c := &Clock{}
	return c, c.Simulate(t)
}

// NewReal makes a clock that reads now, the machine's clock.
func NewReal(now func() time.Time) *Clock {
	c := &Clock{real: now}
	c.mode.Store(int32(Real))
	return c
}

// Simulate makes the clock a simulated one standing at t, and returns the
// way to move it. Its lab calls it once, with the clock's lock held: a
// lab on the machine's clock becomes simulated for a training scenario.
func (c *Clock) Simulate(t time.Time) Setter {
	c.sim.Store(t.UnixNano())
	c.mode.Store(int32(Simulated)) // after the time: a reader that sees the mode sees t
	return func(t time.Time) { c.sim.Store(t.UnixNano()) }
}

// Mode is the clock's mode.
func (c *Clock) Mode() Mode { return Mode(c.mode.Load()) }

// Now is the lab time, in UTC.
func (c *Clock) Now() time.Time {
	if c.Mode() == Real {
		return c.real().UTC()
	}
	return time.Unix(0, c.sim.Load()).UTC()
}
