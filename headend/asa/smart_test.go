package asa

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/headend/asav/asavtest"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/smart"
)

func newASAv(t *testing.T) (*Device, *asavtest.Manager, string, *time.Time) {
	t.Helper()
	d, err := NewDevice("ASAv10", "9AT1L9EX0DF", "asav1", t0)
	if err != nil {
		t.Fatal(err)
	}
	now := t0
	m, tok, err := asavtest.New(func() time.Time { return now }, smart.TagASAv1G, 2)
	if err != nil {
		t.Fatal(err)
	}
	return d, m, tok, &now
}

// admitted is how many sessions of kind k the device admits under its
// policy at now, and the Total VPN Peers.
func admitted(t *testing.T, d *Device, k headend.Kind, now time.Time) (n, total int) {
	t.Helper()
	pol := d.AdmissionPolicy(now)
	a := admission.NewAdmission(1, d.Platform().VPNMax, pol, now.Unix(), nil)
	ps := admission.NewPrincipals(nil)
	for i := range 1000 {
		p, err := ps.Get(fmt.Sprintf("u%d", i), "laptop")
		if err != nil {
			t.Fatal(err)
		}
		if !a.Admit(p, k, now.Unix()).Admitted {
			break
		}
		n++
	}
	return n, pol.Capacity()
}

// TestASAvAdmissionFollowsAgent: an ASAv10 admits 2 AnyConnect sessions
// unlicensed and in evaluation, 250 registered and authorized, 2 again
// once the authorization expired; site-to-site counts against Other/Total
// (250) in every state; mobile needs the authorization.
func TestASAvAdmissionFollowsAgent(t *testing.T) {
	d, m, tok, now := newASAv(t)
	check := func(state string, ac, mobile int) {
		t.Helper()
		if n, total := admitted(t, d, headend.KindAnyConnect, *now); n != ac || total != 250 {
			t.Errorf("%s: %d AnyConnect of %d total, want %d of 250", state, n, total, ac)
		}
		if n, _ := admitted(t, d, headend.KindMobile, *now); n != mobile {
			t.Errorf("%s: %d mobile, want %d", state, n, mobile)
		}
		if n, _ := admitted(t, d, headend.KindSiteToSite, *now); n != 250 {
			t.Errorf("%s: %d site-to-site, want 250", state, n)
		}
	}
	check("unlicensed", 2, 0)
	if err := d.SetSmartConfig(*now, func(c *asav.Config) error { c.Tier, c.Throughput = "standard", "1G"; return nil }); err != nil {
		t.Fatal(err)
	}
	check("evaluation", 2, 0)
	if failed, err := d.SmartRegister(tok, false, *now, m); failed != nil || err != nil {
		t.Fatal(failed, err)
	}
	check("authorized", 250, 250)
	m.Down = true
	for {
		due, _ := ASAv{Device: d}.SmartDue()
		if due.After(t0.Add(asav.CommDeadline)) {
			break
		}
		*now = due
		ASAv{Device: d}.SmartRenew(due, m)
	}
	*now = t0.Add(asav.CommDeadline)
	check("authorization expired", 2, 0)
}

