// Command headendctl drives a running headendd over gRPC, and mints
// activation keys offline with the lab's signing secret.
//
//	headendctl create --model ASA5525 --hostname asa1
//	headendctl exec asa1 'show version'
//	headendctl keygen --serial FCH2648ABCD premium=250 3des
//
// Errors go to stderr with a non-zero exit status. For scripts, -o json
// prints each command's result as one JSON document; the table of commands
// (help.go) makes the usage, each command's help and the bash completion.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/asalab/asalab/cmd/headendctl/ctlconn"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// cli carries the global options and output streams.
type cli struct {
	addr   string
	lab    string
	output string // "text" or "json" (-o)
	token  string // bearer token (--token, $ASALAB_TOKEN)
	ca     string // PEM file of the CA that signed the daemon's TLS certificate (--ca)
	stdout io.Writer
	stderr io.Writer
	conn   *grpc.ClientConn
	cf     connFlags // --context, --tls, --insecure, and which flags were given
	// callTimeout bounds each unary call when given (--call-timeout):
	// the completion's questions must not hang on a daemon that accepts
	// and never answers.
	callTimeout time.Duration
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("headendctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // -h prints the usage to stdout, a bad flag points to it on stderr
	fs.StringVar(&c.addr, "addr", cmp.Or(os.Getenv("ASALAB_ADDR"), "127.0.0.1:50051"), "headendd gRPC address (default $ASALAB_ADDR, or 127.0.0.1:50051)")
	fs.StringVar(&c.lab, "lab", "", "lab name (default: the daemon's default lab)")
	fs.StringVar(&c.output, "o", "text", "output format: text or json (one JSON document, proto JSON names)")
	fs.StringVar(&c.output, "output", "text", "output format: text or json (the long form of -o)")
	fs.StringVar(&c.token, "token", os.Getenv("ASALAB_TOKEN"), "bearer token (default $ASALAB_TOKEN)")
	fs.StringVar(&c.ca, "ca", "", "connect with TLS, trusting the CA certificate in this PEM file")
	fs.DurationVar(&c.callTimeout, "call-timeout", 0, "give up a call the daemon has not answered in this long (default: 30s, or the command's own)")
	c.defineConnFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c.help(nil)
		}
		fmt.Fprintln(stderr, "run headendctl help for the usage")
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	name, rest := fs.Arg(0), outputFlags(fs.Args()[1:], &c.output)
	if c.output != "text" && c.output != "json" {
		fmt.Fprintf(stderr, "headendctl: -o must be text or json, not %q\n", c.output)
		return 2
	}
	bad := false
	fs.Visit(func(f *flag.Flag) { bad = bad || f.Name == "call-timeout" && c.callTimeout <= 0 })
	if bad {
		fmt.Fprintln(stderr, "headendctl: --call-timeout must be more than 0")
		return 2
	}
	if err := c.settle(fs, name); err != nil {
		fmt.Fprintln(stderr, "headendctl:", err)
		return 2
	}
	switch {
	case name == "help":
		if err := extraHelpWords(rest); err != nil {
			fmt.Fprintln(stderr, "headendctl:", err)
			return 2
		}
		return c.help(rest)
	case name == "completion":
		return c.completion(rest)
	}
	cmd := findCommand(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "headendctl: unknown command %q (headendctl help lists them)\n", name)
		return 2
	}
	if wantsHelp(rest) {
		return c.help(append([]string{name}, rest...))
	}
	err := cmd.run(c, rest)
	if c.conn != nil {
		c.conn.Close()
	}
	if err != nil {
		var h helpRequest
		if errors.As(err, &h) {
			return c.help(append([]string{name}, rest...))
		}
		var tr troubleError
		if errors.As(err, &tr) {
			fmt.Fprintln(stderr, "headendctl:", describe(tr.err))
			return 2
		}
		fmt.Fprintln(stderr, "headendctl:", describe(err))
		var u usageError
		if errors.As(err, &u) || errors.Is(err, ctlconn.ErrSetting) {
			return 2
		}
		return 1
	}
	return 0
}

// outputFlags takes -o/--output out of a command's arguments, so that it
// may follow the command as well as precede it. Only a standalone -o TEXT
// or -o=TEXT whose format is text or json counts: a console line of exec
// that holds "-o" is one argument and stays. Arguments after "--" are left
// alone.
func outputFlags(args []string, output *string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, val, hasVal := strings.Cut(a, "=")
		if name != "-o" && name != "--o" && name != "-output" && name != "--output" {
			out = append(out, a)
			continue
		}
		switch {
		case hasVal:
			*output = val // checked by run, as a global -o is
		case i+1 < len(args) && (args[i+1] == "text" || args[i+1] == "json"):
			*output = args[i+1]
			i++
		default:
			out = append(out, a)
		}
	}
	return out
}

