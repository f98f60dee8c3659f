package license_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/ios/license"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/ioslic"
)

const (
	udi2911 = "CISCO2911/K9:FTX1234A5BC"
	udi1941 = "CISCO1941/K9:FTX1524VB84"
)

// t0 is an arbitrary lab time; nothing depends on the date.
var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func labSigner(t testing.TB) *keygen.Signer {
	t.Helper()
	s, err := keygen.NewSigner([]byte("the lab's secret of 32 bytes!!!!"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func module(t testing.TB, model string) license.Module {
	t.Helper()
	p, ok := headend.LookupPlatform(model)
	if !ok {
		t.Fatalf("no platform %s", model)
	}
	m, err := license.ModuleFor(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func new2911(t testing.TB) *license.Store { return license.New(module(t, "CISCO2911"), udi2911, t0) }

func golden(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func issue(t testing.TB, s *keygen.Signer, udi, sku, pak string) []byte {
	t.Helper()
	data, _, err := ioslic.Issue(s, udi, sku, t0, pak)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func snapshot(t testing.TB, s *license.Store) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func diff(t testing.TB, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Errorf("%s: line %d\n got %q\nwant %q", what, i+1, gl, wl)
			return
		}
	}
}

func TestModuleFor(t *testing.T) {
	if m := module(t, "CISCO1941"); m.Name != "c1900" || strings.Join(m.Packages(), " ") != "ipbasek9 securityk9 datak9" {
		t.Errorf("CISCO1941: %+v", m)
	}
	if m := module(t, "CISCO2911"); m.Name != "c2900" || strings.Join(m.Packages(), " ") != "ipbasek9 securityk9 uck9 datak9" {
		t.Errorf("CISCO2911: %+v", m)
	}
	for _, model := range []string{"CSR1000V", "ASR1001-X"} {
		p, _ := headend.LookupPlatform(model)
		if _, err := license.ModuleFor(p); !errors.Is(err, license.ErrNotISR) {
			t.Errorf("%s: err = %v, want ErrNotISR", model, err)
		}
	}
}

// The factory show license of a 1941 is the real one, byte for byte.
func TestShowLicenseFactoryGolden(t *testing.T) {
	s := license.New(module(t, "CISCO1941"), udi1941, t0)
	diff(t, "show license", s.ShowLicense(t0.Add(3*day), nil), golden(t, "show_license_1941.txt"))
}

// After the EULA of one package is accepted, every evaluation shows its
// period, as on the real 1941.
func TestShowLicenseAfterEULAGolden(t *testing.T) {
	s := license.New(module(t, "CISCO1941"), udi1941, t0)
	need, err := s.BootNeedsEULA("c1900", "datak9")
	if err != nil || !need {
		t.Fatalf("BootNeedsEULA = %v, %v", need, err)
	}
	out, err := s.BootModule(t0, "c1900", "datak9", true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(out.Lines, "\n") != "% use 'write' command to make license boot config take effect on next boot" {
		t.Errorf("lines = %q", out.Lines)
	}
	want := golden(t, "show_license_1941_eula_head.txt")
	got := s.ShowLicense(t0, nil)
	diff(t, "show license", got[:min(len(want), len(got))], want)
}

func TestTechnologyTableGolden(t *testing.T) {
	s := license.New(module(t, "CISCO1941"), udi1941, t0)
	real := strings.Split(golden(t, "show_version_1941_table.txt"), "\n")
	// The real image has one more package row (NtwkEss) than the lab's.
	want := strings.Join(append(real[:9:9], ""), "\n")
	diff(t, "technology table", s.TechnologyTable(t0), want)

	s2 := new2911(t)
	if _, err := s2.BootModule(t0, "c2900", "securityk9", true); err != nil {
		t.Fatal(err)
	}
	tab := s2.TechnologyTable(t0)
	for _, row := range []string{"security      None                 None           securityk9\n", "uc            None                 None           None\n"} {
		if !strings.Contains(tab, row) {
			t.Errorf("before reload, no row %q in\n%s", row, tab)
		}
	}
	s2.Reload(t0)
	if row := "security      securityk9           EvalRightToUse securityk9\n"; !strings.Contains(s2.TechnologyTable(t0), row) {
		t.Errorf("after reload, no row %q in\n%s", row, s2.TechnologyTable(t0))
	}
}

func TestShowLicenseUDIGolden(t *testing.T) {
	diff(t, "show license udi", license.ShowLicenseUDI("CISCO2911/K9", "JTV1635T41W"), golden(t, "show_license_udi_2911.txt"))
}

func TestShowLicenseFeatureLayout(t *testing.T) {
	real := strings.Split(golden(t, "show_license_feature_asr903.txt"), "\n")
	s := new2911(t)
	got := strings.Split(s.ShowLicenseFeature(t0), "\n")
	diff(t, "header", got[0], real[0])
	// Same columns as the real rows: the real "metroipservices" row with
	// the name and values of ours.
	want := func(name, vals string) string {
		v := strings.Fields(vals)
		return fmt.Sprintf("%-25s%-13s%-12s%-15s%-9s%-11s", name, v[0], v[1], v[2], v[3], v[4])
	}
	if w := want("metroipservices", "yes yes no no yes"); w != real[2] {
		t.Fatalf("the layout does not reproduce the real row:\n%q\n%q", w, real[2])
	}
	diff(t, "ipbasek9", got[1], want("ipbasek9", "no no no yes no"))
	diff(t, "securityk9", got[2], want("securityk9", "yes yes no no yes"))
	diff(t, "SSL_VPN", got[5], want("SSL_VPN", "yes yes no no yes"))
}

func TestShowLicenseDetailEvalEntry(t *testing.T) {
	real := golden(t, "show_license_detail_asr903_eval.txt")
	want := strings.Replace(real, "Feature: atm                               ", fmt.Sprintf("Feature: %-34s", "datak9"), 1)
	s := new2911(t)
	got := s.ShowLicenseDetail(t0, nil)
	// datak9 sorts first; it is the fourth built-in license of a 2911, at
	// the real entry's store index 3.
	diff(t, "detail", got[:min(len(got), len(want))], want)
}

func TestCountedLayout(t *testing.T) {
	real := strings.Split(golden(t, "show_license_counted_asr903.txt"), "\n")
	sg := labSigner(t)
	s := new2911(t)
	if _, err := s.Install(t0, udi2911, "flash:ssl.lic", issue(t, sg, udi2911, "FL-SSLVPN10-K9", "P1"), sg); err != nil {
		t.Fatal(err)
	}
	got := s.ShowLicense(t0, map[string]int{"SSL_VPN": 4})
	want := strings.Join([]string{"Index 5 Feature: SSL_VPN", real[1], real[2], real[3],
		strings.Replace(real[4], "4/4/0", "10/4/0", 1), real[5]}, "\n")
	if !strings.Contains(got, want) {
		t.Errorf("show license lacks\n%s\nin\n%s", want, got)
	}
	if !strings.Contains(s.ShowLicense(t0, nil), "\tLicense State: Active, Not in Use\n\tLicense Count: 10/0/0  (Active/In-use/Violation)\n") {
		t.Errorf("no seat in use:\n%s", s.ShowLicense(t0, nil))
	}
}

// The acceptance path: ipbasek9 only; securityk9 on evaluation after the
// EULA and a reload, still no SSL VPN seats; a 10-seat file; 10 seats.
func TestBootEvaluationReload(t *testing.T) {
	s := new2911(t)
	r := s.Running(t0)
	if r.Security() || r.SSLVPN() != 0 || !r.Active("ipbasek9") || r.Packages["ipbasek9"] != license.TypePermanent {
		t.Fatalf("factory running = %+v", r)
	}
	before := snapshot(t, s)
	if _, err := s.BootModule(t0, "c2900", "securityk9", false); !errors.Is(err, license.ErrEULANotAccepted) {
		t.Fatalf("EULA refused: err = %v", err)
	}
	if snapshot(t, s) != before {
		t.Fatal("a refused boot changed the store")
	}
	out, err := s.BootModule(t0, "c2900", "securityk9", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := "%IOS_LICENSE_IMAGE_APPLICATION-6-LICENSE_LEVEL: Module name = c2900 Next reboot level = securityk9 and License = securityk9"; out.Syslog[len(out.Syslog)-1] != want {
		t.Errorf("syslog = %q", out.Syslog)
	}
	if s.Running(t0).Security() {
		t.Fatal("securityk9 runs before the reload")
	}
	if need, _ := s.BootNeedsEULA("c2900", "securityk9"); need {
		t.Error("the EULA is asked again")
	}
	s.Reload(t0.Add(time.Hour))
	r = s.Running(t0.Add(time.Hour))
	if !r.Security() || r.Packages["securityk9"] != license.TypeEval || r.SSLVPN() != 0 {
		t.Fatalf("after reload running = %+v", r)
	}
	sg := labSigner(t)
	out, err = s.Install(t0.Add(2*time.Hour), udi2911, "flash:FTX1234A5BC_ssl.lic", issue(t, sg, udi2911, "FL-SSLVPN10-K9", "P1"), sg)
	if err != nil {
		t.Fatal(err)
	}
	wantLines := []string{
		`Installing licenses from "flash:FTX1234A5BC_ssl.lic"`,
		"Installing...Feature:SSL_VPN...Successful:Supported",
		"1/1 licenses were successfully installed",
		"0/1 licenses were existing licenses",
		"0/1 licenses were failed to install",
	}
	diff(t, "install", strings.Join(out.Lines, "\n"), strings.Join(wantLines, "\n"))
	if want := "%LICENSE-6-INSTALL: Feature SSL_VPN 1.0 was installed in this device. UDI=CISCO2911/K9:FTX1234A5BC; StoreIndex=0:Primary License Storage"; len(out.Syslog) != 1 || out.Syslog[0] != want {
		t.Errorf("syslog = %q", out.Syslog)
	}
	// Seats count from the install, no reload needed.
	if n := s.Running(t0.Add(2 * time.Hour)).SSLVPN(); n != 10 {
		t.Errorf("SSL VPN seats = %d, want 10", n)
	}
}

func TestEvaluationRunsOut(t *testing.T) {
	s := new2911(t)
	s.AcceptEULA(t0)
	if _, ok := s.NextEvent(); ok {
		t.Fatal("an evaluation counts while not in use")
	}
	// Accepted but not in use: a month later the period is untouched.
	if !strings.Contains(s.ShowLicense(t0.Add(30*day), nil), "Index 2 Feature: securityk9\n\tPeriod left: 8  weeks 4  days\n") {
		t.Errorf("period used while not in use:\n%s", s.ShowLicense(t0.Add(30*day), nil))
	}
	boot := t0.Add(30 * day)
	if _, err := s.BootModule(boot, "c2900", "securityk9", false); err != nil {
		t.Fatal(err)
	}
	s.Reload(boot)
	at, ok := s.NextEvent()
	if !ok || !at.Equal(boot.Add(53*day)) {
		t.Fatalf("NextEvent = %v, %v; want the warning a week before the end", at, ok)
	}
	type logged struct {
		at  time.Time
		msg string
	}
	var log []logged
	rec := func(at time.Time, msg string) { log = append(log, logged{at, msg}) }
	s.Advance(boot.Add(53*day-time.Second), rec)
	if len(log) != 0 {
		t.Fatalf("logged early: %v", log)
	}
	s.Advance(boot.Add(70*day), rec)
	want := []logged{
		{boot.Add(53 * day), "%LICENSE-4-EXPIRING: License for feature securityk9 1.0 will expire in 1  week  0  day. UDI=CISCO2911/K9:FTX1234A5BC"},
		{boot.Add(60 * day), "%LICENSE-1-EXPIRED: License for feature securityk9 1.0 has expired now. UDI=CISCO2911/K9:FTX1234A5BC"},
	}
	if fmt.Sprint(log) != fmt.Sprint(want) {
		t.Fatalf("log = %v\nwant %v", log, want)
	}
	if _, ok := s.NextEvent(); ok {
		t.Error("an event after the expiry")
	}
	// Runs on until the reload, which boots without it.
	if !s.Running(boot.Add(70 * day)).Security() {
		t.Error("securityk9 stopped before the reload")
	}
	s.Reload(boot.Add(71 * day))
	if s.Running(boot.Add(71 * day)).Security() {
		t.Error("securityk9 booted after its evaluation ran out")
	}
	if _, err := s.BootModule(boot.Add(71*day), "c2900", "securityk9", false); !errors.Is(err, license.ErrEvalExpired) {
		t.Errorf("boot after expiry: err = %v", err)
	}
	// A permanent license brings it back at the next reload.
	sg := labSigner(t)
	out, err := s.Install(boot.Add(72*day), udi2911, "flash:sec.lic", issue(t, sg, udi2911, "SL-29-SEC-K9", "P9"), sg)
	if err != nil {
		t.Fatal(err)
	}
	if want := "%IOS_LICENSE_IMAGE_APPLICATION-6-LICENSE_LEVEL: Module name = c2900 Next reboot level = securityk9 and License = securityk9"; out.Syslog[1] != want {
		t.Errorf("syslog = %q", out.Syslog)
	}
	s.Reload(boot.Add(73 * day))
	if r := s.Running(boot.Add(73 * day)); r.Packages["securityk9"] != license.TypePermanent {
		t.Errorf("running = %+v", r)
	}
}

// A reload past the end of the period boots without the package even
// when nothing advanced the store to the expiry, and the package cannot
// be set to boot again.
func TestEvaluationOverAtReload(t *testing.T) {
	s := new2911(t)
	if _, err := s.BootModule(t0, "c2900", "uck9", true); err != nil {
		t.Fatal(err)
	}
	s.Reload(t0)
	s.Reload(t0.Add(61 * day))
	if s.Running(t0.Add(61 * day)).Active("uck9") {
		t.Error("uck9 booted after its period")
	}
	before := snapshot(t, s)
	if _, err := s.BootModule(t0.Add(61*day), "c2900", "uck9", false); !errors.Is(err, license.ErrEvalExpired) {
		t.Errorf("boot: err = %v, want ErrEvalExpired", err)
	}
	if snapshot(t, s) != before {
		t.Error("a refused boot changed the store")
	}
}

// An evaluation period is counted across reloads, and stops counting when
// a permanent license takes over.
func TestEvaluationPeriodUsed(t *testing.T) {
	s := new2911(t)
	if _, err := s.BootModule(t0, "c2900", "datak9", true); err != nil {
		t.Fatal(err)
	}
	s.Reload(t0)
	s.Reload(t0.Add(10 * day))
	at, _ := s.NextEvent()
	if !at.Equal(t0.Add(53 * day)) {
		t.Errorf("after a reload the warning is at %v, want %v", at, t0.Add(53*day))
	}
	if got := s.ShowLicense(t0.Add(10*day), nil); !strings.Contains(got, "Index 4 Feature: datak9\n\tPeriod left: 7  weeks 1  day \n\tLicense Type: EvalRightToUse\n\tLicense State: Active, In Use\n") {
		t.Errorf("show license:\n%s", got)
	}
	sg := labSigner(t)
	if _, err := s.Install(t0.Add(20*day), udi2911, "flash:d.lic", issue(t, sg, udi2911, "SL-29-DATA-K9", "P2"), sg); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.NextEvent(); ok {
		t.Error("the evaluation still counts under a permanent license")
	}
}

func TestSeatsSum(t *testing.T) {
	sg := labSigner(t)
	s := new2911(t)
	for i, sku := range []string{"FL-SSLVPN10-K9", "FL-SSLVPN25-K9"} {
		if _, err := s.Install(t0, udi2911, "flash:x.lic", issue(t, sg, udi2911, sku, fmt.Sprint("P", i)), sg); err != nil {
			t.Fatal(err)
		}
	}
	r := s.Running(t0)
	if r.SSLVPNSeats != 35 || r.SSLVPN() != 0 {
		t.Errorf("without securityk9: %+v, SSLVPN() = %d", r, r.SSLVPN())
	}
	// The same file again is an existing license, not more seats.
	out, err := s.Install(t0, udi2911, "flash:x.lic", issue(t, sg, udi2911, "FL-SSLVPN25-K9", "P1"), sg)
	if err != nil || out.Lines[1] != "Installing...Feature:SSL_VPN...Skipped:Duplicate" || out.Lines[3] != "1/1 licenses were existing licenses" {
		t.Errorf("duplicate: %q, %v", out.Lines, err)
	}
	if _, err := s.BootModule(t0, "c2900", "securityk9", true); err != nil {
		t.Fatal(err)
	}
	s.Reload(t0)
	if n := s.Running(t0).SSLVPN(); n != 35 {
		t.Errorf("SSLVPN() = %d, want 35", n)
	}
	if got := s.ShowLicense(t0, map[string]int{"SSL_VPN": 12}); !strings.Contains(got, "License Count: 35/12/0  (Active/In-use/Violation)") {
		t.Errorf("show license:\n%s", got)
	}
	// The detail draws the seats in use from the lines in order.
	d := s.ShowLicenseDetail(t0, map[string]int{"SSL_VPN": 12})
	if !strings.Contains(d, "License Count: 10/10/0  (Active/In-use/Violation)") || !strings.Contains(d, "License Count: 25/2/0  (Active/In-use/Violation)") {
		t.Errorf("detail:\n%s", d)
	}
}

func TestInstallRefusalsChangeNothing(t *testing.T) {
	sg := labSigner(t)
	other, _ := keygen.NewSigner([]byte("another lab's secret, 32 bytes!!"))
	good := issue(t, sg, udi2911, "FL-SSLVPN10-K9", "P1")
	otherUDI := issue(t, sg, "CISCO2911/K9:FTX9999Z9ZZ", "FL-SSLVPN10-K9", "P2")
	otherLab, _, _ := ioslic.Issue(other, udi2911, "FL-SSLVPN10-K9", t0, "P3")
	mixed := ioslic.Encode(append(mustParse(t, good), mustParse(t, otherUDI)...))
	for _, c := range []struct {
		name string
		data []byte
		want error
		line string
	}{
		{"another router's", otherUDI, license.ErrWrongUDI, "Installing...Feature:SSL_VPN...Failed:License UDI mismatch"},
		{"another lab's", otherLab, ioslic.ErrBadSignature, "Installing...Feature:SSL_VPN...Failed:Signature verification failed"},
		{"edited", []byte(strings.Replace(string(good), "<PAK>P1</PAK>", "<PAK>P7</PAK>", 1)), ioslic.ErrBadSignature, "Installing...Feature:SSL_VPN...Failed:Signature verification failed"},
		{"count edited", []byte(strings.Replace(string(good), "<COUNT>10</COUNT>", "<COUNT>100</COUNT>", 1)), ioslic.ErrBadSignature, "Installing...Feature:SSL_VPN...Failed:Signature verification failed\n0/1 licenses were successfully installed"},
		{"malformed", []byte("hello\n"), ioslic.ErrMalformed, "0/0 licenses were successfully installed"},
		{"mixed", mixed, license.ErrWrongUDI, "Installing...Feature:SSL_VPN...Failed:File not installed"},
	} {
		s := new2911(t)
		before := snapshot(t, s)
		out, err := s.Install(t0, udi2911, "flash:x.lic", c.data, sg)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
		if snapshot(t, s) != before {
			t.Errorf("%s: the store changed", c.name)
		}
		if out.Lines[0] != `Installing licenses from "flash:x.lic"` || !strings.Contains(strings.Join(out.Lines, "\n"), c.line) || len(out.Syslog) != 0 {
			t.Errorf("%s: output %q %q", c.name, out.Lines, out.Syslog)
		}
	}
	// A license for a 2911 does not fit a 1941 (its UDI differs anyway).
	s := license.New(module(t, "CISCO1941"), udi1941, t0)
	if _, err := s.Install(t0, udi1941, "flash:x.lic", issue(t, sg, udi2911, "SL-29-UC-K9", "P4"), sg); !errors.Is(err, license.ErrWrongUDI) {
		t.Errorf("2911 license on a 1941: %v", err)
	}
}

func mustParse(t testing.TB, data []byte) []ioslic.License {
	t.Helper()
	l, err := ioslic.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestClearAndSave(t *testing.T) {
	sg := labSigner(t)
	s := new2911(t)
	if _, _, err := s.Save("flash:all.lic"); !errors.Is(err, license.ErrNoLicenses) {
		t.Errorf("save of nothing: %v", err)
	}
	for i, sku := range []string{"FL-SSLVPN10-K9", "SL-29-SEC-K9"} {
		if _, err := s.Install(t0, udi2911, "flash:x.lic", issue(t, sg, udi2911, sku, fmt.Sprint("P", i)), sg); err != nil {
			t.Fatal(err)
		}
	}
	data, out, err := s.Save("flash:all.lic")
	if err != nil || out.Lines[0] != "license lines saved ..... to flash:all.lic" {
		t.Fatalf("save: %q %v", out.Lines, err)
	}
	// The saved file installs on the same router (a fresh one here).
	fresh := new2911(t)
	out, err = fresh.Install(t0, udi2911, "flash:all.lic", data, sg)
	if err != nil || out.Lines[3] != "2/2 licenses were successfully installed" {
		t.Fatalf("saved file: %q %v", out.Lines, err)
	}
	if _, err := s.ClearList("ipbasek9", nil); !errors.Is(err, license.ErrNothingToClear) {
		t.Errorf("clear ipbasek9: %v", err)
	}
	if _, err := s.ClearList("nosuch", nil); !errors.Is(err, license.ErrUnknownFeature) {
		t.Errorf("clear nosuch: %v", err)
	}
	lines, err := s.ClearList("SSL_VPN", nil)
	if err != nil || lines[0] != "Feature: SSL_VPN" || lines[1] != "    1       License Type: Permanent" {
		t.Fatalf("clear list: %q %v", lines, err)
	}
	out, err = s.Clear(t0, "SSL_VPN")
	if err != nil || len(out.Syslog) != 1 || !strings.HasPrefix(out.Syslog[0], "%LICENSE-6-REMOVE: Feature SSL_VPN 1.0 was removed from this device.") {
		t.Fatalf("clear: %q %v", out.Syslog, err)
	}
	if r := s.Running(t0); r.SSLVPNSeats != 0 {
		t.Errorf("seats after clear = %d", r.SSLVPNSeats)
	}
	if _, err := s.Clear(t0, "SSL_VPN"); !errors.Is(err, license.ErrNothingToClear) {
		t.Errorf("second clear: %v", err)
	}
}

func TestBootModuleRefusals(t *testing.T) {
	s := new2911(t)
	before := snapshot(t, s)
	for _, c := range []struct {
		module, pkg string
		want        error
	}{
		{"c1900", "securityk9", license.ErrUnknownModule},
		{"c2900", "appxk9", license.ErrUnknownPackage},
		{"c2900", "ipbasek9", license.ErrUnknownPackage},
		{"c2900", "SSL_VPN", license.ErrUnknownPackage},
	} {
		if _, err := s.BootModule(t0, c.module, c.pkg, true); !errors.Is(err, c.want) {
			t.Errorf("%s %s: err = %v, want %v", c.module, c.pkg, err, c.want)
		}
	}
	if snapshot(t, s) != before {
		t.Error("a refused boot changed the store")
	}
	if _, err := s.BootModule(t0, "c2900", "uck9", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BootModuleDisable(t0, "c2900", "uck9"); err != nil {
		t.Fatal(err)
	}
	s.Reload(t0)
	if s.Running(t0).Active("uck9") {
		t.Error("a disabled package booted")
	}
}

func TestCopyAndJSON(t *testing.T) {
	s := new2911(t)
	c := s.Copy()
	if _, err := c.BootModule(t0, "c2900", "securityk9", true); err != nil {
		t.Fatal(err)
	}
	if need, _ := s.BootNeedsEULA("c2900", "securityk9"); !need {
		t.Error("a change of the copy reached the original")
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back license.Store
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if snapshot(t, &back) != string(b) || back.TechnologyTable(t0) != c.TechnologyTable(t0) {
		t.Error("the store does not survive JSON")
	}
}

func TestPeriod(t *testing.T) {
	for d, want := range map[time.Duration]string{
		license.EvalPeriod: "8  weeks 4  days",
		0:                  "0  minute  0  second",
		50 * day:           "7  weeks 1  day",
		36 * time.Hour:     "1  day  12  hours",
		90 * time.Second:   "1  minute  30  seconds",
	} {
		if got := license.Period(d); got != want {
			t.Errorf("Period(%v) = %q, want %q", d, got, want)
		}
	}
}
