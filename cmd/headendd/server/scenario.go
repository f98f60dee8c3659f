package server

import (
	"context"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/scenario"
)

type scenarioService struct {
	headendv1.UnsafeScenarioServiceServer
	labs    *Labs
	engines func(*sim.Lab) *scenario.Engine
}

// engine is the scenario engine of the request's lab.
func (s *scenarioService) engine(name string) (*scenario.Engine, error) {
	lab, err := s.labs.get(name)
	if err != nil {
		return nil, err
	}
	if s.engines != nil {
		if e := s.engines(lab); e != nil {
			return e, nil
		}
	}
	return nil, toStatus(wrapf(scenario.ErrNotRunning, "lab %q has no training scenarios", lab.Name()))
}

func goalsPB(rs []scenario.Result) []*headendv1.GoalResult {
	out := make([]*headendv1.GoalResult, len(rs))
	for i, r := range rs {
		out[i] = &headendv1.GoalResult{Goal: r.Goal.Description, Passed: r.Passed, Line: r.Line}
	}
	return out
}

func scenarioStatusPB(st scenario.Status) *headendv1.ScenarioStatus {
	sc := st.Scenario
	return &headendv1.ScenarioStatus{Name: sc.Name, Title: sc.Title, Description: sc.Description,
		StartedAt: tsPB(st.StartedAt), LabTime: tsPB(st.LabTime), HintsUsed: int32(st.HintsUsed),
		HintsTotal: int32(len(sc.Hints)), Goals: goalsPB(st.Goals)}
}

func (s *scenarioService) ListScenarios(_ context.Context, req *headendv1.ListScenariosRequest) (*headendv1.ListScenariosResponse, error) {
	e, err := s.engine(req.GetLab())
	if err != nil {
		return nil, err
	}
	resp := &headendv1.ListScenariosResponse{}
	for _, sc := range e.List() {
		resp.Scenarios = append(resp.Scenarios, &headendv1.ScenarioSummary{Name: sc.Name, Title: sc.Title,
			Description: sc.Description, Goals: int32(len(sc.Goals)), Hints: int32(len(sc.Hints))})
	}
	return resp, nil
}

func (s *scenarioService) StartScenario(_ context.Context, req *headendv1.StartScenarioRequest) (*headendv1.StartScenarioResponse, error) {
	e, err := s.engine(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetName() == "" {
		return nil, invalid("name: the scenario's name is required (ListScenarios lists them)")
	}
	if err := needLen("name", req.GetName()); err != nil {
		return nil, err
	}
	st, err := e.Start(req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.StartScenarioResponse{Status: scenarioStatusPB(st)}, nil
}

func (s *scenarioService) GetScenarioStatus(_ context.Context, req *headendv1.GetScenarioStatusRequest) (*headendv1.GetScenarioStatusResponse, error) {
	e, err := s.engine(req.GetLab())
	if err != nil {
		return nil, err
	}
	st, err := e.Status()
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.GetScenarioStatusResponse{Status: scenarioStatusPB(st)}, nil
}

func (s *scenarioService) GetScenarioHint(_ context.Context, req *headendv1.GetScenarioHintRequest) (*headendv1.GetScenarioHintResponse, error) {
	e, err := s.engine(req.GetLab())
	if err != nil {
		return nil, err
	}
	n, total, hint, err := e.Hint()
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.GetScenarioHintResponse{Number: int32(n), Total: int32(total), Hint: hint}, nil
}

func (s *scenarioService) GradeScenario(_ context.Context, req *headendv1.GradeScenarioRequest) (*headendv1.GradeScenarioResponse, error) {
	e, err := s.engine(req.GetLab())
	if err != nil {
		return nil, err
	}
	g, err := e.Grade()
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.GradeScenarioResponse{Goals: goalsPB(g.Goals), Passed: int32(g.Passed), Total: int32(len(g.Goals)),
		HintsUsed: int32(g.HintsUsed), Lines: g.Lines()}, nil
}

func (s *scenarioService) ResetScenario(_ context.Context, req *headendv1.ResetScenarioRequest) (*headendv1.ResetScenarioResponse, error) {
	e, err := s.engine(req.GetLab())
	if err != nil {
		return nil, err
	}
	st, err := e.Reset()
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.ResetScenarioResponse{Status: scenarioStatusPB(st), KeptHeadends: st.Kept}, nil
}

func (s *scenarioService) StopScenario(_ context.Context, req *headendv1.StopScenarioRequest) (*headendv1.StopScenarioResponse, error) {
	e, err := s.engine(req.GetLab())
	if err != nil {
		return nil, err
	}
	name, kept, err := e.Stop()
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.StopScenarioResponse{Name: name, KeptHeadends: kept}, nil
}
