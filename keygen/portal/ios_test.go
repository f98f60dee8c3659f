package portal

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/asalab/asalab/keygen/ioslic"
)

const iosUDI = "CISCO2911/K9:FTX1234A5BC"

func (f *fixture) registerUDI(pak, serial, udi string) (Change, Registered, error) {
	f.t.Helper()
	return f.p.RegisterPakWith(f.now, pak, serial, RegisterOptions{UDI: udi})
}

func TestIOSPAKMakesLicenseFile(t *testing.T) {
	f := newFixture(t)
	k := f.orderActive(OrderLine{SKU: "fl-sslvpn10-k9", Customer: "Branch Co"})
	if k.SKU != "FL-SSLVPN10-K9" {
		t.Fatalf("SKU = %q", k.SKU)
	}
	c, r, err := f.registerUDI(k.ID, "", iosUDI)
	f.apply(c, err)
	if r.IOS == nil || r.Serial != "FTX1234A5BC" || r.Row.Tier != TierIOS || r.Again {
		t.Fatalf("registered = %+v", r)
	}
	lics, err := ioslic.Verify(f.p.signer, r.IOS.File)
	if err != nil {
		t.Fatal(err)
	}
	if len(lics) != 1 || lics[0].UDI != iosUDI || lics[0].Feature != "SSL_VPN" || lics[0].Count != 10 || lics[0] != r.IOS.License {
		t.Errorf("file holds %+v", lics)
	}
	if want := "FTX1234A5BC_" + f.now.UTC().Format("20060102150405") + "000.lic"; r.IOS.FileName != want {
		t.Errorf("file name %q, want %q", r.IOS.FileName, want)
	}
	if len(r.Keys) != 0 {
		t.Errorf("an IOS license made keys: %v", r.Keys)
	}
	// Registered again (the serial given too): the same file, nothing
	// changes.
	before := f.state()
	c, again, err := f.registerUDI(k.ID, "FTX1234A5BC", iosUDI)
	if err != nil || !again.Again || string(again.IOS.File) != string(r.IOS.File) || !c.IsEmpty() || f.state() != before {
		t.Errorf("again: %+v %v", again, err)
	}
	// Single use: another router is refused.
	if _, _, err := f.registerUDI(k.ID, "", "CISCO2911/K9:FTX9999Z9ZZ"); !errors.Is(err, ErrPAKExhausted) {
		t.Errorf("second router: %v", err)
	}
	// The record survives the store (JSON) and lists the file.
	g := reloaded(t, f)
	list, err := g.IOSLicenses(f.now, "FTX1234A5BC")
	if err != nil || len(list) != 1 || string(list[0].File) != string(r.IOS.File) {
		t.Errorf("IOSLicenses after reload = %+v, %v", list, err)
	}
}

// reloaded is a portal loaded from the changes f's portal holds, as the lab
// loads its store at startup.
func reloaded(t *testing.T, f *fixture) *Portal {
	t.Helper()
	p, err := New(Config{Signer: f.p.signer, ActivationDelay: delay})
	if err != nil {
		t.Fatal(err)
	}
	c := (&tx{p: f.p, paks: f.p.paks, serials: f.p.serials, codes: f.p.codes, meta: &f.p.meta}).change()
	b, err := jsonRoundTrip(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(b); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIOSRegistrationRefusals(t *testing.T) {
	f := newFixture(t)
	ios := f.orderActive(OrderLine{SKU: "SL-29-SEC-K9", Customer: "Branch Co"})
	plus := f.orderActive(OrderLine{SKU: "L-AC-PLS-LIC=", Customer: "Branch Co", Users: 50, Months: 12})
	vpno := f.orderActive(OrderLine{SKU: "L-AC-VPNO-25=", Customer: "Branch Co"})
	before := f.state()
	for _, c := range []struct {
		name, pak, serial, udi string
		want                   error
	}{
		{"IOS PAK without UDI", ios.ID, "FTX1234A5BC", "", ErrUDIRequired},
		{"AnyConnect Plus with UDI", plus.ID, "", iosUDI, ErrAnyConnectIOS},
		{"VPN Only with UDI", vpno.ID, "", iosUDI, ErrUDIForASA},
		{"malformed UDI", ios.ID, "", "CISCO2911/K9", ErrInvalidUDI},
		{"serial not the UDI's", ios.ID, "FTX0000A0AA", iosUDI, ErrInvalidUDI},
		{"2900 license for a 1941", ios.ID, "", "CISCO1941/K9:FTX1234A5BC", ErrIOSPlatform},
		{"not an ISR", ios.ID, "", "CSR1000V:FTX1234A5BC", ErrIOSPlatform},
	} {
		_, _, err := f.registerUDI(c.pak, c.serial, c.udi)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
		if f.state() != before {
			t.Fatalf("%s: the portal changed", c.name)
		}
	}
	// The platform refusal says why, in ioslic's words too.
	if _, _, err := f.registerUDI(ios.ID, "", "CISCO1941/K9:FTX1234A5BC"); !errors.Is(err, ioslic.ErrSKUNotForPlatform) {
		t.Errorf("err = %v", err)
	}
	// The ASA flow is untouched: Plus registers to a serial as before.
	f.register(plus.ID, "JMX1234Z0AB")
}

// jsonRoundTrip stores a change as the lab's store does (JSON) and reads
// it back.
func jsonRoundTrip(c Change) (Change, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return Change{}, err
	}
	var back Change
	err = json.Unmarshal(b, &back)
	return back, err
}

// The IOS parts are sold without changing the ASA's list of parts an
// unknown part is answered with; a name in the IOS style gets the IOS
// list.
func TestIOSSKUNames(t *testing.T) {
	_, err := ParseSKU("L-AC-PLS-LIC", 0)
	want := `portal: unknown SKU "L-AC-PLS-LIC" (the portal sells L-AC-PLS-LIC=, L-AC-APX-LIC=, L-AC-PLS-P-G, L-AC-VPNO-<n>=, ` +
		`L-ASA-SSL-<n>=, L-ASA-AC-E=, L-ASA-AC-M=, L-ASA-SSL-SHR-SRV-<n>=, L-ASA-SSL-SHR-PRT=, L-ASA-SEC-PL=, L-ASA-SSL-TB-<n>=)`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	_, err = ParseSKU("FL-SSLVPN50-K9", 0)
	if !errors.Is(err, ErrUnknownSKU) || !strings.Contains(err.Error(), "(the portal sells FL-SSLVPN10-K9, FL-SSLVPN25-K9, FL-SSLVPN100-K9, SL-19-SEC-K9,") {
		t.Errorf("err = %v", err)
	}
	s, err := ParseSKU(" sl-29-sec-k9 ", 0)
	if err != nil || s.Name != "SL-29-SEC-K9" || s.Kind != KindIOS || s.Tier != TierIOS || s.Tier.String() != "IOS" {
		t.Errorf("ParseSKU = %+v, %v", s, err)
	}
	if _, err := ParseSKU("SL-29-SEC-K9", 5); !errors.Is(err, ErrInvalidOrder) {
		t.Errorf("sized: %v", err)
	}
	// An IOS line takes no users or term.
	if _, err := validateLine(OrderLine{SKU: "FL-SSLVPN10-K9", Customer: "X", Users: 10}); !errors.Is(err, ErrInvalidOrder) {
		t.Errorf("users: %v", err)
	}
}
