package asa

import (
	"testing"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/keygen"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// newTestDevice is a fresh device of model with a permanent key of f.
func newTestDevice(t testing.TB, model string, f keygen.Features) *Device {
	t.Helper()
	d, err := NewDevice(model, "FCH1947V0GY", "asa1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if !f.IsZero() {
		d.License.Running = &license.PermanentKey{Features: f}
		d.License.Flash = &license.PermanentKey{Features: f}
	}
	return d
}

func newTestAdmission(t testing.TB, d *Device) *admission.Admission {
	t.Helper()
	return admission.NewAdmission(1, d.Platform().VPNMax, d.AdmissionPolicy(t0), t0.Unix(), nil)
}

// testAdmission is a headend of model with a permanent key for f, its
// AnyConnect sessions counted as Premium (Essentials off), its admission
// and an empty table of principals.
func testAdmission(t testing.TB, model string, f keygen.Features) (*Device, *admission.Admission, *admission.Principals) {
	t.Helper()
	d := newTestDevice(t, model, f)
	d.Running.Essentials = false
	return d, newTestAdmission(t, d), admission.NewPrincipals(nil)
}

func principal(t testing.TB, ps *admission.Principals, user string) *admission.Principal {
	t.Helper()
	p, err := ps.Get(user, user+"-laptop")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
