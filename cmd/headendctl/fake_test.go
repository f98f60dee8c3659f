package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestMain keeps the tests off the user's own contexts and environment:
// a current context on the machine would send the tests' calls elsewhere.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "headendctl-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv("ASALAB_CONFIG", filepath.Join(dir, "no-config.json"))
	os.Unsetenv("ASALAB_ADDR")
	os.Unsetenv("ASALAB_TOKEN")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// call is what a fake daemon saw of one RPC.
type call struct {
	method string
	auth   []string // authorization metadata
	lab    []string // asalab-lab metadata
	req    any
}

// fakeDaemon answers the LabsService (and WatchEvents) as the daemon's
// API describes, and records what every call carried.
type fakeDaemon struct {
	// The fake serves the RPCs headendctl's lab, apply and events --follow
	// commands call (the methods below); any other answers Unimplemented,
	// which no test of this package expects to reach.
	headendv1.UnimplementedLabsServiceServer
	headendv1.UnimplementedEventServiceServer
	name  string
	mu    sync.Mutex
	calls []call
}

func (f *fakeDaemon) record(ctx context.Context, method string, req any) {
	md, _ := metadata.FromIncomingContext(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{method: method, auth: md.Get("authorization"), lab: md.Get("asalab-lab"), req: req})
}

// last is the last call the daemon saw.
func (f *fakeDaemon) last(t *testing.T) call {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatalf("daemon %s saw no call", f.name)
	}
	return f.calls[len(f.calls)-1]
}

// lastOf is the last call of a method the daemon saw.
func (f *fakeDaemon) lastOf(t *testing.T, method string) call {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].method == method {
			return f.calls[i]
		}
	}
	t.Fatalf("daemon %s saw no %s call", f.name, method)
	return call{}
}

func (f *fakeDaemon) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

