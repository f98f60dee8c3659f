package asa

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/grammar"
	"github.com/asalab/asalab/headend/asa/sessions"
	"github.com/asalab/asalab/keygen"
)

// TestVPNConfigStored: the VPN configuration survives its JSON form, a
// record stored before it existed loads as the factory one, and a change to
// the running configuration leaves the saved one alone (they share slices).
func TestVPNConfigStored(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	if _, err := d.SetNameif("GigabitEthernet0/0", "outside"); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		d.SetWebVPNEnable("outside", true), d.SetAnyConnectImage("disk0:/ac.pkg", 0), d.SetSessionCap(true, 10),
		d.AddGroupPolicy("GP"), d.UpdateGroupPolicy("GP", func(g *config.GroupPolicy) { g.Logins, g.LoginsSet = 0, true }),
		applyLines(d, "tunnel-group TG type remote-access", "tunnel-group TG general-attributes", "default-group-policy GP"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	d.Running.Timezone = config.Timezone{Name: "EST", Hours: -5}
	d.WriteMemory()
	b, err := json.Marshal(d.Startup)
	if err != nil {
		t.Fatal(err)
	}
	var back config.Config
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(d.Startup) {
		t.Fatalf("round trip: %v\n%s\n%+v", err, b, back.VPN)
	}
	if g, _ := back.VPN.GroupPolicy("GP"); !g.LoginsSet || g.Logins != 0 {
		t.Fatalf("vpn-simultaneous-logins 0 lost: %+v", g)
	}

	if err := d.UpdateGroupPolicy("GP", func(g *config.GroupPolicy) { g.Protocols = []string{"ssl-client"} }); err != nil {
		t.Fatal(err)
	}
	if err := d.SetWebVPNEnable("outside", false); err != nil {
		t.Fatal(err)
	}
	if g, _ := d.Startup.VPN.GroupPolicy("GP"); g.Protocols != nil || len(d.Startup.VPN.WebVPNIfs) != 1 {
		t.Fatalf("a running change reached the saved configuration: %+v", d.Startup.VPN)
	}
	if !d.ConfigUnsaved() {
		t.Fatal("changed VPN configuration not seen as unsaved")
	}

	var legacy config.Config
	if err := json.Unmarshal([]byte(`{"hostname":"asa1","essentials":true}`), &legacy); err != nil ||
		!legacy.VPN.Equal(config.VPN{}) || legacy.Timezone != (config.Timezone{}) {
		t.Fatalf("legacy config: %v %+v", err, legacy.VPN)
	}
	if n := legacy.VPN.SimultaneousLogins("GP"); n != config.DefaultLogins {
		t.Fatalf("default simultaneous logins %d, want %d", n, config.DefaultLogins)
	}

	// Tunnel groups were once kept in the VPN configuration; a record
	// with them still loads, the rest of its VPN configuration intact.
	var typed config.Config
	if err := json.Unmarshal([]byte(`{"hostname":"asa1","vpn":{"anyconnect":true,`+
		`"tunnel_groups":[{"name":"TG","type":"remote-access","default_group_policy":"GP"}]}}`), &typed); err != nil ||
		!typed.VPN.AnyConnect || len(typed.Lines) != 0 {
		t.Fatalf("record with typed tunnel groups: %v %+v", err, typed)
	}
}

// applyLines types lines of the grammar in configuration mode: each line
// that opens a sub-mode takes the lines after it, up to the next top-level
// one.
func applyLines(d *Device, lines ...string) error {
	var path []string
	sub := ""
	for _, l := range lines {
		p, err := grammar.ParseConfigLine(sub, l, false)
		if err != nil && sub != "" {
			path, sub = nil, ""
			p, err = grammar.ParseConfigLine("", l, false)
		}
		if err != nil {
			return err
		}
		if err := d.Running.ApplyConfigLine(path, p); err != nil {
			return err
		}
		if p.Sub != "" {
			path, sub = []string{p.Text}, p.Sub
		}
	}
	return nil
}

// TestVPNConfigRefusals: bad input changes nothing.
func TestVPNConfigRefusals(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	if err := d.AddGroupPolicy("GP"); err != nil {
		t.Fatal(err)
	}
	// The group policy is a built-in tunnel group's default.
	if err := applyLines(d, "tunnel-group DefaultRAGroup general-attributes", "default-group-policy GP"); err != nil {
		t.Fatal(err)
	}
	before := d.Running
	for _, c := range []struct {
		err  error
		want error
	}{
		{d.SetWebVPNEnable("outside", true), config.ErrUnknownNameif},
		{d.SetSessionCap(false, 751), config.ErrInvalidLimit},
		{d.RemoveGroupPolicy("GP"), config.ErrGroupPolicyInUse},
		{d.RemoveGroupPolicy("NOPE"), config.ErrGroupPolicyNotFound},
		{applyLines(d, "tunnel-group DefaultL2LGroup type remote-access"), config.ErrTunnelGroupType},
		{applyLines(d, "tunnel-group DefaultL2LGroup webvpn-attributes"), config.ErrTunnelGroupAttrs},
		{applyLines(d, "tunnel-group DefaultRAGroup general-attributes", "default-group-policy NOPE"), config.ErrGroupPolicyNotFound},
		{applyLines(d, "tunnel-group NOPE general-attributes"), config.ErrTunnelGroupUnknown},
		{d.AddGroupPolicy("a b"), config.ErrInvalidVPNName},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("got %v, want %v", c.err, c.want)
		}
	}
	if !d.Running.Equal(before) {
		t.Fatalf("refused changes changed the configuration: %+v", d.Running.VPN)
	}
}

