package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labs"
)

// fakeSet is a daemon's labs in one store, as labs.Set keeps them, for
// the ApplyLab tests.
type fakeSet struct {
	t      testing.TB
	store  *sim.Store
	master *keygen.Signer
	mu     sync.Mutex
	labs   map[string]*sim.Lab
}

func newFakeSet(t testing.TB) *fakeSet {
	store, err := sim.OpenStore(filepath.Join(t.TempDir(), "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	master, err := keygen.NewSigner(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSet{t: t, store: store, master: master, labs: map[string]*sim.Lab{}}
	if _, _, err := s.Create(sim.DefaultLab, labs.Spec{ClockMode: sim.ClockSimulated, ClockStart: labStart}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, l := range s.labs {
			l.Close()
		}
		store.Close()
	})
	return s
}

func (s *fakeSet) Get(name string) (*sim.Lab, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.labs[name]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("%w: %q", sim.ErrLabNotFound, name)
}

func (s *fakeSet) Create(name string, spec labs.Spec) (labs.Info, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := sim.OpenLab(sim.Config{Name: name, Store: s.store, Signer: s.master.ForLab(name), ClockMode: spec.ClockMode,
		ClockStart: spec.ClockStart, PeakSampleInterval: -1, RealNow: func() time.Time { return labStart }})
	if err != nil {
		return labs.Info{}, "", err
	}
	s.labs[name] = l
	return labs.Info{Name: name, Spec: spec}, "asalab_token-of-" + name, nil
}

func (s *fakeSet) Info(name string) (labs.Info, error) {
	return labs.Info{Name: name, Tokens: 1}, nil
}

// applyOnly serves ApplyLab over the fake set, for a caller that is the
// admin or not.
type applyOnly struct {
	headendv1.UnimplementedLabsServiceServer
	set   LabSet
	admin bool
}

func (a *applyOnly) ApplyLab(_ context.Context, req *headendv1.ApplyLabRequest) (*headendv1.ApplyLabResponse, error) {
	resp, err := ApplyLabFile(a.set, req, a.admin)
	return resp, toStatus(err)
}

func applyClient(t *testing.T, set LabSet, admin bool) headendv1.LabsServiceClient {
	lis := bufconn.Listen(1 << 20)
	gs := grpc.NewServer()
	headendv1.RegisterLabsServiceServer(gs, &applyOnly{set: set, admin: admin})
	go gs.Serve(lis)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); gs.Stop() })
	return headendv1.NewLabsServiceClient(conn)
}

const serverLabFile = `lab: training1
clock: {mode: simulated, start: 2027-03-01T09:00:00Z}
headends:
  - hostname: asa1
    model: ASA5525
    keys: [premium=250, 3des]
`

// TestApplyLabCreates: a file naming a lab that does not exist makes it
// (the admin's call), with the file's clock and a token; a second apply
// changes nothing.
func TestApplyLabCreates(t *testing.T) {
	set := newFakeSet(t)
	c := applyClient(t, set, true)
	resp, err := c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "lab.yaml", Content: serverLabFile, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"created lab training1", "created headend asa1 (ASA5525)", "installed key on asa1: premium=250, 3des"}
	if !slices.Equal(resp.GetChanges(), want) || resp.GetCreated() {
		t.Fatalf("dry run: %v", resp)
	}
	if _, err := set.Get("training1"); !errors.Is(err, sim.ErrLabNotFound) {
		t.Fatalf("the dry run made the lab: %v", err)
	}
	resp, err = c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "lab.yaml", Content: serverLabFile})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(resp.GetChanges(), want) || !resp.GetCreated() || resp.GetToken() != "asalab_token-of-training1" ||
		resp.GetLab().GetName() != "training1" || resp.GetLab().GetHeadends() != 1 ||
		!resp.GetLab().GetClock().GetNow().AsTime().Equal(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("apply: %v", resp)
	}
	resp, err = c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "lab.yaml", Content: serverLabFile})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetChanges()) != 0 || resp.GetCreated() || resp.GetToken() != "" {
		t.Fatalf("second apply: %v", resp)
	}
	// The request's lab wins over the file's.
	resp, err = c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{Lab: sim.DefaultLab, FileName: "lab.yaml", Content: serverLabFile})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetLab().GetName() != sim.DefaultLab || resp.GetCreated() || len(resp.GetChanges()) != 3 {
		t.Fatalf("apply to the default lab: %v", resp)
	}
	// A headend the file leaves out is kept, and noted; nothing changed.
	resp, err = c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "empty.yaml", Content: "lab: training1\nheadends: []\n"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetChanges()) != 0 || !slices.Equal(resp.GetNotes(), []string{"not in the file: asa1 (kept; prune: true deletes them)"}) {
		t.Fatalf("apply leaving asa1 out: %v", resp)
	}
}

// TestApplyLabRefused: a bad file is InvalidArgument LAB_FILE_INVALID with
// the file, line and field in the ErrorInfo; a lab that does not exist is
// NotFound for a caller that may not create one.
func TestApplyLabRefused(t *testing.T) {
	set := newFakeSet(t)
	c := applyClient(t, set, true)
	_, err := c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "lab.yaml",
		Content: "headends:\n  - hostname: asa1\n    model: ASA5525\n    keys: [premium=250, premum]\n"})
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument || st.Message() != `lab.yaml:4:25: headends[0].keys[1]: unknown feature "premum" (one of `+keygen.FeatureHelp+`)` {
		t.Fatalf("bad file: %v", err)
	}
	var info *errdetails.ErrorInfo
	for _, d := range st.Details() {
		if i, ok := d.(*errdetails.ErrorInfo); ok {
			info = i
		}
	}
	if info.GetReason() != "LAB_FILE_INVALID" || info.GetMetadata()["file"] != "lab.yaml" || info.GetMetadata()["line"] != "4" ||
		info.GetMetadata()["field"] != "headends[0].keys[1]" {
		t.Fatalf("bad file: info %v", info)
	}
	if l, _ := set.Get(sim.DefaultLab); l.Len() != 0 {
		t.Fatal("the bad file made headends")
	}

	_, err = applyClient(t, set, false).ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "lab.yaml", Content: serverLabFile})
	if got := errText(err); got != `error: NotFound LAB_NOT_FOUND: lab not found: "training1"` {
		t.Fatalf("a lab token's apply to a missing lab: %s", got)
	}
}
