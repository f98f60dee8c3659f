package sim

import "time"

// onNetChange registers fn, called after each change of the lab network
// (labnet.Watchers) with the lab time it happened, with no headend's or
// the lab's lock held.
func (l *Lab) onNetChange(fn func(now time.Time)) { l.netw.Watch(fn) }

// netChanged tells the watchers of a change at now. Call it with no
// headend's lock held.
func (l *Lab) netChanged(now time.Time) { l.netw.Changed(now) }
