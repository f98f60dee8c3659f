package server

import (
	"context"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/scenario"
)

// scenarioClient serves e's lab with its scenario engine.
func scenarioClient(t *testing.T, e *env) headendv1.ScenarioServiceClient {
	t.Helper()
	eng, err := scenario.Open(e.lab)
	if err != nil {
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	gs := New(NewLabs(e.lab), Options{Scenarios: func(*sim.Lab) *scenario.Engine { return eng }})
	go gs.Serve(lis)
	t.Cleanup(gs.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return headendv1.NewScenarioServiceClient(conn)
}

// TestScenarioService: the service's answers and its refusals, each with
// its code and ErrorInfo reason.
func TestScenarioService(t *testing.T) {
	e := newEnv(t)
	sc := scenarioClient(t, e)
	want := func(what string, err error, text string) {
		t.Helper()
		if got := errText(err); !strings.HasPrefix(got, text) {
			t.Fatalf("%s: %s\nwant %s...", what, got, text)
		}
	}
	_, err := sc.GradeScenario(ctxT(), &headendv1.GradeScenarioRequest{})
	want("grade", err, "error: FailedPrecondition SCENARIO_NOT_RUNNING: scenario: no scenario is running")
	_, err = sc.StartScenario(ctxT(), &headendv1.StartScenarioRequest{Name: "shared-to-pls"})
	want("unknown", err, `error: NotFound SCENARIO_NOT_FOUND: scenario: no such scenario "shared-to-pls" (there are asav-smart, essentials-to-plus, premium-to-apex, rma-rehost, shared-to-plus, timebased-expiry)`)
	_, err = sc.StartScenario(ctxT(), &headendv1.StartScenarioRequest{})
	want("no name", err, "error: InvalidArgument INVALID_ARGUMENT: invalid argument: name: the scenario's name is required")
	_, err = sc.ListScenarios(ctxT(), &headendv1.ListScenariosRequest{Lab: "other"})
	want("other lab", err, "error: NotFound LAB_NOT_FOUND")
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa1"}); err != nil {
		t.Fatal(err)
	}
	_, err = sc.StartScenario(ctxT(), &headendv1.StartScenarioRequest{Name: "shared-to-plus"})
	want("lab with a headend", err, "error: FailedPrecondition SCENARIO_LAB_NOT_EMPTY: scenario: the lab has headends: 1 headends")
	if _, err := e.hc.DeleteHeadend(ctxT(), &headendv1.DeleteHeadendRequest{Hostname: "asa1"}); err != nil {
		t.Fatal(err)
	}
	resp, err := sc.StartScenario(ctxT(), &headendv1.StartScenarioRequest{Name: "shared-to-plus"})
	if err != nil {
		t.Fatal(err)
	}
	st := resp.GetStatus()
	if st.GetName() != "shared-to-plus" || st.GetHintsTotal() != 4 || len(st.GetGoals()) != 7 ||
		st.GetStartedAt().AsTime().Format("Mon 15:04") != "Mon 08:00" {
		t.Fatalf("status: %v", st)
	}
	_, err = sc.StartScenario(ctxT(), &headendv1.StartScenarioRequest{Name: "rma-rehost"})
	want("second start", err, "error: FailedPrecondition SCENARIO_RUNNING: scenario: a scenario is running: shared-to-plus")
	for i := 1; i <= 4; i++ {
		h, err := sc.GetScenarioHint(ctxT(), &headendv1.GetScenarioHintRequest{})
		if err != nil || h.GetNumber() != int32(i) || h.GetTotal() != 4 {
			t.Fatalf("hint %d: %v %v", i, h, err)
		}
	}
	_, err = sc.GetScenarioHint(ctxT(), &headendv1.GetScenarioHintRequest{})
	want("fifth hint", err, "error: FailedPrecondition SCENARIO_NO_MORE_HINTS: scenario: no more hints: all 4 hints of shared-to-plus were given")
	g, err := sc.GradeScenario(ctxT(), &headendv1.GradeScenarioRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if g.GetTotal() != 7 || g.GetPassed() != 3 || g.GetHintsUsed() != 4 || g.GetLines()[7] != "hints used 4" || g.GetLines()[8] != "score 3/7" {
		t.Fatalf("grade: %v", g)
	}
}
