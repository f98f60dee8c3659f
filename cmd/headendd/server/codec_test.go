package server

import (
	"context"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/grpc"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// newLoggedEnv is newEnv with the lab's and the server's logs observed.
func newLoggedEnv(t *testing.T) (*env, *observer.ObservedLogs) {
	t.Helper()
	e := newEnv(t)
	core, logs := observer.New(zap.InfoLevel)
	e.log = zap.New(core)
	e.restart()
	return e, logs
}

// rpcFailures is the "error" field of every "rpc failed" log line.
func rpcFailures(logs *observer.ObservedLogs) []string {
	var out []string
	for _, l := range logs.FilterMessage("rpc failed").All() {
		out = append(out, l.ContextMap()["error"].(string))
	}
	return out
}

// rawCodec sends the bytes it is given as the request, whatever the method.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error)      { return *v.(*[]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error { *v.(*[]byte) = data; return nil }
func (rawCodec) Name() string                       { return "proto" }

// TestUndecodableRequest: bytes that are not the method's request message
// are the client's mistake, InvalidArgument, not the server's Internal;
// unary and streaming alike, and the connection serves on.
func TestUndecodableRequest(t *testing.T) {
	e, logs := newLoggedEnv(t)
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"truncated field", []byte{0x12, 0x05, 'a'}},
		{"bad tag", []byte{0xff, 0xff, 0xff}},
		{"string not UTF-8", []byte{0x12, 0x02, 0xff, 0xfe}},
		// The codec marks a message it could not decode with unknown
		// fields that start like this; no request may decode to them.
		{"field number 0", []byte{0x00, 0x00}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out []byte
			err := e.conn.Invoke(ctxT(), "/headend.v1.HeadendService/CreateHeadend", &c.body, &out, grpc.ForceCodec(rawCodec{}))
			checkMalformed(t, err, "headend.v1.CreateHeadendRequest")
		})
	}

	ctx, cancel := context.WithCancel(ctxT())
	defer cancel()
	st, err := e.conn.NewStream(ctx, &headendv1.HeadendService_ServiceDesc.Streams[0],
		"/headend.v1.HeadendService/AdmitConnections", grpc.ForceCodec(rawCodec{}))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte{0x12, 0x05, 'a'}
	if err := st.SendMsg(&body); err != nil {
		t.Fatal(err)
	}
	var out []byte
	checkMalformed(t, st.RecvMsg(&out), "headend.v1.AdmitConnectionsRequest")

	if _, err := e.hc.ListPlatforms(ctxT(), &headendv1.ListPlatformsRequest{}); err != nil {
		t.Errorf("a good request after the bad ones: %v", err)
	}
	got := rpcFailures(logs)
	if len(got) != 5 || !strings.HasPrefix(got[0], "the request is not a valid headend.v1.CreateHeadendRequest message: ") {
		t.Errorf("logged failures: %q", got)
	}
}

func checkMalformed(t *testing.T, err error, message string) {
	t.Helper()
	want := "error: InvalidArgument MALFORMED_REQUEST: the request is not a valid " + message + " message: "
	if got := errText(err); !strings.HasPrefix(got, want) {
		t.Errorf("got  %s\nwant %s...", got, want)
	}
}
