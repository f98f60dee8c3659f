package server

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// Limits on portal requests.
const (
	maxSharedSKUs = 100
	maxFieldLen   = 256
)

type portalService struct {
	headendv1.UnsafePortalServiceServer
	labs *Labs
}

// needLen refuses a string field longer than any real value; fields come as
// name, value pairs, checked in that order.
func needLen(fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if len(fields[i+1]) > maxFieldLen {
			return invalid("%s is longer than %d characters", fields[i], maxFieldLen)
		}
	}
	return nil
}

func (s *portalService) PlaceOrder(_ context.Context, req *headendv1.PlaceOrderRequest) (*headendv1.PlaceOrderResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if n := len(req.GetLines()); n == 0 || n > sim.MaxOrderLines {
		return nil, invalid("an order has 1 to %d lines, not %d", sim.MaxOrderLines, n)
	}
	lines := make([]sim.OrderLine, len(req.GetLines()))
	for i, l := range req.GetLines() {
		if err := needLen("sku", l.GetSku(), "customer", l.GetCustomer(), "start_date", l.GetStartDate()); err != nil {
			return nil, err
		}
		lines[i] = sim.OrderLine{
			SKU: l.GetSku(), Size: int(l.GetSize()), Customer: l.GetCustomer(), Users: int(l.GetUsers()),
			Months: int(l.GetMonths()), Start: l.GetStartDate(), Quantity: int(l.GetQuantity()),
		}
	}
	o, err := lab.PlaceOrder(lines)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.PlaceOrderResponse{SalesOrder: o.SalesOrder}
	for i := range o.PAKs {
		resp.Paks = append(resp.Paks, pakPB(&o.PAKs[i]))
	}
	return resp, nil
}

func (s *portalService) RegisterPak(_ context.Context, req *headendv1.RegisterPakRequest) (*headendv1.RegisterPakResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetPak() == "" {
		return nil, invalid("pak is required")
	}
	if err := needLen("pak", req.GetPak(), "serial", req.GetSerial(), "udi", req.GetUdi()); err != nil {
		return nil, err
	}
	r, err := lab.RegisterPakWith(req.GetPak(), req.GetSerial(), sim.RegisterOptions{Migrate: req.GetMigrate(), UDI: req.GetUdi()})
	if err != nil {
		return nil, toStatus(err)
	}
	if r.IOS != nil { // a license file, no key
		return &headendv1.RegisterPakResponse{Email: r.Email, License: licensePB(r.Row), AlreadyRegistered: r.Again,
			LicenseFile: r.IOS.File, LicenseFileName: r.IOS.FileName}, nil
	}
	return &headendv1.RegisterPakResponse{
		ActivationKey: issuedKeyPB(r.Key), Email: r.Email, License: licensePB(r.Row),
		ActivationKeys: issuedKeysPB(r.Keys), AlreadyRegistered: r.Again, Migrated: licensesPB(r.Migrated),
	}, nil
}

func (s *portalService) GetActivationCode(_ context.Context, req *headendv1.GetActivationCodeRequest) (*headendv1.GetActivationCodeResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("source_serial", req.GetSourceSerial(), "target_serial", req.GetTargetSerial()); err != nil {
		return nil, err
	}
	c, err := lab.GetActivationCode(req.GetSourceSerial(), req.GetTargetSerial())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.GetActivationCodeResponse{
		ActivationCode: c.Code.Code, ExpiresAt: timestamppb.New(c.Code.ExpiresAt), Email: c.Email,
	}
	for _, r := range c.Shareable {
		resp.Shareable = append(resp.Shareable, licensePB(r))
	}
	return resp, nil
}

func (s *portalService) UseActivationCode(_ context.Context, req *headendv1.UseActivationCodeRequest) (*headendv1.UseActivationCodeResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if req.GetActivationCode() == "" {
		return nil, invalid("activation_code is required")
	}
	if err := needLen("activation_code", req.GetActivationCode()); err != nil {
		return nil, err
	}
	if n := len(req.GetSkus()); n > maxSharedSKUs {
		return nil, invalid("choose at most %d SKUs, not %d", maxSharedSKUs, n)
	}
	for _, sku := range req.GetSkus() {
		if err := needLen("sku", sku); err != nil {
			return nil, err
		}
	}
	sh, err := lab.UseActivationCode(req.GetActivationCode(), req.GetSkus())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.UseActivationCodeResponse{
		SourceSerial: sh.Source, TargetSerial: sh.Target, ActivationKeys: issuedKeysPB(sh.Keys), Email: sh.Email,
	}
	for _, r := range sh.Rows {
		resp.Shared = append(resp.Shared, licensePB(r))
	}
	return resp, nil
}

