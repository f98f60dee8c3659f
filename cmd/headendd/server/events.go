package server

import (
	"context"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

type eventService struct {
	headendv1.UnsafeEventServiceServer
	labs *Labs
}

// The API's EventKind numbers are sim's.
func eventKindPB(k sim.EventKind) headendv1.EventKind { return headendv1.EventKind(k) }

func eventPB(e *sim.Event) *headendv1.Event {
	return &headendv1.Event{
		Sequence: e.Seq, Time: timestamppb.New(e.At), Headend: e.Headend,
		Kind: eventKindPB(e.Kind), Syslog: e.Syslog, Text: e.Text,
	}
}

func eventFilter(f *headendv1.EventFilter) (sim.EventFilter, error) {
	out := sim.EventFilter{Headends: f.GetHeadends()}
	for _, k := range f.GetKinds() {
		sk := sim.EventKind(k)
		if !sk.Valid() {
			return sim.EventFilter{}, invalid("filter.kinds: %v is not an event kind", k)
		}
		out.Kinds = append(out.Kinds, sk)
	}
	for _, h := range out.Headends {
		if h == "" {
			return sim.EventFilter{}, invalid("filter.headends: a hostname is empty")
		}
	}
	return out, nil
}

func (s *eventService) WatchEvents(req *headendv1.WatchEventsRequest, stream headendv1.EventService_WatchEventsServer) error {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return err
	}
	f, err := eventFilter(req.GetFilter())
	if err != nil {
		return err
	}
	var resp headendv1.WatchEventsResponse
	err = lab.WatchEvents(stream.Context(), req.GetFromSequence(), f, func(evs []sim.Event) error {
		resp.Events = resp.Events[:0]
		for i := range evs {
			resp.Events = append(resp.Events, eventPB(&evs[i]))
		}
		return stream.Send(&resp)
	})
	if err == nil {
		// A watch ends without an error when its lab is deleted or reset
		// or the daemon stops; the trailer lets the client tell which.
		if why := lab.WatchEndReason(); why != "" {
			stream.SetTrailer(metadata.Pairs(StreamEndTrailer, why))
		}
	}
	return toStatus(err)
}

// StreamEndTrailer is the trailer of a WatchEvents stream that ended with
// an OK status: why it ended ("lab deleted", "lab reset", "daemon
// stopping").
const StreamEndTrailer = "asalab-stream-end"

func (s *eventService) ListEvents(_ context.Context, req *headendv1.ListEventsRequest) (*headendv1.ListEventsResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	size, err := pageSize(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	f, err := eventFilter(req.GetFilter())
	if err != nil {
		return nil, err
	}
	after := req.GetAfterSequence()
	if t := req.GetPageToken(); t != "" {
		if after, err = parseSeqToken(t); err != nil {
			return nil, err
		}
	}
	evs, next, more, err := lab.ListEvents(after, size, f)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.ListEventsResponse{LastSequence: lab.LastEvent()}
	for i := range evs {
		resp.Events = append(resp.Events, eventPB(&evs[i]))
	}
	if more {
		resp.NextPageToken = seqToken(next)
	}
	return resp, nil
}
