package server

import (
	"cmp"
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labs"
)

// labsService is LabsService over the daemon's set of labs. Who may call
// what is the auth interceptors' business: the handlers see only requests
// already allowed, their lab field filled in.
type labsService struct {
	// Unsafe, not Unimplemented: every RPC of LabsService is served (ApplyLab
	// in apply.go), and one added to the API must be written here to compile.
	headendv1.UnsafeLabsServiceServer
	labs *Labs
	// set is nil when the server serves a fixed list of labs (NewLabs):
	// the labs can then be looked at but not changed.
	set *labs.Set
	// caller: see Options.Caller.
	caller func(ctx context.Context) (admin bool, lab string)
}

// labInfoPB describes a lab.
func labInfoPB(i labs.Info) *headendv1.LabInfo {
	pb := &headendv1.LabInfo{
		Name:     i.Name,
		Clock:    &headendv1.Clock{Now: timestamppb.New(i.Now), Mode: clockModePB(i.Mode)},
		Headends: int32(i.Headends),
		Created:  timestamppb.New(i.Created),
		Tokens:   int32(i.Tokens),
	}
	if !i.Spec.ClockStart.IsZero() {
		pb.ClockStart = timestamppb.New(i.Spec.ClockStart)
	}
	return pb
}

// needSet refuses a change where the server has no set of labs.
func (s *labsService) needSet() error {
	if s.set == nil {
		return status.Error(codes.Unimplemented, "this server serves a fixed set of labs")
	}
	return nil
}

// labName is a request's lab: "" is the default lab (a lab token's own lab
// was written in by the auth interceptor).
func labName(name string) string { return cmp.Or(name, sim.DefaultLab) }

func (s *labsService) CreateLab(_ context.Context, req *headendv1.CreateLabRequest) (*headendv1.CreateLabResponse, error) {
	if err := s.needSet(); err != nil {
		return nil, err
	}
	if req.GetLab() == "" {
		return nil, invalid("lab is required: the new lab's name")
	}
	var spec labs.Spec
	switch req.GetClockMode() {
	case headendv1.ClockMode_CLOCK_MODE_UNSPECIFIED, headendv1.ClockMode_CLOCK_MODE_SIMULATED:
		spec.ClockMode = sim.ClockSimulated
	case headendv1.ClockMode_CLOCK_MODE_REAL:
		spec.ClockMode = sim.ClockReal
	default:
		return nil, invalid("clock_mode %d is not a clock mode", req.GetClockMode())
	}
	if ts := req.GetClockStart(); ts != nil {
		if err := ts.CheckValid(); err != nil {
			return nil, invalid("clock_start: %v", err)
		}
		if spec.ClockMode == sim.ClockReal {
			return nil, invalid("clock_start is for a simulated clock; a real clock reads the machine's time")
		}
		spec.ClockStart = ts.AsTime()
	}
	info, token, err := s.set.Create(req.GetLab(), spec)
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.CreateLabResponse{Lab: labInfoPB(info), Token: token}, nil
}

func (s *labsService) DeleteLab(_ context.Context, req *headendv1.DeleteLabRequest) (*headendv1.DeleteLabResponse, error) {
	if err := s.needSet(); err != nil {
		return nil, err
	}
	if req.GetLab() == "" {
		return nil, invalid("lab is required: the lab to delete")
	}
	if err := s.set.Delete(req.GetLab()); err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.DeleteLabResponse{}, nil
}

func (s *labsService) ListLabs(context.Context, *headendv1.ListLabsRequest) (*headendv1.ListLabsResponse, error) {
	if err := s.needSet(); err != nil {
		return nil, err
	}
	resp := &headendv1.ListLabsResponse{}
	for _, i := range s.set.List() {
		resp.Labs = append(resp.Labs, labInfoPB(i))
	}
	return resp, nil
}

func (s *labsService) GetLab(_ context.Context, req *headendv1.GetLabRequest) (*headendv1.GetLabResponse, error) {
	if err := s.needSet(); err != nil {
		return nil, err
	}
	info, err := s.set.Info(labName(req.GetLab()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.GetLabResponse{Lab: labInfoPB(info)}, nil
}

func (s *labsService) ResetLab(_ context.Context, req *headendv1.ResetLabRequest) (*headendv1.ResetLabResponse, error) {
	if err := s.needSet(); err != nil {
		return nil, err
	}
	info, err := s.set.Reset(labName(req.GetLab()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.ResetLabResponse{Lab: labInfoPB(info)}, nil
}

func (s *labsService) CreateLabToken(_ context.Context, req *headendv1.CreateLabTokenRequest) (*headendv1.CreateLabTokenResponse, error) {
	if err := s.needSet(); err != nil {
		return nil, err
	}
	token, err := s.set.CreateToken(labName(req.GetLab()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.CreateLabTokenResponse{Token: token}, nil
}
