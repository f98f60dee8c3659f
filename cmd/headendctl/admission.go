package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// kinds are the --kind words, in ConnectionKind order: the API's names in
// lower case with dashes (CONNECTION_KIND_SITE_TO_SITE: site-to-site), the
// words the daemon's consoles and logs use for the kinds.
var kinds = func() []string {
	var ws []string
	for k := int32(1); ; k++ {
		name, ok := headendv1.ConnectionKind_name[k]
		if !ok {
			return ws
		}
		ws = append(ws, strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(name, "CONNECTION_KIND_")), "_", "-"))
	}
}()

// parseKind reads a --kind word.
func parseKind(s string) (headendv1.ConnectionKind, error) {
	if i := slices.Index(kinds, s); i >= 0 {
		return headendv1.ConnectionKind(i + 1), nil
	}
	return 0, usagef("--kind must be one of %s", strings.Join(kinds, ", "))
}

func kindWord(k headendv1.ConnectionKind) string {
	if k > 0 && int(k) <= len(kinds) {
		return kinds[k-1]
	}
	return k.String()
}

func reasonWord(r headendv1.RefusalReason) string {
	return strings.ToLower(strings.TrimPrefix(r.String(), "REFUSAL_REASON_"))
}

// admit prints "admitted SESSION" or "refused REASON" and the syslog line.
func (c *cli) admit(args []string) error {
	var user, device, kind string
	pos, err := subflags("admit", args, func(fs *flag.FlagSet) {
		fs.StringVar(&user, "user", "", "user name")
		fs.StringVar(&device, "device", "", "client device id (default: USER-device)")
		fs.StringVar(&kind, "kind", "anyconnect", "connection kind: "+strings.Join(kinds, ", "))
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 || user == "" {
		return usagef("usage: admit HOSTNAME --user U [--device D] --kind K")
	}
	k, err := parseKind(kind)
	if err != nil {
		return err
	}
	if device == "" {
		device = user + "-device"
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.AdmitConnection(cx, &headendv1.AdmitConnectionRequest{Lab: c.lab, Headend: pos[0], User: user, ClientDevice: device, Kind: k})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			if resp.GetAdmitted() {
				fmt.Fprintf(c.stdout, "admitted %d", resp.GetSessionId())
				if p := resp.GetSharedPool(); p != "" {
					fmt.Fprintf(c.stdout, " (shared pool of %s)", p)
				}
				fmt.Fprintln(c.stdout)
				return nil
			}
			fmt.Fprintf(c.stdout, "refused %s\n", reasonWord(resp.GetReason()))
			if resp.GetSyslog() != "" {
				fmt.Fprintln(c.stdout, resp.GetSyslog())
			}
			return nil
		})
	})
}

func (c *cli) release(args []string) error {
	if len(args) != 2 {
		return usagef("usage: release HOSTNAME SESSION")
	}
	id, err := strconv.ParseUint(args[1], 10, 64)
	if err != nil {
		return usagef("release: SESSION must be the number admit printed")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.ReleaseConnection(cx, &headendv1.ReleaseConnectionRequest{Lab: c.lab, Headend: args[0], SessionId: id})
		if err != nil {
			return err
		}
		return c.emitf(resp, "released %d\n", id)
	})
}

func (c *cli) sessions(args []string) error {
	h, err := oneHostname("sessions", args)
	if err != nil {
		return err
	}
	s, err := c.dial()
	if err != nil {
		return err
	}
	all := &headendv1.ListSessionsResponse{}
	token := ""
	for {
		cx, cancel := ctx()
		resp, err := s.hc.ListSessions(cx, &headendv1.ListSessionsRequest{Lab: c.lab, Headend: h, PageSize: 1000, PageToken: token})
		cancel()
		if err != nil {
			return err
		}
		all.Sessions = append(all.Sessions, resp.GetSessions()...)
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	return c.emit(all, func() error {
		tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "SESSION\tUSER\tDEVICE\tKIND\tLICENSE\tASSIGNED IP\tPUBLIC IP\tLOGIN")
		for _, s := range all.GetSessions() {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.GetSessionId(), s.GetUser(), s.GetClientDevice(), kindWord(s.GetKind()),
				s.GetLicense(), s.GetAssignedIp(), s.GetPublicIp(), s.GetLoginTime().AsTime().Format(time.RFC3339))
		}
		return tw.Flush()
	})
}
