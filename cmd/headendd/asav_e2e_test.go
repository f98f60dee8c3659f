package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestEndToEndASAv is the acceptance on the real daemon, driven by
// headendctl on a simulated clock starting at labStart: a Smart Account
// with two ASAv-STD-1G and a token; two ASAv10 registered on their
// consoles (authorized, 250 Premium peers: the 251st user is refused), a
// third out of compliance; `link cut v1 smart` and a 91-day advance pass
// v1's communication deadline (unauthorized, Premium back to 2, its show
// license all and events), kept across a SIGKILL; a fourth box licensed by
// a Permanent License Reservation with its path to the manager cut.
func TestEndToEndASAv(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	run := func(args ...string) string {
		t.Helper()
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	has := func(out string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
	}
	smartLines := []string{"configure terminal", "license smart", "feature tier standard", "throughput level 1G", "exit", "end"}

	run("smart", "account", "create", "Acme")
	run("smart", "entitlement", "add", "--account", "Acme", "--tag", "ASAv-STD-1G", "--count", "2")
	token := firstWord(t, run("smart", "token", "create", "--account", "Acme"))
	for i, h := range []string{"v1", "v2", "v3"} {
		run("create", "--model", "ASAv10", "--hostname", h, "--serial", fmt.Sprintf("9AAAAAAAAA%d", i+1))
		run(append([]string{"exec", h}, append(smartLines, "license smart register idtoken "+token)...)...)
	}
	for _, h := range []string{"v1", "v2"} {
		has(run("get", h), "smart:          AUTHORIZED ASAv-STD-1G (Acme/DEFAULT), next attempt 2026-02-04T09:00:00Z, deadline 2026-04-05T09:00:00Z",
			"vpn peers:      premium 250")
	}
	has(run("get", "v3"), "smart:          OUT OF COMPLIANCE ASAv-STD-1G (Acme/DEFAULT)")
	list := run("list")
	if !regexp.MustCompile(`(?m)^v1 +ASAv10 +9AAAAAAAAA1 +up +250 .*smart AUTHORIZED$`).MatchString(list) ||
		!regexp.MustCompile(`(?m)^v3 .*smart OUT OF COMPLIANCE$`).MatchString(list) {
		t.Errorf("list:\n%s", list)
	}
	hc := headendv1.NewHeadendServiceClient(d.dial(t))
	cx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 251 {
		resp, err := hc.AdmitConnection(cx, &headendv1.AdmitConnectionRequest{Headend: "v1", User: fmt.Sprintf("u%03d", i),
			ClientDevice: "laptop", Kind: headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT})
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetAdmitted() != (i < 250) {
			t.Fatalf("user %d of v1: admitted %v", i+1, resp.GetAdmitted())
		}
	}

	has(run("link", "cut", "v1", "smart"), "link v1 - smart cut")
	has(run("link", "list"), "v1 smart (Smart Software Manager) cut since 2026-01-05T09:00:00Z")
	run("clock", "advance", "91d")
	d.kill()
	d = startDaemon(t, headendd, dataDir)
	has(run("get", "v1"), "smart:          AUTHORIZATION EXPIRED ASAv-STD-1G (Acme/DEFAULT)", "deadline 2026-04-05T09:00:00Z",
		"last failure: Communication message send error", "vpn peers:      premium 2")
	has(run("get", "v2"), "smart:          AUTHORIZED ASAv-STD-1G (Acme/DEFAULT)", "deadline 2026-07-04T09:00:00Z")
	has(run("exec", "v1", "show license all"), "Status: AUTHORIZATION EXPIRED", "Failure reason: Communication message send error")
	has(run("events", "--headend", "v1", "--kind", "smart"), "2026-04-05T09:00:00Z", "%SMART_LIC-5-AUTHORIZATION_EXPIRED")
	has(run("link", "list"), "v1 smart (Smart Software Manager) cut since 2026-01-05T09:00:00Z")

	// A Permanent License Reservation, on a box that never reaches the
	// manager: two more licenses, one for v3, which is in compliance then.
	run("smart", "entitlement", "add", "--account", "Acme", "--tag", "ASAv-STD-1G", "--count", "2")
	run("create", "--model", "ASAv10", "--hostname", "v4", "--serial", "9AAAAAAAAA4")
	run("link", "cut", "v4", "smart")
	out := run(append([]string{"exec", "v4"}, append(smartLines[:len(smartLines)-1], "license smart reservation", "end",
		"license smart reservation request universal")...)...)
	req := regexp.MustCompile(`(?m)^CB-\S+`).FindString(out)
	if req == "" {
		t.Fatalf("no request code:\n%s", out)
	}
	code := firstWord(t, run("smart", "reserve", "--account", "Acme", "--request", req))
	run("exec", "v4", "license smart reservation install "+code)
	has(run("get", "v4"), "smart:          AUTHORIZED (reserved) ASAv-STD-1G", "vpn peers:      premium 250")
	run("clock", "advance", "400d")
	has(run("get", "v4"), "smart:          AUTHORIZED (reserved) ASAv-STD-1G", "vpn peers:      premium 250")
}

// TestEndToEndPortalRefusesASAvSerial: headendctl portal register of a
// PAK to an ASAv serial exits 1 with the FAQ's reason, code and ErrorInfo
// reason, and registers nothing.
func TestEndToEndPortalRefusesASAvSerial(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	d := startDaemon(t, headendd, filepath.Join(t.TempDir(), "data"))
	run := func(args ...string) string {
		t.Helper()
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	plus := firstWord(t, run("portal", "order", "--sku", "L-AC-PLS-LIC=", "--users", "100", "--months", "12", "--customer", "Acme"))
	run("clock", "advance", "4h")
	out, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "portal", "register", "--pak", plus, "--serial", "9A5BHB00D2D")
	want := "PAK registration does not happen for the ASA v: 9A5BHB00D2D is an ASAv serial; the ASAv does not require any " +
		"Cisco Secure Client license to be physically applied (register it to a Smart Account) (FailedPrecondition, ASAV_SMART_LICENSED)"
	if code != 1 || out != "" || !strings.Contains(errOut, want) {
		t.Errorf("portal register to an ASAv serial: exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errOut, want)
	}
	if got := run("portal", "licenses", "--serial", "9A5BHB00D2D"); strings.Contains(got, plus) {
		t.Errorf("the refused PAK is registered: %s", got)
	}
}
