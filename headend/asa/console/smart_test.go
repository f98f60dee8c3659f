package console

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asav/asavtest"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
)

// asavBackend is an ASAv10 on a test clock whose Smart Software Manager
// is a test one (the lab's is not wired to the console here).
type asavBackend struct {
	*memBackend
	m   *asavtest.Manager
	tok string
}

func (b *asavBackend) Smart() family.SmartManager { return b.m }

func newASAvBackend(t *testing.T, serial string, licenses int) *asavBackend {
	t.Helper()
	now := time.Date(2018, 12, 3, 16, 43, 48, 0, time.UTC)
	d, err := asa.NewDevice("ASAv10", serial, "asav1", now)
	if err != nil {
		t.Fatal(err)
	}
	adm := admission.NewAdmission(1, d.Platform().VPNMax, d.AdmissionPolicy(now), now.Unix(), nil)
	b := &asavBackend{memBackend: &memBackend{dev: d, now: now, adm: adm}}
	b.m, b.tok, err = asavtest.New(func() time.Time { return b.now }, smart.TagASAv1G, licenses)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// renewals lets the lab's renewals run up to at, as the lab does on its
// clock: each due attempt at its time, then the time-driven transitions.
func (b *asavBackend) renewals(at time.Time) {
	for {
		due, ok := asa.ASAv{Device: b.dev}.SmartDue()
		if !ok || due.After(at) {
			break
		}
		b.now = due
		_ = b.Update(func(d *asa.Device) error { asa.ASAv{Device: d}.SmartRenew(due, b.m); return nil })
	}
	b.now = at
	_ = b.Update(func(d *asa.Device) error { d.Advance(at); return nil })
}

// asavScript runs lines on a session of b, a line "+DURATION" moving the
// clock (with the renewals due), "!down"/"!up" cutting and restoring the
// path to the manager, and returns the transcript.
func asavScript(t *testing.T, b *asavBackend, s *Session, lines ...string) string {
	t.Helper()
	var out strings.Builder
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "+"):
			d, err := time.ParseDuration(l[1:])
			if err != nil {
				t.Fatal(err)
			}
			b.renewals(b.now.Add(d))
			fmt.Fprintf(&out, "[clock %s]\n", b.now.Format(time.RFC3339))
			continue
		case l == "!down" || l == "!up":
			b.m.Down = l == "!down"
			fmt.Fprintf(&out, "[manager %s]\n", l[1:])
			continue
		}
		out.WriteString(s.Prompt() + l + "\n" + s.Line(l))
	}
	return out.String()
}

func newASAvSession(b *asavBackend) *Session {
	return New(b, Options{User: "admin", Mode: ModePriv})
}

// TestASAvConsoleStates: an ASAv10 from unlicensed through evaluation,
// refused and failed registrations, registered and authorized, renewals
// failing while the manager is out of reach, the authorization expiring
// at the 90-day deadline, back to authorized, deregistered; the saved
// `license smart` configuration comes back with a reload, which keeps the
// agent's state.
func TestASAvConsoleStates(t *testing.T) {
	b := newASAvBackend(t, "9A6PGB43PJC", 2)
	s := newASAvSession(b)
	out := asavScript(t, b, s,
		"show version",
		"show license all",
		"show license features",
		"activation-key 0x01234567 0x89abcdef 0x01234567 0x89abcdef 0x01234567",
		"license smart register idtoken "+b.tok,
		"configure terminal",
		"license smart",
		"feature tier standard",
		"throughput level 5G",
		"throughput level 1G",
		"exit",
		"show running-config license",
		"end",
		"+22h26m9s",
		"show license all",
		"show license summary",
		"show version | include License|entitlement|throughput|Premium",
		"license smart register idtoken NOSUCHTOKEN",
		"show license status",
		"!down",
		"license smart register idtoken "+b.tok,
		"show license status",
		"!up",
		"license smart register idtoken "+b.tok,
		"show license all",
		"show license summary",
		"show license udi",
		"show version | include License|entitlement|throughput|Premium|Mobile",
		"license smart register idtoken "+b.tok,
		"!down",
		"+720h",
		"show license all",
		"+1440h",
		"show license all",
		"show version | include License|entitlement|throughput|Premium",
		"!up",
		"license smart renew auth",
		"license smart renew id",
		"show license status",
		"show logging",
		"write memory",
		"configure terminal",
		"license smart",
		"no throughput level",
		"end",
		"show running-config license",
		"reload noconfirm",
	)
	b.now = b.now.Add(time.Minute)
	s = newASAvSession(b)
	out += asavScript(t, b, s,
		"show running-config license",
		"show license status | include Status",
		"license smart deregister",
		"show license all",
		"license smart deregister",
		"show running-config call-home",
	)
	golden(t, "asav_states.txt", out)
}

