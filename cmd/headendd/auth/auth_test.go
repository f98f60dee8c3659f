package auth_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/asalab/asalab/cmd/headendd/auth"
	"github.com/asalab/asalab/cmd/headendd/server"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

const adminToken = "asalab_admin_TESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTEST"

// fakeLabs knows lab tokens; delete forgets a lab's, as deleting a lab does.
type fakeLabs struct {
	mu     sync.Mutex
	tokens map[string]string
}

func (f *fakeLabs) LabOfToken(token string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if lab, ok := f.tokens[token]; ok {
		return lab, nil
	}
	return "", errors.New("labs: unknown token")
}

func (f *fakeLabs) delete(lab string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for t, l := range f.tokens {
		if l == lab {
			delete(f.tokens, t)
		}
	}
}

const (
	tokA = "asalab_tokenOfLabAlphaXXXXXXXXXXXXXXXX"
	tokB = "asalab_tokenOfLabBravoXXXXXXXXXXXXXXXX"
)

func newAuth(t *testing.T, enforce bool) (*auth.Authenticator, *fakeLabs) {
	t.Helper()
	labs := &fakeLabs{tokens: map[string]string{tokA: "alpha", tokB: "bravo"}}
	a, err := auth.New(auth.Options{Enforce: enforce, AdminToken: adminToken, Labs: labs})
	if err != nil {
		t.Fatal(err)
	}
	return a, labs
}

// call runs a unary RPC through the interceptor and reports whether the
// handler ran, the request it saw and the caller in its context.
type result struct {
	ran    bool
	req    proto.Message
	caller auth.Principal
	err    error
}

func call(a *auth.Authenticator, method string, req proto.Message, md ...string) result {
	ctx := context.Background()
	if len(md) > 0 {
		ctx = metadata.NewIncomingContext(ctx, metadata.Pairs(md...))
	}
	var r result
	_, r.err = a.UnaryInterceptor()(ctx, req, &grpc.UnaryServerInfo{FullMethod: method}, func(ctx context.Context, req any) (any, error) {
		r.ran, r.req, r.caller = true, req.(proto.Message), auth.FromContext(ctx)
		return nil, nil
	})
	return r
}

const (
	getHeadend = "/headend.v1.HeadendService/GetHeadend"
	createLab  = "/headend.v1.LabsService/CreateLab"
)

func bearer(tok string) []string { return []string{"authorization", "Bearer " + tok} }

// wantRefused checks the status code, the ErrorInfo reason and that the
// handler did not run.
func wantRefused(t *testing.T, r result, code codes.Code, reason string) *status.Status {
	t.Helper()
	if r.ran {
		t.Fatalf("the handler ran; want %v %s", code, reason)
	}
	st := status.Convert(r.err)
	if st.Code() != code {
		t.Fatalf("code %v (%s), want %v", st.Code(), st.Message(), code)
	}
	var got string
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			got = ei.GetReason()
			if ei.GetDomain() != server.ErrorDomain {
				t.Errorf("ErrorInfo domain %q, want %q", ei.GetDomain(), server.ErrorDomain)
			}
		}
	}
	if got != reason {
		t.Fatalf("reason %q, want %q (%s)", got, reason, st.Message())
	}
	return st
}

func wantRan(t *testing.T, r result) {
	t.Helper()
	if r.err != nil || !r.ran {
		t.Fatalf("ran %v, err %v; want the handler to run", r.ran, r.err)
	}
}

func TestNoTokenUnauthenticated(t *testing.T) {
	a, _ := newAuth(t, true)
	st := wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{Hostname: "asa1"}), codes.Unauthenticated, "UNAUTHENTICATED")
	for _, want := range []string{"--token", "ASALAB_TOKEN", "admin.token"} {
		if !strings.Contains(st.Message(), want) {
			t.Errorf("message %q does not say %q", st.Message(), want)
		}
	}
	// Not a bearer token, or two of them.
	wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, "authorization", "Basic "+adminToken), codes.Unauthenticated, "UNAUTHENTICATED")
	wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, "authorization", adminToken), codes.Unauthenticated, "UNAUTHENTICATED")
	wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, append(bearer(adminToken), bearer(tokA)...)...),
		codes.Unauthenticated, "UNAUTHENTICATED")
}