func (s *portalService) ListLicenses(_ context.Context, req *headendv1.ListLicensesRequest) (*headendv1.ListLicensesResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("serial", req.GetSerial()); err != nil {
		return nil, err
	}
	l, err := lab.ListLicenses(req.GetSerial())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.ListLicensesResponse{Serial: l.Serial, ActivationKeys: issuedKeysPB(l.Keys), RehostedTo: l.RehostedTo,
		Migrated: licensesPB(l.Migrated)}
	for _, r := range l.Rows {
		resp.Licenses = append(resp.Licenses, licensePB(r))
	}
	return resp, nil
}

func (s *portalService) RequestDemoLicense(_ context.Context, req *headendv1.RequestDemoLicenseRequest) (*headendv1.RequestDemoLicenseResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("serial", req.GetSerial()); err != nil {
		return nil, err
	}
	r, err := lab.RequestDemoLicense(req.GetSerial())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.RequestDemoLicenseResponse{ActivationKey: issuedKeyPB(r.Key), License: licensePB(r.Row), Email: r.Email}, nil
}

func (s *portalService) RehostForRma(_ context.Context, req *headendv1.RehostForRmaRequest) (*headendv1.RehostForRmaResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("old_serial", req.GetOldSerial(), "new_serial", req.GetNewSerial()); err != nil {
		return nil, err
	}
	r, err := lab.RehostForRma(req.GetOldSerial(), req.GetNewSerial())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &headendv1.RehostForRmaResponse{ActivationKeys: issuedKeysPB(r.Keys), Email: r.Email}
	for _, row := range r.Rows {
		resp.Moved = append(resp.Moved, licensePB(row))
	}
	return resp, nil
}

func (s *portalService) GetComplianceReport(_ context.Context, req *headendv1.GetComplianceReportRequest) (*headendv1.GetComplianceReportResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needLen("customer", req.GetCustomer()); err != nil {
		return nil, err
	}
	rep := lab.ComplianceReport(req.GetCustomer())
	resp := &headendv1.GetComplianceReportResponse{GeneratedAt: timestamppb.New(rep.At), UsageAvailable: rep.UsageAvailable}
	for _, c := range rep.Customers {
		cc := &headendv1.CustomerCompliance{
			Customer: c.Customer, AuthorizedUsers: int32(c.AuthorizedUsers), UniqueUsers: int32(c.UniqueUsers), Findings: c.Findings,
		}
		for i := range c.Entitlements {
			e := &c.Entitlements[i]
			cc.Entitlements = append(cc.Entitlements, &headendv1.EntitlementCompliance{
				Tier: tierPB(e.Tier), Sku: e.SKU, Paks: e.PAKs, AuthorizedUsers: int32(e.AuthorizedUsers),
				StartDate: datePB(e.Start), EndDate: datePB(e.End), Serials: e.Serials, UniqueUsers: int32(e.UniqueUsers),
				OverUse: e.OverUse(), Expired: e.Expired, UsersAfterEnd: int32(e.UsersAfterEnd),
				ApexOnlyUsers: int32(e.ApexOnlyUsers), Findings: e.Findings, Migrations: migrationsPB(e.Migrations),
			})
		}
		resp.Customers = append(resp.Customers, cc)
	}
	for _, v := range lab.SmartCompliance(req.GetCustomer()) {
		va := &headendv1.VirtualAccountCompliance{
			SmartAccount: v.Account, VirtualAccount: v.VirtualAccount, Serials: v.Serials,
			Plus: int32(v.Plus), Apex: int32(v.Apex), VpnOnly: int32(v.VPNOnly),
			UniqueUsers: int32(v.UniqueUsers), ApexOnlyUsers: int32(v.ApexOnlyUsers), Findings: v.Findings,
		}
		if !v.Since.IsZero() {
			va.Since = timestamppb.New(v.Since)
		}
		resp.VirtualAccounts = append(resp.VirtualAccounts, va)
	}
	return resp, nil
}

func migrationsPB(ms []sim.Migration) []*headendv1.EntitlementMigration {
	var out []*headendv1.EntitlementMigration
	for _, m := range ms {
		out = append(out, &headendv1.EntitlementMigration{Serial: m.Serial, MigratedAt: timestamppb.New(m.At), Pak: m.PAK, Skus: m.SKUs})
	}
	return out
}

