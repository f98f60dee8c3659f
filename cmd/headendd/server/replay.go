package server

import (
	"context"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim/replay"
)

type replayService struct {
	headendv1.UnsafeReplayServiceServer
	labs *Labs
}

var replayStatusPB = map[replay.Status]headendv1.ReplayStatus{
	replay.Same:        headendv1.ReplayStatus_REPLAY_STATUS_SAME,
	replay.Differs:     headendv1.ReplayStatus_REPLAY_STATUS_DIFFERS,
	replay.NotCompared: headendv1.ReplayStatus_REPLAY_STATUS_NOT_COMPARED,
}

func (s *replayService) Replay(_ context.Context, req *headendv1.ReplayRequest) (*headendv1.ReplayResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	text := req.GetTranscript()
	if req.GetCommand() != "" {
		if text, err = replay.FromOutput(req.GetHostname(), req.GetCommand(), text); err != nil {
			return nil, toStatus(err)
		}
	}
	rep, err := lab.Replay(req.GetHostname(), text, req.GetIgnore())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.ReplayResponse{Diff: rep.Text(), Summary: rep.Summary(), Differs: rep.Differs()}
	for _, r := range rep.Results {
		resp.Results = append(resp.Results, &headendv1.ReplayResult{Line: int32(r.Line), Prompt: r.Prompt, Command: r.Input,
			Status: replayStatusPB[r.Status], Diff: r.Diff, Note: r.Note})
	}
	return resp, nil
}