var (
	created   = timestamppb.New(time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	clockNow  = timestamppb.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	fakeToken = "asalab_lab_0123456789abcdef"
)

func fakeLab(name string) *headendv1.LabInfo {
	if name == "" {
		name = "default"
	}
	return &headendv1.LabInfo{Name: name, Headends: 2, Tokens: 1, Created: created, ClockStart: clockNow,
		Clock: &headendv1.Clock{Now: clockNow, Mode: headendv1.ClockMode_CLOCK_MODE_SIMULATED}}
}

func (f *fakeDaemon) CreateLab(ctx context.Context, req *headendv1.CreateLabRequest) (*headendv1.CreateLabResponse, error) {
	f.record(ctx, "CreateLab", req)
	return &headendv1.CreateLabResponse{Lab: fakeLab(req.GetLab()), Token: fakeToken}, nil
}

func (f *fakeDaemon) DeleteLab(ctx context.Context, req *headendv1.DeleteLabRequest) (*headendv1.DeleteLabResponse, error) {
	f.record(ctx, "DeleteLab", req)
	if req.GetLab() == "default" {
		st, _ := status.New(codes.FailedPrecondition, "the default lab cannot be deleted; reset it instead").
			WithDetails(&errdetails.ErrorInfo{Reason: "DEFAULT_LAB", Domain: "asalab"})
		return nil, st.Err()
	}
	return &headendv1.DeleteLabResponse{}, nil
}

func (f *fakeDaemon) ListLabs(ctx context.Context, req *headendv1.ListLabsRequest) (*headendv1.ListLabsResponse, error) {
	f.record(ctx, "ListLabs", req)
	return &headendv1.ListLabsResponse{Labs: []*headendv1.LabInfo{fakeLab("default"), fakeLab("team-a")}}, nil
}

func (f *fakeDaemon) GetLab(ctx context.Context, req *headendv1.GetLabRequest) (*headendv1.GetLabResponse, error) {
	f.record(ctx, "GetLab", req)
	if req.GetLab() == "gone" {
		return nil, status.Error(codes.NotFound, "lab gone not found")
	}
	return &headendv1.GetLabResponse{Lab: fakeLab(req.GetLab())}, nil
}

func (f *fakeDaemon) ResetLab(ctx context.Context, req *headendv1.ResetLabRequest) (*headendv1.ResetLabResponse, error) {
	f.record(ctx, "ResetLab", req)
	return &headendv1.ResetLabResponse{Lab: fakeLab(req.GetLab())}, nil
}

func (f *fakeDaemon) CreateLabToken(ctx context.Context, req *headendv1.CreateLabTokenRequest) (*headendv1.CreateLabTokenResponse, error) {
	f.record(ctx, "CreateLabToken", req)
	return &headendv1.CreateLabTokenResponse{Token: fakeToken}, nil
}

// ApplyLab: a file holding "bad" is refused as the daemon refuses one; a
// file holding "same" already matches; "new" creates the lab.
func (f *fakeDaemon) ApplyLab(ctx context.Context, req *headendv1.ApplyLabRequest) (*headendv1.ApplyLabResponse, error) {
	f.record(ctx, "ApplyLab", req)
	lab := cmpOrDefault(req.GetLab(), "lab1")
	switch {
	case strings.Contains(req.GetContent(), "bad"):
		st, _ := status.New(codes.InvalidArgument, req.GetFileName()+":3: headends[0].model: unknown model ASA9999").
			WithDetails(&errdetails.ErrorInfo{Reason: "LAB_FILE_INVALID", Domain: "asalab",
				Metadata: map[string]string{"file": req.GetFileName(), "line": "3", "field": "headends[0].model"}})
		return nil, st.Err()
	case strings.Contains(req.GetContent(), "pending"):
		return &headendv1.ApplyLabResponse{Lab: fakeLab(lab), Notes: []string{"not in the file: extra (kept; prune: true deletes them)",
			"order o1 is usable from 2026-11-30T17:46:50Z: apply again then to register it to r1"}}, nil
	case strings.Contains(req.GetContent(), "notes"):
		return &headendv1.ApplyLabResponse{Lab: fakeLab(lab), Changes: []string{"placed order o1 (L-AC-PLS-LIC=)"},
			Notes: []string{"order o1 is usable from 2026-11-30T17:46:50Z: apply again then to register it to r1"}}, nil
	case strings.Contains(req.GetContent(), "same"):
		return &headendv1.ApplyLabResponse{Lab: fakeLab(lab)}, nil
	case strings.Contains(req.GetContent(), "new") && !req.GetDryRun():
		return &headendv1.ApplyLabResponse{Lab: fakeLab(lab), Created: true, Token: fakeToken,
			Changes: []string{"created lab " + lab, "created headend asa1 (ASA5525)"}}, nil
	}
	return &headendv1.ApplyLabResponse{Lab: fakeLab(lab),
		Changes: []string{"created headend asa1 (ASA5525)", "installed key on asa1 (premium=250)"}}, nil
}

func cmpOrDefault(s, d string) string {
	if s != "" {
		return s
	}
	return d
}

func (f *fakeDaemon) WatchEvents(req *headendv1.WatchEventsRequest, stream grpc.ServerStreamingServer[headendv1.WatchEventsResponse]) error {
	f.record(stream.Context(), "WatchEvents", req)
	// The stream ends at once, as an older daemon's does, without a
	// reason (or, for lab archived, with one headendctl does not know).
	if req.GetLab() == "archived" {
		stream.SetTrailer(metadata.Pairs("asalab-stream-end", "lab archived"))
	}
	return nil
}

// startFake serves a fake daemon on a loopback port (with TLS when creds
// are given) until the test ends.
func startFake(t *testing.T, name string, creds credentials.TransportCredentials) (*fakeDaemon, string) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var opts []grpc.ServerOption
	if creds != nil {
		opts = append(opts, grpc.Creds(creds))
	}
	srv := grpc.NewServer(opts...)
	f := &fakeDaemon{name: name}
	headendv1.RegisterLabsServiceServer(srv, f)
	headendv1.RegisterEventServiceServer(srv, f)
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return f, lis.Addr().String()
}

// ctl runs headendctl in-process.
func ctl(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// useConfig points headendctl at a config file in a temp dir for the
// test, and clears the environment the test does not set.
func useConfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "asalab", "config.json")
	t.Setenv("ASALAB_CONFIG", path)
	t.Setenv("ASALAB_ADDR", "")
	t.Setenv("ASALAB_TOKEN", "")
	return path
}
