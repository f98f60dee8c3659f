package sim

import (
	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/replay"
)

// MaxReplayBytes bounds a transcript (replay.MaxBytes).
const MaxReplayBytes = replay.MaxBytes

// Replay runs the commands of a transcript captured on a real device on a
// headend, in one console session, and compares each command's output with
// the captured one (package replay). ignore adds patterns to the volatile
// fields the comparison leaves out. Bad input (no prompt line, a bad
// pattern, more than MaxExecLines commands, more than MaxReplayBytes of
// text) runs nothing. Past MaxExecResponseBytes of output the replay stops
// after that command with replay.ErrTooLarge; the report holds the
// commands that ran.
func (l *Lab) Replay(hostname, transcript string, ignore []string) (replay.Report, error) {
	t, rules, err := replay.Prepare(transcript, ignore, MaxExecLines)
	if err != nil {
		return replay.Report{}, err
	}
	h, err := l.headend(hostname)
	if err != nil {
		return replay.Report{}, err
	}
	if err := h.available(); err != nil {
		return replay.Report{}, err
	}
	open := func(priv bool, user string) cli.Script {
		mode := family.ModeUser
		if priv {
			mode = family.ModePriv
		}
		return h.fam.Console(h, family.ConsoleOptions{Mode: mode, User: user})
	}
	rep, err := replay.Run(hostname, t, rules, open, MaxExecResponseBytes)
	l.metrics.CountExec(len(rep.Results))
	if err != nil {
		l.log.Warn("replay stopped: output too large", zap.String("lab", l.name), zap.String("hostname", hostname),
			zap.Int("commands_run", len(rep.Results)), zap.Int("commands", len(t.Commands)))
	}
	return rep, err
}
