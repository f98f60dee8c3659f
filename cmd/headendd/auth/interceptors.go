package auth

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Metadata keys of a request.
const (
	// LabMetadataKey carries the lab a request is for, so that a gRPC load
	// balancer in front of several daemons can route on it; it fills an
	// empty `lab` field and must agree with a set one.
	LabMetadataKey = "asalab-lab"
	// AuthorizationKey carries "Bearer TOKEN".
	AuthorizationKey = "authorization"
)

// ErrorDomain is the ErrorInfo domain of every asalab error (the gRPC
// layer's own errors use it too).
const ErrorDomain = "asalab"

// ErrorInfo reasons of the interceptors' refusals.
const (
	ReasonUnauthenticated = "UNAUTHENTICATED" // no token, or not a bearer token
	ReasonTokenUnknown    = "TOKEN_UNKNOWN"   // a token the daemon does not know
	ReasonAdminOnly       = "ADMIN_ONLY"      // a lab token on an admin RPC
	ReasonLabNotFound     = "LAB_NOT_FOUND"   // a lab token naming another lab
	ReasonLabMismatch     = "LAB_MISMATCH"    // metadata and field name different labs
)

// policy is who may call a method.
type policy int

const (
	anyToken  policy = iota // the admin or a lab token
	adminOnly               // the admin token only
	open                    // no token needed
)

// adminMethods change or list the set of labs: a lab's token reaches its
// own lab only, and must not learn what other labs exist.
var adminMethods = map[string]bool{
	"/headend.v1.LabsService/CreateLab":      true,
	"/headend.v1.LabsService/DeleteLab":      true,
	"/headend.v1.LabsService/ListLabs":       true,
	"/headend.v1.LabsService/CreateLabToken": true,
}

// openServices answer without a token: health checks come from load
// balancers and orchestrators that hold none, and reflection describes the
// API, not a lab.
var openServices = map[string]bool{
	"grpc.health.v1.Health":                    true,
	"grpc.reflection.v1.ServerReflection":      true,
	"grpc.reflection.v1alpha.ServerReflection": true,
}

// ownLabMethods resolve an empty `lab` themselves, so the scope does not
// write a lab token's lab into it: ApplyLab sends a file to the lab the
// file names before the caller's (the handler then refuses a lab token's
// caller any lab but its own, as not found). A lab the request or its
// metadata names is checked as for every method.
var ownLabMethods = map[string]bool{
	"/headend.v1.LabsService/ApplyLab": true,
}

func policyOf(method string) policy {
	if adminMethods[method] {
		return adminOnly
	}
	// method is "/service/Method".
	if i := strings.LastIndexByte(method, '/'); i > 0 && openServices[method[1:i]] {
		return open
	}
	return anyToken
}

// refusal is a status with the ErrorInfo reason clients match on.
func refusal(code codes.Code, reason, format string, args ...any) error {
	st := status.New(code, fmt.Sprintf(format, args...))
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain}); err == nil {
		st = withInfo
	}
	return st.Err()
}

// howToPass ends the messages of calls refused for their token.
const howToPass = `pass the admin token (the file admin.token in the daemon's data dir) or a lab token ` +
	`with headendctl --token TOKEN or the environment variable ASALAB_TOKEN ` +
	`(gRPC metadata "authorization: Bearer TOKEN")`

// LabNotFound is the refusal of a lab the caller cannot see. A lab token
// naming another lab gets it whether that lab exists or not, so it learns
// nothing of other labs.
func LabNotFound(lab string) error {
	return refusal(codes.NotFound, ReasonLabNotFound, "lab not found: lab %q", lab)
}

