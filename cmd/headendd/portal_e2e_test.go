package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// firstWord is what a script takes from `portal order` and `portal share`.
func firstWord(t *testing.T, out string) string {
	t.Helper()
	f := strings.Fields(out)
	if len(f) == 0 {
		t.Fatalf("no output")
	}
	return f[0]
}

// keyLine finds "<serial>: <five words>" in a license e-mail or key list.
func keyLine(t *testing.T, out, serial string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(l, serial+": "); ok {
			if f := strings.Fields(rest); len(f) >= 5 {
				return strings.Join(f[:5], " ")
			}
		}
	}
	t.Fatalf("no key line for %s in:\n%s", serial, out)
	return ""
}

// TestEndToEndPortalSeedStory follows the Cisco Secure Client licensing
// FAQ's story with headendctl against the real daemon on a simulated
// clock: order Plus for 873 users for 30 months and Apex for 102 users; the
// PAK used too early; register to an ASA 5525-X and install the key over the console; share to a second ASA
// with an activation code; RMA the first and register again; VPN Only on
// the same serial refused; everything still there after a SIGKILL.
func TestEndToEndPortalSeedStory(t *testing.T) {
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
	showVersion := func(host string) string {
		t.Helper()
		return run("exec", host, "show version")
	}
	wantMax := func(host, out string) {
		t.Helper()
		for _, want := range []string{
			"AnyConnect Premium Peers          : 750            perpetual",
			"AnyConnect for Mobile             : Enabled        perpetual",
			"AnyConnect for Cisco VPN Phone    : Enabled        perpetual",
			"Advanced Endpoint Assessment      : Enabled        perpetual",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s show version lacks %q:\n%s", host, want, out)
			}
		}
	}

	run("create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V0GY")
	run("create", "--model", "ASA5525", "--hostname", "asa2", "--serial", "JMX1628X0P9")

	plus := firstWord(t, run("portal", "order", "--sku", "L-AC-PLS-LIC=", "--users", "873", "--months", "30", "--customer", "Acme Corp"))
	apex := firstWord(t, run("portal", "order", "--sku", "L-AC-APX-LIC=", "--users", "102", "--months", "12", "--customer", "Acme Corp"))
	if len(plus) != 11 || plus == apex {
		t.Fatalf("PAKs %q %q", plus, apex)
	}

	// Too early: the portal's own message.
	fails(1, "PAK/s or Token/s "+plus+" is / are either Invalid or Inactive (FailedPrecondition, PAK_INACTIVE)",
		"portal", "register", "--pak", plus, "--serial", "FCH1947V0GY")
	run("clock", "advance", "4h")
	fails(1, "Serial number cannot be blank", "portal", "register", "--pak", plus, "--serial", "FCH1947V0GY ")

	mail := run("portal", "register", "--pak", plus, "--serial", "FCH1947V0GY")
	for _, want := range []string{"Serial #: FCH1947V0GY", "Product Authorization Key : " + plus,
		"License Start Date : ", "License End Date : ", "Platform = asa"} {
		if !strings.Contains(mail, want) {
			t.Errorf("license e-mail lacks %q:\n%s", want, mail)
		}
	}
	key := keyLine(t, mail, "FCH1947V0GY")
	if again := keyLine(t, run("portal", "register", "--pak", apex, "--serial", "FCH1947V0GY"), "FCH1947V0GY"); again != key {
		t.Errorf("the Apex PAK changed the key: %s -> %s", key, again)
	}
	out := run("exec", "asa1", "activation-key "+key, "y", "configure terminal", "webvpn", "no anyconnect-essentials", "end")
	if !strings.Contains(out, "Both Running and Flash permanent activation key was updated with the requested key.") {
		t.Fatalf("installing the portal's key:\n%s", out)
	}
	wantMax("asa1", showVersion("asa1"))

	// Share License Process to the second ASA.
	code := firstWord(t, run("portal", "share", "--source", "FCH1947V0GY", "--target", "JMX1628X0P9"))
	keys := run("portal", "use-code", "--code", code)
	keyB := keyLine(t, keys, "JMX1628X0P9")
	if !strings.HasPrefix(keys, "JMX1628X0P9: "+keyB) {
		t.Errorf("use-code does not print the target's key first:\n%s", keys)
	}
	fails(1, "ACTIVATION_CODE_USED", "portal", "use-code", "--code", code)
	run("exec", "asa2", "activation-key "+keyB, "y", "configure terminal", "webvpn", "no anyconnect-essentials", "end")
	wantMax("asa2", showVersion("asa2"))

	// RMA: the replacement has a new serial and no key; the multi-use PAKs
	// register again.
	run("rma", "asa1", "--serial", "FCH2648BCDE")
	if out, _, code := ctl(t, headendctl, "--addr", d.grpc, "exec", "asa1", "activation-key "+key); code != 1 ||
		!strings.Contains(out, "ERROR: The requested activation key is not valid.") {
		t.Errorf("the old unit's key on the replacement: exit %d\n%s", code, out)
	}
	keyR := keyLine(t, run("portal", "register", "--pak", plus, "--serial", "FCH2648BCDE"), "FCH2648BCDE")
	run("portal", "register", "--pak", apex, "--serial", "FCH2648BCDE")
	run("exec", "asa1", "activation-key "+keyR, "y", "configure terminal", "webvpn", "no anyconnect-essentials", "end")
	wantMax("asa1", showVersion("asa1"))

	// VPN Only on the same serial: refused with the FAQ's reason.
	vpno := firstWord(t, run("portal", "order", "--sku", "L-AC-VPNO-250=", "--customer", "Acme Corp"))
	run("clock", "advance", "4h")
	fails(1, "VPN Only licenses do not co-exist on the same hardware with Plus or Apex licenses",
		"portal", "register", "--pak", vpno, "--serial", "FCH2648BCDE")
	fails(1, "USER_COUNT_OUT_OF_RANGE", "portal", "order", "--sku", "L-AC-PLS-LIC=", "--months", "12", "--customer", "X")
	fails(2, "usage: portal", "portal")
	fails(2, `unknown command "frob"`, "portal", "frob")

	// The portal survives a SIGKILL right after its acknowledgements.
	d.kill()
	d = startDaemon(t, headendd, dataDir)
	lic := run("portal", "licenses", "--serial", "FCH2648BCDE")
	for _, want := range []string{"L-AC-PLS-LIC=  " + plus + "  873", "L-AC-APX-LIC=  " + apex + "  102", "FCH2648BCDE: " + keyR} {
		if !strings.Contains(lic, want) {
			t.Errorf("portal licenses after restart lacks %q:\n%s", want, lic)
		}
	}
	fails(1, "ACTIVATION_CODE_USED", "portal", "use-code", "--code", code)

	// The terms start the day after the order: the users connect once they
	// are in force, on the morning of 2026-01-06 lab time.
	run("clock", "set", "2026-01-06T10:00:00Z")
	// The honor system: 1,000 distinct users connect through the two ASAs
	// (admitted and released in batches, never more than the 750 a 5525
	// holds at once), 10 of them clientless, an Apex-only service. That is
	// more than the 873 Plus and the 102 Apex users bought.
	admitUsers(t, d, 1000, 10)
	rep := run("portal", "compliance")
	for _, want := range []string{`Customer "Acme Corp": 975 users authorized by the licenses in force, 1000 unique users seen`,
		"PLUS  L-AC-PLS-LIC=", "APEX  L-AC-APX-LIC="} {
		if !strings.Contains(rep, want) {
			t.Errorf("compliance report lacks %q:\n%s", want, rep)
		}
	}
	if strings.Contains(rep, "Usage: unavailable") {
		t.Errorf("the report does not read the admission records:\n%s", rep)
	}
	for _, re := range []string{`PLUS\s+L-AC-PLS-LIC=\s+\S+\s+\S+\s+873\s+1000\s`, `APEX\s+L-AC-APX-LIC=\s+\S+\s+\S+\s+102\s+1000\s`} {
		if !regexp.MustCompile(re).MatchString(rep) {
			t.Errorf("compliance report lacks a row like %q:\n%s", re, rep)
		}
	}
	for _, want := range []string{"1000 unique users seen, 873 authorized: 127 over the purchased count",
		"1000 unique users seen, 102 authorized: 898 over the purchased count"} {
		if !strings.Contains(rep, want) {
			t.Errorf("compliance report does not call out the over-use %q:\n%s", want, rep)
		}
	}
}

