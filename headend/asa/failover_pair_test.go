package asa

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// TestCombinedLicense: the failover cluster license of two units, with the
// examples of the Cisco configuration guide and of a real 5516-X pair.
func TestCombinedLicense(t *testing.T) {
	for _, c := range []struct {
		name        string
		model       string
		mine, mate  keygen.Features
		premium     int
		contexts    int
		total, vlan int
	}{
		// "10 + 10 AnyConnect Premium = 20" (contexts: 2 included on each).
		{"10+10 premium", "ASA5525", keygen.Features{PremiumPeers: 10}, keygen.Features{PremiumPeers: 10}, 20, 4, 750, 200},
		// Two 5520s with 500 sessions each run the platform's 750.
		{"5520 500+500", "ASA5520", keygen.Features{PremiumPeers: 500}, keygen.Features{PremiumPeers: 500}, 750, 4, 750, 150},
		// Two 5540s with 20 and 10 contexts run 30.
		{"5540 contexts 20+10", "ASA5540", keygen.Features{Contexts: 20}, keygen.Features{Contexts: 10}, 4, 30, 5000, 200},
		// The real 5516-X pair: 2 + 2 contexts, 4 + 4 Premium; Total
		// VPN Peers and VLANs stay the platform's.
		{"5516-X pair", "ASA5516", keygen.Features{PremiumPeers: 4}, keygen.Features{PremiumPeers: 4}, 8, 4, 300, 150},
		// The pair of 5525-X: 250 + 250 Premium.
		{"5525 250+250", "ASA5525", keygen.Features{PremiumPeers: 250}, keygen.Features{PremiumPeers: 250}, 500, 4, 750, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, b := newTestDevice(t, c.model, c.mine), newTestDevice(t, c.model, c.mate)
			got, why := a.CombinedLicense(b, t0)
			if why != "" {
				t.Fatalf("mismatch %q", why)
			}
			if got.Premium != c.premium || got.Contexts != c.contexts || got.Total != c.total || got.VLANs != c.vlan {
				t.Errorf("premium %d contexts %d total %d vlans %d, want %d %d %d %d",
					got.Premium, got.Contexts, got.Total, got.VLANs, c.premium, c.contexts, c.total, c.vlan)
			}
			// The cluster license is the same seen from either unit.
			if other, _ := b.CombinedLicense(a, t0); other.Premium != got.Premium || other.Contexts != got.Contexts {
				t.Errorf("from the mate: premium %d contexts %d", other.Premium, other.Contexts)
			}
		})
	}
}

// TestCombinedLicenseOnOff: on/off features are on when either unit has
// them; a unit with no license of its own (no key, or a Base key granting
// nothing) inherits its mate's license, adding none of its Base values.
func TestCombinedLicenseOnOff(t *testing.T) {
	a := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 100, Mobile: true})
	b := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 50, Botnet: true})
	got, _ := a.CombinedLicense(b, t0)
	if !got.Mobile || !got.Botnet || got.AEA || got.Premium != 150 {
		t.Errorf("mobile %v botnet %v aea %v premium %d, want true true false 150", got.Mobile, got.Botnet, got.AEA, got.Premium)
	}
	bare := newTestDevice(t, "ASA5525", keygen.Features{})
	base := newTestDevice(t, "ASA5525", keygen.Features{})
	base.License.Running = &license.PermanentKey{Words: keygen.Words{1, 2, 3, 4, 5}}
	for _, pair := range [][2]*Device{{a, bare}, {bare, a}, {a, base}, {base, a}} {
		got, why := pair[0].CombinedLicense(pair[1], t0)
		if why != "" || got.Premium != 100 || !got.Mobile || got.Contexts != 2 {
			t.Errorf("with a keyless unit: premium %d mobile %v contexts %d (%q), want the keyed unit's 100 true 2",
				got.Premium, got.Mobile, got.Contexts, why)
		}
	}
}

