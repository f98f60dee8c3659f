package server

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// The lab's faults (LabService): links cut between headends, headends
// powered off.

func linkPB(l sim.Link) *headendv1.Link {
	return &headendv1.Link{HeadendA: l.A, HeadendB: l.B, CutSince: timestamppb.New(l.Since), SmartManager: l.Manager}
}

// needPair checks the two hostnames of a link request.
func needPair(a, b string) error {
	if a == "" || b == "" {
		return invalid("headend_a and headend_b are required")
	}
	return nil
}

func (s *labService) CutLink(_ context.Context, req *headendv1.CutLinkRequest) (*headendv1.CutLinkResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needPair(req.GetHeadendA(), req.GetHeadendB()); err != nil {
		return nil, err
	}
	l, err := lab.CutLink(req.GetHeadendA(), req.GetHeadendB())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.CutLinkResponse{Link: linkPB(l)}, nil
}

func (s *labService) RestoreLink(_ context.Context, req *headendv1.RestoreLinkRequest) (*headendv1.RestoreLinkResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needPair(req.GetHeadendA(), req.GetHeadendB()); err != nil {
		return nil, err
	}
	if err := lab.RestoreLink(req.GetHeadendA(), req.GetHeadendB()); err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.RestoreLinkResponse{}, nil
}

func (s *labService) ListLinks(_ context.Context, req *headendv1.ListLinksRequest) (*headendv1.ListLinksResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	resp := &headendv1.ListLinksResponse{}
	for _, l := range lab.Links() {
		resp.Links = append(resp.Links, linkPB(l))
	}
	return resp, nil
}

func (s *labService) PowerOff(_ context.Context, req *headendv1.PowerOffRequest) (*headendv1.PowerOffResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	snap, ended, err := lab.PowerOff(req.GetHostname())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.PowerOffResponse{Headend: headendPB(lab.Name(), snap), SessionsEnded: uint32(ended)}, nil
}

func (s *labService) PowerOn(_ context.Context, req *headendv1.PowerOnRequest) (*headendv1.PowerOnResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	snap, err := lab.PowerOn(req.GetHostname())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.PowerOnResponse{Headend: headendPB(lab.Name(), snap)}, nil
}
