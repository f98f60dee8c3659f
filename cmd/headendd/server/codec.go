package server

import (
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
// the server is broken when it was the client's bytes. So Unmarshal reports
// success and leaves the failure in the message itself, as its unknown
// fields: a malformed byte, then the error. Field number 0 is invalid in the
// protobuf wire format, so no decodable request has unknown fields that
// start with a zero byte. The interceptors check for it (malformed) before a
// handler runs (unary) or as RecvMsg returns (streams). Nothing is kept
// outside the message: if grpc drops the call first (a second message on a
// unary RPC), the mark goes with it.
type requestCodec struct {
	encoding.CodecV2
}

// malformedMark starts the unknown fields of a message that did not decode.
const malformedMark = 0x00

func newRequestCodec() requestCodec {
	return requestCodec{CodecV2: encoding.GetCodecV2(proto.Name)}
}

func (c requestCodec) Unmarshal(data mem.BufferSlice, v any) error {
	err := c.CodecV2.Unmarshal(data, v)
	m, ok := v.(protov2.Message)
	if err == nil || !ok {
		return err
	}
	protov2.Reset(m)
	m.ProtoReflect().SetUnknown(append([]byte{malformedMark}, err.Error()...))
	return nil
}

// malformed returns the InvalidArgument status for req if the codec could
// not decode it, and nil otherwise.
func malformed(req any) error {
	m, ok := req.(protov2.Message)
	if !ok || m == nil {
		return nil
	}
	u := m.ProtoReflect().GetUnknown()
	if len(u) == 0 || u[0] != malformedMark {
		return nil
	}
	st := status.Newf(codes.InvalidArgument, "the request is not a valid %s message: %s",
		m.ProtoReflect().Descriptor().FullName(), u[1:])
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: "MALFORMED_REQUEST", Domain: ErrorDomain}); err == nil {
		st = withInfo
	}
	return st.Err()
}
