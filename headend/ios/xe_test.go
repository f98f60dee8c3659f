package ios_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asav/asavtest"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/keygen/smart"
)

// ikev2 reports whether the router admits one IKEv2 session at now.
func ikev2(t *testing.T, d *ios.Device, now time.Time) admission.Decision {
	t.Helper()
	a := admission.NewAdmission(1, 16, d.AdmissionPolicy(now), now.Unix(), nil)
	return admitN(t, a, admission.NewPrincipals(nil), headend.KindIKEv2ThirdParty, 1, now)
}

// TestCSRRegistersWithToken: a CSR 1000V registers with an ID token from
// the manager for the entitlement of its package and throughput, and is
// AUTHORIZED; the lab holds it as Smart-licensed, an ISR G2 not.
func TestCSRRegistersWithToken(t *testing.T) {
	now := t0
	d := newRouter(t, "CSR1000V", "9IOUX800GMO", "R1")
	m, tok, err := asavtest.New(func() time.Time { return now }, smart.CSRTag("AX", "100M"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.ShowLicenseStatus(now), "  Status: No Licenses in Use\n") {
		t.Fatalf("factory status:\n%s", d.ShowLicenseStatus(now))
	}
	if err := d.SetThroughput(100, now); err != nil {
		t.Fatal(err)
	}
	if s := d.ShowLicenseSummary(now); !strings.Contains(s, "  Status: EVAL MODE\n  Evaluation Period Remaining: 90 days,") {
		t.Fatalf("eval summary:\n%s", s)
	}
	now = now.Add(time.Hour)
	if err := d.SmartRegister(tok, false, now, m); err != nil {
		t.Fatal(err)
	}
	all := d.ShowLicenseAll(now)
	for _, want := range []string{"  Status: REGISTERED\n", "  Smart Account: Acme\n", "  Status: AUTHORIZED on ",
		"CSR 1KV AX 100M (CSR 1KV AX 100M):\n", "UDI: PID:CSR1000V,SN:9IOUX800GMO\n"} {
		if !strings.Contains(all, want) {
			t.Errorf("show license all lacks %q:\n%s", want, all)
		}
	}
	logs, _ := d.LogEntries()
	var reg bool
	for _, l := range logs {
		reg = reg || strings.HasPrefix(l.Msg, "%SMART_LIC-6-AGENT_REG_SUCCESS: ")
	}
	if !reg {
		t.Errorf("no AGENT_REG_SUCCESS in %v", logs)
	}
	p, _ := headend.LookupPlatform("CSR1000V")
	fd, err := ios.New(p, "9IOUX800GMO", "R1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fd.(family.SmartLicensing); !ok {
		t.Error("a CSR 1000V is not Smart-licensed for the lab")
	}
	if _, ok := family.Device(newRouter(t, "CISCO2911", "FTX1628A1B2", "R1")).(family.SmartLicensing); ok {
		t.Error("an ISR G2 claims Smart Licensing")
	}
	// The lab's renewals: due in 30 days, renewed through the manager.
	r := ios.SmartRouter{Device: d}
	at, due := r.SmartDue()
	if !due || !at.Equal(now.Add(30*24*time.Hour)) {
		t.Fatalf("due %v %v", at, due)
	}
	now = at
	r.SmartRenew(now, m)
	if v := r.SmartLicense(now); v.Authorization != "AUTHORIZED" || !v.AuthorizedAt.Equal(now) && v.LastFailure != "" {
		t.Fatalf("after renewal %+v", v)
	}
	// Stored and read back, it is the same Smart-licensed router.
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ios.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if v := back.(family.SmartLicensing).SmartLicense(now); v.Registration != "REGISTERED" || v.Entitlement != "CSR 1KV AX 100M" {
		t.Fatalf("decoded %+v", v)
	}
}

// TestCSRIKEv2NeedsSecurity: IKEv2 is admitted on a CSR 1000V only with
// the security or ax package running and a licensed agent; SSL VPN never.
func TestCSRIKEv2NeedsSecurity(t *testing.T) {
	now := t0
	d := newRouter(t, "CSR1000V", "9IOUX800GMO", "R1")
	// ax by default, but no throughput level: nothing asked, unlicensed.
	if dec := ikev2(t, d, now); dec.Admitted || dec.Reason != headend.ReasonNotLicensed {
		t.Fatalf("unlicensed: %+v", dec)
	}
	if err := d.SetThroughput(100, now); err != nil {
		t.Fatal(err)
	}
	if dec := ikev2(t, d, now); !dec.Admitted {
		t.Fatalf("ax in evaluation: %+v", dec)
	}
	before := true
	for _, c := range []struct {
		level string
		want  bool
	}{{"appx", false}, {"security", true}, {"ax", true}} {
		level, want := c.level, c.want
		if _, err := d.SetBootLevel(level); err != nil {
			t.Fatal(err)
		}
		if dec := ikev2(t, d, now); dec.Admitted != before {
			t.Fatalf("%s before the reload: %+v", level, dec)
		}
		before = want
		d.WriteMemory()
		d.Reload(now, time.Minute)
		now = now.Add(time.Minute)
		if dec := ikev2(t, d, now); dec.Admitted != want {
			t.Errorf("%s after the reload: %+v, want admitted %v", level, dec, want)
		}
		if !strings.Contains(d.ShowVersion(now), "License Level: "+level+"\n") {
			t.Errorf("show version does not run %s", level)
		}
	}
	a := admission.NewAdmission(1, 16, d.AdmissionPolicy(now), now.Unix(), nil)
	dec := admitN(t, a, admission.NewPrincipals(nil), headend.KindAnyConnect, 1, now)
	if dec.Admitted || ios.RefusalSyslog(dec, headend.KindAnyConnect, a.Policy(), "u", "pc") != "" {
		t.Errorf("SSL VPN on a CSR: %+v", dec)
	}
	// The evaluation runs out: unlicensed.
	now = now.Add(90 * 24 * time.Hour)
	if dec := ikev2(t, d, now); dec.Admitted {
		t.Errorf("evaluation expired: %+v", dec)
	}
	if _, err := d.SetBootLevel("advipservices"); !errors.Is(err, ios.ErrBadLevel) {
		t.Errorf("bad level: %v", err)
	}
	if err := d.SetThroughput(123, now); !errors.Is(err, ios.ErrBadThroughput) || d.Running.ThroughputMB != 100 {
		t.Errorf("bad throughput: %v", err)
	}
}

// TestASRNeedsIPsecRTU: an ASR 1001-X admits IKEv2 once the ipsec
// right-to-use license is activated, never SSL VPN.
func TestASRNeedsIPsecRTU(t *testing.T) {
	now := t0
	d := newRouter(t, "ASR1001-X", "FXS1832Q1CL", "R1")
	if dec := ikev2(t, d, now); dec.Admitted {
		t.Fatalf("without the RTU: %+v", dec)
	}
	if err := d.ActivateRTU("ipsec", now); err != nil {
		t.Fatal(err)
	}
	if dec := ikev2(t, d, now); !dec.Admitted {
		t.Fatalf("with the RTU: %+v", dec)
	}
	d.Reload(now, time.Minute)
	if dec := ikev2(t, d, now.Add(time.Minute)); !dec.Admitted {
		t.Fatalf("after a reload: %+v", dec)
	}
	if err := d.ActivateRTU("webvpn", now); !errors.Is(err, ios.ErrBadRTU) {
		t.Errorf("unknown RTU: %v", err)
	}
	if _, err := d.SetBootLevel("ax"); !errors.Is(err, ios.ErrNotXE) {
		t.Errorf("boot level on an ASR: %v", err)
	}
	if err := d.DeactivateRTU("ipsec"); err != nil {
		t.Fatal(err)
	}
	if dec := ikev2(t, d, now); dec.Admitted {
		t.Fatalf("deactivated: %+v", dec)
	}
}

// TestCSRShowVersionNTC: the ntc cisco_ios show version template reads
// the CSR's show version, and the real 16.9 CSR1000V output it follows.
func TestCSRShowVersionNTC(t *testing.T) {
	d := newRouter(t, "CSR1000V", "9IOUX800GMO", "csr1")
	now := t0.Add(1*time.Hour + 32*time.Minute)
	real, err := os.ReadFile("testdata/csr1000v_16.9.1_show_version.txt")
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"real": string(real), "lab": d.ShowVersion(now)} {
		v := ntcParse(t, "cisco_ios_show_version.textfsm", text)
		if len(v) != 1 {
			t.Fatalf("%s: %d records", name, len(v))
		}
		if sn := v[0]["SERIAL"].([]any); len(sn) != 1 || sn[0] != "9IOUX800GMO" {
			t.Errorf("%s: serial %v", name, v[0]["SERIAL"])
		}
		if hw := v[0]["HARDWARE"].([]any); len(hw) != 1 || hw[0] != "CSR1000V" {
			t.Errorf("%s: hardware %v", name, v[0]["HARDWARE"])
		}
		if v[0]["RUNNING_IMAGE"] != "packages.conf" || v[0]["SOFTWARE_IMAGE"] != "X86_64_LINUX_IOSD-UNIVERSALK9-M" {
			t.Errorf("%s: %v", name, v[0])
		}
	}
	asr := newRouter(t, "ASR1001-X", "FXS1832Q1CL", "asr1")
	if v := ntcParse(t, "cisco_ios_show_version.textfsm", asr.ShowVersion(now)); len(v) != 1 || v[0]["HARDWARE"].([]any)[0] != "ASR1001-X" ||
		v[0]["RUNNING_IMAGE"] != "asr1001x-universalk9.16.09.05.SPA.bin" {
		t.Errorf("asr: %v", v)
	}
	v := ntcParse(t, "cisco_ios_show_version.textfsm", d.ShowVersion(now))
	if v[0]["VERSION"] != "16.9.5" || v[0]["HOSTNAME"] != "csr1" || v[0]["UPTIME_HOURS"] != "1" || v[0]["UPTIME_MINUTES"] != "32" {
		t.Errorf("lab: %v", v[0])
	}
}

