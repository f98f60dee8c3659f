package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// eventsFlag is a flag that may be given more than once, or as a
// comma-separated list.
type eventsFlag []string

func (l *eventsFlag) String() string { return strings.Join(*l, ",") }

func (l *eventsFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// eventKindName is the kind's name on the command line and in the output:
// EVENT_KIND_KEY_INSTALLED is key_installed.
func eventKindName(k headendv1.EventKind) string {
	return strings.ToLower(strings.TrimPrefix(k.String(), "EVENT_KIND_"))
}

// eventKindNames are the words events --kind takes.
func eventKindNames() []string {
	var names []string
	for k := int32(1); ; k++ {
		if _, ok := headendv1.EventKind_name[k]; !ok {
			return names
		}
		names = append(names, eventKindName(headendv1.EventKind(k)))
	}
}

func parseEventKind(s string) (headendv1.EventKind, error) {
	v, ok := headendv1.EventKind_value["EVENT_KIND_"+strings.ToUpper(s)]
	if !ok || v == 0 {
		return 0, usagef("events: unknown kind %q (kinds: %s)", s, strings.Join(eventKindNames(), ", "))
	}
	return headendv1.EventKind(v), nil
}

// events prints the lab's event log, one event a line:
// SEQ TIME HEADEND KIND SYSLOG | TEXT (printEvent). --follow goes on printing events
// as they happen.
func (c *cli) events(args []string) error {
	var headends, kinds eventsFlag
	var since uint64
	var follow bool
	pos, err := subflags("events", args, func(fs *flag.FlagSet) {
		fs.Var(&headends, "headend", "only this headend's events (repeatable)")
		fs.Var(&kinds, "kind", "only events of this kind (repeatable)")
		fs.Uint64Var(&since, "since", 0, "only the events after this sequence number")
		fs.BoolVar(&follow, "follow", false, "go on printing events as they happen")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("usage: events [--follow] [--headend H] [--kind K] [--since SEQ]")
	}
	filter := &headendv1.EventFilter{Headends: headends}
	for _, k := range kinds {
		v, err := parseEventKind(k)
		if err != nil {
			return err
		}
		filter.Kinds = append(filter.Kinds, v)
	}
	if _, err := c.dial(); err != nil {
		return err
	}
	ec := headendv1.NewEventServiceClient(c.conn)
	if follow {
		stream, err := ec.WatchEvents(context.Background(), &headendv1.WatchEventsRequest{Lab: c.lab, FromSequence: since, Filter: filter})
		if err != nil {
			return err
		}
		for {
			resp, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return c.followEnded(stream.Trailer())
			}
			if err != nil {
				return err
			}
			for _, e := range resp.GetEvents() {
				if err := c.emitLine(e, func() error { printEvent(c.stdout, e); return nil }); err != nil {
					return err
				}
			}
		}
	}
	// With -o json every page first, then one document of them all; as
	// text each page as it comes.
	all := &headendv1.ListEventsResponse{}
	req := &headendv1.ListEventsRequest{Lab: c.lab, AfterSequence: since, Filter: filter, PageSize: 1000}
	for {
		cx, cancel := ctx()
		resp, err := ec.ListEvents(cx, req)
		cancel()
		if err != nil {
			return err
		}
		if c.output == "json" {
			all.Events = append(all.Events, resp.GetEvents()...)
		} else {
			for _, e := range resp.GetEvents() {
				printEvent(c.stdout, e)
			}
		}
		if resp.GetNextPageToken() == "" {
			return c.emit(all, func() error { return nil })
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

// The trailer by which the daemon says why it ended a WatchEvents stream
// with an OK status, and its values (the API's WatchEvents).
const (
	streamEndTrailer    = "asalab-stream-end"
	streamEndLabDeleted = "lab deleted"
	streamEndLabReset   = "lab reset"
	streamEndStopping   = "daemon stopping"
)

// followEnded says why the daemon ended an events --follow stream, which
// has no end of its own. A deleted lab is a failure (exit status 1): the
// events a script waits for will never come. A daemon that stopped is the
// ordinary end of a lab's life, as at the end of a test run, and a reset
// lab goes on with a new log (0). Either way a line on stderr says why,
// and stdout keeps the events alone. The daemon says which in the
// stream's trailer; only without it (an older daemon, or a proxy that
// drops trailers), or with a reason it does not know, does followEnded ask
// the daemon for the lab, which cannot tell a lab deleted and created
// again from a reset one.
func (c *cli) followEnded(trailer metadata.MD) error {
	lab := "the lab"
	if c.lab != "" {
		lab = "lab " + c.lab
	}
	if why := trailer.Get(streamEndTrailer); len(why) > 0 {
		switch why[0] {
		case streamEndLabDeleted:
			return fmt.Errorf("the event stream ended: %s was deleted", lab)
		case streamEndLabReset:
			fmt.Fprintf(c.stderr, "headendctl: the event stream ended: %s was reset\n", lab)
			return nil
		case streamEndStopping:
			fmt.Fprintln(c.stderr, "headendctl: the event stream ended: the daemon is stopping")
			return nil
		}
	}
	return c.followEndedPoll(lab)
}

// resetWindow is how long followEndedPoll gives a lab that is not found to
// reappear from a reset before it calls it deleted.
var resetWindow = 2 * time.Second

// followEndedPoll tells why a stream ended that came without the daemon's
// reason by asking the daemon for the lab. The stream ends alike when the
// lab is deleted or reset and when the daemon stops, and a daemon that is
// stopping may still answer for the lab, so the two cannot always be told
// apart.
func (c *cli) followEndedPoll(lab string) error {
	lc, err := c.labs()
	if err != nil {
		return err
	}
	cx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// A lab being reset is out of sight until it opens again, empty:
	// not found for a moment, which is not yet a deletion.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for give := time.Now().Add(resetWindow); ; {
		_, err = lc.GetLab(cx, &headendv1.GetLabRequest{Lab: c.lab})
		if status.Code(err) != codes.NotFound || time.Now().After(give) {
			break
		}
		<-tick.C
	}
	why := "the daemon closed it (it stopped)"
	switch status.Code(err) {
	case codes.NotFound, codes.Unauthenticated:
		// A lab token's lab went with the token: the daemon knows
		// neither now.
		return fmt.Errorf("the event stream ended: %s was deleted", lab)
	case codes.OK:
		why = fmt.Sprintf("the daemon ended it (%s was reset, or the daemon is stopping)", lab)
	}
	fmt.Fprintln(c.stderr, "headendctl: the event stream ended:", why)
	return nil
}

// printEvent prints one event on a line: SEQ TIME HEADEND KIND, then its
// syslog line and its text joined by " | " when it has both (the text
// tells what the line does not, such as the sessions a switchover kept
// or dropped), else the one it has.
func printEvent(w io.Writer, e *headendv1.Event) {
	host := e.GetHeadend()
	if host == "" {
		host = "-"
	}
	msg := e.GetSyslog()
	switch t := e.GetText(); {
	case msg == "":
		msg = t
	case t != "" && t != msg:
		msg += " | " + t
	}
	fmt.Fprintf(w, "%d %s %s %s %s\n", e.GetSequence(), e.GetTime().AsTime().UTC().Format(time.RFC3339), host,
		eventKindName(e.GetKind()), msg)
}
