package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// labsUsage describes the lab and apply commands, for the command list.
const labsUsage = `Labs (isolated sets of headends, each with its own clock, portal, Smart Software
Manager, event log, SSH ports and tokens; the lab "default" always exists):
  lab create NAME [--clock sim|real] [--clock-start TIME]
                                               make an empty lab (default: simulated clock starting at
                                               the machine's time; TIME: RFC 3339); prints its token,
                                               shown once (admin token only)
  lab delete NAME                              remove a lab and everything of it (admin token only)
  lab list                                     the labs: NAME HEADENDS CLOCK CREATED (admin token only)
  lab get [NAME]                               describe a lab (default: --lab, or the token's lab)
  lab reset [NAME]                             empty a lab; its name, clock settings and tokens stay
  lab token NAME                               one more token for a lab, shown once (admin token only)
  apply -f FILE [--dry-run]                    make the lab match a lab file (YAML; - for stdin): print
                                               each change, or "no changes"; a lab the file names that
                                               does not exist is created and its token printed;
                                               exit status 1 if the daemon refuses the file
                                               (FILE:LINE: FIELD: why; nothing is applied)
`

// labs returns the client of the daemon's LabsService.
func (c *cli) labs() (headendv1.LabsServiceClient, error) {
	if _, err := c.dial(); err != nil {
		return nil, err
	}
	return headendv1.NewLabsServiceClient(c.conn), nil
}

// callLabs runs fn with the LabsService client and a context that times
// out as every call's does.
func (c *cli) callLabs(fn func(cx context.Context, lc headendv1.LabsServiceClient) error) error {
	lc, err := c.labs()
	if err != nil {
		return err
	}
	cx, cancel := ctx()
	defer cancel()
	return fn(cx, lc)
}

func (c *cli) labCmd(args []string) error {
	if len(args) == 0 {
		return usagef("usage: lab create|delete|list|get|reset|token")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "create":
		return c.labCreate(args)
	case "delete":
		name, err := labArg("delete", args, true)
		if err != nil {
			return err
		}
		return c.callLabs(func(cx context.Context, lc headendv1.LabsServiceClient) error {
			resp, err := lc.DeleteLab(cx, &headendv1.DeleteLabRequest{Lab: name})
			if err != nil {
				return err
			}
			return c.emitf(resp, "lab %s deleted\n", name)
		})
	case "list":
		if len(args) > 0 {
			return usagef("usage: lab list")
		}
		return c.callLabs(func(cx context.Context, lc headendv1.LabsServiceClient) error {
			resp, err := lc.ListLabs(cx, &headendv1.ListLabsRequest{})
			if err != nil {
				return err
			}
			return c.emit(resp, func() error {
				tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tHEADENDS\tCLOCK\tCREATED")
				for _, l := range resp.GetLabs() {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", l.GetName(), l.GetHeadends(), labClockWord(l.GetClock().GetMode()), labStamp(l.GetCreated()))
				}
				return tw.Flush()
			})
		})
	case "get":
		name, err := labArg("get", args, false)
		if err != nil {
			return err
		}
		return c.callLabs(func(cx context.Context, lc headendv1.LabsServiceClient) error {
			resp, err := lc.GetLab(cx, &headendv1.GetLabRequest{Lab: cmp.Or(name, c.lab)})
			if err != nil {
				return err
			}
			return c.emit(resp, func() error { return c.printLab(resp.GetLab()) })
		})
	case "reset":
		name, err := labArg("reset", args, false)
		if err != nil {
			return err
		}
		return c.callLabs(func(cx context.Context, lc headendv1.LabsServiceClient) error {
			resp, err := lc.ResetLab(cx, &headendv1.ResetLabRequest{Lab: cmp.Or(name, c.lab)})
			if err != nil {
				return err
			}
			return c.emit(resp, func() error {
				l := resp.GetLab()
				_, err := fmt.Fprintf(c.stdout, "lab %s reset: clock %s (%s)\n", l.GetName(), labStamp(l.GetClock().GetNow()), labClockWord(l.GetClock().GetMode()))
				return err
			})
		})
	case "token":
		name, err := labArg("token", args, true)
		if err != nil {
			return err
		}
		return c.callLabs(func(cx context.Context, lc headendv1.LabsServiceClient) error {
			resp, err := lc.CreateLabToken(cx, &headendv1.CreateLabTokenRequest{Lab: name})
			if err != nil {
				return err
			}
			return c.emit(resp, func() error {
				// The token alone, so that a script can take it
				// with $(headendctl lab token NAME).
				_, err := fmt.Fprintln(c.stdout, resp.GetToken())
				return err
			})
		})
	}
	return usagef("lab: unknown subcommand %q (create, delete, list, get, reset, token)", sub)
}