// TestCSRSmartChange: a change of the CSR's agent is a Smart Licensing
// change for the lab's event log, told by the agent's summary.
func TestCSRSmartChange(t *testing.T) {
	d := newRouter(t, "CSR1000V", "9IOUX800GMO", "R1")
	old := d.Clone()
	if err := d.SetThroughput(100, t0); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range d.ChangesFrom(old) {
		if c.Kind == family.ChangeSmart {
			got = append(got, c.Text)
		}
	}
	if len(got) != 1 || got[0] != "Smart Licensing: unregistered, in evaluation" {
		t.Fatalf("changes %v", d.ChangesFrom(old))
	}
}

// TestXESoftwareVersion: an IOS XE router loads IOS XE 16.x or 17.x
// releases, not IOS 15.x; an ISR G2 the reverse.
func TestXESoftwareVersion(t *testing.T) {
	d := newRouter(t, "CSR1000V", "9IOUX800GMO", "R1")
	for v, ok := range map[string]bool{"16.12.04": true, "17.03.04a": true, "15.5(3)M": false, "16.9": false, "18.01.01": false} {
		c := d.Clone()
		if err := c.SetSoftwareVersion(v); (err == nil) != ok || ok && c.SoftwareVersion() != v {
			t.Errorf("%s: %v", v, err)
		} else if !ok && !errors.Is(err, headend.ErrUnsupportedVersion) {
			t.Errorf("%s: %v, want ErrUnsupportedVersion", v, err)
		}
	}
	c := d.Clone()
	_ = c.SetSoftwareVersion("17.03.04a")
	if !strings.Contains(c.ShowVersion(t0), "Cisco IOS Software [Amsterdam], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.3.4a,") ||
		!strings.Contains(c.ShowRunningConfig(), "\nversion 17.3\n") {
		t.Errorf("17.03.04a:\n%s", c.ShowVersion(t0))
	}
	if err := newRouter(t, "CISCO2911", "FTX1628A1B2", "R1").SetSoftwareVersion("16.09.05"); !errors.Is(err, headend.ErrUnsupportedVersion) {
		t.Errorf("IOS XE on an ISR G2: %v", err)
	}
}

