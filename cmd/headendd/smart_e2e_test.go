package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/asalab/asalab/keygen/smart"
)

// TestEndToEndSmartSoftwareManager drives the lab's Smart Software Manager
// with headendctl against the real daemon: a Smart Account with two
// ASAv-STD-1G and ten AnyConnect Apex ending in a year, a token printed
// first and revoked, a Permanent License Reservation, the usage table and
// the device list, refusals with their exit codes, everything still there
// after a SIGKILL.
func TestEndToEndSmartSoftwareManager(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	run := func(args ...string) string {
		t.Helper()
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	fails := func(wantCode int, wantErr string, args ...string) {
		t.Helper()
		out, errOut, code := ctl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
		if code != wantCode || out != "" || !strings.Contains(errOut, wantErr) {
			t.Errorf("headendctl %s: exit %d, stdout %q, stderr %q; want exit %d and %q on stderr",
				strings.Join(args, " "), code, out, errOut, wantCode, wantErr)
		}
	}

	if got, want := run("smart", "account", "create", "Acme Corp"), "Acme Corp (virtual accounts: DEFAULT)\n"; got != want {
		t.Fatalf("account create: %q, want %q", got, want)
	}
	if got, want := run("smart", "entitlement", "add", "--account", "Acme Corp", "--tag", "ASAv-STD-1G", "--count", "2"),
		"E000001: 2 ASAv-STD-1G in Acme Corp/DEFAULT\n"; got != want {
		t.Fatalf("entitlement add: %q, want %q", got, want)
	}
	if got, want := run("smart", "entitlement", "add", "--account", "Acme Corp", "--tag", "AnyConnect Apex", "--count", "10", "--ends", "2027-01-05"),
		"E000002: 10 AnyConnect Apex in Acme Corp/DEFAULT, ending 2027-01-05\n"; got != want {
		t.Fatalf("entitlement add --ends: %q, want %q", got, want)
	}
	out := run("smart", "token", "create", "--account", "Acme Corp", "--days", "7", "--uses", "2")
	token := firstWord(t, out)
	if !strings.HasSuffix(out, " Acme Corp/DEFAULT expires 2026-01-12 09:00:00 UTC, 2 uses\n") || len(token) != 32 {
		t.Fatalf("token create: %q", out)
	}
	if got, want := run("smart", "token", "revoke", token), token+" revoked (Acme Corp/DEFAULT)\n"; got != want {
		t.Fatalf("token revoke: %q, want %q", got, want)
	}
	req := smart.RequestCode("9AT1L9EX0DF", "AQGskTvD6")
	out = run("smart", "reserve", "--account", "Acme Corp", "--request", req)
	code := firstWord(t, out)
	if !strings.HasPrefix(code, "PLR:ASAv-STD-1G:9AT1L9EX0DF:") || !strings.HasSuffix(out, " ASAv-STD-1G reserved for PID:ASAv,SN:9AT1L9EX0DF\n") {
		t.Fatalf("reserve: %q", out)
	}
	wantUsage := "VIRTUAL ACCOUNT  TAG              PURCHASED  IN USE  BALANCE\n" +
		"DEFAULT          ASAv-STD-1G      2          1       1\n" +
		"DEFAULT          AnyConnect Apex  10         0       10\n" +
		"Acme Corp is in compliance\n"
	if got := run("smart", "usage", "--account", "Acme Corp"); got != wantUsage {
		t.Fatalf("usage:\n%s\nwant:\n%s", got, wantUsage)
	}
	wantDevices := "UDI                      VIRTUAL ACCOUNT  ENTITLEMENTS  STATUS      AUTHORIZATION EXPIRES\n" +
		"PID:ASAv,SN:9AT1L9EX0DF  DEFAULT          ASAv-STD-1G   AUTHORIZED  never (reserved)\n"
	if got := run("smart", "devices", "--account", "Acme Corp"); got != wantDevices {
		t.Fatalf("devices:\n%s\nwant:\n%s", got, wantDevices)
	}

	fails(1, `the Smart Account already exists: "Acme Corp" (AlreadyExists, SMART_ACCOUNT_EXISTS)`, "smart", "account", "create", "Acme Corp")
	fails(1, "(NotFound, SMART_ACCOUNT_NOT_FOUND)", "smart", "usage", "--account", "Nobody")
	fails(1, "(InvalidArgument, UNKNOWN_ENTITLEMENT_TAG)", "smart", "entitlement", "add", "--account", "Acme Corp", "--tag", "ASAv-STD-3G", "--count", "1")
	fails(1, "token expiry days out of range: 400 (1 to 365)", "smart", "token", "create", "--account", "Acme Corp", "--days", "400")
	fails(1, "The token 'NOPE' is not valid. (NotFound, SMART_TOKEN_INVALID)", "smart", "token", "revoke", "NOPE")
	fails(1, "(AlreadyExists, ALREADY_RESERVED)", "smart", "reserve", "--account", "Acme Corp", "--request", req)
	fails(2, "usage: smart", "smart")
	fails(2, `unknown command "frob"`, "smart", "frob")
	fails(2, "usage: smart account create NAME", "smart", "account", "create")
	fails(2, "usage: smart entitlement add", "smart", "entitlement", "add", "--account", "Acme Corp")

	d.kill()
	d = startDaemon(t, headendd, dataDir)
	if got := run("smart", "usage", "--account", "Acme Corp"); got != wantUsage {
		t.Fatalf("usage after SIGKILL:\n%s\nwant:\n%s", got, wantUsage)
	}
	fails(1, "(AlreadyExists, ALREADY_RESERVED)", "smart", "reserve", "--account", "Acme Corp", "--request", req)
}
