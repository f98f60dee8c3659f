package main

import (
	"context"
	"fmt"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// The lab's faults: link cut|restore|list, power off|on.

func (c *cli) link(args []string) error {
	const use = "usage: link cut A B | link restore A B | link list"
	if len(args) == 0 {
		return usagef(use)
	}
	switch sub, rest := args[0], args[1:]; {
	case sub == "list" && len(rest) == 0:
		return c.call(func(cx context.Context, s services) error {
			resp, err := s.lc.ListLinks(cx, &headendv1.ListLinksRequest{Lab: c.lab})
			if err != nil {
				return err
			}
			return c.emit(resp, func() error {
				for _, l := range resp.GetLinks() {
					b := l.GetHeadendB()
					if l.GetSmartManager() {
						b += " (Smart Software Manager)"
					}
					fmt.Fprintf(c.stdout, "%s %s cut since %s\n", l.GetHeadendA(), b,
						l.GetCutSince().AsTime().Format(time.RFC3339))
				}
				return nil
			})
		})
	case (sub == "cut" || sub == "restore") && len(rest) == 2 && rest[0] != "" && rest[1] != "":
		a, b := rest[0], rest[1]
		return c.call(func(cx context.Context, s services) error {
			if sub == "cut" {
				resp, err := s.lc.CutLink(cx, &headendv1.CutLinkRequest{Lab: c.lab, HeadendA: a, HeadendB: b})
				if err != nil {
					return err
				}
				return c.emitf(resp, "link %s - %s cut\n", a, b)
			}
			resp, err := s.lc.RestoreLink(cx, &headendv1.RestoreLinkRequest{Lab: c.lab, HeadendA: a, HeadendB: b})
			if err != nil {
				return err
			}
			return c.emitf(resp, "link %s - %s restored\n", a, b)
		})
	}
	return usagef(use)
}

func (c *cli) power(args []string) error {
	if len(args) != 2 || (args[0] != "off" && args[0] != "on") || args[1] == "" {
		return usagef("usage: power off HOSTNAME | power on HOSTNAME")
	}
	h := args[1]
	return c.call(func(cx context.Context, s services) error {
		if args[0] == "off" {
			resp, err := s.lc.PowerOff(cx, &headendv1.PowerOffRequest{Lab: c.lab, Hostname: h})
			if err != nil {
				return err
			}
			return c.emitf(resp, "%s powered off, %d VPN sessions ended\n", h, resp.GetSessionsEnded())
		}
		resp, err := s.lc.PowerOn(cx, &headendv1.PowerOnRequest{Lab: c.lab, Hostname: h})
		if err != nil {
			return err
		}
		return c.emitf(resp, "%s powered on, up at %s\n", resp.GetHeadend().GetHostname(),
			resp.GetHeadend().GetUpSince().AsTime().Format(time.RFC3339))
	})
}
