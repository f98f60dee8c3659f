package server

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/asalab/asalab/keygen/smart"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

func (e *env) smart() headendv1.SmartServiceClient { return headendv1.NewSmartServiceClient(e.conn) }

// TestSmartService: a Smart Account with two ASAv-STD-1G licenses, three
// devices registered with its token (the third out of compliance), the
// usage and device list as the API answers them, a reservation, and each
// refusal with its code, reason and wording; state survives a restart.
func TestSmartService(t *testing.T) {
	e := newEnv(t)
	sc := e.smart()
	if _, err := sc.CreateAccount(ctxT(), &headendv1.CreateAccountRequest{Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.AddEntitlement(ctxT(), &headendv1.AddEntitlementRequest{Account: "Acme", Tag: "ASAv-STD-1G", Count: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.AddEntitlement(ctxT(), &headendv1.AddEntitlementRequest{Account: "Acme", Tag: "ASAv-STD-2G", Count: 1, Ends: "2027-01-01"}); err != nil {
		t.Fatal(err)
	}
	tok, err := sc.CreateToken(ctxT(), &headendv1.CreateTokenRequest{Account: "Acme", Uses: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.GetToken().GetExpiresAt().AsTime(); !got.Equal(labStart.Add(30 * 24 * time.Hour)) {
		t.Fatalf("token expires %v", got)
	}
	// Devices register from the ASAv headend, through the lab.
	for _, sn := range []string{"9AAAAAAAAA1", "9AAAAAAAAA2", "9AAAAAAAAA3"} {
		if _, err := e.lab.Smart().Register("PID:ASAv,SN:"+sn, tok.GetToken().GetToken(), []string{"ASAv-STD-1G"}); err != nil {
			t.Fatal(err)
		}
	}
	e.restart()
	sc = e.smart()
	devs, err := sc.ListDevices(ctxT(), &headendv1.ListDevicesRequest{Account: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range devs.GetDevices() {
		got = append(got, d.GetUdi()+" "+d.GetStatus())
	}
	if want := "PID:ASAv,SN:9AAAAAAAAA1 AUTHORIZED|PID:ASAv,SN:9AAAAAAAAA2 AUTHORIZED|PID:ASAv,SN:9AAAAAAAAA3 OUT OF COMPLIANCE"; strings.Join(got, "|") != want {
		t.Fatalf("devices %q", got)
	}
	usage := func() string {
		t.Helper()
		u, err := sc.GetUsage(ctxT(), &headendv1.GetUsageRequest{Account: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for _, r := range u.GetTags() {
			rows = append(rows, strings.Join([]string{r.GetTag(), strconv.Itoa(int(r.GetPurchased())), strconv.Itoa(int(r.GetInUse())), strconv.Itoa(int(r.GetBalance()))}, " "))
		}
		if u.GetInCompliance() {
			rows = append(rows, "in compliance")
		}
		return strings.Join(rows, "|")
	}
	if got, want := usage(), "ASAv-STD-1G 2 3 -1|ASAv-STD-2G 1 0 1"; got != want {
		t.Fatalf("usage %q, want %q", got, want)
	}
	res, err := sc.Reserve(ctxT(), &headendv1.ReserveRequest{Account: "Acme", RequestCode: smart.RequestCode("9AT1L9EX0DF", "AQGskTvD6")})
	if err != nil {
		t.Fatal(err)
	}
	if res.GetTag() != "ASAv-STD-2G" || !strings.HasPrefix(res.GetAuthorizationCode(), "PLR:ASAv-STD-2G:9AT1L9EX0DF:") || !res.GetDevice().GetReserved() {
		t.Fatalf("reserve %v", res)
	}
	if _, err := e.lc.AdvanceClock(ctxT(), &headendv1.AdvanceClockRequest{Duration: durationpb.New(40 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// After 2027-01-01 the 2G license has ended; the reservation still
	// holds it, over-consumed.
	if got, want := usage(), "ASAv-STD-1G 2 3 -1|ASAv-STD-2G 0 1 -1"; got != want {
		t.Fatalf("usage after the end date %q, want %q", got, want)
	}

	for _, tc := range []struct {
		name   string
		call   func() error
		code   codes.Code
		reason string
		text   string
	}{
		{"account exists", func() error {
			_, err := sc.CreateAccount(ctxT(), &headendv1.CreateAccountRequest{Name: "Acme"})
			return err
		}, codes.AlreadyExists, "SMART_ACCOUNT_EXISTS", `the Smart Account already exists: "Acme"`},
		{"bad name", func() error {
			_, err := sc.CreateAccount(ctxT(), &headendv1.CreateAccountRequest{Name: ""})
			return err
		}, codes.InvalidArgument, "INVALID_NAME", "invalid name"},
		{"unknown account", func() error {
			_, err := sc.GetUsage(ctxT(), &headendv1.GetUsageRequest{Account: "Nope"})
			return err
		}, codes.NotFound, "SMART_ACCOUNT_NOT_FOUND", `no such Smart Account: "Nope"`},
		{"unknown virtual account", func() error {
			_, err := sc.CreateToken(ctxT(), &headendv1.CreateTokenRequest{Account: "Acme", VirtualAccount: "EU"})
			return err
		}, codes.NotFound, "VIRTUAL_ACCOUNT_NOT_FOUND", `no such Virtual Account: "EU"`},
		{"unknown tag", func() error {
			_, err := sc.AddEntitlement(ctxT(), &headendv1.AddEntitlementRequest{Account: "Acme", Tag: "ASAv-STD-5G", Count: 1})
			return err
		}, codes.InvalidArgument, "UNKNOWN_ENTITLEMENT_TAG", `unknown entitlement tag: "ASAv-STD-5G"`},
		{"count", func() error {
			_, err := sc.AddEntitlement(ctxT(), &headendv1.AddEntitlementRequest{Account: "Acme", Tag: "AnyConnect Plus", Count: -1})
			return err
		}, codes.InvalidArgument, "COUNT_OUT_OF_RANGE", "-1 licenses"},
		{"bad date", func() error {
			_, err := sc.AddEntitlement(ctxT(), &headendv1.AddEntitlementRequest{Account: "Acme", Tag: "AnyConnect Plus", Count: 1, Ends: "31/12/2027"})
			return err
		}, codes.InvalidArgument, "INVALID_END_DATE", "(YYYY-MM-DD)"},
		{"past date", func() error {
			_, err := sc.AddEntitlement(ctxT(), &headendv1.AddEntitlementRequest{Account: "Acme", Tag: "AnyConnect Plus", Count: 1, Ends: "2026-01-01"})
			return err
		}, codes.InvalidArgument, "INVALID_END_DATE", "is not after the lab time"},
		{"days", func() error {
			_, err := sc.CreateToken(ctxT(), &headendv1.CreateTokenRequest{Account: "Acme", Days: 366})
			return err
		}, codes.InvalidArgument, "DAYS_OUT_OF_RANGE", "366 (1 to 365)"},
		{"revoke unknown", func() error {
			_, err := sc.RevokeToken(ctxT(), &headendv1.RevokeTokenRequest{Token: "NOSUCH"})
			return err
		}, codes.NotFound, "SMART_TOKEN_INVALID", "The token 'NOSUCH' is not valid."},
		{"request code", func() error {
			_, err := sc.Reserve(ctxT(), &headendv1.ReserveRequest{Account: "Acme", RequestCode: "CB-ZASAv:9AT1L9EX0DF"})
			return err
		}, codes.InvalidArgument, "INVALID_REQUEST_CODE", "invalid reservation request code"},
		{"no balance", func() error {
			_, err := sc.Reserve(ctxT(), &headendv1.ReserveRequest{Account: "Acme", Tag: "ASAv-STD-1G", RequestCode: smart.RequestCode("9A5BHB00D2D", "AQGskTvD7")})
			return err
		}, codes.FailedPrecondition, "INSUFFICIENT_LICENSES", "insufficient licenses"},
		{"reserved again", func() error {
			_, err := sc.Reserve(ctxT(), &headendv1.ReserveRequest{Account: "Acme", RequestCode: smart.RequestCode("9AT1L9EX0DF", "AQGskTvD6")})
			return err
		}, codes.AlreadyExists, "ALREADY_RESERVED", "a reservation was already made"},
		{"registered device", func() error {
			_, err := sc.Reserve(ctxT(), &headendv1.ReserveRequest{Account: "Acme", RequestCode: smart.RequestCode("9AAAAAAAAA1", "AQGskTvD6")})
			return err
		}, codes.AlreadyExists, "ALREADY_REGISTERED", "already registered"},
	} {
		err := tc.call()
		st, _ := status.FromError(err)
		var reason string
		for _, d := range st.Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				reason = info.GetReason()
			}
		}
		if st.Code() != tc.code || reason != tc.reason || !strings.Contains(st.Message(), tc.text) || strings.Contains(st.Message(), "smart: ") {
			t.Errorf("%s: %v %s %q", tc.name, st.Code(), reason, st.Message())
		}
	}
	// The refusals changed nothing.
	if got, want := usage(), "ASAv-STD-1G 2 3 -1|ASAv-STD-2G 0 1 -1"; got != want {
		t.Fatalf("usage after refusals %q, want %q", got, want)
	}
}
