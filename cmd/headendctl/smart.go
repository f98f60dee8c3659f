package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// The Smart Software Manager commands. Like the portal's, their output is
// made for scripts: a token or authorization code is the first word.

const smartUsage = "usage: smart account create NAME | entitlement add | token create | token revoke T | devices | usage | reserve ..."

func (c *cli) smart(args []string) error {
	if len(args) == 0 {
		return usagef(smartUsage)
	}
	switch {
	case args[0] == "account" && len(args) > 1 && args[1] == "create":
		return c.smartAccountCreate(args[2:])
	case args[0] == "entitlement" && len(args) > 1 && args[1] == "add":
		return c.smartEntitlementAdd(args[2:])
	case args[0] == "token" && len(args) > 1 && args[1] == "create":
		return c.smartTokenCreate(args[2:])
	case args[0] == "token" && len(args) > 1 && args[1] == "revoke":
		return c.smartTokenRevoke(args[2:])
	case args[0] == "devices":
		return c.smartDevices(args[1:])
	case args[0] == "usage":
		return c.smartUsage(args[1:])
	case args[0] == "reserve":
		return c.smartReserve(args[1:])
	}
	return usagef("smart: unknown command %q (account create, entitlement add, token create, token revoke, devices, usage, reserve)",
		strings.Join(args[:min(2, len(args))], " "))
}

func (c *cli) smartAccountCreate(args []string) error {
	pos, err := subflags("smart account create", args, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: smart account create NAME")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.sc.CreateAccount(cx, &headendv1.CreateAccountRequest{Lab: c.lab, Name: pos[0]})
		if err != nil {
			return err
		}
		a := resp.GetAccount()
		return c.emitf(resp, "%s (virtual accounts: %s)\n", a.GetName(), strings.Join(a.GetVirtualAccounts(), ", "))
	})
}

func (c *cli) smartEntitlementAdd(args []string) error {
	var account, va, tag, ends string
	var count int32
	pos, err := subflags("smart entitlement add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&account, "account", "", "the Smart Account")
		fs.StringVar(&va, "virtual-account", "", "the virtual account (default DEFAULT)")
		fs.StringVar(&tag, "tag", "", "ASAv-STD-100M|1G|2G|10G|20G, \"AnyConnect Plus\", \"AnyConnect Apex\", \"AnyConnect VPN Only\"")
		intVar(fs, &count, "count", 0, 0, math.MaxInt32, "licenses bought")
		fs.StringVar(&ends, "ends", "", "end date YYYY-MM-DD (default: perpetual)")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || account == "" || tag == "" || count == 0 {
		return usagef("usage: smart entitlement add --account A [--virtual-account V] --tag TAG --count N [--ends DATE]")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.sc.AddEntitlement(cx, &headendv1.AddEntitlementRequest{Lab: c.lab, Account: account,
			VirtualAccount: va, Tag: tag, Count: count, Ends: ends})
		if err != nil {
			return err
		}
		e := resp.GetEntitlement()
		line := fmt.Sprintf("%s: %d %s in %s/%s", e.GetId(), e.GetCount(), e.GetTag(), e.GetAccount(), e.GetVirtualAccount())
		if e.GetEndsAt() != nil {
			line += ", ending " + e.GetEndsAt().AsTime().Format("2006-01-02")
		}
		return c.emit(resp, func() error { _, err := fmt.Fprintln(c.stdout, line); return err })
	})
}

func (c *cli) smartTokenCreate(args []string) error {
	var account, va string
	var days, uses int32
	pos, err := subflags("smart token create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&account, "account", "", "the Smart Account")
		fs.StringVar(&va, "virtual-account", "", "the virtual account (default DEFAULT)")
		intVar(fs, &days, "days", 0, 0, math.MaxInt32, "days until it expires, 1-365 (default 30)")
		intVar(fs, &uses, "uses", 0, 0, math.MaxInt32, "registrations it allows (default unlimited)")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || account == "" {
		return usagef("usage: smart token create --account A [--virtual-account V] [--days N] [--uses N]")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.sc.CreateToken(cx, &headendv1.CreateTokenRequest{Lab: c.lab, Account: account,
			VirtualAccount: va, Days: days, Uses: uses})
		if err != nil {
			return err
		}
		t := resp.GetToken()
		limit := "unlimited uses"
		if t.GetMaxUses() > 0 {
			limit = fmt.Sprintf("%d uses", t.GetMaxUses())
		}
		return c.emitf(resp, "%s %s/%s expires %s, %s\n", t.GetToken(), t.GetAccount(), t.GetVirtualAccount(),
			t.GetExpiresAt().AsTime().Format("2006-01-02 15:04:05 MST"), limit)
	})
}

func (c *cli) smartTokenRevoke(args []string) error {
	pos, err := subflags("smart token revoke", args, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: smart token revoke TOKEN")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.sc.RevokeToken(cx, &headendv1.RevokeTokenRequest{Lab: c.lab, Token: pos[0]})
		if err != nil {
			return err
		}
		t := resp.GetToken()
		return c.emitf(resp, "%s revoked (%s/%s)\n", t.GetToken(), t.GetAccount(), t.GetVirtualAccount())
	})
}

