package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/asalab/asalab/sim"
)

// clockSteps are the steps the clock page offers; any other duration from
// a minute to a year may be typed in the URL.
var clockSteps = []string{"5m", "15m", "1h", "6h", "1d", "7d"}

const maxClockStep = 366 * 24 * time.Hour

type clockData struct {
	base
	Steps []string
	// Step is the step asked for; Confirm shows the confirmation form.
	Step    string
	Confirm bool
	Moved   string // the lab time after an advance
	Error   string
	Mode    string
}

// parseStep reads a clock step: a Go duration ("90m", "1h") or whole days
// ("7d"), from a minute to a year.
func parseStep(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, fmt.Errorf("%q is not a step such as 1h or 7d", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not a step such as 1h or 7d", s)
		}
	}
	if d < time.Minute || d > maxClockStep {
		return 0, fmt.Errorf("a step is from 1m to %dd, not %s", int(maxClockStep/(24*time.Hour)), s)
	}
	return d, nil
}

func (s *Server) clockData(c *labCtx) clockData {
	return clockData{base: s.base(c, "Lab clock of "+c.name, "clock"), Steps: clockSteps, Mode: c.lab.Clock().Mode().String()}
}

func (s *Server) clockPage(w http.ResponseWriter, r *http.Request, c *labCtx) {
	d := s.clockData(c)
	q := r.URL.Query()
	d.Moved = q.Get("moved")
	status := http.StatusOK
	if step := q.Get("step"); step != "" {
		d.Step = step
		if _, err := parseStep(step); err != nil {
			d.Error, status = err.Error(), http.StatusBadRequest
		} else if !d.Sim {
			d.Error, status = "This lab runs on the real clock: its time cannot be moved.", http.StatusConflict
		} else {
			d.Confirm = true
		}
	}
	s.render(w, status, "clock", d)
}

// advanceClock moves a simulated clock by the confirmed step: a POST with
// the session's CSRF token (checked by labPage) and confirm=yes.
func (s *Server) advanceClock(w http.ResponseWriter, r *http.Request, c *labCtx) {
	d := s.clockData(c)
	step := r.PostFormValue("step")
	d.Step = step
	dur, err := parseStep(step)
	if err != nil {
		d.Error = err.Error()
		s.render(w, http.StatusBadRequest, "clock", d)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		d.Confirm = true
		s.render(w, http.StatusOK, "clock", d)
		return
	}
	now, err := c.lab.AdvanceClock(dur)
	if err != nil {
		d.Error = err.Error()
		status := http.StatusConflict
		if errors.Is(err, sim.ErrInvalidArgument) {
			status = http.StatusBadRequest
		}
		s.render(w, status, "clock", d)
		return
	}
	s.log.Debug("web: clock advanced")
	http.Redirect(w, r, labURL(c.name)+"clock?moved="+url.QueryEscape(now.UTC().Format(time.RFC3339)), http.StatusSeeOther)
}
