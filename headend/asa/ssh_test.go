package asa

import (
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/asa/config"
)

func newSSHDevice(t *testing.T, model string) *Device {
	t.Helper()
	d, err := NewDevice(model, "FCH1947V0GY", "asa1", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// What the SSH server offers follows the software version: group 1 and the
// medium integrity set before 9.12, group 14 SHA-256 and the high set from
// 9.12, every cipher (3DES and MD5 included) on the trains without the
// cipher commands, CBC only before AES-CTR came in 9.1(2).
func TestSSHAlgorithmsByVersion(t *testing.T) {
	cases := []struct {
		version   string
		kex       string
		ciphers   []string
		macs      []string
		hasCipher bool
	}{
		{"8.4(7)", "diffie-hellman-group1-sha1", []string{"3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc"},
			[]string{"hmac-sha1", "hmac-sha1-96", "hmac-md5", "hmac-md5-96"}, false},
		{"9.2(4)", "diffie-hellman-group1-sha1", []string{"3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr"},
			[]string{"hmac-sha1", "hmac-sha1-96", "hmac-md5", "hmac-md5-96"}, false},
		{"9.1(7)", "diffie-hellman-group1-sha1", []string{"aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr"},
			[]string{"hmac-sha1", "hmac-sha1-96", "hmac-sha2-256"}, true},
		{"9.14(4)", "diffie-hellman-group14-sha256", []string{"aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr"},
			[]string{"hmac-sha1", "hmac-sha2-256"}, true},
	}
	for _, c := range cases {
		d := newSSHDevice(t, "ASA5525")
		d.Version = c.version
		a := d.SSHAlgorithms()
		if !slices.Equal(a.KeyExchanges, []string{c.kex}) || !slices.Equal(a.Ciphers, c.ciphers) || !slices.Equal(a.MACs, c.macs) {
			t.Errorf("%s offers %+v", c.version, a)
		}
		if d.HasSSHCiphers() != c.hasCipher {
			t.Errorf("%s: ssh cipher commands %v", c.version, d.HasSSHCiphers())
		}
	}
}

func TestSSHSettingsChangeTheOffer(t *testing.T) {
	d := newSSHDevice(t, "ASA5525")
	if err := d.SetSSHKeyExchange("dh-group14-sha1"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetSSHCipher(false, "custom", "aes256-ctr"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetSSHCipher(true, "low", ""); err != nil {
		t.Fatal(err)
	}
	a := d.SSHAlgorithms()
	if !slices.Equal(a.KeyExchanges, []string{"diffie-hellman-group14-sha1"}) || !slices.Equal(a.Ciphers, []string{"aes256-ctr"}) ||
		!slices.Contains(a.MACs, "hmac-md5") {
		t.Errorf("offer %+v", a)
	}
	before := d.Running.SSH
	for _, err := range []error{
		d.SetSSHKeyExchange("curve25519-sha256"), // 9.16 and later
		d.SetSSHCipher(false, "custom", "aes256-ctr:des-cbc"),
		d.SetSSHCipher(true, "strong", ""),
		d.SetSSHTimeout(61),
		d.SetSSHVersion(1), // not since 9.12
	} {
		if err == nil {
			t.Error("bad setting accepted")
		}
	}
	if !before.Equal(d.Running.SSH) {
		t.Errorf("a refused setting changed the configuration: %+v", d.Running.SSH)
	}
}

// Permit lines: none accepts every client (the lab's choice); with some,
// the client must be in one whose interface is active.
func TestSSHPermitted(t *testing.T) {
	d := newSSHDevice(t, "ASA5525")
	lo := netip.MustParseAddr("127.0.0.1")
	if !d.Running.SSHPermitted(lo) {
		t.Fatal("factory configuration refuses the lab's client")
	}
	if err := d.SetSSHPermit(netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("0.0.0.0"), "outside"); !errors.Is(err, config.ErrSSHNameif) {
		t.Fatalf("permit on an unknown nameif: %v", err)
	}
	if _, err := d.SetNameif("GigabitEthernet0/0", "outside"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetSSHPermit(netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("255.0.0.0"), "outside"); err != nil {
		t.Fatal(err)
	}
	if d.Running.SSHPermitted(lo) {
		t.Error("10.0.0.0/8 permits 127.0.0.1")
	}
	if err := d.SetSSHPermit(netip.MustParseAddr("127.0.0.0"), netip.MustParseAddr("255.0.0.0"), "outside"); err != nil {
		t.Fatal(err)
	}
	if d.Running.SSHPermitted(lo) {
		t.Error("a permit on a shut, unaddressed interface lets the client in")
	}
	d.SetShutdown("GigabitEthernet0/0", false)
	if err := d.SetAddress("GigabitEthernet0/0", netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("255.255.255.0"), netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	if !d.Running.SSHPermitted(lo) {
		t.Error("127.0.0.0/8 on an active interface refuses 127.0.0.1")
	}
	if err := d.SetSSHPermit(netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("255.255.255.0"), "outside"); !errors.Is(err, config.ErrSSHPermitPair) {
		t.Errorf("host bits outside the mask: %v", err)
	}
}

// A configuration stored before the ssh lines existed loads with the
// factory ones, and an ssh setting survives the JSON form.
func TestSSHConfigStored(t *testing.T) {
	var legacy config.Config
	if err := json.Unmarshal([]byte(`{"hostname":"asa1","essentials":true}`), &legacy); err != nil {
		t.Fatal(err)
	}
	if !legacy.SSH.Equal(config.SSH{}) || legacy.SSH.TimeoutMinutes() != 5 {
		t.Errorf("legacy ssh settings %+v", legacy.SSH)
	}
	d := newSSHDevice(t, "ASA5525")
	if _, err := d.SetNameif("GigabitEthernet0/0", "outside"); err != nil {
		t.Fatal(err)
	}
	_ = d.SetSSHPermit(netip.MustParseAddr("192.0.2.0"), netip.MustParseAddr("255.255.255.0"), "outside")
	_ = d.SetSSHTimeout(30)
	_ = d.SetSSHCipher(false, "custom", "aes256-ctr:aes128-ctr")
	b, err := json.Marshal(d.Running)
	if err != nil {
		t.Fatal(err)
	}
	var back config.Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(d.Running) {
		t.Errorf("stored %s, loaded %+v", b, back.SSH)
	}
}