// TestCombinedLicenseMismatch: the pair does not form when the encryption
// licenses differ, when a unit runs the Base license of a 5510 (no
// failover), or when the models differ; the unit says why in a 105045
// line naming its role.
func TestCombinedLicenseMismatch(t *testing.T) {
	strong := newTestDevice(t, "ASA5520", keygen.Features{Encryption3DES: true})
	weak := newTestDevice(t, "ASA5520", keygen.Features{PremiumPeers: 10})
	strong.Running.Failover.Unit = "secondary"
	_, why := strong.CombinedLicense(weak, t0)
	if want := "%ASA-1-105045: (Secondary) Mate license (Encryption-3DES-AES Disabled) is not compatible with my license (Encryption-3DES-AES Enabled)."; why != want {
		t.Errorf("encryption: %q\nwant %q", why, want)
	}
	plus := newTestDevice(t, "ASA5510", keygen.Features{SecurityPlus: true})
	base := newTestDevice(t, "ASA5510", keygen.Features{PremiumPeers: 10})
	if _, why := plus.CombinedLicense(base, t0); !strings.Contains(why, "Mate license (Failover Disabled) is not compatible with my license (Failover Active/Active)") {
		t.Errorf("5510 Base mate: %q", why)
	}
	if _, why := plus.CombinedLicense(newTestDevice(t, "ASA5510", keygen.Features{SecurityPlus: true}), t0); why != "" {
		t.Errorf("two 5510 Security Plus: %q", why)
	}
	if _, why := weak.CombinedLicense(newTestDevice(t, "ASA5540", keygen.Features{}), t0); !strings.Contains(why, "(ASA5540 platform)") {
		t.Errorf("different models: %q", why)
	}
}

// pairReady configures the failover lines a unit needs before `failover`.
func pairReady(t *testing.T, d *Device, unit string) {
	t.Helper()
	d.SetFailoverUnit(unit)
	if err := d.SetFailoverLAN("folink", "GigabitEthernet0/3"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFailoverIP("folink", netip.MustParseAddr("10.255.255.1"), netip.MustParseAddr("255.255.255.252"), netip.MustParseAddr("10.255.255.2")); err != nil {
		t.Fatal(err)
	}
}

// TestEnableFailoverChecks: `failover` needs a key, a license with
// failover, the unit's role and its LAN link with an address; a refusal
// changes nothing.
func TestEnableFailoverChecks(t *testing.T) {
	d := newTestDevice(t, "ASA5520", keygen.Features{})
	if err := d.EnableFailover(t0); !errors.Is(err, config.ErrFailoverNoKey) {
		t.Errorf("no key: %v", err)
	}
	d = newTestDevice(t, "ASA5510", keygen.Features{PremiumPeers: 10})
	pairReady(t, d, "primary")
	if err := d.EnableFailover(t0); !errors.Is(err, config.ErrFailoverLicense) {
		t.Errorf("5510 Base: %v", err)
	}
	d = newTestDevice(t, "ASA5520", keygen.Features{PremiumPeers: 10})
	if err := d.EnableFailover(t0); !errors.Is(err, config.ErrFailoverNoUnit) {
		t.Errorf("no unit: %v", err)
	}
	d.SetFailoverUnit("secondary")
	if err := d.EnableFailover(t0); !errors.Is(err, config.ErrFailoverNoLAN) {
		t.Errorf("no LAN link: %v", err)
	}
	if err := d.SetFailoverLAN("folink", "GigabitEthernet0/3"); err != nil {
		t.Fatal(err)
	}
	if err := d.EnableFailover(t0); !errors.Is(err, config.ErrFailoverNoLANAddr) {
		t.Errorf("no LAN address: %v", err)
	}
	if on, _ := d.FailoverEnabled(); on {
		t.Fatal("a refused failover turned failover on")
	}
	pairReady(t, d, "secondary")
	if err := d.EnableFailover(t0); err != nil {
		t.Fatal(err)
	}
	if on, role := d.FailoverEnabled(); !on || role != "secondary" {
		t.Errorf("FailoverEnabled = %v %q", on, role)
	}
	if own, mate := d.failoverLinkAddrs(); own.String() != "10.255.255.2" || mate.String() != "10.255.255.1" {
		t.Errorf("the secondary's link addresses: own %s mate %s", own, mate)
	}
	if got := config.RenderFailover(d.Running); !strings.HasPrefix(got, "failover\nfailover lan unit secondary\n") {
		t.Errorf("show running-config failover:\n%s", got)
	}
	d.DisableFailover()
	if got := config.RenderFailover(d.Running); !strings.HasPrefix(got, "no failover\n") {
		t.Errorf("after no failover:\n%s", got)
	}
}

// TestReplicateFrom: the standby takes the active unit's configuration,
// hostname included, but keeps its role and its keys.
func TestReplicateFrom(t *testing.T) {
	act := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	stby := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 100})
	pairReady(t, act, "primary")
	pairReady(t, stby, "secondary")
	act.Running.Hostname = "fo1"
	act.ConfigChanged("admin", t0)
	if err := stby.ReplicateFrom(act, t0); err != nil {
		t.Fatal(err)
	}
	if stby.Hostname() != "fo1" || stby.Running.Failover.Unit != "secondary" || stby.ModifiedBy != "admin" {
		t.Errorf("hostname %q unit %q modified by %q", stby.Hostname(), stby.Running.Failover.Unit, stby.ModifiedBy)
	}
	if stby.RunningLicense(t0).Premium != 100 || stby.Startup.Hostname != "asa1" {
		t.Errorf("the standby's keys or saved configuration changed")
	}
	if act.Running.Failover.Unit != "primary" {
		t.Error("replication changed the active unit")
	}
	other := newTestDevice(t, "ASA5545", keygen.Features{})
	if err := other.ReplicateFrom(act, t0); !errors.Is(err, family.ErrFailoverMate) || other.Hostname() != "asa1" {
		t.Errorf("another model: %v, hostname %q", err, other.Hostname())
	}
}

