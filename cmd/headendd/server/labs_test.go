package server

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labs"
)

// labsEnv is a daemon's set of labs served over an in-memory connection.
type labsEnv struct {
	set  *labs.Set
	conn *grpc.ClientConn
	ls   headendv1.LabsServiceClient
	hc   headendv1.HeadendServiceClient
	lc   headendv1.LabServiceClient
	ec   headendv1.EventServiceClient
}

func newLabsEnv(t *testing.T) *labsEnv {
	t.Helper()
	st, err := sim.OpenStore(filepath.Join(t.TempDir(), "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	master, _ := keygen.NewSigner(testSecret)
	set, err := labs.Open(labs.Options{Store: st, Master: master,
		Default: labs.Spec{ClockMode: sim.ClockSimulated, ClockStart: labStart},
		Lab:     sim.Config{RealNow: func() time.Time { return labStart }, PeakSampleInterval: -1}})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	gs := New(SetLabs(set), Options{})
	go gs.Serve(lis)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		gs.Stop()
		set.Close()
		st.Close()
	})
	return &labsEnv{set: set, conn: conn, ls: headendv1.NewLabsServiceClient(conn),
		hc: headendv1.NewHeadendServiceClient(conn), lc: headendv1.NewLabServiceClient(conn),
		ec: headendv1.NewEventServiceClient(conn)}
}

// wantErr checks an error's code and reason ("error: Code REASON").
func wantErr(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := errText(err); err == nil || !strings.HasPrefix(got, want) {
		t.Errorf("%s: %v, want %s", what, got, want)
	}
}

