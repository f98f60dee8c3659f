package server

import (
	"fmt"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// BenchmarkExecLimit: what one Exec costs the daemon on a headend with
// 1,000 local users (show running-config about 54 KB), client included,
// with -benchmem: one show running-config as the baseline, then 1,000 of
// them in one request, which the response limit refuses once its answer
// passes 4 MiB (it built 108 MB before there was a limit):
//
//	go test -run '^$' -bench ExecLimit -benchmem -benchtime 20x ./cmd/headendd/server
func BenchmarkExecLimit(b *testing.B) {
	e := newEnv(b)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa1"}); err != nil {
		b.Fatal(err)
	}
	for chunk := range 2 {
		lines := []string{"configure terminal"}
		for i := range 500 {
			lines = append(lines, fmt.Sprintf("username user%04d password secret%04d", chunk*500+i, i))
		}
		if _, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "asa1", Lines: lines}); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name  string
		lines []string
		code  codes.Code
	}{
		{"baseline_1_line", []string{"show running-config"}, codes.OK},
		{"1000_lines_refused", slices.Repeat([]string{"show running-config"}, 1000), codes.ResourceExhausted},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "asa1", Lines: c.lines})
				if status.Code(err) != c.code {
					b.Fatalf("%v, want %v", err, c.code)
				}
			}
		})
	}
}
