package main

import (
	"bytes"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestPrintEvent: an event with both a syslog line and a text prints both,
// so that what the line leaves out (the sessions a switchover kept) shows;
// one with either prints it alone.
func TestPrintEvent(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	for _, c := range []struct {
		ev   *headendv1.Event
		want string
	}{
		{&headendv1.Event{Sequence: 7, Time: at, Headend: "fo-b", Kind: headendv1.EventKind_EVENT_KIND_FAILOVER_SWITCHOVER,
			Syslog: "%ASA-1-104001: (Secondary) Switching to ACTIVE - Set by the config command.",
			Text:   "switchover (Set by the config command): fo-b is the active unit; 400 session(s) kept over the stateful failover link"},
			"7 2026-03-01T09:00:00Z fo-b failover_switchover %ASA-1-104001: (Secondary) Switching to ACTIVE - Set by the config command. | switchover (Set by the config command): fo-b is the active unit; 400 session(s) kept over the stateful failover link\n"},
		{&headendv1.Event{Sequence: 8, Time: at, Headend: "fo-a", Kind: headendv1.EventKind_EVENT_KIND_SYSLOG,
			Syslog: "%ASA-1-105005: (Primary) Lost Failover communications with mate on interface folink."},
			"8 2026-03-01T09:00:00Z fo-a syslog %ASA-1-105005: (Primary) Lost Failover communications with mate on interface folink.\n"},
		{&headendv1.Event{Sequence: 9, Time: at, Kind: headendv1.EventKind_EVENT_KIND_CLOCK, Text: "clock advanced 1h"},
			"9 2026-03-01T09:00:00Z - clock clock advanced 1h\n"},
	} {
		var out bytes.Buffer
		printEvent(&out, c.ev)
		if out.String() != c.want {
			t.Errorf("got  %q\nwant %q", out.String(), c.want)
		}
	}
}
