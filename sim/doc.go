// Package sim is the lab: a fleet of simulated headends keyed by hostname,
// the lab clock (package labclock), the licensing portal (package
// labportal), and their persistence in an embedded pebble store (package
// store). Every change (a headend created, changed or deleted, a portal
// action, a move of the clock) goes one way, Lab.commit (package
// journal): it is applied to a copy, written with its events in one synced
// batch, and only then made visible and its events published, so that an
// acknowledged change survives a crash and a refused one leaves no trace.
// The events form the lab's log (Lab.WatchEvents, Lab.ListEvents), one
// sequence per lab, durable with the changes they tell. The users the
// headends admit are kept for the compliance report by the usage log
// (package usagelog), the refusals sampled into the event log (package
// refusals); the lines headends log as time passes are due in a heap
// (package labtimers), and their catch-up, like the lines of shared
// licensing, is a write over several headends at once (package
// unitwrite); each headend's console has its port (package
// consoleports).
//
// A daemon restart is not a device reload: running state, flash keys,
// reload-pending and saved configuration all survive it. Only a device
// reload (or a power cycle, one of the lab's faults) drops unsaved
// configuration. The lab network (package labnet) joins the headends'
// addresses; its faults, links cut and headends powered off, are changes
// like the others (faults.go). Failover pairs form over it (package
// fopair, its rules; failover.go, its changes): a failover unit is found
// by the name it had in the lab when failover was turned on, not by the
// hostname its pair's configuration gives it.
// Services run between the headends over it on the lab
// clock: shared AnyConnect Premium licensing (package sharedlic, its
// rules and state; shared.go, its way to the lab), a server lending its
// pool to participants, its steps events and its state durable like the
// rest.
//
// A training scenario (package scenario) keeps its record through the same
// change path and drives its users through admission as the clock moves,
// step by step (traffic.go).
//
// The lab drives every headend through family.Device, whatever its family;
// families.go is the table of the families it simulates. The front-ends
// (the gRPC server, the SSH consoles) reach headends, keys and the portal
// through this package alone: vocab.go and vocab_portal.go name the types
// and errors they use.
package sim
