package server

import (
	"context"
	"errors"
	"io"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// maxBatch bounds the attempts or releases of one batch message.
const maxBatch = 100000

func kindOf(k headendv1.ConnectionKind) (sim.Kind, error) {
	hk := sim.Kind(k)
	if !hk.Valid() {
		return 0, invalid("kind must be one of CONNECTION_KIND_ANYCONNECT .. CONNECTION_KIND_MOBILE, not %v", k)
	}
	return hk, nil
}

// lastHeadend looks headends up by hostname and keeps the last one: the
// attempts or releases of a batch mostly name one headend in a row.
type lastHeadend struct {
	lab  *sim.Lab
	name string
	h    *sim.Headend // the headend named name, nil before the first find
}

// find makes h the headend named host.
func (c *lastHeadend) find(host string) error {
	if c.h == nil || host != c.name {
		h, err := c.lab.Headend(host)
		if err != nil {
			return toStatus(err)
		}
		c.h, c.name = h, host
	}
	return nil
}

// decider runs admissions, keeping the last headend of a batch.
type decider struct{ lastHeadend }

func (d *decider) decide(host, user, device string, kind headendv1.ConnectionKind) (sim.Decision, string, error) {
	if host == "" {
		return sim.Decision{}, "", invalid("headend is required")
	}
	k, err := kindOf(kind)
	if err != nil {
		return sim.Decision{}, "", err
	}
	if err := d.find(host); err != nil {
		return sim.Decision{}, "", err
	}
	p, err := d.lab.Principal(user, device)
	if err != nil {
		return sim.Decision{}, "", toStatus(err)
	}
	dec := d.h.Admit(p, k)
	if dec.Admitted {
		return dec, "", nil
	}
	return dec, d.h.RefusalSyslog(dec, k, user, device), nil
}

// pool is the shared licensing server whose pool an admission took a
// shared session from ("": none), as the response names it.
func (d *decider) pool(dec sim.Decision) string {
	if !dec.Shared() {
		return ""
	}
	return d.h.SharedPool()
}

func (s *headendService) AdmitConnection(_ context.Context, req *headendv1.AdmitConnectionRequest) (*headendv1.AdmitConnectionResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	d := decider{lastHeadend{lab: lab}}
	dec, syslog, err := d.decide(req.GetHeadend(), req.GetUser(), req.GetClientDevice(), req.GetKind())
	if err != nil {
		return nil, err
	}
	return &headendv1.AdmitConnectionResponse{
		Admitted: dec.Admitted, SessionId: dec.Session, Reason: headendv1.RefusalReason(dec.Reason), Syslog: syslog,
		SharedPool: d.pool(dec),
	}, nil
}

func (s *headendService) ReleaseConnection(_ context.Context, req *headendv1.ReleaseConnectionRequest) (*headendv1.ReleaseConnectionResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetHeadend() == "" || req.GetSessionId() == 0 {
		return nil, invalid("headend and session_id are required")
	}
	if err := lab.Release(req.GetHeadend(), req.GetSessionId()); err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.ReleaseConnectionResponse{}, nil
}

func (s *headendService) AdmitConnections(stream headendv1.HeadendService_AdmitConnectionsServer) error {
	var d decider
	var resp headendv1.AdmitConnectionsResponse // reused: Send marshals before it returns
	req := new(headendv1.AdmitConnectionsRequest)
	for {
		req.Reset()
		if err := stream.RecvMsg(req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if d.lab == nil || req.GetLab() != "" {
			lab, err := s.labs.get(req.GetLab())
			if err != nil {
				return err
			}
			if lab != d.lab {
				d = decider{lastHeadend{lab: lab}}
			}
		}
		dec, syslog, err := d.decide(req.GetHeadend(), req.GetUser(), req.GetClientDevice(), req.GetKind())
		if err != nil {
			return err
		}
		resp.Admitted, resp.SessionId, resp.Reason, resp.Syslog = dec.Admitted, dec.Session, headendv1.RefusalReason(dec.Reason), syslog
		resp.SharedPool = d.pool(dec)
		if err := stream.Send(&resp); err != nil {
			return err
		}
	}
}

func (s *headendService) AdmitConnectionBatch(_ context.Context, req *headendv1.AdmitConnectionBatchRequest) (*headendv1.AdmitConnectionBatchResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	attempts := req.GetAttempts()
	if len(attempts) == 0 || len(attempts) > maxBatch {
		return nil, invalid("give 1 to %d attempts, not %d", maxBatch, len(attempts))
	}
	for i, a := range attempts {
		if a.GetHeadend() == "" {
			return nil, invalid("attempt %d: headend is required", i)
		}
		if _, err := kindOf(a.GetKind()); err != nil {
			return nil, invalid("attempt %d: kind %v is not a connection kind", i, a.GetKind())
		}
		if err := sim.ValidatePrincipal(a.GetUser(), a.GetClientDevice()); err != nil {
			return nil, invalid("attempt %d: %s", i, message(err))
		}
	}
	d := decider{lastHeadend{lab: lab}}
	// One allocation for all decisions: the batch is the unit of cost.
	decs := make([]headendv1.ConnectionDecision, len(attempts))
	resp := &headendv1.AdmitConnectionBatchResponse{Decisions: make([]*headendv1.ConnectionDecision, len(attempts))}
	for i, a := range attempts {
		dec, syslog, err := d.decide(a.GetHeadend(), a.GetUser(), a.GetClientDevice(), a.GetKind())
		if err != nil {
			return nil, err
		}
		out := &decs[i]
		out.Admitted, out.SessionId, out.Reason, out.Syslog = dec.Admitted, dec.Session, headendv1.RefusalReason(dec.Reason), syslog
		out.SharedPool = d.pool(dec)
		resp.Decisions[i] = out
	}
	return resp, nil
}

func (s *headendService) ReleaseConnectionBatch(_ context.Context, req *headendv1.ReleaseConnectionBatchRequest) (*headendv1.ReleaseConnectionBatchResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	refs := req.GetSessions()
	if len(refs) == 0 || len(refs) > maxBatch {
		return nil, invalid("give 1 to %d sessions, not %d", maxBatch, len(refs))
	}
	var resp headendv1.ReleaseConnectionBatchResponse
	last := lastHeadend{lab: lab}
	for i, r := range refs {
		if r.GetHeadend() == "" {
			return nil, invalid("session %d: headend is required", i)
		}
		if err := last.find(r.GetHeadend()); err != nil {
			return nil, err
		}
		if last.h.Release(r.GetSessionId()) {
			resp.Released++
		} else {
			resp.NotFound++
		}
	}
	return &resp, nil
}

func (s *headendService) ListSessions(_ context.Context, req *headendv1.ListSessionsRequest) (*headendv1.ListSessionsResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetHeadend() == "" {
		return nil, invalid("headend is required")
	}
	size, err := pageSize(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	after, err := parseSeqToken(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	views, more, err := lab.Sessions(req.GetHeadend(), after, size)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.ListSessionsResponse{}
	for _, v := range views {
		resp.Sessions = append(resp.Sessions, &headendv1.Session{
			SessionId: v.Info.ID, User: v.User, ClientDevice: v.Device, Kind: headendv1.ConnectionKind(v.Info.Kind),
			LoginTime: timestamppb.New(timeUnix(v.Info.Login)), License: v.License, AssignedIp: v.AssignedIP, PublicIp: v.PublicIP,
		})
	}
	if more && len(views) > 0 {
		resp.NextPageToken = seqToken(views[len(views)-1].Info.ID)
	}
	return resp, nil
}
