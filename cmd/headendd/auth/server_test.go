package auth_test

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/asalab/asalab/cmd/headendd/auth"
	"github.com/asalab/asalab/cmd/headendd/server"
	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// serve runs the gRPC server with the interceptors in front of a lab
// named "default", over loopback.
func serve(t *testing.T, a *auth.Authenticator) *grpc.ClientConn {
	t.Helper()
	store, err := sim.OpenStore(filepath.Join(t.TempDir(), "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := keygen.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	master, err := keygen.NewSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	lab, err := sim.OpenLab(sim.Config{Store: store, Signer: master.ForLab(sim.DefaultLab), ClockMode: sim.ClockSimulated,
		ClockStart: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	gs := server.New(server.NewLabs(lab), server.Options{Unary: []grpc.UnaryServerInterceptor{a.UnaryInterceptor()},
		Stream: []grpc.StreamServerInterceptor{a.StreamInterceptor()}})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go gs.Serve(lis)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		gs.Stop()
		lab.Close()
		store.Close()
	})
	return conn
}

func ctxWith(t *testing.T, md ...string) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return metadata.AppendToOutgoingContext(ctx, md...)
}

func reasonOf(err error) string {
	for _, d := range status.Convert(err).Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			return ei.GetReason()
		}
	}
	return ""
}

// Through a real server: requests decoded off the wire, the interceptors
// behind the server's own, a unary RPC and a bidi stream.
func TestThroughTheServer(t *testing.T) {
	labs := &fakeLabs{tokens: map[string]string{tokA: sim.DefaultLab, tokB: "bravo"}}
	a, err := auth.New(auth.Options{Enforce: true, AdminToken: adminToken, Labs: labs})
	if err != nil {
		t.Fatal(err)
	}
	conn := serve(t, a)
	hc := headendv1.NewHeadendServiceClient(conn)

	_, err = hc.CreateHeadend(ctxWith(t), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa1"})
	if status.Code(err) != codes.Unauthenticated || reasonOf(err) != "UNAUTHENTICATED" {
		t.Fatalf("no token: %v (%s)", err, reasonOf(err))
	}
	resp, err := hc.CreateHeadend(ctxWith(t, bearer(tokA)...), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa1"})
	if err != nil || resp.GetHeadend().GetLab() != sim.DefaultLab {
		t.Fatalf("lab token: %v %v", resp, err)
	}
	_, err = hc.GetHeadend(ctxWith(t, bearer(tokB)...), &headendv1.GetHeadendRequest{Lab: sim.DefaultLab, Hostname: "asa1"})
	if status.Code(err) != codes.NotFound || reasonOf(err) != "LAB_NOT_FOUND" {
		t.Fatalf("another lab's token: %v (%s)", err, reasonOf(err))
	}

	admit := func(md []string, req *headendv1.AdmitConnectionsRequest) error {
		st, err := hc.AdmitConnections(ctxWith(t, md...))
		if err != nil {
			return err
		}
		if err := st.Send(req); err != nil {
			return err
		}
		_, err = st.Recv()
		return err
	}
	req := &headendv1.AdmitConnectionsRequest{Headend: "asa1", User: "u1", ClientDevice: "d1",
		Kind: headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT}
	if err := admit(bearer(tokA), req); err != nil {
		t.Fatalf("stream with the lab's token: %v", err)
	}
	if err := admit(bearer(tokB), req); status.Code(err) != codes.NotFound {
		t.Fatalf("stream with another lab's token: %v", err)
	}
	if err := admit(nil, req); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("stream without a token: %v", err)
	}
	if err := admit(append(bearer(adminToken), "asalab-lab", "bravo"), &headendv1.AdmitConnectionsRequest{Lab: sim.DefaultLab, Headend: "asa1"}); status.Code(err) != codes.InvalidArgument || reasonOf(err) != "LAB_MISMATCH" {
		t.Fatalf("stream with a mismatched lab: %v (%s)", err, reasonOf(err))
	}
}
