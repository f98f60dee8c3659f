package server

import (
	"context"
	"fmt"
	"math"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

type smartService struct {
	headendv1.UnsafeSmartServiceServer
	labs *Labs
}

// tsPB is a timestamp, unset for the zero time.
func tsPB(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func smartAccountPB(a sim.SmartAccount) *headendv1.SmartAccount {
	return &headendv1.SmartAccount{Name: a.Name, VirtualAccounts: a.VirtualAccounts, CreatedAt: tsPB(a.CreatedAt)}
}

func smartTokenPB(t sim.SmartToken) *headendv1.SmartToken {
	return &headendv1.SmartToken{Token: t.Token, Account: t.Account, VirtualAccount: t.VirtualAccount,
		CreatedAt: tsPB(t.CreatedAt), ExpiresAt: tsPB(t.ExpiresAt), MaxUses: int32(t.MaxUses), Used: int32(t.Used),
		RevokedAt: tsPB(t.RevokedAt)}
}

func smartDevicePB(d sim.SmartDevice, st sim.SmartStatus) *headendv1.SmartDevice {
	return &headendv1.SmartDevice{Udi: d.UDI, VirtualAccount: d.VirtualAccount, Tags: d.Tags, Status: string(st),
		RegisteredAt: tsPB(d.RegisteredAt), AuthorizationExpiresAt: tsPB(d.AuthorizationExpires()),
		RegistrationExpiresAt: tsPB(d.RegistrationExpires()), Reserved: d.Reservation != nil}
}

func (s *smartService) CreateAccount(_ context.Context, req *headendv1.CreateAccountRequest) (*headendv1.CreateAccountResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("name", req.GetName()); err != nil {
		return nil, err
	}
	a, err := lab.Smart().CreateAccount(req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.CreateAccountResponse{Account: smartAccountPB(a)}, nil
}

func (s *smartService) AddEntitlement(_ context.Context, req *headendv1.AddEntitlementRequest) (*headendv1.AddEntitlementResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("account", req.GetAccount(), "virtual_account", req.GetVirtualAccount(), "tag", req.GetTag(), "ends", req.GetEnds()); err != nil {
		return nil, err
	}
	var ends time.Time
	if req.GetEnds() != "" {
		ends, err = time.Parse(time.DateOnly, req.GetEnds())
		if err != nil {
			return nil, toStatus(fmt.Errorf("%w: %q (YYYY-MM-DD)", sim.ErrSmartEndDate, req.GetEnds()))
		}
	}
	e, err := lab.Smart().AddEntitlement(req.GetAccount(), req.GetVirtualAccount(), req.GetTag(), int(req.GetCount()), ends)
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.AddEntitlementResponse{Entitlement: &headendv1.SmartEntitlement{
		Id: e.ID, Account: e.Account, VirtualAccount: e.VirtualAccount, Tag: e.Tag, Count: int32(e.Count),
		AddedAt: tsPB(e.AddedAt), EndsAt: tsPB(e.EndsAt)}}, nil
}

func (s *smartService) CreateToken(_ context.Context, req *headendv1.CreateTokenRequest) (*headendv1.CreateTokenResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("account", req.GetAccount(), "virtual_account", req.GetVirtualAccount()); err != nil {
		return nil, err
	}
	t, err := lab.Smart().CreateToken(req.GetAccount(), req.GetVirtualAccount(), int(req.GetDays()), int(req.GetUses()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.CreateTokenResponse{Token: smartTokenPB(t)}, nil
}

func (s *smartService) RevokeToken(_ context.Context, req *headendv1.RevokeTokenRequest) (*headendv1.RevokeTokenResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetToken() == "" {
		return nil, invalid("token is required")
	}
	if err := needLen("token", req.GetToken()); err != nil {
		return nil, err
	}
	t, err := lab.Smart().RevokeToken(req.GetToken())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.RevokeTokenResponse{Token: smartTokenPB(t)}, nil
}

func (s *smartService) ListDevices(_ context.Context, req *headendv1.ListDevicesRequest) (*headendv1.ListDevicesResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("account", req.GetAccount()); err != nil {
		return nil, err
	}
	ds, err := lab.Smart().Devices(req.GetAccount())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.ListDevicesResponse{}
	for _, d := range ds {
		resp.Devices = append(resp.Devices, smartDevicePB(d.Device, d.Status))
	}
	return resp, nil
}

func (s *smartService) GetUsage(_ context.Context, req *headendv1.GetUsageRequest) (*headendv1.GetUsageResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("account", req.GetAccount()); err != nil {
		return nil, err
	}
	u, err := lab.Smart().Usage(req.GetAccount())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.GetUsageResponse{InCompliance: u.InCompliance}
	for _, t := range u.Tags {
		resp.Tags = append(resp.Tags, &headendv1.SmartTagUsage{VirtualAccount: t.VirtualAccount, Tag: t.Tag,
			Purchased: sat32(t.Purchased), InUse: sat32(t.InUse), Balance: sat32(t.Balance)})
	}
	return resp, nil
}

// sat32 saturates a count to int32 (sums of many entitlements may pass it).
func sat32(n int) int32 { return int32(max(min(n, math.MaxInt32), math.MinInt32)) }

func (s *smartService) Reserve(_ context.Context, req *headendv1.ReserveRequest) (*headendv1.ReserveResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetRequestCode() == "" {
		return nil, invalid("request_code is required")
	}
	if err := needLen("account", req.GetAccount(), "virtual_account", req.GetVirtualAccount(),
		"request_code", req.GetRequestCode(), "tag", req.GetTag()); err != nil {
		return nil, err
	}
	r, err := lab.Smart().Reserve(req.GetAccount(), req.GetVirtualAccount(), req.GetRequestCode(), req.GetTag())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.ReserveResponse{AuthorizationCode: r.AuthorizationCode, Tag: r.Tag,
		Device: smartDevicePB(r.Device, sim.SmartAuthorized)}, nil
}