// caller authenticates the RPC of ctx and applies the method's policy.
// A token that is sent counts whether tokens are enforced or not: a test
// that makes a lab and passes its token expects its calls to stay in that
// lab, and one that sends a wrong token expects to hear so rather than
// land in the default lab as the admin. Only a call without a token is the
// admin's on a daemon that does not enforce them.
func (a *Authenticator) caller(ctx context.Context, method string) (Principal, error) {
	pol := policyOf(method)
	vals := metadata.ValueFromIncomingContext(ctx, AuthorizationKey)
	switch {
	case pol == open && a.enforce:
		return Principal{}, nil
	case !a.enforce && (pol == open || len(vals) == 0):
		return Principal{Kind: Admin}, nil
	}
	if len(vals) == 0 {
		return Principal{}, refusal(codes.Unauthenticated, ReasonUnauthenticated,
			"no token: this daemon runs with --auth; %s", howToPass)
	}
	if len(vals) > 1 {
		return Principal{}, refusal(codes.Unauthenticated, ReasonUnauthenticated,
			"%d authorization values: send one; %s", len(vals), howToPass)
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(vals[0]), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Principal{}, refusal(codes.Unauthenticated, ReasonUnauthenticated,
			`the authorization metadata is not "Bearer TOKEN"; %s`, howToPass)
	}
	p, err := a.Authenticate(strings.TrimSpace(token))
	if err != nil {
		if !a.enforce {
			return Principal{}, refusal(codes.Unauthenticated, ReasonTokenUnknown,
				"the token is not one this daemon knows (it may be a deleted lab's, or another daemon's); this daemon runs "+
					"without --auth, so a call without a token is the admin's, but a token that is sent must be one it knows; %s", howToPass)
		}
		return Principal{}, refusal(codes.Unauthenticated, ReasonTokenUnknown,
			"the token is not one this daemon knows (it may be a deleted lab's, or another daemon's); %s", howToPass)
	}
	if pol == adminOnly && !p.IsAdmin() {
		return Principal{}, refusal(codes.PermissionDenied, ReasonAdminOnly,
			"%s needs the admin token: a lab token reaches its own lab only", method[strings.LastIndexByte(method, '/')+1:])
	}
	return p, nil
}

// labField is the request's `lab` field, if it has one.
func labField(m protoreflect.Message) protoreflect.FieldDescriptor {
	fd := m.Descriptor().Fields().ByName("lab")
	if fd == nil || fd.Kind() != protoreflect.StringKind || fd.Cardinality() == protoreflect.Repeated {
		return nil
	}
	return fd
}

// scope makes the request's `lab` field name the lab the call is for: the
// metadata's lab fills an empty field (and must agree with a set one), and
// a lab token's own lab fills it after that; a lab token naming any other
// lab is refused as if that lab did not exist.
func scope(ctx context.Context, p Principal, method string, req any) error {
	msg, ok := req.(proto.Message)
	if !ok || msg == nil {
		return nil
	}
	m := msg.ProtoReflect()
	fd := labField(m)
	if fd == nil {
		return nil
	}
	lab := m.Get(fd).String()
	set := false
	for _, v := range metadata.ValueFromIncomingContext(ctx, LabMetadataKey) {
		switch {
		case v == "":
		case lab == "":
			lab, set = v, true
		case v != lab:
			return refusal(codes.InvalidArgument, ReasonLabMismatch,
				"the request names lab %q but its %s metadata names lab %q: send the same lab in both, or leave the field empty",
				lab, LabMetadataKey, v)
		}
	}
	if p.Kind == Lab {
		switch lab {
		case "":
			if ownLabMethods[method] {
				break
			}
			lab, set = p.Lab, true
		case p.Lab:
		default:
			return LabNotFound(lab)
		}
	}
	if set {
		m.Set(fd, protoreflect.ValueOfString(lab))
	}
	return nil
}

// UnaryInterceptor authenticates a unary RPC, applies its method's policy
// and its lab scope, and passes the caller to the handler's context.
func (a *Authenticator) UnaryInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		p, err := a.caller(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		if err := scope(ctx, p, info.FullMethod, req); err != nil {
			return nil, err
		}
		return h(NewContext(ctx, p), req)
	}
}

// StreamInterceptor does for a stream what UnaryInterceptor does for a
// unary RPC: the caller when the stream opens, the lab scope on every
// message it receives.
func (a *Authenticator) StreamInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		ctx := ss.Context()
		p, err := a.caller(ctx, info.FullMethod)
		if err != nil {
			return err
		}
		ctx = NewContext(ctx, p)
		return h(srv, &scopedStream{ServerStream: ss, ctx: ctx, p: p, method: info.FullMethod})
	}
}

// scopedStream applies the lab scope to each message a stream receives.
type scopedStream struct {
	grpc.ServerStream
	ctx    context.Context
	p      Principal
	method string
}

func (s *scopedStream) Context() context.Context { return s.ctx }

func (s *scopedStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return scope(s.ctx, s.p, s.method, m)
}
