package smart

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// fixture applies every change as the lab would after storing it.
type fixture struct {
	t   *testing.T
	m   *Manager
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	s, err := keygen.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	cur = &fixture{t: t, m: m, now: t0}
	return cur
}

// cur is the fixture must applies to (the tests do not run in parallel).
var cur *fixture

func must[T any](c Change, v T, err error) T {
	f := cur
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.m.Apply(c); err != nil {
		f.t.Fatal(err)
	}
	return v
}

func sn(i int) string { return UDI("9A" + string(rune('A'+i)) + "12345678") }

func TestTokenRefusals(t *testing.T) {
	f := newFixture(t)
	must(f.m.CreateAccount(f.now, "Lab"))
	must(f.m.AddEntitlement(f.now, "Lab", "", TagASAv1G, 10, time.Time{}))
	tok := must(f.m.CreateToken(f.now, "Lab", "", 0, 2))
	if got := tok.ExpiresAt.Sub(f.now); got != DefaultTokenDays*day {
		t.Fatalf("default expiry %v", got)
	}
	reg := func(i int) error {
		c, _, err := f.m.Register(f.now, sn(i), tok.Token, []string{TagASAv1G})
		if err == nil {
			must(c, 0, nil)
		}
		return err
	}
	if err := reg(0); err != nil {
		t.Fatal(err)
	}
	if err := reg(1); err != nil {
		t.Fatal(err)
	}
	err := reg(2)
	if !errors.Is(err, ErrTokenUsedUp) || err.Error() != "smart: The token '"+tok.Token+"' has exceeded its maximum number of uses." {
		t.Fatalf("third use: %v", err)
	}

	tok2 := must(f.m.CreateToken(f.now, "Lab", "", 1, 0))
	f.now = tok2.ExpiresAt
	_, _, err = f.m.Register(f.now, sn(3), tok2.Token, []string{TagASAv1G})
	if !errors.Is(err, ErrTokenExpired) || err.Error() != "smart: The token '"+tok2.Token+"' has expired." {
		t.Fatalf("expired: %v", err)
	}

	tok3 := must(f.m.CreateToken(f.now, "Lab", "", MaxTokenDays, 0))
	must(f.m.RevokeToken(f.now, tok3.Token))
	_, _, err = f.m.Register(f.now, sn(3), tok3.Token, []string{TagASAv1G})
	if !errors.Is(err, ErrTokenRevoked) || err.Error() != "smart: The token '"+tok3.Token+"' has been revoked." {
		t.Fatalf("revoked: %v", err)
	}
	_, _, err = f.m.Register(f.now, sn(3), "NOSUCHTOKEN", []string{TagASAv1G})
	if !errors.Is(err, ErrTokenInvalid) || err.Error() != "smart: The token 'NOSUCHTOKEN' is not valid." {
		t.Fatalf("unknown: %v", err)
	}
}

func TestInputValidation(t *testing.T) {
	f := newFixture(t)
	must(f.m.CreateAccount(f.now, "Lab"))
	for _, tc := range []struct {
		name string
		err  error
		fn   func() error
	}{
		{"blank account", ErrInvalidName, func() error { _, _, e := f.m.CreateAccount(f.now, " "); return e }},
		{"padded account", ErrInvalidName, func() error { _, _, e := f.m.CreateAccount(f.now, "Lab "); return e }},
		{"odd char", ErrInvalidName, func() error { _, _, e := f.m.CreateAccount(f.now, "a/b"); return e }},
		{"dup account", ErrAccountExists, func() error { _, _, e := f.m.CreateAccount(f.now, "Lab"); return e }},
		{"unknown account", ErrUnknownAccount, func() error { _, _, e := f.m.CreateToken(f.now, "X", "", 0, 0); return e }},
		{"unknown va", ErrUnknownVirtualAccount, func() error { _, _, e := f.m.CreateToken(f.now, "Lab", "EU", 0, 0); return e }},
		{"days 366", ErrDaysOutOfRange, func() error { _, _, e := f.m.CreateToken(f.now, "Lab", "", 366, 0); return e }},
		{"days -1", ErrDaysOutOfRange, func() error { _, _, e := f.m.CreateToken(f.now, "Lab", "", -1, 0); return e }},
		{"uses -1", ErrCountOutOfRange, func() error { _, _, e := f.m.CreateToken(f.now, "Lab", "", 0, -1); return e }},
		{"tag", ErrUnknownTag, func() error {
			_, _, e := f.m.AddEntitlement(f.now, "Lab", "", "asav-std-1g", 1, time.Time{})
			return e
		}},
		{"count 0", ErrCountOutOfRange, func() error {
			_, _, e := f.m.AddEntitlement(f.now, "Lab", "", TagPlus, 0, time.Time{})
			return e
		}},
		{"end in past", ErrEndDate, func() error {
			_, _, e := f.m.AddEntitlement(f.now, "Lab", "", TagPlus, 1, f.now.Add(-day))
			return e
		}},
		{"udi", ErrInvalidUDI, func() error {
			_, _, e := f.m.Register(f.now, "PID:ASA5516,SN:JAD222605K8", "x", []string{TagPlus})
			return e
		}},
		{"renew unknown", ErrNotRegistered, func() error { _, _, e := f.m.RenewAuthorization(f.now, sn(0)); return e }},
		{"request code", ErrRequestCode, func() error { _, _, e := f.m.Reserve(f.now, "Lab", "", "CB-ZASAv:XX", ""); return e }},
	} {
		if err := tc.fn(); !errors.Is(err, tc.err) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.err)
		}
	}
	if a, e, tk, d := f.m.Len(); a != 1 || e != 0 || tk != 0 || d != 0 {
		t.Fatalf("refused input changed the manager: %d %d %d %d", a, e, tk, d)
	}
}