func TestUnknownTokenUnauthenticated(t *testing.T) {
	a, labs := newAuth(t, true)
	for _, tok := range []string{"asalab_nope", adminToken + "x", adminToken[:len(adminToken)-1], strings.Repeat("a", 10000)} {
		st := wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, bearer(tok)...), codes.Unauthenticated, "TOKEN_UNKNOWN")
		if strings.Contains(st.Message(), tok) {
			t.Errorf("the message echoes the token: %s", st.Message())
		}
	}
	// A deleted lab's token.
	wantRan(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, bearer(tokA)...))
	labs.delete("alpha")
	wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, bearer(tokA)...), codes.Unauthenticated, "TOKEN_UNKNOWN")
}

func TestAdminToken(t *testing.T) {
	a, _ := newAuth(t, true)
	for _, hdr := range []string{"Bearer " + adminToken, "bearer " + adminToken, "  Bearer  " + adminToken + " "} {
		r := call(a, getHeadend, &headendv1.GetHeadendRequest{Hostname: "asa1"}, "authorization", hdr)
		wantRan(t, r)
		if !r.caller.IsAdmin() {
			t.Errorf("%q: caller %+v, want admin", hdr, r.caller)
		}
		if lab := r.req.(*headendv1.GetHeadendRequest).GetLab(); lab != "" {
			t.Errorf("the admin's empty lab became %q; it means the default lab", lab)
		}
	}
	for _, m := range []string{createLab, "/headend.v1.LabsService/DeleteLab", "/headend.v1.LabsService/ListLabs", "/headend.v1.LabsService/CreateLabToken"} {
		wantRan(t, call(a, m, &headendv1.CreateLabRequest{Lab: "x"}, bearer(adminToken)...))
	}
	// Any lab.
	r := call(a, getHeadend, &headendv1.GetHeadendRequest{Lab: "bravo"}, bearer(adminToken)...)
	wantRan(t, r)
	if lab := r.req.(*headendv1.GetHeadendRequest).GetLab(); lab != "bravo" {
		t.Errorf("lab %q", lab)
	}
}

func TestLabTokenReachesItsLabOnly(t *testing.T) {
	a, _ := newAuth(t, true)
	// An empty lab is the token's lab.
	r := call(a, getHeadend, &headendv1.GetHeadendRequest{Hostname: "asa1"}, bearer(tokA)...)
	wantRan(t, r)
	if got := r.req.(*headendv1.GetHeadendRequest).GetLab(); got != "alpha" {
		t.Errorf("lab %q, want alpha", got)
	}
	if r.caller != (auth.Principal{Kind: auth.Lab, Lab: "alpha"}) {
		t.Errorf("caller %+v", r.caller)
	}
	wantRan(t, call(a, getHeadend, &headendv1.GetHeadendRequest{Lab: "alpha"}, bearer(tokA)...))

	// Another lab, existing or not, and the default lab: the same answer.
	var msgs []string
	for _, lab := range []string{"bravo", "nosuchlab", "default"} {
		st := wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{Lab: lab, Hostname: "asa1"}, bearer(tokA)...), codes.NotFound, "LAB_NOT_FOUND")
		msgs = append(msgs, strings.ReplaceAll(st.Message(), lab, "L"))
	}
	if msgs[0] != msgs[1] || msgs[1] != msgs[2] {
		t.Errorf("the messages tell labs apart: %q", msgs)
	}
	// Through the metadata too.
	wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, append(bearer(tokA), "asalab-lab", "bravo")...), codes.NotFound, "LAB_NOT_FOUND")

	// The lab's own LabsService calls.
	for _, m := range []string{"GetLab", "ResetLab", "ApplyLab"} {
		r := call(a, "/headend.v1.LabsService/"+m, &headendv1.ApplyLabRequest{}, bearer(tokA)...)
		wantRan(t, r)
		// ApplyLab's empty lab is left to the handler: the file's lab
		// outranks the token's (and the handler refuses any but alpha).
		want := map[bool]string{true: "", false: "alpha"}[m == "ApplyLab"]
		if got := r.req.(*headendv1.ApplyLabRequest).GetLab(); got != want {
			t.Errorf("%s: lab %q, want %q", m, got, want)
		}
		wantRefused(t, call(a, "/headend.v1.LabsService/"+m, &headendv1.ApplyLabRequest{Lab: "bravo"}, bearer(tokA)...), codes.NotFound, "LAB_NOT_FOUND")
	}
	// A request without a lab field.
	wantRan(t, call(a, "/headend.v1.HeadendService/ListPlatforms", &headendv1.ListPlatformsRequest{}, bearer(tokA)...))
}

