package asa

import (
	"testing"

	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/keygen"
)

// TestLicenseFollowsSoftwareVersion: a 5525-X needs the K9 key for strong
// encryption on 9.4 and older, not from 9.5; the feature names of a
// time-based key (444007) are those of the train; installing the K9 key on
// 9.4 changes the encryption license and so waits for a reload.
func TestLicenseFollowsSoftwareVersion(t *testing.T) {
	for _, c := range []struct {
		version    string
		tripleDES  bool
		carrier    string
		proxyNames string
	}{
		{"", true, "Carrier", "Total TLS Proxy Sessions"},
		{"9.8(4)", true, "Carrier", "Total TLS Proxy Sessions"},
		{"9.6(4)", true, "Carrier", "Total UC Proxy Sessions"},
		{"9.4(4)", false, "GTP/GPRS", "Total UC Proxy Sessions"},
		{"9.1(7)", false, "GTP/GPRS", "Total UC Proxy Sessions"},
		{"8.6(1)", false, "GTP/GPRS", "Total UC Proxy Sessions"},
	} {
		d := newTestDevice(t, "ASA5525", keygen.Features{})
		if err := d.SetSoftwareVersion(c.version); err != nil {
			t.Fatal(err)
		}
		if got := d.RunningLicense(t0).TripleDES; got != c.tripleDES {
			t.Errorf("%q: 3DES %v, want %v", c.version, got, c.tripleDES)
		}
		if got, want := license.FeatureNames(d.licensed(), keygen.Features{Carrier: true, ProxySessions: 10}), c.carrier+", "+c.proxyNames; got != want {
			t.Errorf("%q: names %q, want %q", c.version, got, want)
		}
	}

	d := newTestDevice(t, "ASA5525", keygen.Features{})
	if err := d.SetSoftwareVersion("9.4(4)"); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { d.RunningLicense(t0) }); n != 0 {
		t.Errorf("RunningLicense on 9.4: %v allocations", n)
	}
	k := keygen.Key{Serial: d.Serial, Features: keygen.Features{Encryption3DES: true}}
	res, err := d.installPermanent(k, keygen.Words{1, 2, 3, 4, 5}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !res.ReloadPending || d.RunningLicense(t0).TripleDES {
		t.Fatalf("K9 on 9.4: reload pending %v, 3DES %v", res.ReloadPending, d.RunningLicense(t0).TripleDES)
	}
	d.Reload(t0, 0)
	if !d.RunningLicense(t0).TripleDES {
		t.Error("after the reload, 3DES still disabled")
	}
}