// TestASAvOutOfCompliance: a second ASAv registers on a Smart Account
// holding one license.
func TestASAvOutOfCompliance(t *testing.T) {
	b := newASAvBackend(t, "9AT1L9EX0DF", 1)
	if _, err := b.m.Register(smart.UDI("9A6PGB43PJC"), b.tok, []string{smart.TagASAv1G}); err != nil {
		t.Fatal(err)
	}
	s := newASAvSession(b)
	out := asavScript(t, b, s,
		"configure terminal", "license smart", "feature tier standard", "throughput level 1G", "end",
		"license smart register idtoken "+b.tok,
		"show license all",
		"show version | include License|entitlement|throughput|Premium",
		"show logging | include SMART_LIC",
	)
	golden(t, "asav_out_of_compliance.txt", out)
}

// TestASAvReservation: a Permanent License Reservation, its refusals, and
// a box licensed with no further communication.
func TestASAvReservation(t *testing.T) {
	b := newASAvBackend(t, "9A5BHB00D2D", 2)
	s := newASAvSession(b)
	out := asavScript(t, b, s,
		"license smart reservation request universal",
		"configure terminal",
		"license smart reservation",
		"license smart register idtoken "+b.tok,
		"end",
		"license smart reservation install PLR:ASAv-STD-1G:9A5BHB00D2D:AAAA",
	)
	var req string
	out += asavScript(t, b, s, "license smart reservation request universal", "license smart reservation request universal")
	_ = b.View(func(d *asa.Device) { req = d.Smart.Request })
	code, err := b.m.Reserve(req, smart.TagASAv1G)
	if err != nil {
		t.Fatal(err)
	}
	out += asavScript(t, b, s,
		"license smart reservation install "+code+"X",
		"license smart reservation install "+code,
		"license smart reservation install "+code,
		"license smart reservation request universal",
		"show license summary",
		"!down",
		"+8760h",
		"show license all",
		"show version | include License|entitlement|throughput|Premium",
		"show running-config license",
		// The return needs no communication: the manager, still
		// unreachable, takes the license back by the code.
		"license smart reservation return",
		"show license status",
		"license smart reservation return",
	)
	golden(t, "asav_reservation.txt", out)
	if u, err := b.m.M.Usage(b.now, "Acme"); err != nil || u.Tags[0].InUse != 0 {
		t.Errorf("the manager's usage after the return: %+v %v", u, err)
	}
}

// TestASAvHelpByLicensing: `?` in configuration mode lists `license` on
// an ASAv and not on a 5500-X.
func TestASAvHelpByLicensing(t *testing.T) {
	b := newASAvBackend(t, "9A6PGB43PJC", 2)
	v := newASAvSession(b)
	v.Line("configure terminal")
	x := New(newMemBackend(t), Options{User: "admin", Mode: ModePriv})
	x.Line("configure terminal")
	if got := v.Line("license ?"); !strings.Contains(got, "smart") {
		t.Errorf("ASAv license ?: %q", got)
	}
	if got := x.Line("?"); strings.Contains(got, "\n  license ") {
		t.Errorf("5525-X ? lists license: %q", got)
	}
	if got := v.Line("?"); !strings.Contains(got, "\n  license ") {
		t.Errorf("ASAv ? does not list license: %q", got)
	}
	if got := x.Line("license smart"); !strings.Contains(got, "ERROR: % Invalid input detected") {
		t.Errorf("5525-X license smart: %q", got)
	}
	if got := x.Line("call-home"); !strings.Contains(got, "ERROR") {
		t.Errorf("5525-X call-home: %q", got)
	}
}
