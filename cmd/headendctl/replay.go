package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// maxTranscript is the daemon's limit on a transcript (sim.MaxReplayBytes,
// which the client does not import); a larger file is refused before it
// is sent.
const maxTranscript = 4 << 20

// replay runs a transcript captured on a real device on a headend and
// prints a unified diff per command whose output differs, then a summary.
// Exit status 1 when an output differs, 2 for a malformed command line or
// a replay that failed (an unreadable file, a refused transcript or
// pattern, an unknown headend).
func (c *cli) replay(args []string) error {
	if err := c.runReplay(args); err != nil {
		if _, differs := err.(replayDiffers); !differs {
			return troubleError{err}
		}
		return err
	}
	return nil
}

func (c *cli) runReplay(args []string) error {
	var ignore listFlag
	var command string
	pos, err := subflags("replay", args, func(fs *flag.FlagSet) {
		fs.Var(&ignore, "ignore", "a regular expression whose matches are left out of the comparison (repeatable)")
		fs.StringVar(&command, "command", "", "FILE is the bare output of this command, without prompt lines (the show version twin --from takes)")
	})
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("usage: replay HOSTNAME FILE [--ignore REGEX]... [--command CMD] (FILE: a captured transcript, or with --command the bare output of CMD; - for stdin)")
	}
	text, err := readTranscript(pos[1])
	if err != nil {
		return err
	}
	return c.call(func(cx context.Context, _ services) error {
		resp, err := headendv1.NewReplayServiceClient(c.conn).Replay(cx, &headendv1.ReplayRequest{
			Lab: c.lab, Hostname: pos[0], Transcript: text, Ignore: ignore, Command: command})
		if err != nil {
			return err
		}
		err = c.emit(resp, func() error { _, err := fmt.Fprint(c.stdout, resp.GetDiff()); return err })
		if err != nil {
			return err
		}
		if resp.GetDiffers() {
			return replayDiffers{}
		}
		return nil
	})
}

func readTranscript(name string) (string, error) {
	var r io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxTranscript+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxTranscript {
		return "", fmt.Errorf("replay: %s is larger than %d bytes, the most one replay takes", name, maxTranscript)
	}
	return string(b), nil
}

// replayDiffers: an output differs (exit status 1); the diff said how.
type replayDiffers struct{}

func (replayDiffers) Error() string { return "replay: outputs differ" }
