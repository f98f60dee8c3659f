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
	// Only ApplyLab is under test here (over a fake set of labs); the rest of
	// LabsService is served and tested by labsService (labs_test.go), so it
	// answers Unimplemented in this stand-in.
	headendv1.UnimplementedLabsServiceServer
	set    LabSet
	caller Caller
}

func (a *applyOnly) ApplyLab(_ context.Context, req *headendv1.ApplyLabRequest) (*headendv1.ApplyLabResponse, error) {
	resp, err := ApplyLabFile(a.set, req, a.caller)
	return resp, toStatus(err)
}

func applyClient(t *testing.T, set LabSet, admin bool) headendv1.LabsServiceClient {
	return applyClientAs(t, set, Caller{Admin: admin, Lab: map[bool]string{false: sim.DefaultLab}[admin]})
}

func applyClientAs(t *testing.T, set LabSet, caller Caller) headendv1.LabsServiceClient {
	lis := bufconn.Listen(1 << 20)
	gs := grpc.NewServer()
	headendv1.RegisterLabsServiceServer(gs, &applyOnly{set: set, caller: caller})
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
	if got := errText(err); got != `error: NotFound LAB_NOT_FOUND: lab not found: lab "training1"` {
		t.Fatalf("a lab token's apply to a missing lab: %s", got)
	}
}

// concLabFile makes a lab with an order registered to a headend and Smart
// licenses bought: what two applies at once would make twice.
const concLabFile = `lab: conc
clock: {start: 2027-03-01T09:00:00Z}
portal:
  customer: Acme
  orders: [{name: o1, sku: L-AC-PLS-LIC=, users: 250, months: 12}]
smart:
  accounts:
    - name: Acme
      entitlements: [{tag: ASAv-STD-1G, count: 2}]
headends:
  - {hostname: x1, model: ASA5525, orders: [o1]}
`

// TestApplyLabConcurrent: four applies of one file at once give the result
// of one apply and three that change nothing.
func TestApplyLabConcurrent(t *testing.T) {
	set := newFakeSet(t)
	c := applyClient(t, set, true)
	var wg sync.WaitGroup
	resps := make([]*headendv1.ApplyLabResponse, 4)
	errs := make([]error, 4)
	for i := range resps {
		wg.Go(func() {
			resps[i], errs[i] = c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "conc.yaml", Content: concLabFile})
		})
	}
	wg.Wait()
	want := []string{"created lab conc", "placed order o1 (L-AC-PLS-LIC=)", "created Smart account Acme", "added 2 ASAv-STD-1G to Acme/DEFAULT",
		"created headend x1 (ASA5525)",
		"registered order o1 to x1 and installed its key"}
	made, none := 0, 0
	for i, r := range resps {
		switch {
		case errs[i] != nil:
			t.Errorf("apply %d: %v", i, errs[i])
		case slices.Equal(r.GetChanges(), want) && r.GetCreated():
			made++
		case len(r.GetChanges()) == 0 && !r.GetCreated():
			none++
		default:
			t.Errorf("apply %d: %q", i, r.GetChanges())
		}
	}
	if made != 1 || none != 3 {
		t.Fatalf("%d applies made the lab, %d changed nothing; want 1 and 3", made, none)
	}
	lab, _ := set.Get("conc")
	u, err := lab.Smart().Usage("Acme")
	if err != nil || len(u.Tags) != 1 || u.Tags[0].Purchased != 2 {
		t.Fatalf("Smart usage %+v %v, want 2 ASAv-STD-1G bought", u, err)
	}
}

// TestApplyLabRefusedMakesNoLab: a file the portal's order check refuses
// leaves no lab behind, whose name a later create would find taken.
func TestApplyLabRefusedMakesNoLab(t *testing.T) {
	set := newFakeSet(t)
	c := applyClient(t, set, true)
	_, err := c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "negqty.yaml", Content: `lab: bad1
portal:
  customer: X
  orders:
    - {name: o1, sku: L-AC-PLS-LIC=, users: 250, months: 12, quantity: -1}
headends:
  - {hostname: ok1, model: ASA5525}
`})
	if got := errText(err); got != "error: InvalidArgument LAB_FILE_INVALID: negqty.yaml:5:7: portal.orders[0]: invalid order line: quantity must be 1 to 1000, not -1" {
		t.Fatalf("apply: %s", got)
	}
	if _, err := set.Get("bad1"); !errors.Is(err, sim.ErrLabNotFound) {
		t.Fatalf("the refused file made its lab: %v", err)
	}
}

// TestApplyLabTokenLab: the lab applied to is the request's, else the
// file's, else the caller's (a lab token's); a lab token reaches its own
// lab only, whichever of those names another.
func TestApplyLabTokenLab(t *testing.T) {
	set := newFakeSet(t)
	if _, _, err := set.Create("l1", labs.Spec{ClockMode: sim.ClockSimulated, ClockStart: labStart}); err != nil {
		t.Fatal(err)
	}
	c := applyClientAs(t, set, Caller{Lab: "l1"})
	_, err := c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "lab.yaml", Content: serverLabFile})
	if got := errText(err); got != `error: NotFound LAB_NOT_FOUND: lab not found: lab "training1"` {
		t.Fatalf("a file naming another lab: %s", got)
	}
	if _, err := set.Get("training1"); !errors.Is(err, sim.ErrLabNotFound) {
		t.Fatalf("the lab token made a lab: %v", err)
	}
	if l, _ := set.Get("l1"); l.Len() != 0 {
		t.Fatal("the file naming another lab went to the token's")
	}
	_, err = c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{Lab: "default", FileName: "lab.yaml", Content: serverLabFile})
	if got := errText(err); got != `error: NotFound LAB_NOT_FOUND: lab not found: lab "default"` {
		t.Fatalf("a request naming another lab: %s", got)
	}
	noLab := "headends:\n  - {hostname: asa1, model: ASA5525}\n"
	resp, err := c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{FileName: "nolab.yaml", Content: noLab})
	if err != nil || resp.GetLab().GetName() != "l1" {
		t.Fatalf("a file naming no lab: %v %v", resp, err)
	}
	resp, err = c.ApplyLab(ctxT(), &headendv1.ApplyLabRequest{Lab: "l1", FileName: "lab.yaml", Content: serverLabFile})
	if err != nil || resp.GetLab().GetName() != "l1" {
		t.Fatalf("the request's lab over the file's: %v %v", resp, err)
	}
}