// TestASAvNoActivationKeys: an ASAv refuses activation keys and the RMA
// of a key-licensed unit with family.ErrNotSupported, changing nothing.
func TestASAvNoActivationKeys(t *testing.T) {
	d, _, _, _ := newASAv(t)
	m, _ := keygen.NewSigner([]byte("asa-test-secret-0123456789abcdef"))
	s := m.ForLab("default")
	w, err := s.Encode(keygen.Key{Serial: d.Serial, Features: keygen.Features{PremiumPeers: 250}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.InstallKey(s, w, KeyActivate, t0); !errors.Is(err, family.ErrNotSupported) {
		t.Fatalf("InstallKey on an ASAv: %v", err)
	}
	if err := d.ReturnForRepair("9A5BHB00D2D", t0, 0); !errors.Is(err, family.ErrNotSupported) || d.Serial != "9AT1L9EX0DF" {
		t.Fatalf("RMA on an ASAv: %v, serial %s", err, d.Serial)
	}
	if _, err := NewDevice("ASAv10", "FCH1947V0GY", "v", t0); !errors.Is(err, headend.ErrInvalidSerial) {
		t.Fatalf("an ASAv with a 5500-X serial: %v", err)
	}
	if _, err := NewDevice("ASA5525", "FCH1947V0GY", "x", t0); err != nil {
		t.Fatal(err)
	}
}

// TestASAvChangesAndStorage: a registration is a ChangeSmart with the
// agent's summary, its syslog lines are in the buffer; the device reads
// back from its JSON with the agent's state, and a PAK device's JSON has
// no Smart Licensing field.
func TestASAvChangesAndStorage(t *testing.T) {
	d, m, tok, now := newASAv(t)
	old := d.Clone()
	if err := d.SetSmartConfig(*now, func(c *asav.Config) error { c.Tier, c.Throughput = "standard", "1G"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SmartRegister(tok, false, *now, m); err != nil {
		t.Fatal(err)
	}
	var smartCh []string
	for _, c := range d.ChangesFrom(old) {
		if c.Kind == family.ChangeSmart {
			smartCh = append(smartCh, c.Text)
		}
	}
	if len(smartCh) != 1 || smartCh[0] != "Smart Licensing: registered to Acme/DEFAULT, AUTHORIZED (ASAv-STD-1G)" {
		t.Fatalf("changes %q", smartCh)
	}
	log, _ := d.LogEntries()
	if len(log) != 3 || !strings.Contains(log[1].Msg, "AGENT_REG_SUCCESS") {
		t.Fatalf("log %+v", log)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	bv, ok := back.(ASAv)
	if !ok {
		t.Fatalf("an ASAv reads back as a %T", back)
	}
	if got, want := bv.SmartLicense(*now), (ASAv{Device: d}).SmartLicense(*now); got.Registration != "REGISTERED" || got != want {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
	if vb, _ := json.Marshal(bv); string(vb) != string(b) {
		t.Fatalf("an ASAv's record is not its device's:\n%s\n%s", vb, b)
	}
	p := newTestDevice(t, "ASA5525", keygen.Features{})
	pb, _ := json.Marshal(p)
	if s := string(pb); strings.Contains(s, "smart") || strings.Contains(s, "call_home") {
		t.Fatalf("a PAK device's record names Smart Licensing: %s", s)
	}
}

// TestASAvCapabilities: the lab tells what a headend has by the
// interfaces its device implements: an ASAv (as New, Decode and Copy give
// it) is Smart-licensed and has no activation keys, an ASA5525 the
// opposite.
func TestASAvCapabilities(t *testing.T) {
	pv, _ := headend.LookupPlatform("ASAv10")
	px, _ := headend.LookupPlatform("ASA5525")
	v, err := New(pv, "9AT1L9EX0DF", "v1", t0)
	if err != nil {
		t.Fatal(err)
	}
	x, err := New(px, "FCH1947V0GY", "x1", t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		d           family.Device
		smart, keys bool
	}{{v, true, false}, {v.Copy(), true, false}, {x, false, true}, {x.Copy(), false, true}} {
		_, smart := c.d.(family.SmartLicensing)
		_, keys := c.d.(family.ActivationKeys)
		if smart != c.smart || keys != c.keys {
			t.Errorf("%T %s: smart %v keys %v, want %v %v", c.d, c.d.Platform().Model, smart, keys, c.smart, c.keys)
		}
	}
	if a, ok := Unwrap(v); !ok || a.Smart == nil {
		t.Fatal("Unwrap of an ASAv")
	}
}

// TestASAvRenewalWaitsForBoot: a renewal due while the ASAv reloads is
// due at the end of the boot, when it is made; the reload keeps the
// agent's registration.
func TestASAvRenewalWaitsForBoot(t *testing.T) {
	d, m, tok, now := newASAv(t)
	if err := d.SetSmartConfig(*now, func(c *asav.Config) error { c.Tier = "standard"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SmartRegister(tok, false, *now, m); err != nil {
		t.Fatal(err)
	}
	v := ASAv{Device: d}
	due, _ := v.SmartDue()
	d.Reload(due.Add(-time.Minute), 5*time.Minute)
	at, ok := v.SmartDue()
	if !ok || !at.Equal(due.Add(4*time.Minute)) {
		t.Fatalf("due %v %v during a boot ending %v", at, ok, d.UpAt)
	}
	*now = at
	v.SmartRenew(at, m)
	if v := v.SmartLicense(at); v.Registration != "REGISTERED" || !v.AuthorizedAt.Equal(t0) || v.LastFailure != "" ||
		!v.NextAttempt.Equal(at.Add(asav.AuthPeriod)) {
		t.Fatalf("after the boot: %+v", v)
	}
}
