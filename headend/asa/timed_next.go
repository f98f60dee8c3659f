package asa

import "time"

// NextTimedEvent is when the device next logs a line of its own as time
// passes: the earliest %ASA-4-444005 warning or %ASA-2-444007 expiry of its
// active time-based keys that Advance has not logged yet, or the Smart
// Agent's next time-driven transition (asav.Agent.NextEvent); ok is false when
// it has none. A lab keeps its headends ordered by it, so that moving the
// clock advances only the devices with a line due.
func (d *Device) NextTimedEvent() (at time.Time, ok bool) {
	at, ok = d.License.NextEvent()
	if d.Smart != nil {
		if s, sok := d.Smart.NextEvent(); sok && (!ok || s.Before(at)) {
			at, ok = s, true
		}
	}
	return at, ok
}
