package server

import (
	"context"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/twin"
)

type twinService struct {
	headendv1.UnsafeTwinServiceServer
	labs *Labs
}

func (s *twinService) CreateTwin(_ context.Context, req *headendv1.CreateTwinRequest) (*headendv1.CreateTwinResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetShowVersion() == "" {
		return nil, invalid("show_version is required: the output of show version captured on the box")
	}
	if h := req.GetHostname(); h != "" {
		if err := sim.ValidateHostname(h); err != nil {
			return nil, toStatus(err)
		}
	}
	snap, err := lab.CreateTwin(req.GetHostname(), req.GetShowVersion(), req.GetShowActivationKey())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.CreateTwinResponse{Headend: headendPB(lab.Name(), snap)}
	// The capture was just parsed the same way to make the twin.
	if c, err := twin.Parse(req.GetShowVersion(), req.GetShowActivationKey()); err == nil {
		resp.Notes = c.Notes()
	}
	return resp, nil
}