// labArg takes the lab named by a lab subcommand: required, or optional
// (then the lab of --lab or the context, or the token's).
func labArg(sub string, args []string, required bool) (string, error) {
	switch {
	case len(args) == 1:
		if err := checkLabName(args[0]); err != nil {
			return "", usagef("lab %s: %v", sub, err)
		}
		return args[0], nil
	case len(args) == 0 && !required:
		return "", nil
	case required:
		return "", usagef("usage: lab %s NAME", sub)
	}
	return "", usagef("usage: lab %s [NAME]", sub)
}

// checkLabName applies the daemon's rule for lab names: they go into its
// store keys and into HTTP/2 headers.
func checkLabName(name string) error {
	ok := len(name) >= 1 && len(name) <= 63
	for i := 0; ok && i < len(name); i++ {
		ch := name[i]
		ok = ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' && i > 0
	}
	if !ok {
		return fmt.Errorf("%q is not a lab name: 1-63 of a-z, 0-9 and -, starting with a letter or digit", name)
	}
	return nil
}

func (c *cli) labCreate(args []string) error {
	clock, start := "sim", ""
	pos, err := subflags("lab create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&clock, "clock", clock, "sim or real")
		fs.StringVar(&start, "clock-start", "", "a simulated clock's first reading (RFC 3339)")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: lab create NAME [--clock sim|real] [--clock-start TIME]")
	}
	name := pos[0]
	if err := checkLabName(name); err != nil {
		return usagef("lab create: %v", err)
	}
	req := &headendv1.CreateLabRequest{Lab: name}
	switch clock {
	case "sim", "simulated":
		req.ClockMode = headendv1.ClockMode_CLOCK_MODE_SIMULATED
	case "real":
		req.ClockMode = headendv1.ClockMode_CLOCK_MODE_REAL
	default:
		return usagef("lab create: --clock must be sim or real")
	}
	if start != "" {
		if req.ClockMode == headendv1.ClockMode_CLOCK_MODE_REAL {
			return usagef("lab create: --clock-start is for a simulated clock")
		}
		t, err := time.Parse(time.RFC3339, start)
		if err != nil {
			return usagef("lab create: --clock-start must be RFC 3339, as 2026-12-01T09:00:00Z")
		}
		req.ClockStart = timestamppb.New(t)
	}
	return c.callLabs(func(cx context.Context, lc headendv1.LabsServiceClient) error {
		resp, err := lc.CreateLab(cx, req)
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			_, err := fmt.Fprintf(c.stdout, "lab %s created; token: %s\n", resp.GetLab().GetName(), resp.GetToken())
			return err
		})
	})
}

func (c *cli) printLab(l *headendv1.LabInfo) error {
	fmt.Fprintf(c.stdout, "lab %s\n", l.GetName())
	fmt.Fprintf(c.stdout, "clock: %s (%s)\n", labStamp(l.GetClock().GetNow()), labClockWord(l.GetClock().GetMode()))
	if l.GetClock().GetMode() == headendv1.ClockMode_CLOCK_MODE_SIMULATED && l.GetClockStart() != nil {
		fmt.Fprintf(c.stdout, "clock start: %s\n", labStamp(l.GetClockStart()))
	}
	fmt.Fprintf(c.stdout, "headends: %d\n", l.GetHeadends())
	fmt.Fprintf(c.stdout, "tokens: %d\n", l.GetTokens())
	_, err := fmt.Fprintf(c.stdout, "created: %s\n", labStamp(l.GetCreated()))
	return err
}

func labClockWord(m headendv1.ClockMode) string {
	switch m {
	case headendv1.ClockMode_CLOCK_MODE_SIMULATED:
		return "simulated"
	case headendv1.ClockMode_CLOCK_MODE_REAL:
		return "real"
	}
	return "-"
}

// labStamp prints a time in UTC, to the second; "-" for none.
func labStamp(t *timestamppb.Timestamp) string {
	if t == nil {
		return "-"
	}
	return t.AsTime().UTC().Format(time.RFC3339)
}