// TestSessionCaps: the vpn-sessiondb caps refuse sessions below the license
// with the session-limit syslog naming the cap; a cap above the license
// changes nothing; removing the cap restores the license's limit.
func TestSessionCaps(t *testing.T) {
	now := t0.Unix()
	for _, tc := range []struct {
		name      string
		features  keygen.Features
		essOff    bool
		anyconn   bool
		cap       int
		kind      Kind
		admits    int
		reason    Reason
		syslogCap string
	}{
		{"premium capped", keygen.Features{PremiumPeers: 250}, true, true, 10, KindAnyConnect, 10, ReasonPremiumLimit, "session limit of 10 reached"},
		{"clientless shares the premium cap", keygen.Features{PremiumPeers: 250}, true, true, 3, KindClientless, 3, ReasonPremiumLimit, "session limit of 3 reached."},
		{"essentials capped", keygen.Features{Essentials: true}, false, true, 7, KindAnyConnect, 7, ReasonEssentialsLimit, "session limit of 7 reached"},
		{"cap above the license", keygen.Features{PremiumPeers: 25}, true, true, 700, KindAnyConnect, 25, ReasonPremiumLimit, "session limit of 25 reached"},
		{"other capped", keygen.Features{}, true, false, 5, KindSiteToSite, 5, ReasonOtherLimit, "session limit of 5 reached"},
		{"other cap leaves anyconnect", keygen.Features{PremiumPeers: 25}, true, false, 5, KindAnyConnect, 25, ReasonPremiumLimit, "session limit of 25 reached"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDevice(t, "ASA5525", tc.features)
			d.Running.Essentials = !tc.essOff
			if err := d.SetSessionCap(tc.anyconn, tc.cap); err != nil {
				t.Fatal(err)
			}
			a := newTestAdmission(t, d)
			ps := admission.NewPrincipals(nil)
			n := 0
			var last Decision
			for i := range 800 {
				last = a.Admit(principal(t, ps, fmt.Sprint("u", i)), tc.kind, now)
				if !last.Admitted {
					break
				}
				n++
			}
			if n != tc.admits || last.Reason != tc.reason {
				t.Fatalf("admitted %d (%v), want %d then %v", n, last.Reason, tc.admits, tc.reason)
			}
			if got := sessions.RefusalSyslog(last, tc.kind, a.Policy(), "u", "u-laptop"); !strings.HasSuffix(got, tc.syslogCap) {
				t.Fatalf("syslog %q, want it to end %q", got, tc.syslogCap)
			}
			if err := d.SetSessionCap(tc.anyconn, 0); err != nil {
				t.Fatal(err)
			}
			a.SetPolicy(d.AdmissionPolicy(t0))
			if tc.admits < 25 && !a.Admit(principal(t, ps, "more"), tc.kind, now).Admitted {
				t.Fatal("refused after the cap was removed")
			}
		})
	}
}

// TestWebVPNGate: once webvpn is set up, AnyConnect needs it enabled on a
// working interface and `anyconnect enable`, clientless the interface;
// IPsec connections do not depend on it. A factory configuration admits as
// before.
func TestWebVPNGate(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 25})
	ps := admission.NewPrincipals(nil)
	n := 0
	admit := func(k Kind) (Decision, string) {
		t.Helper()
		n++
		a := newTestAdmission(t, d)
		dec := a.Admit(principal(t, ps, fmt.Sprint("g", n)), k, t0.Unix())
		return dec, sessions.RefusalSyslog(dec, k, a.Policy(), "u", "u-laptop")
	}
	all := []Kind{KindAnyConnect, KindMobile, KindPhone, KindClientless, KindIKEv2ThirdParty, KindIPsecIKEv1, KindSiteToSite}
	want := func(stage string, admitted map[Kind]bool, syslog string) {
		t.Helper()
		for _, k := range all {
			if k == KindMobile || k == KindPhone {
				continue // not licensed by this key at all
			}
			dec, line := admit(k)
			if dec.Admitted != admitted[k] {
				t.Errorf("%s: %v admitted %v, want %v", stage, k, dec.Admitted, admitted[k])
			}
			if !dec.Admitted && (dec.Reason != ReasonNotLicensed || !strings.Contains(line, syslog)) {
				t.Errorf("%s: %v refused %v %q, want not licensed %q", stage, k, dec.Reason, line, syslog)
			}
		}
	}
	everything := map[Kind]bool{KindAnyConnect: true, KindClientless: true, KindIKEv2ThirdParty: true, KindIPsecIKEv1: true, KindSiteToSite: true}
	want("factory", everything, "")

	if _, err := d.SetNameif("GigabitEthernet0/0", "outside"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetWebVPNEnable("outside", true); err != nil {
		t.Fatal(err)
	}
	ipsec := map[Kind]bool{KindIKEv2ThirdParty: true, KindIPsecIKEv1: true, KindSiteToSite: true}
	want("enabled on a shut interface", ipsec, "")

	d.SetShutdown("GigabitEthernet0/0", false)
	if err := d.SetAddress("GigabitEthernet0/0", netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("255.255.255.0"), netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	clientless := map[Kind]bool{KindClientless: true, KindIKEv2ThirdParty: true, KindIPsecIKEv1: true, KindSiteToSite: true}
	want("enabled without anyconnect enable", clientless, "%ASA-4-113035:")

	d.SetWebVPNFlag(true, true)
	want("anyconnect enabled", everything, "")
}
