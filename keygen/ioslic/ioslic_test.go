package ioslic_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/ioslic"
)

const udi = "CISCO2911/K9:FTX1234A5BC"

var issued = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func signer(t testing.TB, secret string) *keygen.Signer {
	t.Helper()
	s, err := keygen.NewSigner([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func labSigner(t testing.TB) *keygen.Signer {
	return signer(t, "the lab's secret of 32 bytes!!!!")
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	s := labSigner(t)
	data, l, err := ioslic.Issue(s, udi, "fl-sslvpn10-k9", issued, "PAK123")
	if err != nil {
		t.Fatal(err)
	}
	if l.Feature != "SSL_VPN" || l.Count != 10 || l.SKU != "FL-SSLVPN10-K9" || l.UDI != udi || l.Version != "1.0" {
		t.Fatalf("license = %+v", l)
	}
	for _, want := range []string{"<CISCO_WT_ARTIFACTS", "<FEATURE_NAME>SSL_VPN</FEATURE_NAME>", "<PID>CISCO2911/K9</PID>", "<SN>FTX1234A5BC</SN>", "<COUNT>10</COUNT>"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("file lacks %q:\n%s", want, data)
		}
	}
	got, err := ioslic.Verify(s, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != l {
		t.Fatalf("Verify = %+v, want %+v", got, l)
	}
	// A second license of the same SKU, issued the same instant for
	// another PAK, is another license.
	_, l2, err := ioslic.Issue(s, udi, "FL-SSLVPN10-K9", issued, "PAK124")
	if err != nil {
		t.Fatal(err)
	}
	if l2.ID == l.ID {
		t.Fatal("two PAKs made licenses with the same ID")
	}
	// A saved file of both reads back both.
	both, err := ioslic.Verify(s, ioslic.Encode([]ioslic.License{l, l2}))
	if err != nil || len(both) != 2 || both[1] != l2 {
		t.Fatalf("Verify(saved) = %+v, %v", both, err)
	}
}

func TestVerifyRefusesOtherLabAndEdits(t *testing.T) {
	s := labSigner(t)
	data, _, err := ioslic.Issue(s, udi, "SL-29-SEC-K9", issued, "PAK1")
	if err != nil {
		t.Fatal(err)
	}
	other := signer(t, "another lab's secret, 32 bytes!!")
	if _, err := ioslic.Verify(other, data); !errors.Is(err, ioslic.ErrBadSignature) {
		t.Errorf("another lab: err = %v, want ErrBadSignature", err)
	}
	edits := map[string][2]string{
		"serial":  {"<SN>FTX1234A5BC</SN>", "<SN>FTX9999Z9ZZ</SN>"},
		"date":    {"2026-03-01T09:30:00Z", "2026-03-02T09:30:00Z"},
		"PAK":     {"<PAK>PAK1</PAK>", "<PAK>PAK2</PAK>"},
		"pid":     {"<PID>CISCO2911/K9</PID>", "<PID>CISCO2921/K9</PID>"},
		"license": {"<LICENSE_ID>", "<LICENSE_ID>X"},
	}
	for name, e := range edits {
		edited := bytes.Replace(data, []byte(e[0]), []byte(e[1]), 1)
		if bytes.Equal(edited, data) {
			t.Fatalf("%s: edit did not apply", name)
		}
		if _, err := ioslic.Verify(s, edited); !errors.Is(err, ioslic.ErrBadSignature) {
			t.Errorf("%s edited: err = %v, want ErrBadSignature", name, err)
		}
	}
	// Turning a security license into 100 SSL VPN seats by hand, by its
	// SKU or its feature and count, is refused by the signature, as any
	// other edit is.
	for name, e := range map[string][2]string{
		"SKU":     {"<SKU>SL-29-SEC-K9</SKU>", "<SKU>FL-SSLVPN100-K9</SKU>"},
		"feature": {"<FEATURE_NAME>securityk9</FEATURE_NAME>", "<FEATURE_NAME>SSL_VPN</FEATURE_NAME>"},
		"count":   {"<COUNT>0</COUNT>", "<COUNT>100</COUNT>"},
	} {
		seats := bytes.Replace(data, []byte(e[0]), []byte(e[1]), 1)
		if bytes.Equal(seats, data) {
			t.Fatalf("%s: edit did not apply", name)
		}
		if _, err := ioslic.Verify(s, seats); !errors.Is(err, ioslic.ErrBadSignature) {
			t.Errorf("%s edited: err = %v, want ErrBadSignature", name, err)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	for name, data := range map[string]string{
		"empty":      "",
		"text":       "this is not a license\n",
		"no lines":   `<?xml version="1.0"?><CISCO_WT_ARTIFACTS version="1.0"></CISCO_WT_ARTIFACTS>`,
		"truncated":  `<?xml version="1.0"?><CISCO_WT_ARTIFACTS version="1.0"><CISCO_WT_LICENSE>`,
		"other root": `<?xml version="1.0"?><licenses/>`,
		"huge":       strings.Repeat(" ", ioslic.MaxFileSize+1),
	} {
		if _, err := ioslic.Parse([]byte(data)); !errors.Is(err, ioslic.ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestIssueRefusals(t *testing.T) {
	s := labSigner(t)
	for _, c := range []struct {
		udi, sku, ref string
		want          error
	}{
		{udi, "L-AC-PLS-LIC=", "P", ioslic.ErrUnknownSKU},
		{"CISCO2911/K9", "FL-SSLVPN10-K9", "P", ioslic.ErrInvalidUDI},
		{"CISCO2911/K9:short", "FL-SSLVPN10-K9", "P", ioslic.ErrInvalidUDI},
		{"CISCO1941/K9:FTX1234A5BC", "SL-29-SEC-K9", "P", ioslic.ErrSKUNotForPlatform},
		{"CISCO1941/K9:FTX1234A5BC", "SL-29-UC-K9", "P", ioslic.ErrSKUNotForPlatform},
		{"CSR1000V:FTX1234A5BC", "FL-SSLVPN10-K9", "P", ioslic.ErrSKUNotForPlatform},
		{udi, "FL-SSLVPN10-K9", "", ioslic.ErrInvalidReference},
		{udi, "FL-SSLVPN10-K9", "a|b", ioslic.ErrInvalidReference},
	} {
		if _, _, err := ioslic.Issue(s, c.udi, c.sku, issued, c.ref); !errors.Is(err, c.want) {
			t.Errorf("Issue(%q, %q, %q) err = %v, want %v", c.udi, c.sku, c.ref, err, c.want)
		}
	}
	if _, _, err := ioslic.Issue(s, "CISCO1941/K9:FTX1234A5BC", "FL-SSLVPN25-K9", issued, "P"); err != nil {
		t.Errorf("SSL VPN seats fit every ISR G2: %v", err)
	}
}

func TestModuleOfPID(t *testing.T) {
	for pid, want := range map[string]string{
		"CISCO1941/K9": "c1900", "CISCO2911/K9": "c2900", "CISCO3945/K9": "c3900",
		"CISCO3945-CHASSIS": "c3900", "CISCO1941": "c1900", "CSR1000V": "", "ASR1001-X": "", "CISCO881-K9": "",
	} {
		got, ok := ioslic.ModuleOfPID(pid)
		if got != want || ok != (want != "") {
			t.Errorf("ModuleOfPID(%q) = %q, %v; want %q", pid, got, ok, want)
		}
	}
}
