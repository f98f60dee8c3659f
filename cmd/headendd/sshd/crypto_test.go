package sshd

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// createModel adds a headend of the model and returns its console address.
func (tl *testLab) createModel(model, hostname, serial string) string {
	tl.t.Helper()
	s, err := tl.lab.Create(model, hostname, serial)
	if err != nil {
		tl.t.Fatal(err)
	}
	return s.SSHAddress
}

// configure types lines at the headend's console, from configuration mode,
// and fails on any error line.
func (tl *testLab) configure(hostname string, lines ...string) {
	tl.t.Helper()
	res, err := tl.lab.Exec(hostname, append([]string{"configure terminal"}, lines...))
	if err != nil {
		tl.t.Fatal(err)
	}
	if out := res.Transcript; strings.Contains(out, "ERROR") {
		tl.t.Fatalf("configuring %s:\n%s", hostname, out)
	}
}

// dialWith logs in with a client that offers only the algorithms given
// (nil: the library's defaults, a modern client).
func dialWith(addr string, kex, ciphers, macs []string) (*ssh.Client, error) {
	return ssh.Dial("tcp", addr, &ssh.ClientConfig{
		Config: ssh.Config{KeyExchanges: kex, Ciphers: ciphers, MACs: macs},
		User:   "admin", Auth: []ssh.AuthMethod{ssh.Password("admin")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
}

// connects reports whether the client logs in, and runs a command to show
// the connection works.
func connects(t *testing.T, addr string, kex, ciphers, macs []string) bool {
	t.Helper()
	c, err := dialWith(addr, kex, ciphers, macs)
	if err != nil {
		return false
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := s.Output("show curpriv"); err != nil || !strings.Contains(string(out), "Username : admin") {
		t.Fatalf("a logged-in client cannot run a command: %v %q", err, out)
	}
	return true
}

// checkConnects fails the test with why unless whether a client with
// kex, ciphers and macs logs in is want.
func checkConnects(t *testing.T, addr string, want bool, why string, kex, ciphers, macs []string) {
	t.Helper()
	if connects(t, addr, kex, ciphers, macs) != want {
		t.Error(why)
	}
}

var (
	legacyKex     = []string{ssh.InsecureKeyExchangeDH1SHA1}
	legacyCiphers = []string{ssh.InsecureCipherAES128CBC}
	legacyMACs    = []string{ssh.HMACSHA1}
)

// An ASA 5520 runs 9.1(7): group 1 key exchange only, the medium cipher
// set (AES CBC and CTR, no 3DES). A client that knows only modern key
// exchanges cannot connect; one with the old box's crypto can, and 3DES
// needs `ssh cipher encryption low`.
func TestLegacyCrypto(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.createModel("ASA5520", "old", "JMX1234A0BC")
	checkConnects(t, addr, false, "a modern-only client connects to a 9.1(7)", nil, nil, nil)
	checkConnects(t, addr, true, "a client with group 1 and aes128-cbc cannot connect to a 9.1(7)", legacyKex, legacyCiphers, legacyMACs)
	checkConnects(t, addr, true, "aes256-ctr and hmac-sha1-96 of the medium sets refused", legacyKex, []string{ssh.CipherAES256CTR}, []string{ssh.InsecureHMACSHA196})
	tdes := []string{ssh.InsecureCipherTripleDESCBC}
	checkConnects(t, addr, false, "3des-cbc accepted by the medium set", legacyKex, tdes, legacyMACs)
	tl.configure("old", "ssh cipher encryption low")
	checkConnects(t, addr, true, "3des-cbc refused by ssh cipher encryption low", legacyKex, tdes, legacyMACs)
	tl.configure("old", "ssh key-exchange group dh-group14-sha1")
	checkConnects(t, addr, false, "group 1 accepted after ssh key-exchange group dh-group14-sha1", legacyKex, legacyCiphers, legacyMACs)
	checkConnects(t, addr, true, "group 14 refused after ssh key-exchange group dh-group14-sha1", []string{ssh.InsecureKeyExchangeDH14SHA1}, legacyCiphers, legacyMACs)

	// A 9.2(4) (ASA 5505) predates the cipher commands and offers 3DES.
	addr = tl.createModel("ASA5505", "older", "JMX1234A0BD")
	checkConnects(t, addr, true, "3des-cbc refused by a 9.2(4)", legacyKex, tdes, legacyMACs)
}

// An ASA 5525-X runs 9.14(4): group 14 SHA-256 only by default, so a client
// with an old box's crypto cannot connect; the key exchange and cipher
// lines change what it offers.
func TestModernCrypto(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	if !connects(t, addr, nil, nil, nil) {
		t.Fatal("a modern client cannot connect to a 9.14")
	}
	checkConnects(t, addr, false, "group 1 accepted by a 9.14", legacyKex, nil, nil)
	checkConnects(t, addr, false, "hmac-sha1-96 accepted by the high integrity set", nil, nil, []string{ssh.InsecureHMACSHA196})
	dh14sha256 := []string{ssh.KeyExchangeDH14SHA256}
	checkConnects(t, addr, true, "group 14 SHA-256 refused by a 9.14", dh14sha256, nil, nil)

	tl.configure("asa1", "ssh key-exchange group dh-group14-sha1")
	checkConnects(t, addr, false, "group 14 SHA-256 accepted after ssh key-exchange group dh-group14-sha1", dh14sha256, nil, nil)
	checkConnects(t, addr, true, "group 14 SHA-1 refused after ssh key-exchange group dh-group14-sha1", []string{ssh.InsecureKeyExchangeDH14SHA1}, nil, nil)

	tl.configure("asa1", "no ssh key-exchange group", "ssh cipher encryption custom aes256-ctr")
	checkConnects(t, addr, false, "aes128-ctr accepted after ssh cipher encryption custom aes256-ctr", nil, []string{ssh.CipherAES128CTR}, nil)
	checkConnects(t, addr, true, "aes256-ctr refused after ssh cipher encryption custom aes256-ctr", nil, []string{ssh.CipherAES256CTR}, nil)
	checkConnects(t, addr, true, "a modern client refused after ssh cipher encryption custom aes256-ctr", nil, nil, nil)
}

// closedBeforeBanner reports whether the server closes a TCP connection
// without sending its SSH version line.
func closedBeforeBanner(t *testing.T, addr string) (string, bool) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(nc).ReadString('\n')
	return line, line == "" && err != nil
}

// With `ssh A M IFNAME` lines, only a client inside one of them, on an
// active interface, gets the SSH banner; the lab's client is 127.0.0.1.
func TestSSHPermitLines(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	tl.configure("asa1", "interface GigabitEthernet0/0", "nameif outside", "ip address 203.0.113.1 255.255.255.0",
		"no shutdown", "exit", "ssh 10.0.0.0 255.0.0.0 outside")
	if line, ok := closedBeforeBanner(t, addr); !ok {
		t.Errorf("a client outside the ssh lines got %q", line)
	}
	if _, err := dial(addr, "admin", "admin"); err == nil {
		t.Error("a client outside the ssh lines logged in")
	}
	tl.configure("asa1", "ssh 127.0.0.1 255.255.255.255 outside")
	checkConnects(t, addr, true, "a client inside an ssh line refused", nil, nil, nil)
	tl.configure("asa1", "interface GigabitEthernet0/0", "shutdown")
	if _, ok := closedBeforeBanner(t, addr); !ok {
		t.Error("an ssh line on a shut interface lets the client in")
	}
	tl.configure("asa1", "interface GigabitEthernet0/0", "no shutdown", "exit",
		"no ssh 127.0.0.1 255.255.255.255 outside", "no ssh 10.0.0.0 255.0.0.0 outside")
	checkConnects(t, addr, true, "a headend without ssh lines refuses the lab's client", nil, nil, nil)
}

// `ssh version 1` (before 9.12) makes the server speak SSH-1 only: an SSH-2
// client reads the SSH-1.5 banner and gives up.
func TestSSHVersion1(t *testing.T) {
	tl := newTestLab(t, Options{}, 0)
	addr := tl.createModel("ASA5520", "old", "JMX1234A0BC")
	tl.configure("old", "ssh version 1")
	if line, _ := closedBeforeBanner(t, addr); line != "SSH-1.5-Cisco-1.25\r\n" {
		t.Errorf("banner %q", line)
	}
	if _, err := dialWith(addr, legacyKex, legacyCiphers, legacyMACs); err == nil {
		t.Error("an SSH-2 client logged in to ssh version 1")
	}
	tl.configure("old", "ssh version 2")
	checkConnects(t, addr, true, "ssh version 2 refuses an SSH-2 client", legacyKex, legacyCiphers, legacyMACs)
}

// `ssh timeout 1` closes an idle session after a fifth of the factory
// `ssh timeout 5` (Options.IdleTimeout stands for 5 minutes).
func TestSSHTimeoutLine(t *testing.T) {
	const five = 2 * time.Second
	tl := newTestLab(t, Options{IdleTimeout: five}, 0)
	addr := tl.create("asa1", "FCH1947V0GY")
	tl.configure("asa1", "ssh timeout 1")
	sh := openShell(t, addr, "admin", "admin")
	sh.expect("asa1> ")
	start := time.Now()
	sh.closedByServer()
	if d := time.Since(start); d < five/5*3/4 || d >= five*9/10 {
		t.Errorf("ssh timeout 1 closed the idle session after %s; ssh timeout 5 lasts %s", d, five)
	}
}