func TestLabTokenAdminOnly(t *testing.T) {
	a, _ := newAuth(t, true)
	for _, m := range []string{"CreateLab", "DeleteLab", "ListLabs", "CreateLabToken"} {
		for _, lab := range []string{"", "alpha", "bravo"} {
			st := wantRefused(t, call(a, "/headend.v1.LabsService/"+m, &headendv1.DeleteLabRequest{Lab: lab}, bearer(tokA)...),
				codes.PermissionDenied, "ADMIN_ONLY")
			if !strings.Contains(st.Message(), m) || !strings.Contains(st.Message(), "admin token") {
				t.Errorf("message %q", st.Message())
			}
		}
	}
}

func TestHealthAndReflectionNeedNoToken(t *testing.T) {
	a, _ := newAuth(t, true)
	for _, m := range []string{"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch", "/grpc.health.v1.Health/List",
		"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"} {
		r := call(a, m, &headendv1.ListPlatformsRequest{})
		wantRan(t, r)
		if r.caller.Kind != auth.None {
			t.Errorf("%s: caller %+v, want none", m, r.caller)
		}
		// A bad token is no reason to refuse them either.
		wantRan(t, call(a, m, &headendv1.ListPlatformsRequest{}, bearer("garbage")...))
	}
	// A service whose name starts like one of them is not one of them.
	wantRefused(t, call(a, "/grpc.health.v1.HealthX/Check", &headendv1.ListPlatformsRequest{}), codes.Unauthenticated, "UNAUTHENTICATED")
}

// The routing key: the metadata fills an empty lab field and must agree
// with a set one, with tokens enforced or not.
func TestLabMetadata(t *testing.T) {
	for _, enforce := range []bool{false, true} {
		a, _ := newAuth(t, enforce)
		tok := bearer(adminToken)
		r := call(a, getHeadend, &headendv1.GetHeadendRequest{}, append(tok, "asalab-lab", "bravo")...)
		wantRan(t, r)
		if got := r.req.(*headendv1.GetHeadendRequest).GetLab(); got != "bravo" {
			t.Errorf("enforce %v: lab %q, want bravo", enforce, got)
		}
		wantRan(t, call(a, getHeadend, &headendv1.GetHeadendRequest{Lab: "bravo"}, append(tok, "asalab-lab", "bravo")...))
		st := wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{Lab: "alpha"}, append(tok, "asalab-lab", "bravo")...),
			codes.InvalidArgument, "LAB_MISMATCH")
		if !strings.Contains(st.Message(), `"alpha"`) || !strings.Contains(st.Message(), `"bravo"`) {
			t.Errorf("message %q names neither lab", st.Message())
		}
		wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, append(tok, "asalab-lab", "bravo", "asalab-lab", "alpha")...),
			codes.InvalidArgument, "LAB_MISMATCH")
		// The lab's own token with its lab in the metadata.
		if enforce {
			wantRan(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, append(bearer(tokB), "asalab-lab", "bravo")...))
		}
	}
}

func TestAuthOffLetsEveryoneThrough(t *testing.T) {
	a, _ := newAuth(t, false)
	for _, m := range []string{getHeadend, createLab} {
		r := call(a, m, &headendv1.GetHeadendRequest{})
		wantRan(t, r)
		if !r.caller.IsAdmin() {
			t.Errorf("caller %+v, want admin", r.caller)
		}
		if got := r.req.(*headendv1.GetHeadendRequest).GetLab(); got != "" {
			t.Errorf("lab %q, want empty", got)
		}
	}
}

