package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/asalab/asalab/sim/scenario"
)

type scenarioData struct {
	base
	Running                          bool
	Why                              string // why none is shown
	Name, ScenarioTitle, Description string
	Started, Elapsed                 string
	HintsUsed, Hints                 int
	Goals                            []goalRow
	Passed                           int
	// Grade is the last grade asked for on this page (nil: none).
	Grade *gradeView
}

type goalRow struct {
	Check, Description, Line string
	Passed                   bool
	// State is "passed", "failed" or, for a goal only the grade decides
	// (its connections), "at grade".
	State string
}

type gradeView struct {
	Lines  []string
	Passed int
	Of     int
}

func (s *Server) scenarioData(c *labCtx) (scenarioData, *scenario.Engine) {
	d := scenarioData{base: s.base(c, "Scenario in "+c.name, "scenario")}
	var e *scenario.Engine
	if s.o.Scenario != nil {
		e = s.o.Scenario(c.name)
	}
	if e == nil {
		d.Why = "This lab runs no scenario engine."
		return d, nil
	}
	st, err := e.Status()
	if err != nil {
		if errors.Is(err, scenario.ErrNotRunning) {
			d.Why = "No scenario is running in this lab; start one with headendctl scenario start NAME."
			if m := strings.TrimPrefix(err.Error(), scenario.ErrNotRunning.Error()); m != "" {
				d.Why = "No scenario is running" + m + "."
			}
		} else {
			d.Why = err.Error()
		}
		return d, e
	}
	d.Running = true
	sc := st.Scenario
	d.Name, d.ScenarioTitle, d.Description = sc.Name, sc.Title, sc.Description
	d.Started = fmtTime(st.StartedAt)
	d.Elapsed = st.LabTime.Sub(st.StartedAt).String()
	d.HintsUsed, d.Hints = st.HintsUsed, len(sc.Hints)
	for _, g := range st.Goals {
		row := goalRow{Check: g.Goal.Check, Description: g.Goal.Description, Line: g.Line, Passed: g.Passed, State: "failed"}
		if g.Passed {
			row.State = "passed"
			d.Passed++
		} else if strings.HasPrefix(g.Line, "WAIT ") {
			row.State = "at grade"
		}
		d.Goals = append(d.Goals, row)
	}
	return d, e
}

func (s *Server) scenarioPage(w http.ResponseWriter, r *http.Request, c *labCtx) {
	d, _ := s.scenarioData(c)
	s.render(w, http.StatusOK, "scenario", d)
}

// gradeScenario grades the running scenario. Grading connects the goals'
// users through admission (the sessions show in the lab), so it is a POST.
func (s *Server) gradeScenario(w http.ResponseWriter, r *http.Request, c *labCtx) {
	d, e := s.scenarioData(c)
	if !d.Running {
		s.render(w, http.StatusConflict, "scenario", d)
		return
	}
	g, err := e.Grade()
	if err != nil {
		d.Why = err.Error()
		s.render(w, http.StatusConflict, "scenario", d)
		return
	}
	d.Grade = &gradeView{Lines: g.Lines(), Passed: g.Passed, Of: len(g.Goals)}
	s.render(w, http.StatusOK, "scenario", d)
}
