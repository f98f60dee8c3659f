package sim

import "time"

// A training scenario (package scenario) drives users through the lab's
// admission path as the simulated clock moves, and keeps its own record in
// the lab's store. This file is its way into the lab: a lab on the
// machine's clock switched to a simulated one, the clock moving in steps
// while a traffic driver is set, and the scenario record written through
// the lab's one change path.

// trafficDriver is what SetTraffic set: the step and the function run at
// every step.
type trafficDriver struct {
	step time.Duration
	fn   func(at time.Time)
}

// SetTraffic makes every move of the simulated clock pass through the
// multiples of step (lab time since the Unix epoch) on its way, each one a
// clock move of its own, and run fn at each of them and at the move's end,
// once the clock stands there, and then commit the refusals fn met as
// events: so that a connection fn makes at a step is decided, and logged,
// at that step's lab time, not at the end of a long advance. fn runs with
// the clock's lock held: it must not move the clock. A zero step or a nil
// fn ends the driving.
func (l *Lab) SetTraffic(step time.Duration, fn func(at time.Time)) {
	if step <= 0 || fn == nil {
		l.traffic.Store(nil)
		return
	}
	l.traffic.Store(&trafficDriver{step: step, fn: fn})
}

// moveClockStepped is moveClock through the traffic driver's steps.
// Called with clockMu held.
func (l *Lab) moveClockStepped(t time.Time, text string) error {
	d := l.traffic.Load()
	if d == nil {
		return l.moveClock(t, text)
	}
	for {
		now := l.clock.Now()
		next := time.Unix(0, now.UnixNano()-now.UnixNano()%int64(d.step)).UTC().Add(d.step)
		if !next.Before(t) {
			break
		}
		if err := l.moveClock(next, "clock passed "+next.Format(time.RFC3339)+" (traffic step)"); err != nil {
			return err
		}
		l.foClock(next)
		d.fn(next)
		if err := l.flushRefusals(); err != nil {
			return err
		}
	}
	if err := l.moveClock(t, text); err != nil {
		return err
	}
	d.fn(t)
	return l.flushRefusals()
}

// FlushRefusals commits the refusals sampled since the last flush as
// events now, rather than at the next flush of the usage records.
func (l *Lab) FlushRefusals() error { return l.flushRefusals() }

// ScenarioRecord is the lab's stored scenario record (ok false: none).
func (l *Lab) ScenarioRecord() (v []byte, ok bool, err error) { return l.store.Scenario(l.name) }

// PutScenarioRecord writes the lab's scenario record durably (nil deletes
// it), with its events, then runs apply.
func (l *Lab) PutScenarioRecord(v []byte, evs []Event, apply func()) error {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.PutScenario(v); err != nil {
		return err
	}
	return l.commit(b, evs, apply)
}

// SimulateClock switches a lab on the machine's clock to a simulated clock
// standing at the machine's time, durably: the lab stays simulated across
// restarts, whatever clock mode it is opened with (a training scenario
// needs a clock it can move). A lab already simulated is left as it is.
func (l *Lab) SimulateClock() error {
	l.clockMu.Lock()
	defer l.clockMu.Unlock()
	if l.clock.Mode() == ClockSimulated {
		return nil
	}
	t := l.clock.Now()
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.PutClock(t); err != nil {
		return err
	}
	if err := b.PutClockSimulated(); err != nil {
		return err
	}
	ev := Event{At: t, Kind: EventClock, Text: "clock switched from the machine's to a simulated one at " + t.Format(time.RFC3339Nano)}
	return l.commit(b, []Event{ev}, func() { l.setClock = l.clock.Simulate(t) })
}
