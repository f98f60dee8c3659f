package scenario

import "errors"

// Errors of the scenario engine.
var (
	// ErrNotFound: no scenario of that name.
	ErrNotFound = errors.New("scenario: no such scenario")
	// ErrNotRunning: the lab runs no scenario.
	ErrNotRunning = errors.New("scenario: no scenario is running")
	// ErrAlreadyRunning: the lab runs a scenario already.
	ErrAlreadyRunning = errors.New("scenario: a scenario is running")
	// ErrLabNotEmpty: a scenario starts only in a lab without headends.
	ErrLabNotEmpty = errors.New("scenario: the lab has headends")
	// ErrNoMoreHints: every hint was given.
	ErrNoMoreHints = errors.New("scenario: no more hints")
	// ErrInvalidScenario: a scenario file is not valid.
	ErrInvalidScenario = errors.New("scenario: invalid scenario file")
)
