package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labfile"
	"github.com/asalab/asalab/sim/labs"
)

// LabSet is what applying a lab file needs of the daemon's labs
// (*labs.Set).
type LabSet interface {
	Get(name string) (*sim.Lab, error)
	Create(name string, spec labs.Spec) (labs.Info, string, error)
	Info(name string) (labs.Info, error)
}

// ApplyLab makes a lab match a lab file.
func (s *labsService) ApplyLab(ctx context.Context, req *headendv1.ApplyLabRequest) (*headendv1.ApplyLabResponse, error) {
	if err := s.needSet(); err != nil {
		return nil, err
	}
	c := Caller{Admin: true}
	if s.caller != nil {
		c.Admin, c.Lab = s.caller(ctx)
	}
	resp, err := ApplyLabFile(s.set, req, c)
	return resp, toStatus(err)
}

// Caller is who applies a lab file: the admin, or the holder of a lab's
// token, who reaches that Lab only.
type Caller struct {
	Admin bool
	Lab   string
}

// ApplyLabFile applies the request's lab file to its lab: the request's
// lab, else the lab the file names, else the caller's lab (a lab
// token's), else the default lab. The auth interceptor leaves an empty
// lab of ApplyLab alone for this order to hold: a file naming its lab is
// not sent to the token's lab instead. A lab token's caller reaches its
// own lab only: any other is not found, as if it did not exist. A lab
// that does not exist is created, with the file's clock, when the caller
// is the admin and the whole file has passed its checks. Applies to one
// lab run one at a time. Its errors are domain errors; headendd's
// --lab-file calls it as the admin.
func ApplyLabFile(set LabSet, req *headendv1.ApplyLabRequest, c Caller) (*headendv1.ApplyLabResponse, error) {
	name := req.GetFileName()
	if name == "" {
		name = "lab file"
	}
	f, err := labfile.Parse(name, []byte(req.GetContent()))
	if err != nil {
		return nil, err
	}
	labName := cmp.Or(req.GetLab(), f.Lab, c.Lab, sim.DefaultLab)
	if !c.Admin && labName != c.Lab {
		return nil, fmt.Errorf("%w: lab %q", sim.ErrLabNotFound, labName)
	}
	defer labfile.LockLab(labName)()
	resp := &headendv1.ApplyLabResponse{}
	lab, err := set.Get(labName)
	switch {
	case err == nil:
	case !errors.Is(err, sim.ErrLabNotFound) || !c.Admin:
		return nil, err
	default:
		// The whole file is checked against a new lab before the lab is
		// made: a refused file leaves no lab behind.
		r, err := labfile.Apply(nil, f, labfile.Options{DryRun: true, Now: time.Now()})
		if err != nil {
			return nil, err
		}
		if req.GetDryRun() {
			resp.Lab = &headendv1.LabInfo{Name: labName}
			resp.Changes = append([]string{"created lab " + labName}, r.Changes...)
			resp.Notes = r.Notes
			return resp, nil
		}
		mode, start := f.ClockSpec()
		if _, resp.Token, err = set.Create(labName, labs.Spec{ClockMode: mode, ClockStart: start}); err != nil {
			return nil, err
		}
		resp.Created = true
		resp.Changes = append(resp.Changes, "created lab "+labName)
		if lab, err = set.Get(labName); err != nil {
			return nil, err
		}
	}
	r, err := labfile.Apply(lab, f, labfile.Options{DryRun: req.GetDryRun()})
	if err != nil {
		return nil, err
	}
	resp.Changes = append(resp.Changes, r.Changes...)
	resp.Notes = r.Notes
	resp.Lab = appliedLabInfo(set, lab)
	return resp, nil
}

// appliedLabInfo describes the lab applied to.
func appliedLabInfo(set LabSet, lab *sim.Lab) *headendv1.LabInfo {
	info := &headendv1.LabInfo{Name: lab.Name(), Clock: clockPB(lab.Clock()), Headends: int32(lab.Len())}
	if li, err := set.Info(lab.Name()); err == nil {
		info.Tokens = int32(li.Tokens)
		if !li.Created.IsZero() {
			info.Created = timestamppb.New(li.Created)
		}
		if !li.Spec.ClockStart.IsZero() {
			info.ClockStart = timestamppb.New(li.Spec.ClockStart)
		}
	}
	return info
}