// TestCSRReportsNewEntitlement: a registered CSR 1000V whose package
// changes at a reload reports the new entitlement by itself at boot (its
// agent's next communication is due at once), without registering again;
// one whose throughput changes reports it with `license smart renew auth`.
// While the manager is unreachable it stays unlicensed and retries later.
func TestCSRReportsNewEntitlement(t *testing.T) {
	now := t0
	d := newRouter(t, "CSR1000V", "9IOUX800GMO", "R1")
	m, tok, err := asavtest.New(func() time.Time { return now }, smart.CSRTag("AX", "100M"), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{smart.CSRTag("SECURITY", "100M"), smart.CSRTag("SECURITY", "1G")} {
		c, _, err := m.M.AddEntitlement(now, "Acme", "", tag, 1, time.Time{})
		if err == nil {
			err = m.M.Apply(c)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := d.SetThroughput(100, now); err != nil {
		t.Fatal(err)
	}
	if err := d.SmartRegister(tok, false, now, m); err != nil {
		t.Fatal(err)
	}
	r := ios.SmartRouter{Device: d}
	if _, err := d.SetBootLevel("security"); err != nil {
		t.Fatal(err)
	}
	d.WriteMemory()
	d.Reload(now, time.Minute)
	now = now.Add(time.Minute)
	if v := r.SmartLicense(now); v.Entitlement != smart.CSRTag("SECURITY", "100M") || v.PlatformState != "Unlicensed" {
		t.Fatalf("after the reload, before the agent speaks: %+v", v)
	}
	m.Down = true
	at, due := r.SmartDue()
	if !due || at.After(now) {
		t.Fatalf("the agent's report is not due at boot: %v %v", at, due)
	}
	r.SmartRenew(now, m)
	if v := r.SmartLicense(now); v.PlatformState != "Unlicensed" || v.LastFailure == "" {
		t.Fatalf("manager unreachable: %+v", v)
	}
	if at, _ := r.SmartDue(); !at.After(now) {
		t.Fatalf("a failed report is retried at once: %v", at)
	}
	m.Down = false
	now, _ = r.SmartDue()
	r.SmartRenew(now, m)
	if v := r.SmartLicense(now); v.Authorization != "AUTHORIZED" || v.PlatformState != "Licensed" || v.Registration != "REGISTERED" {
		t.Fatalf("after the agent's report: %+v", v)
	}
	if dec := ikev2(t, d, now); !dec.Admitted {
		t.Errorf("IKEv2 on security after the report: %+v", dec)
	}
	if all := d.ShowLicenseAll(now); !strings.Contains(all, "CSR 1KV SECURITY 100M (") || strings.Contains(all, "CSR 1KV AX 100M (") {
		t.Errorf("show license all:\n%s", all)
	}
	// A throughput change is reported by `license smart renew auth`.
	if err := d.SetThroughput(1000, now); err != nil {
		t.Fatal(err)
	}
	if dec := ikev2(t, d, now); dec.Admitted {
		t.Errorf("IKEv2 admitted before the new throughput is reported: %+v", dec)
	}
	if err := d.SmartRenewAuth(now, m); err != nil {
		t.Fatal(err)
	}
	if v := r.SmartLicense(now); v.Entitlement != smart.CSRTag("SECURITY", "1G") || v.PlatformState != "Licensed" {
		t.Errorf("after renew auth: %+v", v)
	}
}
