package sim

import (
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// fakeDevice is the smallest family there is: a box with a name, which
// has no activation keys. It stands in for ASAv or an IOS router, whose
// families do not exist yet, to show the lab drives a family through
// family.Device alone.
type fakeDevice struct {
	Model    string    `json:"model"`
	Serial   string    `json:"serial"`
	Name     string    `json:"name"`
	Saved    string    `json:"saved"`
	Up       time.Time `json:"up"`
	Boots    int       `json:"boots"`
	platform *headend.Platform
}

func newFake(p *headend.Platform, serial, hostname string, now time.Time) (family.Device, error) {
	if err := headend.ValidateHostname(hostname); err != nil {
		return nil, err
	}
	return &fakeDevice{Model: p.Model, Serial: serial, Name: hostname, Saved: hostname, Up: now, platform: p}, nil
}

func decodeFake(b []byte) (family.Device, error) {
	d := new(fakeDevice)
	if err := json.Unmarshal(b, d); err != nil {
		return nil, err
	}
	d.platform, _ = headend.LookupPlatform(d.Model)
	return d, nil
}

func (d *fakeDevice) Platform() *headend.Platform                  { return d.platform }
func (d *fakeDevice) SerialNumber() string                         { return d.Serial }
func (d *fakeDevice) SoftwareVersion() string                      { return d.platform.Version }
func (d *fakeDevice) Hostname() string                             { return d.Name }
func (d *fakeDevice) SavedHostname() string                        { return d.Saved }
func (d *fakeDevice) SetSoftwareVersion(string) error              { return nil }
func (d *fakeDevice) SetFactoryLogin(string, string, string) error { return nil }
func (d *fakeDevice) UpSince() time.Time                           { return d.Up }
func (d *fakeDevice) BootCount() int                               { return d.Boots }
func (d *fakeDevice) Reloading(now time.Time) bool                 { return now.Before(d.Up) }
func (d *fakeDevice) Advance(time.Time)                            {}
func (d *fakeDevice) Copy() family.Device                          { c := *d; return &c }
func (d *fakeDevice) WriteMemory()                                 { d.Saved = d.Name }
func (d *fakeDevice) ConfigUnsaved() bool                          { return d.Saved != d.Name }
func (d *fakeDevice) Addresses() []netip.Addr                      { return nil }
func (d *fakeDevice) CheckLogin(string, string) (int, bool, bool)  { return 0, false, false }
func (d *fakeDevice) SSH(netip.Addr) family.SSHOffer               { return family.SSHOffer{} }
func (d *fakeDevice) LogEntries() ([]family.LogEntry, int)         { return nil, 0 }

func (d *fakeDevice) NextTimedEvent() (time.Time, bool) { return time.Time{}, false }

func (d *fakeDevice) ChangesFrom(old family.Device) []family.Change {
	if rebooted(old, d) {
		return []family.Change{{Kind: family.ChangeReloaded, Text: "reloaded"}}
	}
	return nil
}

func (d *fakeDevice) Reload(now time.Time, boot time.Duration) {
	d.Name, d.Up = d.Saved, now.Add(boot)
	d.Boots++
}

func (d *fakeDevice) AdmissionPolicy(time.Time) *admission.Policy {
	r := admission.Rules{Total: 10, ValidUntil: admission.NoExpiry, UpAt: d.Up.Unix(), LogLevel: -1}
	r.Limit[admission.ClassPremium] = 10
	for k := range r.Logins {
		r.Logins[k] = admission.NoLoginLimit
	}
	return admission.NewPolicy(r)
}

// withFakeFamily registers the fake family for the ASAv models (Smart
// Licensing) for the test, ahead of the real one. It changes the
// package's table, so a test using it must not run in parallel.
func withFakeFamily(t *testing.T) {
	saved := families
	families = append([]family.Family{{
		Licensing: headend.LicensingSmart, New: newFake, Decode: decodeFake,
		ViewSession: func(s admission.SessionInfo, p *admission.Principal) family.SessionView {
			return family.SessionView{Info: s}
		},
		RefusalSyslog: func(admission.Decision, headend.Kind, *admission.Policy, string, string) string { return "" },
	}}, saved...)
	t.Cleanup(func() { families = saved })
}

// TestFamilyWithoutActivationKeys: a family registered in the table is
// created, reloaded, admitted to and stored like the ASA; asking it for
// activation keys or a key RMA is ErrNotSupported and changes nothing. A
// model whose licensing no family simulates is refused as before.
func TestFamilyWithoutActivationKeys(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	saved := families
	families = slices.DeleteFunc(slices.Clone(families), func(f family.Family) bool { return f.Licensing == headend.LicensingSmart })
	if _, err := tl.lab.Create("ASAv10", "v1", ""); !errors.Is(err, headend.ErrModelNotSimulated) {
		t.Fatalf("ASAv without its family: %v, want ErrModelNotSimulated", err)
	}
	families = saved
	withFakeFamily(t)
	s, err := tl.lab.Create("ASAv10", "v1", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.KeyLicense(); ok || s.Device.Platform().Model != "ASAv10" {
		t.Fatalf("snapshot of a keyless family: %+v", s)
	}
	if dec, err := tl.lab.Admit("v1", "alice", "laptop", headend.KindAnyConnect); err != nil || !dec.Admitted {
		t.Fatalf("admission: %+v %v", dec, err)
	}
	w, err := tl.lab.signer.Encode(keygen.Key{Serial: s.Device.SerialNumber(), Features: keygen.Features{PremiumPeers: 25}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tl.lab.InstallKey("v1", w.String(), KeyActivate); !errors.Is(err, ErrNotSupported) {
		t.Fatalf("activation key on a keyless family: %v, want ErrNotSupported", err)
	}
	if _, _, err := tl.lab.ReturnForRepair("v1", ""); !errors.Is(err, ErrNotSupported) {
		t.Fatalf("RMA on a keyless family: %v, want ErrNotSupported", err)
	}
	if _, err := tl.lab.Reload("v1", false); err != nil {
		t.Fatal(err)
	}
	tl.close()
	tl = openTestLab(t, dir)
	got, err := tl.lab.Get("v1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Device.SerialNumber() != s.Device.SerialNumber() || got.Device.BootCount() != 1 {
		t.Errorf("after a restart: serial %s boots %d, want %s and 1", got.Device.SerialNumber(), got.Device.BootCount(), s.Device.SerialNumber())
	}
}
