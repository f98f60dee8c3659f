package server

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestPortalBadInputChangesNothing: every refused portal request answers
// with its code, reason and wording, and leaves the portal as it was: the
// licenses of every serial involved, and the order counter (the next order
// gets the next sales order number).
func TestPortalBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	pc := e.portal()
	order := func(l *headendv1.OrderLine) *headendv1.PlaceOrderResponse {
		t.Helper()
		resp, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{l}})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	plus := order(&headendv1.OrderLine{Sku: "L-AC-PLS-LIC=", Users: 873, Months: 30, Customer: "Acme Corp"}).GetPaks()[0].GetPak()
	vpno := order(&headendv1.OrderLine{Sku: "L-AC-VPNO-250=", Customer: "Acme Corp"}).GetPaks()[0].GetPak()
	early := ""
	if _, err := e.lc.AdvanceClock(ctxT(), &headendv1.AdvanceClockRequest{Duration: durationpb.New(4 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	early = order(&headendv1.OrderLine{Sku: "L-AC-APX-LIC=", Users: 102, Months: 12, Customer: "Acme Corp"}).GetPaks()[0].GetPak()
	for _, r := range []*headendv1.RegisterPakRequest{{Pak: plus, Serial: "FCH1947V0GY"}, {Pak: vpno, Serial: "JMX1628X0P9"}} {
		if _, err := pc.RegisterPak(ctxT(), r); err != nil {
			t.Fatal(err)
		}
	}
	code, err := pc.GetActivationCode(ctxT(), &headendv1.GetActivationCodeRequest{SourceSerial: "FCH1947V0GY", TargetSerial: "FCH2648BCDE"})
	if err != nil {
		t.Fatal(err)
	}
	serials := []string{"FCH1947V0GY", "JMX1628X0P9", "FCH2648BCDE"}
	snapshot := func() []*headendv1.ListLicensesResponse {
		var out []*headendv1.ListLicensesResponse
		for _, s := range serials {
			resp, err := pc.ListLicenses(ctxT(), &headendv1.ListLicensesRequest{Serial: s})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, resp)
		}
		return out
	}
	long := strings.Repeat("X", 300)
	tests := []struct {
		name   string
		call   func() error
		code   codes.Code
		reason string
		text   string
	}{
		{"unknown SKU", func() error {
			_, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{{Sku: "L-AC-PLUS=", Users: 5, Months: 12, Customer: "A"}}})
			return err
		}, codes.InvalidArgument, "UNKNOWN_SKU", `unknown SKU "L-AC-PLUS="`},
		{"users out of range", func() error {
			_, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{{Sku: "L-AC-APX-LIC=", Users: -3, Months: 12, Customer: "A"}}})
			return err
		}, codes.InvalidArgument, "USER_COUNT_OUT_OF_RANGE", "not -3"},
		{"term out of range", func() error {
			_, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{{Sku: "L-AC-APX-LIC=", Users: 3, Months: 6, Customer: "A"}}})
			return err
		}, codes.InvalidArgument, "TERM_OUT_OF_RANGE", "12 to 60 months, not 6"},
		{"start too far ahead", func() error {
			_, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{{Sku: "L-AC-APX-LIC=", Users: 3, Months: 12, Customer: "A", StartDate: "2027-06-01"}}})
			return err
		}, codes.InvalidArgument, "INVALID_START_DATE", "more than 60 days ahead"},
		{"second line bad", func() error {
			_, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{
				{Sku: "L-AC-APX-LIC=", Users: 3, Months: 12, Customer: "A"}, {Sku: "L-AC-VPNO-250=", Customer: ""}}})
			return err
		}, codes.InvalidArgument, "INVALID_ORDER", "line 2: "},
		{"no lines", func() error {
			_, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "1 to 100 lines, not 0"},
		{"customer too long", func() error {
			_, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{{Sku: "L-AC-VPNO-250=", Customer: long}}})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "customer is longer than 256"},
		{"unknown PAK", func() error {
			_, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: "AAAAAAAAAAA", Serial: "FCH2648BCDE"})
			return err
		}, codes.NotFound, "PAK_INVALID", "PAK/s or Token/s AAAAAAAAAAA is / are either Invalid or Inactive"},
		{"PAK too early", func() error {
			_, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: early, Serial: "FCH2648BCDE"})
			return err
		}, codes.FailedPrecondition, "PAK_INACTIVE", "PAK/s or Token/s " + early + " is / are either Invalid or Inactive"},
		{"no PAK", func() error {
			_, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Serial: "FCH2648BCDE"})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "pak is required"},
		{"trailing space", func() error {
			_, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: plus, Serial: "FCH2648BCDE "})
			return err
		}, codes.InvalidArgument, "SERIAL_BLANK", "Serial number cannot be blank"},
		{"blank serial", func() error {
			_, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: plus})
			return err
		}, codes.InvalidArgument, "SERIAL_BLANK", "Serial number cannot be blank"},
		{"exhausted PAK", func() error {
			_, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: vpno, Serial: "FCH2648BCDE"})
			return err
		}, codes.FailedPrecondition, "PAK_EXHAUSTED", "is registered to JMX1628X0P9"},
		{"VPN Only next to Plus", func() error {
			_, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: plus, Serial: "JMX1628X0P9"})
			return err
		}, codes.FailedPrecondition, "LICENSE_CONFLICT", "VPN Only licenses do not co-exist on the same hardware with Plus or Apex licenses"},
		{"migrate does not replace VPN Only", func() error {
			_, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: plus, Serial: "JMX1628X0P9", Migrate: true})
			return err
		}, codes.FailedPrecondition, "LICENSE_CONFLICT", "serial JMX1628X0P9 holds L-AC-VPNO-250="},
		{"share VPN Only", func() error {
			_, err := pc.GetActivationCode(ctxT(), &headendv1.GetActivationCodeRequest{SourceSerial: "JMX1628X0P9", TargetSerial: "FCH2648BCDE"})
			return err
		}, codes.FailedPrecondition, "NOT_SHAREABLE", "VPN Only licenses cannot be transferred"},
		{"share to itself", func() error {
			_, err := pc.GetActivationCode(ctxT(), &headendv1.GetActivationCodeRequest{SourceSerial: "FCH1947V0GY", TargetSerial: "FCH1947V0GY"})
			return err
		}, codes.InvalidArgument, "SAME_SERIAL", "must differ"},
		{"share a SKU the source lacks", func() error {
			_, err := pc.UseActivationCode(ctxT(), &headendv1.UseActivationCodeRequest{ActivationCode: code.GetActivationCode(), Skus: []string{"L-AC-APX-LIC="}})
			return err
		}, codes.InvalidArgument, "SKU_NOT_ON_SOURCE", `"L-AC-APX-LIC=" is not among the licenses of FCH1947V0GY`},
		{"unknown activation code", func() error {
			_, err := pc.UseActivationCode(ctxT(), &headendv1.UseActivationCodeRequest{ActivationCode: "ABCDEFGHJKLM"})
			return err
		}, codes.NotFound, "ACTIVATION_CODE_INVALID", "invalid activation code"},
		{"RMA onto the same serial", func() error {
			_, err := pc.RehostForRma(ctxT(), &headendv1.RehostForRmaRequest{OldSerial: "FCH1947V0GY", NewSerial: "FCH1947V0GY"})
			return err
		}, codes.InvalidArgument, "SAME_SERIAL", "the replacement has its own serial number"},
		{"RMA of a serial without licenses", func() error {
			_, err := pc.RehostForRma(ctxT(), &headendv1.RehostForRmaRequest{OldSerial: "FCH2648BCDE", NewSerial: "JAD19440BQH"})
			return err
		}, codes.FailedPrecondition, "NO_LICENSES", "FCH2648BCDE has nothing to re-host"},
		{"RMA onto a VPN Only unit", func() error {
			_, err := pc.RehostForRma(ctxT(), &headendv1.RehostForRmaRequest{OldSerial: "FCH1947V0GY", NewSerial: "JMX1628X0P9"})
			return err
		}, codes.FailedPrecondition, "LICENSE_CONFLICT", "serial JMX1628X0P9 holds L-AC-VPNO-250="},
		{"demo next to VPN Only", func() error {
			_, err := pc.RequestDemoLicense(ctxT(), &headendv1.RequestDemoLicenseRequest{Serial: "JMX1628X0P9"})
			return err
		}, codes.FailedPrecondition, "LICENSE_CONFLICT", "VPN Only licenses do not co-exist"},
		{"list a lowercase serial", func() error {
			_, err := pc.ListLicenses(ctxT(), &headendv1.ListLicensesRequest{Serial: "fch1947v0gy"})
			return err
		}, codes.InvalidArgument, "INVALID_SERIAL", "as show version prints it"},
		{"unknown lab", func() error {
			_, err := pc.ListLicenses(ctxT(), &headendv1.ListLicensesRequest{Lab: "other", Serial: "FCH1947V0GY"})
			return err
		}, codes.NotFound, "LAB_NOT_FOUND", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot()
			err := tt.call()
			st := status.Convert(err)
			reason := ""
			for _, d := range st.Details() {
				if info, ok := d.(*errdetails.ErrorInfo); ok {
					reason = info.GetReason()
				}
			}
			if st.Code() != tt.code || reason != tt.reason || !strings.Contains(st.Message(), tt.text) {
				t.Errorf("got %s %s %q, want %s %s containing %q", st.Code(), reason, st.Message(), tt.code, tt.reason, tt.text)
			}
			if strings.Contains(st.Message(), "keygen:") {
				t.Errorf("message leaks the package prefix: %q", st.Message())
			}
			after := snapshot()
			for i := range before {
				if !proto.Equal(before[i], after[i]) {
					t.Errorf("%s changed:\nbefore %v\nafter  %v", serials[i], before[i], after[i])
				}
			}
		})
	}
	// Nothing refused was counted: the next order is the fourth.
	if so := order(&headendv1.OrderLine{Sku: "L-AC-PLS-P-G", Users: 1, Customer: "B"}).GetSalesOrder(); so != "100000004" {
		t.Errorf("sales order after the refusals: %s, want 100000004", so)
	}
	// The activation code survived the refusals that named it.
	if _, err := pc.UseActivationCode(ctxT(), &headendv1.UseActivationCodeRequest{ActivationCode: code.GetActivationCode()}); err != nil {
		t.Errorf("the code was spent by a refused use: %v", err)
	}
}
