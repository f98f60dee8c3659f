package server

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/asalab/asalab/sim"
)

// TestFrontEndsImportTheLabOnly: the gRPC layer and the SSH consoles reach
// the headends, keys and the portal through sim alone, so that a family
// added beside the ASA needs no change in them. Of the module they import
// sim (and its subpackages) and the API's generated code, nothing else.
func TestFrontEndsImportTheLabOnly(t *testing.T) {
	const module = "github.com/asalab/asalab/"
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", ".", "../sshd").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		for _, p := range strings.Fields(imports) {
			rest, ours := strings.CutPrefix(p, module)
			if !ours || rest == "sim" || strings.HasPrefix(rest, "sim/") || strings.HasPrefix(rest, "proto/") {
				continue
			}
			t.Errorf("%s imports %s: a front-end reaches the module through sim and proto only", pkg, p)
		}
	}
}

// TestNotSupportedByFamily: asking a headend for what its family does not
// have (activation keys on a family without them) is FailedPrecondition
// with its own reason.
func TestNotSupportedByFamily(t *testing.T) {
	err := toStatus(fmt.Errorf("%w: ASAv10 headends have no activation keys (smart licensing)", sim.ErrNotSupported))
	st, _ := status.FromError(err)
	var reason string
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			reason = info.GetReason()
		}
	}
	if st.Code() != codes.FailedPrecondition || reason != "NOT_SUPPORTED_BY_FAMILY" ||
		!strings.HasPrefix(st.Message(), "not supported by the headend's family: ASAv10") {
		t.Errorf("status %v %q %q", st.Code(), reason, st.Message())
	}
}

// TestModelNotSimulated: a catalog model no family simulates is
// InvalidArgument with its own reason. Every catalog model has a family
// now (the ASAv's and the routers' came last), so no transcript can
// create one: the mapping is checked here.
func TestModelNotSimulated(t *testing.T) {
	err := toStatus(fmt.Errorf("%w: ASAv10 is licensed by smart, which comes in a later release", sim.ErrModelNotSimulated))
	st, _ := status.FromError(err)
	var reason string
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			reason = info.GetReason()
		}
	}
	if st.Code() != codes.InvalidArgument || reason != "MODEL_NOT_SIMULATED" {
		t.Errorf("status %v %q %q", st.Code(), reason, st.Message())
	}
}
