package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// The training scenario commands.

const scenarioUsage = "usage: scenario list | start NAME | status | hint | grade | reset | stop"

// scenarioTimeout bounds a start or reset: the setup moves the clock over
// weeks of lab time and builds the fleet.
const scenarioTimeout = 5 * time.Minute

func (c *cli) scenario(args []string) error {
	if len(args) == 0 {
		return usagef(scenarioUsage)
	}
	if args[0] == "start" {
		if len(args) != 2 {
			return usagef("usage: scenario start NAME")
		}
	} else if len(args) != 1 {
		return usagef(scenarioUsage)
	}
	if _, err := c.dial(); err != nil {
		return err
	}
	cx, cancel := context.WithTimeout(context.Background(), scenarioTimeout)
	defer cancel()
	sv := headendv1.NewScenarioServiceClient(c.conn)
	switch args[0] {
	case "list":
		resp, err := sv.ListScenarios(cx, &headendv1.ListScenariosRequest{Lab: c.lab})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			for _, sc := range resp.GetScenarios() {
				fmt.Fprintf(c.stdout, "%-20s %s (%d goals, %d hints)\n", sc.GetName(), sc.GetTitle(), sc.GetGoals(), sc.GetHints())
			}
			return nil
		})
	case "start":
		resp, err := sv.StartScenario(cx, &headendv1.StartScenarioRequest{Lab: c.lab, Name: args[1]})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error { c.printScenario(resp.GetStatus()); return nil })
	case "status":
		resp, err := sv.GetScenarioStatus(cx, &headendv1.GetScenarioStatusRequest{Lab: c.lab})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error { c.printScenario(resp.GetStatus()); return nil })
	case "hint":
		resp, err := sv.GetScenarioHint(cx, &headendv1.GetScenarioHintRequest{Lab: c.lab})
		if err != nil {
			return err
		}
		return c.emitf(resp, "hint %d/%d: %s\n", resp.GetNumber(), resp.GetTotal(), resp.GetHint())
	case "grade":
		resp, err := sv.GradeScenario(cx, &headendv1.GradeScenarioRequest{Lab: c.lab})
		if err != nil {
			return err
		}
		err = c.emit(resp, func() error {
			for _, l := range resp.GetLines() {
				fmt.Fprintln(c.stdout, l)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if resp.GetPassed() != resp.GetTotal() {
			return gradeFailed{passed: resp.GetPassed(), total: resp.GetTotal()}
		}
		return nil
	case "reset":
		resp, err := sv.ResetScenario(cx, &headendv1.ResetScenarioRequest{Lab: c.lab})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			if k := resp.GetKeptHeadends(); len(k) > 0 {
				fmt.Fprintf(c.stdout, "kept %s: not the scenario's headends\n", strings.Join(k, ", "))
			}
			c.printScenario(resp.GetStatus())
			return nil
		})
	case "stop":
		resp, err := sv.StopScenario(cx, &headendv1.StopScenarioRequest{Lab: c.lab})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			fmt.Fprintf(c.stdout, "stopped %s: its headends deleted\n", resp.GetName())
			if k := resp.GetKeptHeadends(); len(k) > 0 {
				fmt.Fprintf(c.stdout, "kept %s: not the scenario's headends\n", strings.Join(k, ", "))
			}
			return nil
		})
	}
	return usagef("scenario: unknown command %q (list, start, status, hint, grade, reset, stop)", args[0])
}

// gradeFailed: a goal of the scenario failed (exit status 1).
type gradeFailed struct{ passed, total int32 }

func (g gradeFailed) Error() string {
	return fmt.Sprintf("scenario grade: %d of %d goals passed", g.passed, g.total)
}

func (c *cli) printScenario(st *headendv1.ScenarioStatus) {
	fmt.Fprintf(c.stdout, "scenario %s: %s\n", st.GetName(), st.GetTitle())
	fmt.Fprintf(c.stdout, "started %s, lab time %s, hints used %d/%d\n",
		st.GetStartedAt().AsTime().Format("Mon 2006-01-02 15:04"), st.GetLabTime().AsTime().Format("Mon 2006-01-02 15:04"),
		st.GetHintsUsed(), st.GetHintsTotal())
	if d := st.GetDescription(); d != "" {
		fmt.Fprintln(c.stdout, strings.TrimSpace(d))
	}
	for _, g := range st.GetGoals() {
		fmt.Fprintln(c.stdout, "  "+g.GetLine())
	}
}
