package auth_test

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/asalab/asalab/cmd/headendd/auth"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// BenchmarkUnaryInterceptor: the cost the interceptor adds to an
// AdmitConnection call, next to the handler called without it (the
// baseline), with tokens off (the routing rule only: no metadata, and a
// lab in the metadata that fills the request), the admin token, and a lab
// token whose lab fills the request.
func BenchmarkUnaryInterceptor(b *testing.B) {
	labs := &fakeLabs{tokens: map[string]string{tokA: "alpha"}}
	handler := func(ctx context.Context, req any) (any, error) { return req, nil }
	info := &grpc.UnaryServerInfo{FullMethod: "/headend.v1.HeadendService/AdmitConnection"}
	req := &headendv1.AdmitConnectionRequest{Headend: "fw01", User: "u1", Kind: headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT}
	ctxOf := func(md ...string) context.Context {
		return metadata.NewIncomingContext(context.Background(), metadata.Pairs(md...))
	}
	cases := []struct {
		name    string
		enforce bool
		ctx     context.Context
		bypass  bool
	}{
		{name: "baseline", ctx: ctxOf(), bypass: true},
		{name: "auth-off", ctx: ctxOf()},
		{name: "auth-off-lab-metadata", ctx: ctxOf("asalab-lab", "alpha")},
		{name: "admin", enforce: true, ctx: ctxOf("authorization", "Bearer "+adminToken)},
		{name: "lab-token", enforce: true, ctx: ctxOf("authorization", "Bearer "+tokA)},
	}
	for _, c := range cases {
		a, err := auth.New(auth.Options{Enforce: c.enforce, AdminToken: adminToken, Labs: labs})
		if err != nil {
			b.Fatal(err)
		}
		icpt := a.UnaryInterceptor()
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req.Lab = ""
				var err error
				if c.bypass {
					_, err = handler(c.ctx, req)
				} else {
					_, err = icpt(c.ctx, req, info, handler)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
