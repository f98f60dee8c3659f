package server

import (
	"context"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
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
	return &headendv1.CreateTwinResponse{Headend: headendPB(lab.Name(), snap)}, nil
}