// datePB prints a license date, "" for none (perpetual).
func datePB(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func tierPB(t sim.Tier) headendv1.LicenseTier {
	switch t {
	case sim.TierPlus:
		return headendv1.LicenseTier_LICENSE_TIER_PLUS
	case sim.TierApex:
		return headendv1.LicenseTier_LICENSE_TIER_APEX
	case sim.TierVPNOnly:
		return headendv1.LicenseTier_LICENSE_TIER_VPN_ONLY
	case sim.TierClassic:
		return headendv1.LicenseTier_LICENSE_TIER_CLASSIC
	case sim.TierIOS:
		return headendv1.LicenseTier_LICENSE_TIER_IOS
	}
	return headendv1.LicenseTier_LICENSE_TIER_UNSPECIFIED
}

func kindPB(k sim.SKUKind) headendv1.LicenseKind {
	switch k {
	case sim.SKUTerm:
		return headendv1.LicenseKind_LICENSE_KIND_TERM
	case sim.SKUPerpetual:
		return headendv1.LicenseKind_LICENSE_KIND_PERPETUAL
	case sim.SKUVPNOnly:
		return headendv1.LicenseKind_LICENSE_KIND_VPN_ONLY
	case sim.SKUClassic:
		return headendv1.LicenseKind_LICENSE_KIND_CLASSIC
	case sim.SKUTimeBased:
		return headendv1.LicenseKind_LICENSE_KIND_TIME_BASED
	case sim.SKUDemo:
		return headendv1.LicenseKind_LICENSE_KIND_DEMO
	case sim.SKUIOS:
		return headendv1.LicenseKind_LICENSE_KIND_IOS
	}
	return headendv1.LicenseKind_LICENSE_KIND_UNSPECIFIED
}

func howPB(h sim.How) headendv1.RegistrationKind {
	switch h {
	case sim.HowRegistered:
		return headendv1.RegistrationKind_REGISTRATION_KIND_REGISTERED
	case sim.HowShared:
		return headendv1.RegistrationKind_REGISTRATION_KIND_SHARED
	case sim.HowRehosted:
		return headendv1.RegistrationKind_REGISTRATION_KIND_REHOSTED
	case sim.HowDemo:
		return headendv1.RegistrationKind_REGISTRATION_KIND_DEMO
	}
	return headendv1.RegistrationKind_REGISTRATION_KIND_UNSPECIFIED
}

func pakPB(k *sim.PAK) *headendv1.Pak {
	s := k.SKUInfo()
	return &headendv1.Pak{
		Pak: k.ID, SalesOrder: k.SalesOrder, Line: int32(k.Line), Sku: k.SKU, Tier: tierPB(s.Tier), Kind: kindPB(s.Kind),
		Customer: k.Customer, Users: int32(k.Users), Quantity: int32(k.Quantity), AuthorizedUsers: int32(k.AuthorizedUsers()),
		Months: int32(k.Months), StartDate: datePB(k.Start), EndDate: datePB(k.End), Days: int32(k.Days),
		DeliveredAt: timestamppb.New(k.DeliveredAt), ActiveAt: timestamppb.New(k.ActiveAt), RenewalOf: k.RenewalOf,
		MultiUse: s.MultiUse(),
	}
}

func licensePB(r sim.LicenseRow) *headendv1.PortalLicense {
	l := &headendv1.PortalLicense{
		Pak: r.PAK, Sku: r.SKU, Tier: tierPB(r.Tier), Kind: kindPB(r.Kind), Customer: r.Customer, Quantity: int32(r.Quantity),
		StartDate: datePB(r.Start), EndDate: datePB(r.End), Days: int32(r.Days), Registration: howPB(r.How), FromSerial: r.From,
		RegisteredAt: timestamppb.New(r.At), Shareable: r.Shareable, MigratedToPak: r.MigratedTo,
	}
	if !r.MigratedAt.IsZero() {
		l.MigratedAt = timestamppb.New(r.MigratedAt)
	}
	return l
}

func licensesPB(rows []sim.LicenseRow) []*headendv1.PortalLicense {
	var out []*headendv1.PortalLicense
	for _, r := range rows {
		out = append(out, licensePB(r))
	}
	return out
}

func issuedKeyPB(k sim.IssuedKey) *headendv1.IssuedKey {
	return &headendv1.IssuedKey{
		Serial: k.Serial, Key: k.Words.String(), TimeBased: k.Key.TimeBased(), Days: int32(k.Key.Days),
		Features: k.Key.Features.Names(), Label: k.Label,
	}
}

func issuedKeysPB(keys []sim.IssuedKey) []*headendv1.IssuedKey {
	out := make([]*headendv1.IssuedKey, len(keys))
	for i, k := range keys {
		out[i] = issuedKeyPB(k)
	}
	return out
}
