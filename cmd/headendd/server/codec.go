package server

import (
	"sync"
	"sync/atomic"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	protov2 "google.golang.org/protobuf/proto"
)

// requestCodec is the proto codec, except that a request it cannot decode
// is answered InvalidArgument rather than Internal: grpc-go turns any
// Unmarshal error into "Internal: grpc: failed to unmarshal the received
// message" before an interceptor sees the call, and Internal tells a client
// the server is broken when it was the client's bytes. So Unmarshal records
// the failure against the message and reports success; the interceptors
// claim it before a handler runs (unary) or as RecvMsg returns (streams).
type requestCodec struct {
	encoding.CodecV2
	failed  sync.Map     // request message -> decode error
	pending atomic.Int64 // entries in failed: lets claim skip the map
}

func newRequestCodec() *requestCodec {
	return &requestCodec{CodecV2: encoding.GetCodecV2(proto.Name)}
}

func (c *requestCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if err := c.CodecV2.Unmarshal(data, v); err != nil {
		c.failed.Store(v, err)
		c.pending.Add(1)
	}
	return nil
}

// claim returns the InvalidArgument status for req if the codec could not
// decode it, and nil otherwise.
func (c *requestCodec) claim(req any) error {
	if c.pending.Load() == 0 {
		return nil
	}
	v, ok := c.failed.LoadAndDelete(req)
	if !ok {
		return nil
	}
	c.pending.Add(-1)
	what := "request"
	if m, ok := req.(protov2.Message); ok {
		what = string(m.ProtoReflect().Descriptor().FullName())
	}
	st := status.Newf(codes.InvalidArgument, "the request is not a valid %s message: %v", what, v)
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: "MALFORMED_REQUEST", Domain: ErrorDomain}); err == nil {
		st = withInfo
	}
	return st.Err()
}
