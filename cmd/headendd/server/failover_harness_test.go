package server

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// doFailover runs a failover command of a transcript: `failover H` prints
// the headend's pair as GetHeadend shows it, with its name in the lab and
// its running hostname; `session-count H` counts its sessions
// (ListSessions, every page); `failover-events` lists the failover events
// (and syslog lines) since the last time it was run; ok is false for other
// commands.
func (e *env) doFailover(c *ddCase) (out string, ok bool) {
	pos := c.positional()
	if c.cmd == "failover-events" {
		return e.failoverEvents(), true
	}
	if len(pos) != 1 {
		return "", false
	}
	switch c.cmd {
	case "failover":
		resp, err := e.hc.GetHeadend(ctxT(), &headendv1.GetHeadendRequest{Hostname: pos[0]})
		if err != nil {
			return errText(err), true
		}
		return failoverText(resp.GetHeadend()), true
	case "session-count":
		n, token := 0, ""
		for {
			resp, err := e.hc.ListSessions(ctxT(), &headendv1.ListSessionsRequest{Headend: pos[0], PageToken: token})
			if err != nil {
				return errText(err), true
			}
			n += len(resp.GetSessions())
			if token = resp.GetNextPageToken(); token == "" {
				return fmt.Sprintf("%d sessions", n), true
			}
		}
	}
	return "", false
}

// failoverText is a headend's failover pair as a transcript shows it.
func failoverText(h *headendv1.Headend) string {
	fo := h.GetFailover()
	head := fmt.Sprintf("%s (running hostname %s)", h.GetHostname(), h.GetRunningConfig().GetHostname())
	if fo == nil {
		return head + ": failover off"
	}
	state := func(s headendv1.FailoverState) string {
		return strings.ToLower(strings.TrimPrefix(s.String(), "FAILOVER_STATE_"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s; mate %q %s; stateful %v", head, fo.GetRole(), state(fo.GetState()),
		fo.GetMate(), state(fo.GetMateState()), fo.GetStateful())
	if fo.GetSince() != nil {
		fmt.Fprintf(&b, "; since %s", fo.GetSince().AsTime().Format(time.RFC3339))
	}
	if fo.GetLastFailover() != nil {
		fmt.Fprintf(&b, "; last failover %s", fo.GetLastFailover().AsTime().Format(time.RFC3339))
	}
	if m := fo.GetMismatch(); m != "" {
		fmt.Fprintf(&b, "; mismatch %s", m)
	}
	return b.String()
}

// failoverEvents lists the failover events and syslog lines after the last
// ones it listed: HEADEND KIND SYSLOG | TEXT.
func (e *env) failoverEvents() string {
	after, _ := strconv.ParseUint(e.vars["failover-events-seq"], 10, 64)
	resp, err := headendv1.NewEventServiceClient(e.conn).ListEvents(ctxT(), &headendv1.ListEventsRequest{
		PageSize: 1000, AfterSequence: after, Filter: &headendv1.EventFilter{Kinds: []headendv1.EventKind{
			headendv1.EventKind_EVENT_KIND_FAILOVER_PAIR_FORMED, headendv1.EventKind_EVENT_KIND_FAILOVER_SWITCHOVER,
			headendv1.EventKind_EVENT_KIND_FAILOVER_MATE_LOST, headendv1.EventKind_EVENT_KIND_SYSLOG,
		}},
	})
	if err != nil {
		return errText(err)
	}
	var b strings.Builder
	for _, ev := range resp.GetEvents() {
		kind := strings.ToLower(strings.TrimPrefix(ev.GetKind().String(), "EVENT_KIND_"))
		fmt.Fprintf(&b, "%s %s %s | %s\n", ev.GetHeadend(), kind, ev.GetSyslog(), ev.GetText())
	}
	e.vars["failover-events-seq"] = strconv.FormatUint(resp.GetLastSequence(), 10)
	fmt.Fprintf(&b, "%d events", len(resp.GetEvents()))
	return b.String()
}