// Two ASAv-STD-1G licenses: two devices are authorized, the third is out
// of compliance, and so is the account; the entitlement's end takes
// compliance away from the rest; deregistering frees a license.
func TestComplianceArithmetic(t *testing.T) {
	f := newFixture(t)
	must(f.m.CreateAccount(f.now, "Lab"))
	must(f.m.AddEntitlement(f.now, "Lab", "", TagASAv1G, 1, time.Time{}))
	ends := f.now.Add(60 * day)
	must(f.m.AddEntitlement(f.now, "Lab", "", TagASAv1G, 1, ends))
	tok := must(f.m.CreateToken(f.now, "Lab", "", 0, 0))
	var got []Status
	for i := range 3 {
		f.now = f.now.Add(time.Minute)
		r := must(f.m.Register(f.now, sn(i), tok.Token, []string{TagASAv1G, TagPlus}))
		got = append(got, r.Status)
	}
	want := []Status{StatusOutOfCompliance, StatusOutOfCompliance, StatusOutOfCompliance}
	// No AnyConnect Plus was bought: every device lacks it.
	if !equal(got, want) {
		t.Fatalf("with no Plus: %v", got)
	}
	must(f.m.AddEntitlement(f.now, "Lab", "", TagPlus, 100, time.Time{}))
	devs, _ := f.m.Devices(f.now, "Lab")
	if st := statuses(devs); !equal(st, []Status{StatusAuthorized, StatusAuthorized, StatusOutOfCompliance}) {
		t.Fatalf("2 of 3: %v", st)
	}
	u, _ := f.m.Usage(f.now, "Lab")
	if u.InCompliance || len(u.Tags) != 2 || u.Tags[0] != (TagUsage{DefaultVirtualAccount, TagASAv1G, 2, 3, -1}) ||
		u.Tags[1] != (TagUsage{DefaultVirtualAccount, TagPlus, 100, 3, 97}) {
		t.Fatalf("usage %+v", u)
	}
	f.now = ends
	if s := f.m.Status(f.now, sn(1)); s != StatusOutOfCompliance {
		t.Fatalf("after the end date, second device: %s", s)
	}
	if s := f.m.Status(f.now, sn(0)); s != StatusAuthorized {
		t.Fatalf("after the end date, first device: %s", s)
	}
	must(f.m.Deregister(f.now, sn(0)))
	if s := f.m.Status(f.now, sn(1)); s != StatusAuthorized {
		t.Fatalf("after deregistering the first: %s", s)
	}
	u, _ = f.m.Usage(f.now, "Lab")
	if u.Tags[0] != (TagUsage{DefaultVirtualAccount, TagASAv1G, 1, 2, -1}) {
		t.Fatalf("usage after end and deregistration %+v", u.Tags[0])
	}
	r := must(f.m.RenewAuthorization(f.now.Add(30*day), sn(1)))
	if r.Device.AuthorizationExpires() != f.now.Add(60*day) {
		t.Fatalf("renewed authorization expires %v", r.Device.AuthorizationExpires())
	}
}

