package labtimers

import (
	"container/heap"
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/devlog"
	"github.com/asalab/asalab/sim/eventlog"
)

// Renewer makes a headend's Smart Licensing attempts in a catch-up.
type Renewer[H any] interface {
	// Renew makes on c, h's device brought to now, the attempts due by
	// now, and returns their events.
	Renew(h H, c family.Device, now time.Time) []eventlog.Event
	// Less orders two headends whose attempts are due at the same time
	// (the lab's ids).
	Less(a, b H) bool
}

// Catching is a headend in a catch-up: its device's copy, brought to the
// lab time step by step, the events it has so far, and when its next
// Smart Licensing attempt is due.
type Catching[H any] struct {
	H H
	C family.Device
	// Logged is C's count of lines with an event.
	Logged int
	Evs    []eventlog.Event
	// Changed is true once an attempt was made on C.
	Changed bool
	at      time.Time
	idx     int
}

// Step brings the units to now, on their copies, making on the way the
// Smart Licensing attempts due by then at their lab times, earliest first
// across the headends (an attempt may make the next one due before now: a
// retry). An attempt due before start is made at start. When the
// attempts' events pass chunk, it stops at the last attempt made and returns its
// time, from where the caller goes on; else it returns now. Every unit is
// brought to the time returned.
func Step[H any](units []*Catching[H], now, start time.Time, chunk int, r Renewer[H]) time.Time {
	q := catchQueue[H]{less: r.Less}
	for _, u := range units {
		if at, ok := SmartDue(u.C); ok && !at.After(now) {
			u.at = at
			heap.Push(&q, u)
		}
	}
	reached := now
	var last time.Time
	made := 0
	for q.Len() > 0 {
		u := q.us[0]
		if made >= chunk && u.at.After(last) {
			reached = last
			break
		}
		heap.Pop(&q)
		u.at = maxTime(u.at, start)
		made += u.advance(u.at)
		renewal := r.Renew(u.H, u.C, u.at)
		u.Evs, u.Logged, u.Changed = append(u.Evs, renewal...), devlog.Count(u.C), true
		made += len(renewal)
		last = u.at
		if next, ok := SmartDue(u.C); ok && !next.After(now) {
			if next.After(u.at) {
				u.at = next
				heap.Push(&q, u)
			} // else the lab takes it out once released
		}
	}
	for _, u := range units {
		u.advance(reached)
	}
	return reached
}

// advance brings the copy to at and takes the lines it logged meanwhile,
// with the events of its Smart Licensing transitions; it returns how many
// events it added.
func (u *Catching[H]) advance(at time.Time) int {
	var prev family.Device
	if next, ok := u.C.NextTimedEvent(); ok && !next.After(at) {
		prev = u.C.Copy() // a transition may come: compare with it
	}
	u.C.Advance(at)
	// Also the lines a read logged as it advanced the headend, which no
	// event holds yet.
	lines := devlog.Events(u.C, u.Logged)
	n := len(u.Evs)
	u.Evs = append(u.Evs, lines...)
	if prev != nil {
		u.Evs = append(u.Evs, devlog.TimedSmartEvents(prev, u.C, lines, at)...)
	}
	u.Logged = devlog.Count(u.C)
	return len(u.Evs) - n
}

// SmartDue is d's next Smart Licensing attempt, if it has one.
func SmartDue(d family.Device) (time.Time, bool) {
	if s, ok := d.(family.SmartLicensing); ok {
		return s.SmartDue()
	}
	return time.Time{}, false
}

// catchQueue orders the headends of a catch-up by their next attempt.
type catchQueue[H any] struct {
	us   []*Catching[H]
	less func(a, b H) bool
}

func (q *catchQueue[H]) Len() int { return len(q.us) }
func (q *catchQueue[H]) Less(i, j int) bool {
	a, b := q.us[i], q.us[j]
	return a.at.Before(b.at) || a.at.Equal(b.at) && q.less(a.H, b.H)
}
func (q *catchQueue[H]) Swap(i, j int) {
	q.us[i], q.us[j] = q.us[j], q.us[i]
	q.us[i].idx, q.us[j].idx = i, j
}
func (q *catchQueue[H]) Push(x any) {
	u := x.(*Catching[H])
	u.idx = len(q.us)
	q.us = append(q.us, u)
}
func (q *catchQueue[H]) Pop() any {
	old := q.us
	u := old[len(old)-1]
	q.us = old[:len(old)-1]
	return u
}

// DueOnce is the headends of both lists, each once, timed first.
func DueOnce[H comparable](timed, renew []H) []H {
	if len(renew) == 0 {
		return timed
	}
	if len(timed) == 0 {
		return renew
	}
	seen := make(map[H]bool, len(timed))
	for _, h := range timed {
		seen[h] = true
	}
	for _, h := range renew {
		if !seen[h] {
			timed = append(timed, h)
		}
	}
	return timed
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