// TestLabsService: every RPC of LabsService, and what a bad request gets.
func TestLabsService(t *testing.T) {
	e := newLabsEnv(t)
	ctx := ctxT()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	cr, err := e.ls.CreateLab(ctx, &headendv1.CreateLabRequest{Lab: "team-a", ClockStart: timestamppb.New(start)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cr.GetToken(), labs.TokenPrefix) {
		t.Fatalf("token %q", cr.GetToken())
	}
	l := cr.GetLab()
	if l.GetName() != "team-a" || l.GetClock().GetMode() != headendv1.ClockMode_CLOCK_MODE_SIMULATED ||
		!l.GetClock().GetNow().AsTime().Equal(start) || !l.GetClockStart().AsTime().Equal(start) ||
		!l.GetCreated().AsTime().Equal(labStart) || l.GetTokens() != 1 || l.GetHeadends() != 0 {
		t.Fatalf("created %v", l)
	}
	real, err := e.ls.CreateLab(ctx, &headendv1.CreateLabRequest{Lab: "real1", ClockMode: headendv1.ClockMode_CLOCK_MODE_REAL})
	if err != nil {
		t.Fatal(err)
	}
	if real.GetLab().GetClock().GetMode() != headendv1.ClockMode_CLOCK_MODE_REAL || real.GetLab().GetClockStart() != nil {
		t.Fatalf("real-clock lab %v", real.GetLab())
	}

	_, err = e.ls.CreateLab(ctx, &headendv1.CreateLabRequest{Lab: "team-a"})
	wantErr(t, "create twice", err, "error: AlreadyExists LAB_EXISTS")
	_, err = e.ls.CreateLab(ctx, &headendv1.CreateLabRequest{Lab: "Team_A"})
	wantErr(t, "bad name", err, "error: InvalidArgument BAD_LAB_NAME")
	_, err = e.ls.CreateLab(ctx, &headendv1.CreateLabRequest{})
	wantErr(t, "no name", err, "error: InvalidArgument INVALID_ARGUMENT")
	_, err = e.ls.CreateLab(ctx, &headendv1.CreateLabRequest{Lab: "x", ClockMode: headendv1.ClockMode_CLOCK_MODE_REAL, ClockStart: timestamppb.New(start)})
	wantErr(t, "real clock with a start", err, "error: InvalidArgument INVALID_ARGUMENT")
	_, err = e.ls.CreateLab(ctx, &headendv1.CreateLabRequest{Lab: "x", ClockMode: 9})
	wantErr(t, "unknown clock mode", err, "error: InvalidArgument INVALID_ARGUMENT")

	list, err := e.ls.ListLabs(ctx, &headendv1.ListLabsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range list.GetLabs() {
		names = append(names, l.GetName())
	}
	if got := strings.Join(names, ","); got != "default,real1,team-a" {
		t.Fatalf("labs %q", got)
	}

	// The same hostname in two labs: two headends.
	for _, lab := range []string{"team-a", ""} {
		if _, err := e.hc.CreateHeadend(ctx, &headendv1.CreateHeadendRequest{Lab: lab, Model: "ASA5525", Hostname: "asa1"}); err != nil {
			t.Fatalf("asa1 in %q: %v", lab, err)
		}
	}
	if _, err := e.lc.AdvanceClock(ctx, &headendv1.AdvanceClockRequest{Lab: "team-a", Duration: durationpb.New(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	got, err := e.ls.GetLab(ctx, &headendv1.GetLabRequest{Lab: "team-a"})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetLab().GetHeadends() != 1 || !got.GetLab().GetClock().GetNow().AsTime().Equal(start.Add(time.Hour)) {
		t.Fatalf("team-a %v", got.GetLab())
	}
	def, err := e.ls.GetLab(ctx, &headendv1.GetLabRequest{})
	if err != nil || def.GetLab().GetName() != "default" || !def.GetLab().GetClock().GetNow().AsTime().Equal(labStart) {
		t.Fatalf("the empty lab is not the default: %v, %v", def.GetLab(), err)
	}
	_, err = e.ls.GetLab(ctx, &headendv1.GetLabRequest{Lab: "nope"})
	wantErr(t, "get nope", err, "error: NotFound LAB_NOT_FOUND")

	tok, err := e.ls.CreateLabToken(ctx, &headendv1.CreateLabTokenRequest{Lab: "team-a"})
	if err != nil || tok.GetToken() == cr.GetToken() || !strings.HasPrefix(tok.GetToken(), labs.TokenPrefix) {
		t.Fatalf("second token %q, %v", tok.GetToken(), err)
	}
	_, err = e.ls.CreateLabToken(ctx, &headendv1.CreateLabTokenRequest{Lab: "nope"})
	wantErr(t, "token of nope", err, "error: NotFound LAB_NOT_FOUND")

	reset, err := e.ls.ResetLab(ctx, &headendv1.ResetLabRequest{Lab: "team-a"})
	if err != nil {
		t.Fatal(err)
	}
	if r := reset.GetLab(); r.GetHeadends() != 0 || !r.GetClock().GetNow().AsTime().Equal(start) || r.GetTokens() != 2 {
		t.Fatalf("reset %v", r)
	}
	_, err = e.ls.ResetLab(ctx, &headendv1.ResetLabRequest{Lab: "nope"})
	wantErr(t, "reset nope", err, "error: NotFound LAB_NOT_FOUND")
	if _, err := e.hc.GetHeadend(ctx, &headendv1.GetHeadendRequest{Hostname: "asa1"}); err != nil {
		t.Fatalf("the default lab's asa1 went with team-a's reset: %v", err)
	}

	_, err = e.ls.DeleteLab(ctx, &headendv1.DeleteLabRequest{Lab: "default"})
	wantErr(t, "delete default", err, "error: FailedPrecondition DEFAULT_LAB")
	_, err = e.ls.DeleteLab(ctx, &headendv1.DeleteLabRequest{Lab: "nope"})
	wantErr(t, "delete nope", err, "error: NotFound LAB_NOT_FOUND")
	_, err = e.ls.DeleteLab(ctx, &headendv1.DeleteLabRequest{})
	wantErr(t, "delete without a name", err, "error: InvalidArgument INVALID_ARGUMENT")
	if _, err := e.ls.DeleteLab(ctx, &headendv1.DeleteLabRequest{Lab: "team-a"}); err != nil {
		t.Fatal(err)
	}
	_, err = e.hc.ListHeadends(ctx, &headendv1.ListHeadendsRequest{Lab: "team-a"})
	wantErr(t, "a deleted lab's headends", err, "error: NotFound LAB_NOT_FOUND")
	if _, err := e.set.LabOfToken(cr.GetToken()); !errors.Is(err, labs.ErrUnknownToken) {
		t.Fatalf("a deleted lab's token: %v", err)
	}
}

// TestDeleteLabEndsEventStreams: a client following a lab's events sees
// its stream end cleanly (io.EOF) when the lab is deleted.
func TestDeleteLabEndsEventStreams(t *testing.T) {
	e := newLabsEnv(t)
	ctx := ctxT()
	if _, err := e.ls.CreateLab(ctx, &headendv1.CreateLabRequest{Lab: "gone"}); err != nil {
		t.Fatal(err)
	}
	stream, err := e.ec.WatchEvents(ctx, &headendv1.WatchEventsRequest{Lab: "gone"})
	if err != nil {
		t.Fatal(err)
	}
	// The lab's clock start is its first event: once received, the
	// stream is attached.
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ls.DeleteLab(ctx, &headendv1.DeleteLabRequest{Lab: "gone"}); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the stream ended with %v, want io.EOF", err)
		}
	}
}

// TestLabsServiceOverFixedLabs: a server given a fixed list of labs
// changes none.
func TestLabsServiceOverFixedLabs(t *testing.T) {
	e := newEnv(t)
	_, err := headendv1.NewLabsServiceClient(e.conn).CreateLab(ctxT(), &headendv1.CreateLabRequest{Lab: "x"})
	wantErr(t, "create over a fixed list", err, "error: Unimplemented")
}
