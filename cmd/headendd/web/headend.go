package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/asalab/asalab/sim"
)

type headendData struct {
	base
	Row fleetRow
	// Features is the licensed features as the headend's `show version`
	// prints them; FeaturesError why there are none to show (the headend
	// is down).
	Features, FeaturesError string
	Keys                    *keysView
	Failover                *failoverView
	Shared                  *sharedView
	Smart                   *sim.SmartLicense
	SmartTimes              []smartTime
	Sessions                []sessionRow
	MoreSessions            bool
	// Console is the console pane: the lines typed and what the headend
	// printed.
	Console consoleView
}

type keysView struct {
	Running, Flash string
	Timed          []timedRow
}

type timedRow struct {
	Key      string
	Active   bool
	DaysLeft int
	Features string
}

type failoverView struct {
	Role, State, Mate, MateSerial, MateState string
	MateSeen, LANUp                          bool
	Mismatch                                 string
}

type sharedView struct {
	Role, Pool, Server              string
	Active                          bool
	Borrowed, PlatformLimit         int
	CurrentUsage, HighUsage         int
	TotalForNetwork, Available, Use int
	ExpiresAt                       string
}

type sessionRow struct {
	ID                         uint64
	User, Device, License      string
	AssignedIP, PublicIP, Kind string
}

type consoleView struct {
	Input, Output, Error string
	Ran                  bool
}

// consoleMaxLines caps the lines one console form runs: the pane is for a
// few commands, scripts go through the API.
const consoleMaxLines = 50

func (s *Server) headendPage(w http.ResponseWriter, r *http.Request, c *labCtx) {
	d, status := s.headendData(c, r.PathValue("host"))
	s.render(w, status, "headend", d)
}

func (s *Server) headendData(c *labCtx, host string) (headendData, int) {
	d := headendData{base: s.base(c, host+" in "+c.name, "fleet")}
	sn, err := c.lab.Get(host)
	if err != nil {
		d.Title = "No headend " + host
		d.FeaturesError = errMessage(err)
		return d, http.StatusNotFound
	}
	s.sampler(c.lab) // the charts start with the first look at the lab
	d.Row = s.fleetRow(c.lab, s.refusalsLastHour(c.lab, c.lab.Clock().Now()), &sn)
	d.Features, d.FeaturesError = s.features(c.lab, d.Row.Hostname)
	if k, ok := sn.KeyLicense(); ok {
		kv := &keysView{Running: k.RunningKey, Flash: k.FlashKey}
		for _, t := range k.Timed {
			kv.Timed = append(kv.Timed, timedRow{Key: t.Key, Active: t.Active, DaysLeft: t.DaysRemaining, Features: strings.Join(t.Features, ", ")})
		}
		d.Keys = kv
	}
	if f := sn.Failover; f.Enabled {
		d.Failover = &failoverView{Role: f.Role, State: failoverStateName(f.State), Mate: f.MateHostname, MateSerial: f.MateSerial,
			MateSeen: f.MateSeen, MateState: failoverStateName(f.MateState), LANUp: f.LANUp, Mismatch: sn.FailoverMismatch}
	}
	if st := sn.Shared; st.Role != sim.SharedNone {
		sv := &sharedView{Role: sharedRoleName(st.Role), Pool: sn.SharedPool, Active: st.Active, Borrowed: st.Borrowed,
			PlatformLimit: st.PlatformLimit, CurrentUsage: st.CurrentUsage, HighUsage: st.HighUsage,
			TotalForNetwork: st.TotalForNetwork, Available: st.Available, Use: st.Utilized, ExpiresAt: fmtTime(st.ExpiresAt)}
		if st.ServerAddr.IsValid() {
			sv.Server = st.ServerAddr.String()
		}
		d.Shared = sv
	}
	if sl, ok := sn.SmartLicense(); ok {
		d.Smart = &sl
		d.SmartTimes = smartTimes(&sl)
	}
	sess, more, err := c.lab.Sessions(d.Row.Hostname, 0, 100)
	if err == nil {
		for _, v := range sess {
			d.Sessions = append(d.Sessions, sessionRow{ID: v.Info.ID, User: v.User, Device: v.Device, License: v.License,
				AssignedIP: v.AssignedIP, PublicIP: v.PublicIP, Kind: v.Info.Kind.String()})
		}
		d.MoreSessions = more
	}
	return d, http.StatusOK
}

