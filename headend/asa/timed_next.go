package asa

import "time"

// NextTimedEvent is when the device next logs a line of its own as time
// passes: the earliest %ASA-4-444005 warning or %ASA-2-444007 expiry of its
// active time-based keys that Advance has not logged yet; ok is false when
// it has none. A lab keeps its headends ordered by it, so that moving the
// clock advances only the devices with a line due.
func (d *Device) NextTimedEvent() (at time.Time, ok bool) {
	return d.License.NextEvent()
}
