// Command headendctl drives a running headendd over gRPC, and mints
// activation keys offline with the lab's signing secret.
//
//	headendctl create --model ASA5525 --hostname asa1
//	headendctl exec asa1 'show version'
//	headendctl keygen --serial FCH2648ABCD premium=250 3des
//
// Errors go to stderr with a non-zero exit status.
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

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

const usage = `usage: headendctl [--addr HOST:PORT] [--lab NAME] COMMAND [ARGS]

--addr defaults to $ASALAB_ADDR, or 127.0.0.1:50051.

Commands:
  wait [--timeout D]                           wait until the daemon answers (default 10s), for scripts
  create --model M --hostname H [--serial S] [--username U --password P] [--enable-password E] [--version V]
                                               add a headend (Base license; SSH login admin/admin,
                                               enable password admin unless given)
  twin [--hostname H] --from FILE [--activation-key FILE]
                                               add the twin of a real ASA 5500/5500-X from its captured
                                               show version (and show activation-key): its model, release,
                                               serial, hostname and licensed features (keys of the lab);
                                               "note:" lines on stderr name the capture's lines the twin
                                               prints otherwise (a unit of a failover pair, an indented block)
  get H                                        show a headend and its license
  list                                         list the headends
  delete H                                     remove a headend
  exec H 'LINE' ['LINE'...]                    run console lines (privileged mode), print the console;
                                               exit status 1 if a line answered with an error
  install-key H KEY [--deactivate]             activation-key KEY on H
  reload H [--save]                            reload H (--save: write memory first)
  put H flash:NAME FILE                        copy a local file to H's flash (an IOS router's
                                               license file; at most 1 MiB)
  get-file H flash:NAME [--out FILE]           a file of H's flash, to stdout or FILE
  rma H [--serial S]                           replace H's unit (new serial, keys lost)
  clock [set TIME | advance DURATION]          show or move the lab clock (TIME: RFC 3339; DURATION: 90m, 36h, 30d)
  link cut A B | link restore A B              cut every lab network path between headends A and B
                                               (both ways), or restore it; B smart: A's path to the
                                               lab's Smart Software Manager (a headend named smart
                                               goes first: link cut smart B)
  link list                                    list the cut links: A B cut since TIME
  power off H | power on H                     switch H off (its sessions end; it answers nothing)
                                               or on (it boots with its saved configuration)
  platforms                                    list the platform catalog
  admit H --user U [--device D] --kind K       admit one VPN connection (K: anyconnect, clientless,
                                               ikev2-third-party, ipsec-ikev1, site-to-site, phone, mobile)
  release H SESSION                            end a session
  sessions H                                   list the active sessions
  events [--follow] [--headend H] [--kind K] [--since SEQ]
                                               the lab's event log: SEQ TIME HEADEND KIND SYSLOG | TEXT
                                               (--follow: go on as events happen; --headend, --kind repeatable)
  keygen --serial S [--days N] [--nonce N] FEATURE...
                                               mint a key offline (--data-dir D or --secret-file F)
  replay H FILE [--ignore REGEX]... [--command CMD]
                                               run the commands of a transcript captured on a real
                                               device (FILE, - for stdin) on H; print a unified diff
                                               per command whose output differs, then a summary;
                                               uptime, times, MACs, serials, keys, checksums and
                                               session counters are not compared (--ignore: more);
                                               exit status 1 if an output differs, 2 on an error;
                                               --command CMD: FILE is CMD's bare output, with no prompt
                                               line (the show version file twin --from took)

Training scenarios (in an empty lab, whose clock becomes simulated):
  scenario list                                the scenarios: NAME TITLE (goals, hints)
  scenario start NAME                          set the scenario up and start its traffic
  scenario status                              the scenario, the lab time, its goals now, hints used
  scenario hint                                the next hint (counted)
  scenario grade                               one PASS or FAIL line per goal, "note" lines (a unit
                                               reloaded with users on it), "hints used N" if any,
                                               then "score N/M" as the last line;
                                               exit status 1 unless every goal passes
  scenario reset                               start the running scenario over: its headends deleted
                                               and set up again; the lab's others are kept (named)
  scenario stop                                end the running scenario: its traffic stops, its
                                               headends are deleted, the lab's others kept (named)

The licensing portal:
  portal order --sku SKU [--users N] [--months N] [--start DATE] [--size N] [--quantity N] --customer NAME
                                               buy one order line; prints its PAK first
  portal register --pak PAK --serial S [--migrate]
                                               register a PAK to an ASA; prints the license e-mail
                                               with the key ("S: 0x... 0x... 0x... 0x... 0x...");
                                               --migrate: a Plus, Apex or VPN Only PAK replaces the
                                               serial's retired AnyConnect licenses
  portal register --pak PAK --udi PID:SN --out FILE
                                               register an IOS PAK (FL-SSLVPN10-K9...) to a router's UDI;
                                               writes its license file to FILE
  portal share --source S --target T           Share License Process; prints the activation code first
  portal use-code --code C [--sku SKU|PAK]...  use an activation code; prints the target's keys
  portal licenses --serial S                   the licenses and keys registered to a serial
  portal demo --serial S                       the 4-week Apex demo license (a time-based key)
  portal rehost --old S --new T                move a returned unit's licenses to its replacement (RMA)
  portal compliance [--customer NAME]          honor-system report: users bought vs users seen

The Smart Software Manager (ASAv Smart Licensing):
  smart account create NAME                    a Smart Account with its DEFAULT virtual account
  smart entitlement add --account A [--virtual-account V] --tag TAG --count N [--ends DATE]
                                               buy licenses of a tag (DATE: YYYY-MM-DD)
  smart token create --account A [--virtual-account V] [--days N] [--uses N]
                                               an ID token (default 30 days, at most 365); prints it first
  smart token revoke T                         revoke an ID token
  smart devices --account A                    the registered devices and their authorization state
  smart usage --account A                      per tag: purchased, in use, balance
  smart reserve --account A [--virtual-account V] --request CODE [--tag TAG]
                                               Permanent License Reservation; prints the authorization code first

Smart tags: ASAv-STD-100M, ASAv-STD-1G, ASAv-STD-2G, ASAv-STD-10G, ASAv-STD-20G,
"AnyConnect Plus", "AnyConnect Apex", "AnyConnect VPN Only"

SKUs: L-AC-PLS-LIC=, L-AC-APX-LIC= (--users, --months 12-60, --start up to 60 days ahead),
L-AC-PLS-P-G (--users), L-AC-VPNO-<n>= (n: 25 50 100 250 500 750 1000 2500 5000 10000),
retired: L-ASA-SSL-<n>=, L-ASA-AC-E=, L-ASA-AC-M=, L-ASA-SSL-SHR-SRV-<n>=, L-ASA-SSL-SHR-PRT=,
L-ASA-SEC-PL=, L-ASA-SSL-TB-<n>= (--months 1-12)
IOS (portal register --udi): FL-SSLVPN10-K9, FL-SSLVPN25-K9, FL-SSLVPN100-K9 (SSL VPN seats),
SL-19-SEC-K9, SL-29-SEC-K9, SL-39-SEC-K9 (securityk9), SL-29-UC-K9, SL-39-UC-K9, SL-19-DATA-K9,
SL-29-DATA-K9, SL-39-DATA-K9

Features: sec-plus, 3des, failover=active-standby|active-active, contexts=N, vlans=N, premium=N,
essentials, mobile, phone, aea, shared-participant, shared-server=N, botnet, carrier, cluster,
tls-proxy=N, plus-apex, vpn-only=N
`

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
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("headendctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	fs.StringVar(&c.addr, "addr", cmp.Or(os.Getenv("ASALAB_ADDR"), "127.0.0.1:50051"), "headendd gRPC address (default $ASALAB_ADDR, or 127.0.0.1:50051)")
	fs.StringVar(&c.lab, "lab", "", "lab name (default: the daemon's default lab)")
	fs.StringVar(&c.output, "o", "text", "output format: text or json (one JSON document, proto JSON names)")
	fs.StringVar(&c.token, "token", os.Getenv("ASALAB_TOKEN"), "bearer token (default $ASALAB_TOKEN)")
	fs.StringVar(&c.ca, "ca", "", "connect with TLS, trusting the CA certificate in this PEM file")
	c.defineConnFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	if err := c.settle(fs, cmd); err != nil {
		fmt.Fprintln(stderr, "headendctl:", err)
		return 2
	}
	handlers := map[string]func([]string) error{
		"wait": c.wait, "create": c.create, "get": c.get, "list": c.list, "delete": c.delete, "exec": c.exec,
		"install-key": c.installKey, "reload": c.reload, "rma": c.rma, "clock": c.clock,
		"platforms": c.platforms, "keygen": c.keygen, "portal": c.portal, "smart": c.smart,
		"admit": c.admit, "release": c.release, "sessions": c.sessions, "events": c.events,
		"link": c.link, "power": c.power, "replay": c.replay, "twin": c.twin, "scenario": c.scenario,
		"put": c.put, "get-file": c.getFile,
		"lab": c.labCmd, "apply": c.apply, "config": c.config,
	}
	h, ok := handlers[cmd]
	if !ok {
		fmt.Fprintf(stderr, "headendctl: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	err := h(rest)
	if c.conn != nil {
		c.conn.Close()
	}
	if err != nil {
		var tr troubleError
		if errors.As(err, &tr) {
			fmt.Fprintln(stderr, "headendctl:", describe(tr.err))
			return 2
		}
		fmt.Fprintln(stderr, "headendctl:", describe(err))
		var u usageError
		if errors.As(err, &u) {
			return 2
		}
		return 1
	}
	return 0
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
		opts, err := c.dialOptions()
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
	_, err = healthpb.NewHealthClient(c.conn).Check(cx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
	if status.Code(err) == codes.DeadlineExceeded {
		return fmt.Errorf("no headendd answered at %s within %s", c.addr, timeout)
	}
	return err
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
