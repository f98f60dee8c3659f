// Package labexec is the scripted console session the API runs on a
// headend (Exec): its result, and its limits, which stop one small request
// from making the daemon build a response of hundreds of megabytes.
package labexec

import (
	"errors"
	"fmt"

	"github.com/asalab/asalab/headend/cli"
)

// ErrTooLarge: an Exec asked for more lines, or more output, than one
// request may hold (MaxLines, MaxResponseBytes).
var ErrTooLarge = errors.New("sim: Exec request too large")

// Result is what a scripted console session printed.
type Result struct {
	Transcript string
	Results    []cli.Result
	Closed     bool
}

// Limits of one Exec. A provisioning script stays far below them: a
// thousand configuration lines print next to nothing, and `show
// running-config` of a headend with 1,000 local users is about 54 KB. They
// stop one small request from making the daemon build a response of
// hundreds of megabytes. The response limit counts the transcript and the
// results; it is 4 MiB, the largest message a gRPC client accepts unless
// told otherwise (grpc-go's defaultClientMaxReceiveMessageSize, grpc-java's
// DEFAULT_MAX_MESSAGE_SIZE), less 16 KiB for the protobuf framing of 1,000
// results, so any answer within it reaches a client left at its defaults.
const (
	MaxLines         = 1000
	MaxResponseBytes = 4<<20 - 16<<10
)

// Check fails when lines are more than MaxLines: such a request runs none.
func Check(lines []string) error {
	if len(lines) > MaxLines {
		return fmt.Errorf("%w: %d lines, at most %d per request", ErrTooLarge, len(lines), MaxLines)
	}
	return nil
}

// Run runs lines in s. Once the transcript and the results pass
// MaxResponseBytes, it stops after that line and fails with ErrTooLarge;
// that line and those before it have run, and the result holds what they
// printed.
func Run(s cli.Script, lines []string) (Result, error) {
	t, res, over := cli.RunLimit(s, lines, MaxResponseBytes)
	r := Result{Transcript: t, Results: res, Closed: s.Closed()}
	if over {
		return r, fmt.Errorf("%w: the response passed %d bytes at line %d of %d; lines 1 to %d ran, the rest did not",
			ErrTooLarge, MaxResponseBytes, len(res), len(lines), len(res))
	}
	return r, nil
}
