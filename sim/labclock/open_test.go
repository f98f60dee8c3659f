package labclock

import (
	"errors"
	"testing"
	"time"
)

type stored struct {
	t      time.Time
	ok, sw bool
}

func (s stored) Clock() (time.Time, bool, error) { return s.t, s.ok, nil }
func (s stored) Simulated() (bool, error)        { return s.sw, nil }

// TestOpen: the clock a lab opens with, by its mode and what its store
// holds.
func TestOpen(t *testing.T) {
	machine := time.Date(2026, 3, 2, 9, 30, 15, 500, time.UTC)
	kept := time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC)
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	realNow := func() time.Time { return machine }
	tests := []struct {
		name    string
		mode    Mode
		start   time.Time
		st      stored
		want    time.Time
		wantSim bool
		started bool
	}{
		{"simulated resumes its stored time", Simulated, start, stored{t: kept, ok: true}, kept, true, false},
		{"simulated starts at start", Simulated, start, stored{}, start, true, true},
		{"simulated starts at the machine's second", Simulated, time.Time{}, stored{}, machine.Truncate(time.Second), true, true},
		{"real", Real, time.Time{}, stored{t: kept, ok: true}, machine, false, false},
		{"real switched to simulated stays on it", Real, time.Time{}, stored{t: kept, ok: true, sw: true}, kept, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, set, started, err := Open(tt.mode, tt.start, realNow, tt.st)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Now(); !got.Equal(tt.want) || (c.Mode() == Simulated) != tt.wantSim || (set != nil) != tt.wantSim || started != tt.started {
				t.Errorf("Now %v mode %v setter %v started %v; want %v simulated %v started %v", got, c.Mode(), set != nil, started, tt.want, tt.wantSim, tt.started)
			}
		})
	}
	_, _, _, err := Open(Simulated, time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), realNow, stored{})
	if !errors.Is(err, ErrOutOfRange) || err.Error() != "the lab clock runs from 1970-01-01T00:00:00Z to 2262-04-11T23:47:16Z, not 1969-12-31T00:00:00Z" {
		t.Errorf("before Min: %v", err)
	}
}
