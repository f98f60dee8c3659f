package sshd

import (
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/asalab/asalab/sim"
)

// An ASA 5520 created with 8.4(7) offers what that release did: the group 1
// key exchange and CBC ciphers only (AES-CTR came with 9.1(2)), so a
// client with an old box's crypto negotiates diffie-hellman-group1-sha1
// and aes128-cbc, and a modern-only client is refused.
func TestSoftwareVersionCrypto(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	s, err := tl.lab.Create("ASA5520", "old84", "JMX1234A0BC", sim.WithSoftwareVersion("8.4(7)"))
	if err != nil {
		t.Fatal(err)
	}
	addr := s.SSHAddress
	checkConnects(t, addr, false, "a modern-only client connects to an 8.4(7)", nil, nil, nil)
	checkConnects(t, addr, true, "a client with diffie-hellman-group1-sha1, aes128-cbc and hmac-sha1 cannot connect to an 8.4(7)",
		legacyKex, legacyCiphers, legacyMACs)
	checkConnects(t, addr, true, "3des-cbc refused by an 8.4(7)", legacyKex, []string{ssh.InsecureCipherTripleDESCBC}, legacyMACs)
	checkConnects(t, addr, false, "aes128-ctr accepted by an 8.4(7)", legacyKex, []string{ssh.CipherAES128CTR}, legacyMACs)
	dh14 := []string{ssh.InsecureKeyExchangeDH14SHA1}
	checkConnects(t, addr, false, "group 14 accepted by an 8.4(7) without ssh key-exchange", dh14, legacyCiphers, legacyMACs)
	// 8.4(4) added `ssh key-exchange group dh-group14-sha1`.
	tl.configure("old84", "ssh key-exchange group dh-group14-sha1")
	checkConnects(t, addr, true, "group 14 refused after ssh key-exchange group dh-group14-sha1", dh14, legacyCiphers, legacyMACs)

	// The same model on its default 9.1(7) has AES-CTR.
	addr = tl.createModel("ASA5520", "new91", "JMX1234A0BD")
	checkConnects(t, addr, true, "aes128-ctr refused by a 9.1(7)", legacyKex, []string{ssh.CipherAES128CTR}, legacyMACs)
}