// Without --auth a call without a token is the admin's, but a token that
// is sent counts as with --auth: a lab token scopes the call to its lab,
// and an unknown token is refused rather than taken for the admin.
func TestTokensCountWithoutAuth(t *testing.T) {
	a, _ := newAuth(t, false)
	r := call(a, getHeadend, &headendv1.GetHeadendRequest{Hostname: "asa1"}, bearer(tokA)...)
	wantRan(t, r)
	if got := r.req.(*headendv1.GetHeadendRequest).GetLab(); got != "alpha" {
		t.Errorf("lab %q, want alpha (the token's)", got)
	}
	if r.caller != (auth.Principal{Kind: auth.Lab, Lab: "alpha"}) {
		t.Errorf("caller %+v, want lab alpha", r.caller)
	}
	for _, lab := range []string{"bravo", "default"} {
		wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{Lab: lab}, bearer(tokA)...), codes.NotFound, "LAB_NOT_FOUND")
	}
	wantRefused(t, call(a, createLab, &headendv1.CreateLabRequest{Lab: "x"}, bearer(tokA)...), codes.PermissionDenied, "ADMIN_ONLY")

	st := wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, bearer("bogus")...), codes.Unauthenticated, "TOKEN_UNKNOWN")
	if !strings.Contains(st.Message(), "without --auth") {
		t.Errorf("message %q does not say why a token is checked without --auth", st.Message())
	}
	wantRefused(t, call(a, getHeadend, &headendv1.GetHeadendRequest{}, "authorization", "Basic abc"), codes.Unauthenticated, "UNAUTHENTICATED")

	r = call(a, createLab, &headendv1.CreateLabRequest{}, bearer(adminToken)...)
	wantRan(t, r)
	if !r.caller.IsAdmin() {
		t.Errorf("admin token: caller %+v", r.caller)
	}
	// Health checks stay open whatever they carry.
	wantRan(t, call(a, "/grpc.health.v1.Health/Check", &headendv1.ListPlatformsRequest{}, bearer("bogus")...))

	// A stream's messages too.
	ss := &fakeStream{ctx: metadata.NewIncomingContext(context.Background(), metadata.Pairs(bearer(tokA)...)),
		reqs: []*headendv1.AdmitConnectionsRequest{{}, {Lab: "bravo"}}}
	var labs []string
	err := a.StreamInterceptor()(nil, ss, &grpc.StreamServerInfo{FullMethod: "/headend.v1.HeadendService/AdmitConnections"},
		func(_ any, ss grpc.ServerStream) error {
			for {
				var m headendv1.AdmitConnectionsRequest
				if err := ss.RecvMsg(&m); err != nil {
					return err
				}
				labs = append(labs, m.GetLab())
			}
		})
	if status.Code(err) != codes.NotFound || strings.Join(labs, ",") != "alpha" {
		t.Errorf("stream: labs %q err %v; want alpha, then NotFound", labs, err)
	}
}

// fakeStream is a server stream that receives reqs in turn.
type fakeStream struct {
	grpc.ServerStream
	ctx  context.Context
	reqs []*headendv1.AdmitConnectionsRequest
}

func (s *fakeStream) Context() context.Context { return s.ctx }

func (s *fakeStream) RecvMsg(m any) error {
	if len(s.reqs) == 0 {
		return io.EOF
	}
	proto.Merge(m.(proto.Message), s.reqs[0])
	s.reqs = s.reqs[1:]
	return nil
}

func TestStreams(t *testing.T) {
	a, _ := newAuth(t, true)
	run := func(md []string, reqs ...*headendv1.AdmitConnectionsRequest) (labs []string, caller auth.Principal, ran bool, err error) {
		ss := &fakeStream{ctx: metadata.NewIncomingContext(context.Background(), metadata.Pairs(md...)), reqs: reqs}
		info := &grpc.StreamServerInfo{FullMethod: "/headend.v1.HeadendService/AdmitConnections", IsClientStream: true, IsServerStream: true}
		err = a.StreamInterceptor()(nil, ss, info, func(_ any, ss grpc.ServerStream) error {
			ran, caller = true, auth.FromContext(ss.Context())
			for {
				var m headendv1.AdmitConnectionsRequest
				if err := ss.RecvMsg(&m); err == io.EOF {
					return nil
				} else if err != nil {
					return err
				}
				labs = append(labs, m.GetLab())
			}
		})
		return labs, caller, ran, err
	}
	if _, _, ran, err := run(nil, &headendv1.AdmitConnectionsRequest{}); ran || status.Code(err) != codes.Unauthenticated {
		t.Fatalf("no token: ran %v, err %v", ran, err)
	}
	labs, caller, _, err := run(bearer(tokA), &headendv1.AdmitConnectionsRequest{}, &headendv1.AdmitConnectionsRequest{Lab: "alpha"})
	if err != nil || strings.Join(labs, ",") != "alpha,alpha" || caller.Lab != "alpha" {
		t.Fatalf("labs %q caller %+v err %v", labs, caller, err)
	}
	// The second message names another lab: the stream ends there.
	labs, _, _, err = run(bearer(tokA), &headendv1.AdmitConnectionsRequest{}, &headendv1.AdmitConnectionsRequest{Lab: "bravo"})
	if status.Code(err) != codes.NotFound || len(labs) != 1 {
		t.Fatalf("labs %q err %v", labs, err)
	}
	labs, _, _, err = run(append(bearer(adminToken), "asalab-lab", "bravo"), &headendv1.AdmitConnectionsRequest{})
	if err != nil || strings.Join(labs, ",") != "bravo" {
		t.Fatalf("labs %q err %v", labs, err)
	}
}

