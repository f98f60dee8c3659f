// Package eventlog is a lab's event log in memory: the event and its kinds,
// its record in the store, the filters subscribers select with, and the
// numbering, ring and subscriptions that deliver the events in sequence
// order. Every change the lab makes is told as events with one sequence
// per lab, in the order the changes were committed; subscribers (Watch)
// read the events from memory while they keep up and from the store when
// they fall behind, so a slow one never holds up a change.
package eventlog