// features runs `show version` on the headend's console, as a user would,
// and keeps its licensing part: an ASA's from "Licensed features" to the
// line that names its license ("This platform has ..."), an IOS router's
// from "License Info:" to the configuration register. Output without
// either is shown whole.
func (s *Server) features(lab *sim.Lab, host string) (text, why string) {
	res, err := lab.Exec(host, []string{"show version"})
	if err != nil {
		return "", errMessage(err)
	}
	if len(res.Results) == 0 {
		return "", "the console printed nothing"
	}
	out := res.Results[0].Output
	for _, m := range []struct {
		start, end string
		keepEnd    bool // the end line is part of the section
	}{
		{"Licensed features", "\nThis platform has", true},
		{"License Info:", "\nConfiguration register", false},
	} {
		i := strings.Index(out, m.start)
		if i < 0 {
			continue
		}
		rest := out[i:]
		if j := strings.Index(rest, m.end); j >= 0 {
			if !m.keepEnd {
				rest = rest[:j]
			} else if k := strings.IndexByte(rest[j+1:], '\n'); k >= 0 {
				rest = rest[:j+1+k]
			}
		}
		return strings.TrimRight(rest, "\n"), ""
	}
	return strings.TrimRight(out, "\n"), ""
}

// console runs the lines of the form in one console session of the
// headend, in privileged mode as the API's Exec does.
func (s *Server) console(w http.ResponseWriter, r *http.Request, c *labCtx) {
	host := r.PathValue("host")
	input := strings.ReplaceAll(r.PostFormValue("line"), "\r\n", "\n")
	cv := consoleView{Input: input}
	status := http.StatusOK
	lines := strings.Split(strings.TrimRight(input, "\n"), "\n")
	switch {
	case strings.TrimSpace(input) == "":
		cv.Error, status = "Type a command.", http.StatusBadRequest
	case len(lines) > consoleMaxLines:
		cv.Error, status = fmt.Sprintf("At most %d lines at a time; run scripts through the API.", consoleMaxLines), http.StatusBadRequest
	default:
		res, err := c.lab.Exec(host, lines)
		cv.Output, cv.Ran = res.Transcript, true
		if err != nil {
			cv.Error, status = errMessage(err), statusOf(err)
		}
	}
	if r.Header.Get("HX-Request") != "" {
		// The pane alone, swapped in place; a 200 so that htmx swaps an
		// error message too.
		s.renderFragment(w, http.StatusOK, "headend", "console-result", cv)
		return
	}
	d, st := s.headendData(c, host)
	if st != http.StatusOK {
		status = st
	}
	d.Console = cv
	s.render(w, status, "headend", d)
}

// errMessage is an error as the page tells it.
func errMessage(err error) string {
	switch {
	case errors.Is(err, sim.ErrHeadendNotFound):
		return "No such headend in this lab."
	}
	return err.Error()
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, sim.ErrHeadendNotFound):
		return http.StatusNotFound
	case errors.Is(err, sim.ErrUnavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, sim.ErrInvalidArgument):
		return http.StatusBadRequest
	}
	return http.StatusConflict
}

func failoverStateName(st sim.FailoverState) string {
	switch st {
	case sim.FailoverOff:
		return "off"
	case sim.FailoverNegotiation:
		return "negotiation"
	case sim.FailoverActive:
		return "active"
	case sim.FailoverStandbyReady:
		return "standby ready"
	case sim.FailoverColdStandby:
		return "cold standby"
	case sim.FailoverFailed:
		return "failed"
	case sim.FailoverDisabled:
		return "disabled"
	}
	return "unknown"
}

func sharedRoleName(r sim.SharedRole) string {
	switch r {
	case sim.SharedServer:
		return "server"
	case sim.SharedBackup:
		return "backup server"
	case sim.SharedParticipant:
		return "participant"
	}
	return "none"
}

// smartTime is a time of the Smart Licensing agent, labelled; Word goes
// before the time where the console has one ("SUCCEEDED on").
type smartTime struct{ Field, Label, Word, At string }

// smartTimes are the agent's times in the order and words of `show
// license status` (Registration: Initial Registration, Next Renewal
// Attempt, Registration Expires; License Authorization: the status's
// time, Next Communication Attempt, Communication Deadline). Those it has
// none of are left out.
func smartTimes(sl *sim.SmartLicense) []smartTime {
	var out []smartTime
	for _, t := range []struct {
		field, label, word string
		at                 time.Time
	}{
		{"registered", "Initial Registration", "SUCCEEDED on", sl.RegisteredAt},
		{"renewal", "Next Renewal Attempt", "", sl.NextRenewal},
		{"expires", "Registration Expires", "", sl.RegistrationExpires},
		{"authorized", "Authorization status since", "", sl.AuthorizedAt},
		{"next", "Next Communication Attempt", "", sl.NextCommunication},
		{"deadline", "Communication Deadline", "", sl.CommDeadline},
	} {
		if !t.at.IsZero() {
			out = append(out, smartTime{Field: t.field, Label: t.label, Word: t.word, At: fmtTime(t.at)})
		}
	}
	return out
}
