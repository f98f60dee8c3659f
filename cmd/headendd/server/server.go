// Package server is the gRPC layer of headendd: thin handlers that validate
// a request, call the lab, and map domain errors to status codes with an
// ErrorInfo reason. No rule of the simulator lives here.
package server

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"runtime"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labs"
	"github.com/asalab/asalab/sim/scenario"
)

// Limits on requests.
const (
	maxLineLen      = 4096
	defaultPageSize = 100
	maxPageSize     = 1000
	maxMessageBytes = 16 << 20
)

// LabSource finds an open lab by name (labs.Set does).
type LabSource interface {
	Get(name string) (*sim.Lab, error)
}

// Labs finds a lab by name; "" is the default lab.
type Labs struct {
	src LabSource
	// set is the daemon's labs, nil when serving a fixed list (NewLabs):
	// then LabsService changes nothing.
	set *labs.Set
}

// fixedLabs is a fixed list of labs.
type fixedLabs map[string]*sim.Lab

func (f fixedLabs) Get(name string) (*sim.Lab, error) {
	if lab, ok := f[name]; ok {
		return lab, nil
	}
	return nil, sim.ErrLabNotFound
}

// NewLabs serves the given labs; the first is the default.
func NewLabs(labs ...*sim.Lab) *Labs {
	f := fixedLabs{}
	for i, lab := range labs {
		f[lab.Name()] = lab
		if i == 0 {
			f[""] = lab
		}
	}
	return &Labs{src: f}
}

// SetLabs serves the daemon's set of labs, and its LabsService.
func SetLabs(set *labs.Set) *Labs { return &Labs{src: set, set: set} }

func (l *Labs) get(name string) (*sim.Lab, error) {
	if name == "" && l.set != nil {
		name = sim.DefaultLab
	}
	if lab, err := l.src.Get(name); err == nil {
		return lab, nil
	}
	return nil, toStatus(wrapf(sim.ErrLabNotFound, "lab %q", name))
}

// Options configure the gRPC server.
type Options struct {
	Log     *zap.Logger
	Metrics *GRPCMetrics
	// Scenarios finds a lab's training scenario engine (nil, or a lab
	// without one: ScenarioService answers FailedPrecondition).
	Scenarios func(*sim.Lab) *scenario.Engine
	// Unary and Stream run after the logging, metrics and panic recovery,
	// before the handler: headendd's authorization (package auth), whose
	// refusals are then logged and counted like any failed RPC.
	Unary  []grpc.UnaryServerInterceptor
	Stream []grpc.StreamServerInterceptor
	// TLS, if set, serves over TLS.
	TLS *tls.Config
	// Caller is who makes a request: the admin, or the holder of a lab
	// token and its lab (headendd's authorization knows; the gRPC layer
	// does not import it). Nil: every caller is the admin, as on a daemon
	// without --auth.
	Caller func(ctx context.Context) (admin bool, lab string)
}

// New builds the gRPC server with its services, health and reflection.
func New(labs *Labs, opts Options) *grpc.Server {
	log := opts.Log
	if log == nil {
		log = zap.NewNop()
	}
	obs := &rpcObserver{log: log, m: opts.Metrics}
	sopts := []grpc.ServerOption{
		grpc.ForceServerCodecV2(newRequestCodec()),
		grpc.ChainUnaryInterceptor(append([]grpc.UnaryServerInterceptor{obs.unary(), recovery(log)}, opts.Unary...)...),
		grpc.ChainStreamInterceptor(append([]grpc.StreamServerInterceptor{obs.stream(), streamRecovery(log)}, opts.Stream...)...),
		grpc.MaxRecvMsgSize(maxMessageBytes),
		grpc.MaxSendMsgSize(maxMessageBytes),
		grpc.MaxConcurrentStreams(1024),
		// Reused handler goroutines keep their grown stacks: a new
		// goroutine per RPC pays for growing its stack through the
		// admission path on every call.
		grpc.NumStreamWorkers(uint32(4 * runtime.GOMAXPROCS(0))),
	}
	if opts.TLS != nil {
		sopts = append(sopts, grpc.Creds(credentials.NewTLS(opts.TLS)))
	}
	gs := grpc.NewServer(sopts...)
	headendv1.RegisterHeadendServiceServer(gs, &headendService{labs: labs})
	headendv1.RegisterLabServiceServer(gs, &labService{labs: labs})
	headendv1.RegisterPortalServiceServer(gs, &portalService{labs: labs})
	headendv1.RegisterSmartServiceServer(gs, &smartService{labs: labs})
	headendv1.RegisterEventServiceServer(gs, &eventService{labs: labs})
	headendv1.RegisterScenarioServiceServer(gs, &scenarioService{labs: labs, engines: opts.Scenarios})
	headendv1.RegisterTwinServiceServer(gs, &twinService{labs: labs})
	headendv1.RegisterReplayServiceServer(gs, &replayService{labs: labs})
	headendv1.RegisterLabsServiceServer(gs, &labsService{labs: labs, set: labs.set, caller: opts.Caller})
	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	for _, svc := range []string{headendv1.HeadendService_ServiceDesc.ServiceName, headendv1.LabService_ServiceDesc.ServiceName,
		headendv1.PortalService_ServiceDesc.ServiceName, headendv1.EventService_ServiceDesc.ServiceName,
		headendv1.LabsService_ServiceDesc.ServiceName} {
		hs.SetServingStatus(svc, healthpb.HealthCheckResponse_SERVING)
	}
	healthpb.RegisterHealthServer(gs, hs)
	reflection.Register(gs)
	obs.bind(gs)
	return gs
}

