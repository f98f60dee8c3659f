package labclock

import (
	"errors"
	"fmt"
	"time"
)

// ErrOutOfRange: a simulated clock would start before Min or after Max.
var ErrOutOfRange = errors.New("the lab clock runs from " + Min.Format(time.RFC3339) + " to " + Max.Format(time.RFC3339))

// Stored is a lab's clock as its store holds it.
type Stored interface {
	// Clock is the simulated clock's stored time (ok false: none).
	Clock() (t time.Time, ok bool, err error)
	// Simulated reports whether the lab, on the machine's clock, was
	// switched to a simulated one (Clock.Simulate), which it stays on.
	Simulated() (bool, error)
}

// Open is the clock a lab opens with. A simulated clock resumes from its
// stored time: a lab's time never jumps at a restart. Without one it
// starts at start (zero: the machine's time, to the second) and started
// is true: the caller stores it. A lab on the machine's clock that was
// switched to a simulated one stays on it, at its stored time; otherwise
// the clock reads realNow (time.Now when nil). A start outside [Min, Max]
// is refused (ErrOutOfRange).
func Open(mode Mode, start time.Time, realNow func() time.Time, st Stored) (c *Clock, set Setter, started bool, err error) {
	if realNow == nil {
		realNow = time.Now
	}
	if mode != Simulated {
		sw, err := st.Simulated()
		if err != nil {
			return nil, nil, false, err
		}
		if sw {
			t, ok, err := st.Clock()
			if err != nil {
				return nil, nil, false, err
			}
			if ok {
				c, set = NewSim(t)
				return c, set, false, nil
			}
		}
		return NewReal(realNow), nil, false, nil
	}
	t, ok, err := st.Clock()
	if err != nil {
		return nil, nil, false, err
	}
	if ok {
		c, set = NewSim(t)
		return c, set, false, nil
	}
	t = start.UTC()
	if start.IsZero() {
		t = realNow().UTC().Truncate(time.Second)
	}
	if t.Before(Min) || t.After(Max) {
		return nil, nil, false, fmt.Errorf("%w, not %s", ErrOutOfRange, t.Format(time.RFC3339))
	}
	c, set = NewSim(t)
	return c, set, true, nil
}
