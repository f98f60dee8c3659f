package server

import (
	"fmt"
	"strings"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// doFaults runs a lab fault command of a transcript: `link cut A B`, `link
// restore A B`, `links`, `power off H`, `power on H`; ok is false for other
// commands.
func (e *env) doFaults(c *ddCase) (out string, ok bool) {
	pos := c.positional()
	arg := func(i int) string {
		if i < len(pos) {
			return pos[i]
		}
		return ""
	}
	switch c.cmd + " " + arg(0) {
	case "link cut":
		resp, err := e.lc.CutLink(ctxT(), &headendv1.CutLinkRequest{HeadendA: arg(1), HeadendB: arg(2)})
		if err != nil {
			return errText(err), true
		}
		return linkText(resp.GetLink()), true
	case "link restore":
		if _, err := e.lc.RestoreLink(ctxT(), &headendv1.RestoreLinkRequest{HeadendA: arg(1), HeadendB: arg(2)}); err != nil {
			return errText(err), true
		}
		return "restored", true
	case "power off":
		resp, err := e.lc.PowerOff(ctxT(), &headendv1.PowerOffRequest{Hostname: arg(1)})
		if err != nil {
			return errText(err), true
		}
		return fmt.Sprintf("%d sessions ended\n%s", resp.GetSessionsEnded(), powerSummary(resp.GetHeadend())), true
	case "power on":
		resp, err := e.lc.PowerOn(ctxT(), &headendv1.PowerOnRequest{Hostname: arg(1)})
		if err != nil {
			return errText(err), true
		}
		return powerSummary(resp.GetHeadend()), true
	}
	if c.cmd == "links" {
		resp, err := e.lc.ListLinks(ctxT(), &headendv1.ListLinksRequest{})
		if err != nil {
			return errText(err), true
		}
		var b strings.Builder
		for _, l := range resp.GetLinks() {
			b.WriteString(linkText(l) + "\n")
		}
		fmt.Fprintf(&b, "%d links cut", len(resp.GetLinks()))
		return b.String(), true
	}
	return "", false
}

func linkText(l *headendv1.Link) string {
	t := fmt.Sprintf("%s - %s cut since %s", l.GetHeadendA(), l.GetHeadendB(), l.GetCutSince().AsTime().Format(time.RFC3339))
	if l.GetSmartManager() {
		t += " (the Smart Software Manager)"
	}
	return t
}

// powerSummary is a headend's summary with its power state.
func powerSummary(h *headendv1.Headend) string {
	p := strings.ToLower(strings.TrimPrefix(h.GetPower().String(), "POWER_STATE_"))
	if h.GetPoweredOffSince() != nil {
		p += " since " + h.GetPoweredOffSince().AsTime().Format(time.RFC3339)
	}
	return "power " + p + "\n" + summary(h)
}