// wantsHelp reports whether a command's arguments ask for its help: a
// standalone -h or --help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "--h", "-help", "--help":
			return true
		}
	}
	return false
}

// usageError is a mistake in the command line itself (exit status 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// troubleError is a failure of a command whose exit status 1 says
// something else (replay: an output differs): exit status 2, as diff(1)
// does.
type troubleError struct{ err error }

func (t troubleError) Error() string { return t.err.Error() }

func (t troubleError) Unwrap() error { return t.err }

// describe prints a gRPC error as "message (Code, REASON)".
func describe(err error) string {
	st, ok := status.FromError(err)
	if !ok {
		return err.Error()
	}
	reason := ""
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			reason = ", " + info.GetReason()
		}
	}
	return fmt.Sprintf("%s (%s%s)", st.Message(), st.Code(), reason)
}

// services are the daemon's gRPC services.
type services struct {
	hc headendv1.HeadendServiceClient
	lc headendv1.LabServiceClient
	pc headendv1.PortalServiceClient
	sc headendv1.SmartServiceClient
}

// dial connects to the daemon, once (run closes the connection).
func (c *cli) dial() (services, error) {
	if c.conn == nil {
		opts, err := c.settings().DialOptions()
		if err != nil {
			return services{}, err
		}
		conn, err := grpc.NewClient(c.addr, opts...)
		if err != nil {
			return services{}, err
		}
		c.conn = conn
	}
	return services{
		hc: headendv1.NewHeadendServiceClient(c.conn),
		lc: headendv1.NewLabServiceClient(c.conn),
		pc: headendv1.NewPortalServiceClient(c.conn),
		sc: headendv1.NewSmartServiceClient(c.conn),
	}, nil
}

// call dials the daemon and runs fn, whose RPCs get a context that times
// out after 30 seconds.
func (c *cli) call(fn func(cx context.Context, s services) error) error {
	s, err := c.dial()
	if err != nil {
		return err
	}
	cx, cancel := ctx()
	defer cancel()
	return fn(cx, s)
}

func ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// wait waits until the daemon's health service says it serves, so that a
// script can start headendd in the background and go on at once.
func (c *cli) wait(args []string) error {
	timeout := 10 * time.Second
	pos, err := subflags("wait", args, func(fs *flag.FlagSet) {
		fs.DurationVar(&timeout, "timeout", timeout, "how long to wait")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || timeout <= 0 {
		return usagef("usage: wait [--timeout D] (D > 0)")
	}
	if _, err := c.dial(); err != nil {
		return err
	}
	cx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	resp, err := healthpb.NewHealthClient(c.conn).Check(cx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
	if status.Code(err) == codes.DeadlineExceeded {
		return fmt.Errorf("no headendd answered at %s within %s", c.addr, timeout)
	}
	if err != nil {
		return err
	}
	return c.emit(resp, func() error { return nil })
}

// subflags parses a subcommand's flags; flags may come before or after the
// positional arguments ("reload asa1 --save").
func subflags(name string, args []string, define func(fs *flag.FlagSet)) ([]string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	define(fs)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, helpRequest{fs}
			}
			return nil, usagef("%s: %v", name, err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// intFlag is an integer flag checked against the range of what it fills:
// the width of its protobuf field, or a tighter domain range. flag.Int
// parses at the width of int and the conversion to int32 wrapped
// (--users 4294967396 ordered 100 users).
type intFlag[T int | int32] struct {
	p        *T
	min, max T
}

// intVar defines an intFlag with its default.
func intVar[T int | int32](fs *flag.FlagSet, p *T, name string, value, min, max T, usage string) {
	*p = value
	fs.Var(intFlag[T]{p: p, min: min, max: max}, name, usage)
}

func (f intFlag[T]) String() string {
	if f.p == nil {
		return "0"
	}
	return strconv.FormatInt(int64(*f.p), 10)
}

func (f intFlag[T]) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < int64(f.min) || n > int64(f.max) {
		return fmt.Errorf("want a whole number from %d to %d", f.min, f.max)
	}
	*f.p = T(n)
	return nil
}

func onOff(v bool) string {
	if v {
		return "on"
	}
	return "off"
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// parseDuration accepts Go durations plus whole days ("30d"), as long as
// a time.Duration holds them (about 292 years).
func parseDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if days, err := strconv.ParseInt(n, 10, 64); err == nil {
			const day = int64(24 * time.Hour)
			if days > math.MaxInt64/day || days < math.MinInt64/day {
				return 0, fmt.Errorf("%s is more days than a duration holds", s)
			}
			return time.Duration(days * day), nil
		}
	}
	return time.ParseDuration(s)
}