// accountFlag parses the --account of a listing.
func accountFlag(name string, args []string) (string, error) {
	var account string
	pos, err := subflags(name, args, func(fs *flag.FlagSet) {
		fs.StringVar(&account, "account", "", "the Smart Account")
	})
	if err != nil {
		return "", err
	}
	if len(pos) > 0 || account == "" {
		return "", usagef("usage: %s --account A", name)
	}
	return account, nil
}

func (c *cli) smartDevices(args []string) error {
	account, err := accountFlag("smart devices", args)
	if err != nil {
		return err
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.sc.ListDevices(cx, &headendv1.ListDevicesRequest{Lab: c.lab, Account: account})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			if len(resp.GetDevices()) == 0 {
				fmt.Fprintf(c.stdout, "no devices in %s\n", account)
				return nil
			}
			tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "UDI\tVIRTUAL ACCOUNT\tENTITLEMENTS\tSTATUS\tAUTHORIZATION EXPIRES")
			for _, d := range resp.GetDevices() {
				exp := "never (reserved)"
				if !d.GetReserved() {
					exp = d.GetAuthorizationExpiresAt().AsTime().Format("2006-01-02 15:04:05")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.GetUdi(), d.GetVirtualAccount(), strings.Join(d.GetTags(), ", "), d.GetStatus(), exp)
			}
			return tw.Flush()
		})
	})
}

func (c *cli) smartUsage(args []string) error {
	account, err := accountFlag("smart usage", args)
	if err != nil {
		return err
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.sc.GetUsage(cx, &headendv1.GetUsageRequest{Lab: c.lab, Account: account})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "VIRTUAL ACCOUNT\tTAG\tPURCHASED\tIN USE\tBALANCE")
			for _, u := range resp.GetTags() {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", u.GetVirtualAccount(), u.GetTag(), u.GetPurchased(), u.GetInUse(), u.GetBalance())
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if resp.GetInCompliance() {
				fmt.Fprintf(c.stdout, "%s is in compliance\n", account)
			} else {
				fmt.Fprintf(c.stdout, "%s is OUT OF COMPLIANCE\n", account)
			}
			return nil
		})
	})
}

func (c *cli) smartReserve(args []string) error {
	var account, va, request, tag string
	pos, err := subflags("smart reserve", args, func(fs *flag.FlagSet) {
		fs.StringVar(&account, "account", "", "the Smart Account")
		fs.StringVar(&va, "virtual-account", "", "the virtual account (default DEFAULT)")
		fs.StringVar(&request, "request", "", "the device's reservation request code")
		fs.StringVar(&tag, "tag", "", "the ASAv tier to reserve (default: the one with a balance)")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || account == "" || request == "" {
		return usagef("usage: smart reserve --account A [--virtual-account V] --request CODE [--tag TAG]")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.sc.Reserve(cx, &headendv1.ReserveRequest{Lab: c.lab, Account: account, VirtualAccount: va,
			RequestCode: request, Tag: tag})
		if err != nil {
			return err
		}
		return c.emitf(resp, "%s %s reserved for %s\n", resp.GetAuthorizationCode(), resp.GetTag(), resp.GetDevice().GetUdi())
	})
}

// smartState is a Smart-licensed headend's state in one word group: its
// authorization, or its registration when it has none yet.
func smartState(l *headendv1.SmartLicense) string {
	st := l.GetAuthorization()
	if st == "" {
		st = l.GetRegistration()
	}
	if l.GetRegistration() == "RESERVED" {
		st += " (reserved)"
	}
	return cmp.Or(st, "UNREGISTERED")
}

// smartText is `get`'s line of a Smart-licensed headend, e.g. "AUTHORIZED
// ASAv-STD-1G (Acme/DEFAULT), next attempt ..., deadline ...".
func smartText(l *headendv1.SmartLicense) string {
	t := smartState(l) + " " + cmp.Or(l.GetEntitlement(), "(no entitlement configured)")
	if l.GetSmartAccount() != "" {
		t += fmt.Sprintf(" (%s/%s)", l.GetSmartAccount(), l.GetVirtualAccount())
	}
	if l.GetAuthorization() == "EVAL MODE" {
		t += fmt.Sprintf(", evaluation %s left", l.GetEvalRemaining().AsDuration().Truncate(time.Minute))
	}
	for _, x := range []struct {
		name string
		ts   *timestamppb.Timestamp
	}{{"next attempt", l.GetNextAttempt()}, {"deadline", l.GetCommDeadline()}, {"registration expires", l.GetRegistrationExpires()}} {
		if x.ts != nil {
			t += ", " + x.name + " " + x.ts.AsTime().Format(time.RFC3339)
		}
	}
	if f := l.GetLastFailure(); f != "" {
		t += ", last failure: " + f
	}
	return t
}