// admitUsers connects n distinct users through asa1 and asa2, each admitted
// and released in batches of 100, the first clientless of them clientless.
func admitUsers(t *testing.T, d *daemon, n, clientless int) {
	t.Helper()
	hc := headendv1.NewHeadendServiceClient(d.dial(t))
	ctx := context.Background()
	for start := 0; start < n; start += 100 {
		req := &headendv1.AdmitConnectionBatchRequest{}
		for i := start; i < min(start+100, n); i++ {
			kind := headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT
			if i < clientless {
				kind = headendv1.ConnectionKind_CONNECTION_KIND_CLIENTLESS
			}
			host := []string{"asa1", "asa2"}[i%2]
			req.Attempts = append(req.Attempts, &headendv1.ConnectionAttempt{Headend: host,
				User: fmt.Sprintf("user%04d@acme.example", i), ClientDevice: fmt.Sprintf("laptop-%04d", i), Kind: kind})
		}
		resp, err := hc.AdmitConnectionBatch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		rel := &headendv1.ReleaseConnectionBatchRequest{}
		for i, dec := range resp.GetDecisions() {
			if !dec.GetAdmitted() {
				t.Fatalf("user %d refused: %v %s", start+i, dec.GetReason(), dec.GetSyslog())
			}
			rel.Sessions = append(rel.Sessions, &headendv1.SessionRef{Headend: req.Attempts[i].Headend, SessionId: dec.GetSessionId()})
		}
		if _, err := hc.ReleaseConnectionBatch(ctx, rel); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEndToEndPortalMigration: a shared licensing participant (an ASA
// 5525-X with the participant license and 25 Premium peers) moves to Plus
// with headendctl: the registration without --migrate is refused naming
// it; with --migrate the retired licenses are replaced and listed as
// migrated, also after a SIGKILL; the console asks to agree to the
// Essentials warning; after `no anyconnect-essentials`, the shared
// licensing configuration removed and a reload, the unit admits up to its
// platform limit.
func TestEndToEndPortalMigration(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	run := func(args ...string) string {
		t.Helper()
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	run("create", "--model", "ASA5525", "--hostname", "prt1", "--serial", "FCH1947V0GY")
	p25 := firstWord(t, run("portal", "order", "--sku", "L-ASA-SSL-25=", "--customer", "Fleet"))
	shr := firstWord(t, run("portal", "order", "--sku", "L-ASA-SSL-SHR-PRT=", "--customer", "Fleet"))
	plus := firstWord(t, run("portal", "order", "--sku", "L-AC-PLS-LIC=", "--users", "600", "--months", "12", "--customer", "Fleet"))
	run("clock", "advance", "4h")
	run("portal", "register", "--pak", p25, "--serial", "FCH1947V0GY")
	old := keyLine(t, run("portal", "register", "--pak", shr, "--serial", "FCH1947V0GY"), "FCH1947V0GY")
	run("exec", "prt1", "activation-key "+old, "configure terminal", "license-server address 10.15.0.15 secret SeKreTkey", "end", "write memory")

	out, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "portal", "register", "--pak", plus, "--serial", "FCH1947V0GY")
	if code != 1 || out != "" || !strings.Contains(errOut, "do not co-exist on the same hardware") ||
		!strings.Contains(errOut, "register with --migrate") || !strings.Contains(errOut, "MIGRATION_REQUIRED") {
		t.Fatalf("register without --migrate: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	run("clock", "advance", "24h")
	mail := run("portal", "register", "--pak", plus, "--serial", "FCH1947V0GY", "--migrate")
	key := keyLine(t, mail, "FCH1947V0GY")
	if want := "migrated on 01/06/2026 to PAK " + plus + ": L-ASA-SSL-25= (PAK " + p25 + "), L-ASA-SSL-SHR-PRT= (PAK " + shr + ")"; !strings.Contains(mail, want) {
		t.Errorf("register --migrate lacks %q:\n%s", want, mail)
	}

	d.kill()
	d = startDaemon(t, headendd, dataDir)
	lic := run("portal", "licenses", "--serial", "FCH1947V0GY")
	for _, re := range []string{`L-AC-PLS-LIC=\s+` + plus + `\s+600\s`, `MIGRATED SKU\s+PAK\s+REGISTERED ON\s+MIGRATED ON\s+REPLACED BY PAK`,
		`L-ASA-SSL-25=\s+` + p25 + `\s+01/05/2026\s+01/06/2026\s+` + plus, `L-ASA-SSL-SHR-PRT=\s+` + shr + `\s+01/05/2026\s+01/06/2026\s+` + plus,
		`FCH1947V0GY: ` + key + `  \(permanent: plus-apex\)`} {
		if !regexp.MustCompile(re).MatchString(lic) {
			t.Errorf("portal licenses after restart lacks %q:\n%s", re, lic)
		}
	}

	if rep := run("portal", "compliance", "--customer", "Fleet"); !strings.Contains(rep,
		"  migrated FCH1947V0GY to L-AC-PLS-LIC= (PAK "+plus+") on 01/06/2026: L-ASA-SSL-25=, L-ASA-SSL-SHR-PRT=\n") {
		t.Errorf("compliance report lacks the migration:\n%s", rep)
	}

	// Declined, nothing changes; agreed, the key waits on flash for the
	// reload its dropped features need.
	out = run("exec", "prt1", "activation-key "+key, "no", "show activation-key")
	if !strings.Contains(out, "Proceed with update flash activation key? [confirm]no") ||
		!strings.Contains(out, "Running Permanent Activation Key: "+old) {
		t.Errorf("declined:\n%s", out)
	}
	out = run("exec", "prt1", "activation-key "+key, "y", "configure terminal", "webvpn", "no anyconnect-essentials", "exit",
		"no license-server address", "end", "write memory")
	if !strings.Contains(out, "will become active after the next reload") {
		t.Errorf("agreed:\n%s", out)
	}
	run("reload", "prt1")
	if out := run("exec", "prt1", "show version"); !strings.Contains(out, "AnyConnect Premium Peers          : 750            perpetual") ||
		!strings.Contains(out, "Shared License                    : Disabled") {
		t.Errorf("show version after the reload:\n%s", out)
	}
	hc := headendv1.NewHeadendServiceClient(d.dial(t))
	req := &headendv1.AdmitConnectionBatchRequest{}
	for i := range 751 {
		req.Attempts = append(req.Attempts, &headendv1.ConnectionAttempt{Headend: "prt1",
			User: fmt.Sprintf("user%04d@fleet.example", i), ClientDevice: fmt.Sprintf("laptop-%04d", i),
			Kind: headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT})
	}
	resp, err := hc.AdmitConnectionBatch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	admitted := 0
	for _, dec := range resp.GetDecisions() {
		if dec.GetAdmitted() {
			admitted++
		}
	}
	if admitted != 750 {
		t.Errorf("admitted %d of 751, want the platform limit 750", admitted)
	}
}