// TestPrompt: `prompt hostname priority state` names the unit's role and
// state; the factory prompt is the hostname.
func TestPrompt(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	if got := d.Prompt(true); got != "asa1" {
		t.Errorf("factory prompt %q", got)
	}
	if err := d.SetPrompt([]string{"hostname", "priority", "state"}); err != nil {
		t.Fatal(err)
	}
	if got := d.Prompt(true); got != "asa1/pri/actNoFailover" {
		t.Errorf("failover off: %q", got)
	}
	pairReady(t, d, "secondary")
	if err := d.EnableFailover(t0); err != nil {
		t.Fatal(err)
	}
	if a, s := d.Prompt(true), d.Prompt(false); a != "asa1/sec/act" || s != "asa1/sec/stby" {
		t.Errorf("active %q standby %q", a, s)
	}
	if err := d.SetPrompt([]string{"state", "hostname", "state"}); !errors.Is(err, config.ErrPromptKeyword) {
		t.Errorf("a keyword twice: %v", err)
	}
	if d.Running.PromptLine() != "prompt hostname priority state" {
		t.Errorf("prompt line %q", d.Running.PromptLine())
	}
}

// TestCombineDays: a cluster value counts down only when both units' do.
func TestCombineDays(t *testing.T) {
	p := newTestDevice(t, "ASA5525", keygen.Features{}).Platform()
	a, b := license.Permanent(p, keygen.Features{}), license.Permanent(p, keygen.Features{})
	a.ApplyTimed(p, keygen.Features{PremiumPeers: 100}, 30)
	c := license.Combine(p, a, b, false, false)
	if c.Premium != 102 || c.Days[license.FeatPremium] != 0 {
		t.Errorf("premium %d days %d, want 102 perpetual", c.Premium, c.Days[license.FeatPremium])
	}
	b.ApplyTimed(p, keygen.Features{PremiumPeers: 50}, 60)
	if c := license.Combine(p, a, b, false, false); c.Premium != 150 || c.Days[license.FeatPremium] != 60 {
		t.Errorf("premium %d days %d, want 150 and 60 days", c.Premium, c.Days[license.FeatPremium])
	}
}

// TestFailoverMismatchLines: a unit the lab does not pair for its failover
// key or its role logs why, to its buffer at alerts (which `logging
// buffered alerts` keeps), and returns the lines for the lab's events.
func TestFailoverMismatchLines(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{PremiumPeers: 250})
	d.Running.Logging = config.Logging{Enable: true, Buffered: true, BufferedLevel: config.LevelAlerts}
	d.SetFailoverUnit("secondary")
	var f family.FailoverMismatchLogger = d
	for _, c := range []struct {
		why  family.FailoverMismatch
		want string
	}{
		{family.FailoverKeyMismatch, "WARNING: Failover message decryption failure. Please make sure both units have the same failover shared key and crypto license or system is not out of memory"},
		{family.FailoverRoleClash, "WARNING: Failover mate is also the Secondary unit. Please make sure one unit is failover lan unit primary and the other secondary"},
	} {
		n := len(d.Log)
		got := f.LogFailoverMismatch(c.why, t0)
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%v: %q, want %q", c.why, got, c.want)
		}
		if len(d.Log) != n+1 || d.Log[n].Msg != c.want || !d.Log[n].Time.Equal(t0) {
			t.Errorf("%v: buffer %+v", c.why, d.Log[n:])
		}
	}
	if got := d.FailoverMismatchLines(0); got != nil {
		t.Errorf("no mismatch: %q", got)
	}
}
