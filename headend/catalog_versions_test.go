package headend

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultVersionIsATrainOfTheModel(t *testing.T) {
	for i := range Platforms() {
		p := &Platforms()[i]
		if p.Licensing != LicensingPAK {
			continue
		}
		if len(p.SoftwareTrains()) == 0 {
			t.Errorf("%s: no software trains", p.Model)
			continue
		}
		if err := p.CheckVersion(p.Version); err != nil {
			t.Errorf("%s: default %s refused: %v", p.Model, p.Version, err)
		}
	}
}

func TestCheckVersionRefusals(t *testing.T) {
	cases := []struct{ model, version, want string }{
		{"ASA5520", "9.14(4)", "ASA5520 runs 8.2, 8.3, 8.4, 9.0, 9.1, not 9.14(4)"},
		{"ASA5525", "8.4(7)", "ASA5525 runs 8.6, 9.0, 9.1, 9.2, 9.3, 9.4, 9.5, 9.6, 9.7, 9.8, 9.9, 9.10, 9.12, 9.13, 9.14, not 8.4(7)"},
		{"ASA5512", "9.14(4)", "not 9.14(4)"},
		{"ASA5506", "9.2(4)", "ASA5506 runs 9.3,"},
		{"ASA5525", "9.11(1)", "not 9.11(1)"},
		{"ASA5520", "8.4", `"8.4" is not an ASA release such as 9.1(7)`},
		{"ASA5520", "8.4(7) ", `"8.4(7) " is not an ASA release`},
	}
	for _, c := range cases {
		p, _ := LookupPlatform(c.model)
		err := p.CheckVersion(c.version)
		if !errors.Is(err, ErrUnsupportedVersion) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: got %v, want ErrUnsupportedVersion with %q", c.model, c.version, err, c.want)
		}
	}
	for _, ok := range []struct{ model, version string }{{"ASA5520", "8.4(7)"}, {"ASA5555", "9.14(2)14"}, {"ASA5585-SSP10", "8.2(5)"}, {"ASA5516", "9.16(4)"}} {
		p, _ := LookupPlatform(ok.model)
		if err := p.CheckVersion(ok.version); err != nil {
			t.Errorf("%s %s: %v", ok.model, ok.version, err)
		}
	}
}