func TestReservation(t *testing.T) {
	f := newFixture(t)
	must(f.m.CreateAccount(f.now, "Lab"))
	must(f.m.AddEntitlement(f.now, "Lab", "", TagASAv1G, 1, time.Time{}))
	req := RequestCode("9AT1L9EX0DF", "AQGskTvD6")
	if s, err := ParseRequestCode(req); err != nil || s != "9AT1L9EX0DF" {
		t.Fatalf("parse %q: %q %v", req, s, err)
	}
	r := must(f.m.Reserve(f.now, "Lab", "", req, ""))
	if r.Tag != TagASAv1G || r.Device.UDI != "PID:ASAv,SN:9AT1L9EX0DF" {
		t.Fatalf("reserved %+v", r)
	}
	if tag, err := VerifyAuthorization(f.m.signer, req, r.AuthorizationCode); err != nil || tag != TagASAv1G {
		t.Fatalf("verify: %q %v", tag, err)
	}
	if _, err := VerifyAuthorization(f.m.signer, RequestCode("9AT1L9EX0DF", "OTHERNONC"), r.AuthorizationCode); !errors.Is(err, ErrRequestCode) {
		t.Fatalf("code of another request: %v", err)
	}
	if _, _, err := f.m.Reserve(f.now, "Lab", "", req, ""); !errors.Is(err, ErrReserved) {
		t.Fatalf("again: %v", err)
	}
	if _, _, err := f.m.Reserve(f.now, "Lab", "", RequestCode("9A5BHB00D2D", "AAAAAAAAA"), TagASAv1G); !errors.Is(err, ErrInsufficientLicenses) {
		t.Fatalf("no balance: %v", err)
	}
	u, _ := f.m.Usage(f.now, "Lab")
	if u.Tags[0] != (TagUsage{DefaultVirtualAccount, TagASAv1G, 1, 1, 0}) || !u.InCompliance {
		t.Fatalf("usage %+v", u)
	}
	// The reservation holds its license ahead of later registrations,
	// and needs no renewal.
	tok := must(f.m.CreateToken(f.now, "Lab", "", 0, 0))
	must(f.m.Register(f.now, sn(0), tok.Token, []string{TagASAv1G}))
	if s := f.m.Status(f.now.Add(400*day), "PID:ASAv,SN:9AT1L9EX0DF"); s != StatusAuthorized {
		t.Fatalf("reserved device: %s", s)
	}
	if s := f.m.Status(f.now, sn(0)); s != StatusOutOfCompliance {
		t.Fatalf("registered device: %s", s)
	}
	// Returning the reservation frees its license; its request code
	// stays used.
	must(f.m.Deregister(f.now, "PID:ASAv,SN:9AT1L9EX0DF"))
	if s := f.m.Status(f.now, sn(0)); s != StatusAuthorized {
		t.Fatalf("registered device after the reservation is returned: %s", s)
	}
	if _, _, err := f.m.Reserve(f.now, "Lab", "", req, ""); !errors.Is(err, ErrReserved) {
		t.Fatalf("returned request code again: %v", err)
	}
	if d, ok := f.m.Device("PID:ASAv,SN:9AT1L9EX0DF"); !ok || d.Active() || d.Reservation == nil {
		t.Fatalf("returned reservation's record %+v %v", d, ok)
	}
}

func statuses(d []DeviceStatus) []Status {
	var out []Status
	for _, x := range d {
		out = append(out, x.Status)
	}
	return out
}

