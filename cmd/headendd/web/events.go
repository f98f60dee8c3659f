package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/asalab/asalab/sim"
)

type eventsData struct {
	base
	Headend, Kind string
	Kinds         []string
	Rows          []eventRow
	// Scanned is how many of the last events were looked at for a
	// filter; Last the sequence of the last event.
	Scanned int
	Last    uint64
	Error   string
	Stream  string // the URL of the live stream with this filter
	Self    string
}

type eventRow struct {
	Seq                   uint64
	At, Headend, Kind     string
	Syslog, Text, Hostref string
}

// eventScan bounds how far back the events page looks for events its
// filter selects: a rare kind shows what the last eventScan events hold
// rather than reading the whole log.
const eventScan = 10000

func parseEventFilter(v url.Values) (sim.EventFilter, string, string, string) {
	var f sim.EventFilter
	host, kind := strings.TrimSpace(v.Get("headend")), v.Get("kind")
	if host != "" {
		if err := sim.ValidateHostname(host); err != nil {
			return f, host, kind, "not a hostname: " + strconv.Quote(host)
		}
		f.Headends = []string{host}
	}
	if kind != "" {
		k, err := sim.ParseEventKind(kind)
		if err != nil {
			return f, host, kind, "unknown event kind " + strconv.Quote(kind)
		}
		f.Kinds = []sim.EventKind{k}
	}
	return f, host, kind, ""
}

func (s *Server) eventsPage(w http.ResponseWriter, r *http.Request, c *labCtx) {
	f, host, kind, bad := parseEventFilter(r.URL.Query())
	d := eventsData{base: s.base(c, "Events of "+c.name, "events"), Headend: host, Kind: kind}
	for _, k := range sim.EventKinds() {
		d.Kinds = append(d.Kinds, k.String())
	}
	if bad != "" {
		d.Error = bad
		s.render(w, http.StatusBadRequest, "events", d)
		return
	}
	last := c.lab.LastEvent()
	d.Last = last
	n := s.o.EventRows
	span := uint64(n)
	if len(f.Headends)+len(f.Kinds) > 0 {
		span = eventScan
	}
	after := uint64(0)
	if last > span {
		after = last - span
	}
	d.Scanned = int(last - after)
	// The newest n of what the filter selects in the span, newest first.
	ring := make([]sim.Event, 0, n)
	for after < last {
		evs, next, more, err := c.lab.ListEvents(after, 1000, f)
		if err != nil {
			d.Error = err.Error()
			break
		}
		for _, e := range evs {
			if len(ring) == n {
				copy(ring, ring[1:])
				ring = ring[:n-1]
			}
			ring = append(ring, e)
		}
		if !more || next <= after {
			break
		}
		after = next
	}
	for i := len(ring) - 1; i >= 0; i-- {
		d.Rows = append(d.Rows, toEventRow(c.name, &ring[i]))
	}
	q := url.Values{}
	if host != "" {
		q.Set("headend", host)
	}
	if kind != "" {
		q.Set("kind", kind)
	}
	q.Set("from", strconv.FormatUint(last, 10))
	d.Stream = labURL(c.name) + "events/stream?" + q.Encode()
	q.Del("from")
	d.Self = labURL(c.name) + "events"
	if len(q) > 0 {
		d.Self += "?" + q.Encode()
	}
	s.render(w, http.StatusOK, "events", d)
}

func toEventRow(lab string, e *sim.Event) eventRow {
	r := eventRow{Seq: e.Seq, At: e.At.UTC().Format(timeLayout), Headend: e.Headend, Kind: e.Kind.String(), Syslog: e.Syslog, Text: e.Text}
	if e.Headend != "" {
		r.Hostref = hostURL(lab, e.Headend)
	}
	return r
}

// eventStream is the lab's event log live, as server-sent events: each
// event an "event: lab" message whose id is its sequence number and whose
// data is its table row, rendered here, so that the page's script only
// inserts it. A client reconnecting sends Last-Event-ID and misses
// nothing; a new one starts after ?from= (default: what comes next). When
// the lab is deleted or the daemon stops, a last "event: gone" message
// says which.
func (s *Server) eventStream(w http.ResponseWriter, r *http.Request, c *labCtx) {
	f, _, _, bad := parseEventFilter(r.URL.Query())
	if bad != "" {
		http.Error(w, bad, http.StatusBadRequest)
		return
	}
	from := c.lab.LastEvent()
	for _, v := range []string{r.Header.Get("Last-Event-ID"), r.URL.Query().Get("from")} {
		if v == "" {
			continue
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			http.Error(w, "from: not an event sequence number", http.StatusBadRequest)
			return
		}
		from = n
		break
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// A comment first, so that the client sees the stream open at once.
	fmt.Fprintf(w, ": lab %s from %d\nretry: 2000\n\n", c.name, from)
	fl.Flush()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel) // the server closing ends the stream
	defer stop()
	t := s.tmpl["events"]
	var buf bytes.Buffer
	err := c.lab.WatchEvents(ctx, from, f, func(evs []sim.Event) error {
		for i := range evs {
			buf.Reset()
			if err := t.ExecuteTemplate(&buf, "event-row", toEventRow(c.name, &evs[i])); err != nil {
				return err
			}
			fmt.Fprintf(w, "id: %d\nevent: lab\n", evs[i].Seq)
			for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
				fmt.Fprintf(w, "data: %s\n", line)
			}
			if _, err := w.Write([]byte("\n")); err != nil {
				return err
			}
		}
		fl.Flush()
		return nil
	})
	if r.Context().Err() != nil {
		return // the client left
	}
	// The watch ended with the lab's log (the lab was deleted, or the
	// daemon closes its labs as it stops) or with the server: the page
	// says so, rather than going on looking live.
	gone := "The daemon stopped."
	if err == nil && s.ctx.Err() == nil {
		if l, lerr := s.o.Labs.Lab(c.name); lerr != nil {
			gone = "This lab was deleted."
		} else if l != c.lab {
			gone = "This lab was reset."
		}
	}
	fmt.Fprintf(w, "event: gone\ndata: %s\n\n", gone)
	fl.Flush()
}