type headendService struct {
	headendv1.UnsafeHeadendServiceServer
	labs *Labs
}

// pageSize checks a request's page_size; 0 is the default size.
func pageSize(n int32) (int, error) {
	size := int(n)
	if size < 0 || size > maxPageSize {
		return 0, invalid("page_size must be 0..%d", maxPageSize)
	}
	return cmp.Or(size, defaultPageSize), nil
}

// seqToken is the page token of a listing that resumes after a sequence
// number or ID.
func seqToken(after uint64) string {
	return base64.RawURLEncoding.EncodeToString(binary.BigEndian.AppendUint64(nil, after))
}

// parseSeqToken reads a page token seqToken made; "" is the first page.
func parseSeqToken(t string) (uint64, error) {
	if t == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || len(b) != 8 {
		return 0, invalid("page_token %q is not one this server gave", t)
	}
	return binary.BigEndian.Uint64(b), nil
}

func needHostname(h string) error {
	if h == "" {
		return invalid("hostname is required")
	}
	return nil
}

func (s *headendService) CreateHeadend(_ context.Context, req *headendv1.CreateHeadendRequest) (*headendv1.CreateHeadendResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetModel() == "" {
		return nil, invalid("model is required (one of %v)", sim.ModelNames())
	}
	if err := sim.ValidateHostname(req.GetHostname()); err != nil {
		return nil, toStatus(err)
	}
	snap, err := lab.Create(req.GetModel(), req.GetHostname(), req.GetSerial(),
		sim.WithLogin(req.GetUsername(), req.GetPassword(), req.GetEnablePassword()),
		sim.WithSoftwareVersion(req.GetSoftwareVersion()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.CreateHeadendResponse{Headend: headendPB(lab.Name(), snap)}, nil
}

func (s *headendService) GetHeadend(_ context.Context, req *headendv1.GetHeadendRequest) (*headendv1.GetHeadendResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	snap, err := lab.Get(req.GetHostname())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.GetHeadendResponse{Headend: headendPB(lab.Name(), snap)}, nil
}

func (s *headendService) ListHeadends(_ context.Context, req *headendv1.ListHeadendsRequest) (*headendv1.ListHeadendsResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	size, err := pageSize(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	after := ""
	if t := req.GetPageToken(); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil || len(b) == 0 {
			return nil, invalid("page_token %q is not one this server gave", t)
		}
		after = string(b)
	}
	snaps, more := lab.List(after, size)
	resp := &headendv1.ListHeadendsResponse{}
	for _, sn := range snaps {
		resp.Headends = append(resp.Headends, headendPB(lab.Name(), sn))
	}
	if more && len(snaps) > 0 {
		resp.NextPageToken = base64.RawURLEncoding.EncodeToString([]byte(snaps[len(snaps)-1].Device.Hostname()))
	}
	return resp, nil
}

func (s *headendService) DeleteHeadend(_ context.Context, req *headendv1.DeleteHeadendRequest) (*headendv1.DeleteHeadendResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	if err := lab.Delete(req.GetHostname()); err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.DeleteHeadendResponse{}, nil
}

func (s *headendService) InstallActivationKey(_ context.Context, req *headendv1.InstallActivationKeyRequest) (*headendv1.InstallActivationKeyResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	var action sim.KeyAction
	switch req.GetAction() {
	case headendv1.KeyAction_KEY_ACTION_UNSPECIFIED, headendv1.KeyAction_KEY_ACTION_ACTIVATE:
		action = sim.KeyActivate
	case headendv1.KeyAction_KEY_ACTION_DEACTIVATE:
		action = sim.KeyDeactivate
	default:
		return nil, invalid("unknown action %d", req.GetAction())
	}
	res, snap, err := lab.InstallKey(req.GetHostname(), req.GetActivationKey(), action)
	if err != nil {
		return nil, toStatus(err)
	}
	lic, _ := snap.KeyLicense()
	return &headendv1.InstallActivationKeyResponse{
		Messages:      res.Lines,
		TimeBased:     res.TimeBased,
		ReloadPending: lic.ReloadPending,
		Headend:       headendPB(lab.Name(), snap),
	}, nil
}

func (s *headendService) Reload(_ context.Context, req *headendv1.ReloadRequest) (*headendv1.ReloadResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	snap, err := lab.Reload(req.GetHostname(), req.GetSaveConfig())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.ReloadResponse{Headend: headendPB(lab.Name(), snap)}, nil
}

func (s *headendService) ReturnForRepair(_ context.Context, req *headendv1.ReturnForRepairRequest) (*headendv1.ReturnForRepairResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	snap, old, err := lab.ReturnForRepair(req.GetHostname(), req.GetNewSerial())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.ReturnForRepairResponse{Headend: headendPB(lab.Name(), snap), OldSerial: old}, nil
}

func (s *headendService) Exec(_ context.Context, req *headendv1.ExecRequest) (*headendv1.ExecResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	// More than sim.MaxExecLines is the lab's ErrExecTooLarge.
	if len(req.GetLines()) == 0 {
		return nil, invalid("give 1 to %d lines, not 0", sim.MaxExecLines)
	}
	for i, l := range req.GetLines() {
		if len(l) > maxLineLen {
			return nil, invalid("line %d is longer than %d characters", i+1, maxLineLen)
		}
	}
	res, err := lab.Exec(req.GetHostname(), req.GetLines())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.ExecResponse{Transcript: res.Transcript, SessionClosed: res.Closed}
	for _, r := range res.Results {
		resp.Results = append(resp.Results, &headendv1.ExecResult{Input: r.Input, Output: r.Output, Error: r.Error})
	}
	return resp, nil
}

func (s *headendService) ListPlatforms(context.Context, *headendv1.ListPlatformsRequest) (*headendv1.ListPlatformsResponse, error) {
	resp := &headendv1.ListPlatformsResponse{}
	for _, p := range sim.Platforms() {
		resp.Platforms = append(resp.Platforms, platformPB(&p))
	}
	return resp, nil
}

type labService struct {
	headendv1.UnsafeLabServiceServer
	labs *Labs
}

func (s *labService) GetClock(_ context.Context, req *headendv1.GetClockRequest) (*headendv1.GetClockResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	return &headendv1.GetClockResponse{Clock: clockPB(lab.Clock())}, nil
}

func (s *labService) SetClock(_ context.Context, req *headendv1.SetClockRequest) (*headendv1.SetClockResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetTime() == nil || req.GetTime().CheckValid() != nil {
		return nil, invalid("time is required and must be a valid timestamp")
	}
	if _, err := lab.SetClock(req.GetTime().AsTime()); err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.SetClockResponse{Clock: clockPB(lab.Clock())}, nil
}

func (s *labService) AdvanceClock(_ context.Context, req *headendv1.AdvanceClockRequest) (*headendv1.AdvanceClockResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetDuration() == nil || req.GetDuration().CheckValid() != nil {
		return nil, invalid("duration is required")
	}
	d := req.GetDuration().AsDuration()
	if d <= 0 || d > 100*365*24*time.Hour {
		return nil, invalid("duration must be positive and at most 100 years, not %s", d)
	}
	if _, err := lab.AdvanceClock(d); err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.AdvanceClockResponse{Clock: clockPB(lab.Clock())}, nil
}