func equal(a, b []Status) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReturnReservation: the return code a device prints for its
// reservation gives the license back; another code, a registered device's
// return or an unknown device's changes nothing.
func TestReturnReservation(t *testing.T) {
	f := newFixture(t)
	must(f.m.CreateAccount(f.now, "Lab"))
	must(f.m.AddEntitlement(f.now, "Lab", "", TagASAv1G, 2, time.Time{}))
	r := must(f.m.Reserve(f.now, "Lab", "", RequestCode("9AT1L9EX0DF", "AQGskTvD6"), ""))
	udi := r.Device.UDI
	code := ReturnCode(r.AuthorizationCode)
	if !regexp.MustCompile(`^([A-Za-z0-9]{6}-){9}[A-Za-z0-9]{3}$`).MatchString(code) {
		t.Fatalf("return code %q", code)
	}
	tok := must(f.m.CreateToken(f.now, "Lab", "", 0, 0))
	must(f.m.Register(f.now, sn(0), tok.Token, []string{TagASAv1G}))
	for name, try := range map[string]func() error{
		"another code":   func() error { _, _, e := f.m.ReturnReservation(f.now, udi, ReturnCode("PLR:other")); return e },
		"registered":     func() error { _, _, e := f.m.ReturnReservation(f.now, sn(0), code); return e },
		"unknown device": func() error { _, _, e := f.m.ReturnReservation(f.now, sn(1), code); return e },
		"empty":          func() error { _, _, e := f.m.ReturnReservation(f.now, udi, ""); return e },
	} {
		if err := try(); !errors.Is(err, ErrReturnCode) && !errors.Is(err, ErrNotRegistered) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if u, _ := f.m.Usage(f.now, "Lab"); u.Tags[0].InUse != 2 {
		t.Fatalf("usage after refused returns %+v", u)
	}
	d := must(f.m.ReturnReservation(f.now, udi, " "+code+" "))
	if d.UDI != udi {
		t.Fatalf("returned %+v", d)
	}
	if u, _ := f.m.Usage(f.now, "Lab"); u.Tags[0] != (TagUsage{DefaultVirtualAccount, TagASAv1G, 2, 1, 1}) {
		t.Fatalf("usage after the return %+v", u)
	}
	if _, _, err := f.m.ReturnReservation(f.now, udi, code); !errors.Is(err, ErrNotRegistered) {
		t.Fatalf("returned twice: %v", err)
	}
}

// A CSR 1000V registers with its own UDI and asks for a CSR entitlement.
func TestRegisterCSR(t *testing.T) {
	if got := CSRTag("AX", "100M"); got != "CSR 1KV AX 100M" || !ValidTag(got) {
		t.Fatalf("CSRTag = %q, valid %v", got, ValidTag(got))
	}
	if len(TierTags) != 5 || TierTags[4] != TagASAv20G {
		t.Fatalf("TierTags = %v", TierTags)
	}
	udi := UDIOf(PIDCSR, "9ABCDEFGHIJ")
	if sn, err := ParseUDI(udi); err != nil || sn != "9ABCDEFGHIJ" {
		t.Fatalf("ParseUDI(%q) = %q, %v", udi, sn, err)
	}
	if _, err := ParseUDI("PID:ISR4451,SN:9ABCDEFGHIJ"); err == nil {
		t.Fatal("ParseUDI accepted a product that is not Smart-licensed here")
	}
}

// TestReportUsage: a device reporting a new entitlement is authorized for
// it (and its old one is freed for the account); an unknown tag or an
// unregistered device is refused and changes nothing.
func TestReportUsage(t *testing.T) {
	f := newFixture(t)
	must(f.m.CreateAccount(f.now, "Lab"))
	ax, sec := CSRTag("AX", "100M"), CSRTag("SECURITY", "100M")
	must(f.m.AddEntitlement(f.now, "Lab", "", ax, 1, time.Time{}))
	tok := must(f.m.CreateToken(f.now, "Lab", "", 0, 0))
	udi := UDIOf(PIDCSR, "9ABCDEFGHIJ")
	must(f.m.Register(f.now, udi, tok.Token, []string{ax}))
	f.now = f.now.Add(time.Hour)
	r := must(f.m.ReportUsage(f.now, udi, []string{sec}))
	if r.Status != StatusOutOfCompliance || len(r.Device.Tags) != 1 || r.Device.Tags[0] != sec || !r.Device.AuthorizedAt.Equal(f.now) {
		t.Fatalf("security not bought: %+v", r)
	}
	must(f.m.AddEntitlement(f.now, "Lab", "", sec, 1, time.Time{}))
	if s := f.m.Status(f.now, udi); s != StatusAuthorized {
		t.Fatalf("security bought: %s", s)
	}
	if _, _, err := f.m.ReportUsage(f.now, udi, []string{"CSR 1KV GOLD 100M"}); !errors.Is(err, ErrUnknownTag) {
		t.Errorf("unknown tag: %v", err)
	}
	if _, _, err := f.m.ReportUsage(f.now, UDIOf(PIDCSR, "9ABCDEFGHIK"), []string{sec}); !errors.Is(err, ErrNotRegistered) {
		t.Errorf("unregistered: %v", err)
	}
	if s := f.m.Status(f.now, udi); s != StatusAuthorized {
		t.Errorf("after the refusals: %s", s)
	}
}