func TestAuthenticate(t *testing.T) {
	a, _ := newAuth(t, true)
	if _, err := a.Authenticate(""); !errors.Is(err, auth.ErrNoToken) {
		t.Errorf("empty: %v", err)
	}
	if _, err := a.Authenticate("asalab_nope"); !errors.Is(err, auth.ErrUnknownToken) {
		t.Errorf("unknown: %v", err)
	}
	if p, err := a.Authenticate(adminToken); err != nil || !p.IsAdmin() {
		t.Errorf("admin: %+v %v", p, err)
	}
	if p, err := a.Authenticate(tokB); err != nil || p != (auth.Principal{Kind: auth.Lab, Lab: "bravo"}) {
		t.Errorf("lab: %+v %v", p, err)
	}
	if _, err := auth.New(auth.Options{}); err == nil {
		t.Error("an empty admin token was accepted")
	}
}

// Every request of the API names its lab, but for the two that concern no
// one lab: a new RPC whose request had no lab field would reach the
// default lab whatever lab token called it.
func TestEveryRequestNamesItsLab(t *testing.T) {
	var without []string
	protoregistry.GlobalFiles.RangeFilesByPackage("headend.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := 0; i < fd.Services().Len(); i++ {
			svc := fd.Services().Get(i)
			for j := 0; j < svc.Methods().Len(); j++ {
				m := svc.Methods().Get(j)
				f := m.Input().Fields().ByName("lab")
				if f == nil || f.Kind() != protoreflect.StringKind {
					without = append(without, string(m.FullName()))
				}
			}
		}
		return true
	})
	if got := strings.Join(without, " "); got != "headend.v1.HeadendService.ListPlatforms headend.v1.LabsService.ListLabs" {
		t.Errorf("requests without a lab field: %s", got)
	}
}

// The admin-only methods are methods of the API (a renamed RPC would
// otherwise become callable by lab tokens without a word).
func TestAdminMethodsExist(t *testing.T) {
	methods := map[string]bool{}
	for _, m := range headendv1.LabsService_ServiceDesc.Methods {
		methods[m.MethodName] = true
	}
	for _, m := range []string{"CreateLab", "DeleteLab", "ListLabs", "CreateLabToken"} {
		if !methods[m] {
			t.Errorf("LabsService has no %s", m)
		}
	}
}

func TestAdminTokenFile(t *testing.T) {
	dir := t.TempDir()
	tok, path, created, err := auth.LoadOrCreateAdminToken(dir)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	if path != filepath.Join(dir, "admin.token") || !strings.HasPrefix(tok, "asalab_admin_") || len(tok) != len("asalab_admin_")+43 {
		t.Fatalf("path %s token length %d", path, len(tok))
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", fi.Mode(), err)
	}
	again, _, created, err := auth.LoadOrCreateAdminToken(dir)
	if err != nil || created || again != tok {
		t.Fatalf("second start: created %v err %v, same %v", created, err, again == tok)
	}
	// A file cut short is refused, not trusted.
	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := auth.LoadOrCreateAdminToken(dir); err == nil || !strings.Contains(err.Error(), "remove it") {
		t.Fatalf("short token: %v", err)
	}
}

func TestErrorDomain(t *testing.T) {
	if auth.ErrorDomain != server.ErrorDomain {
		t.Errorf("auth.ErrorDomain %q, server.ErrorDomain %q", auth.ErrorDomain, server.ErrorDomain)
	}
}
