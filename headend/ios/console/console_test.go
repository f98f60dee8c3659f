package console

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/keygen"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from what the code prints")

// fakeHost is one router without a lab: the console's side driven alone.
// Methods the IOS console does not call are the embedded nil interface's
// and panic.
type fakeHost struct {
	family.Host
	mu     sync.Mutex
	now    time.Time
	dev    *ios.Device
	adm    *admission.Admission
	signer *keygen.Signer
}

func newFakeHost(t *testing.T, model, serial, hostname string) *fakeHost {
	t.Helper()
	p, ok := headend.LookupPlatform(model)
	if !ok {
		t.Fatalf("no model %s", model)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	d, err := ios.NewDevice(p, serial, hostname, now)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keygen.NewSigner([]byte("ios console test secret, 32 bytes!"))
	if err != nil {
		t.Fatal(err)
	}
	return &fakeHost{now: now, dev: d, adm: admission.NewAdmission(1, 64, d.AdmissionPolicy(now), now.Unix(), nil), signer: s.ForLab("default")}
}

// Reachable answers for 192.0.2.2, a peer on the lab network.
func (h *fakeHost) Reachable(a netip.Addr) (string, bool) {
	return "peer", a == netip.MustParseAddr("192.0.2.2")
}

func (h *fakeHost) Now() time.Time                  { return h.now }
func (h *fakeHost) BootTime() time.Duration         { return 0 }
func (h *fakeHost) Signer() *keygen.Signer          { return h.signer }
func (h *fakeHost) Admission() *admission.Admission { return h.adm }

func (h *fakeHost) View(fn func(d family.Device)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	fn(h.dev)
	return nil
}

func (h *fakeHost) Update(fn func(d family.Device) error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.dev.Clone()
	if err := fn(c); err != nil {
		return err
	}
	h.dev = c
	h.adm.SetPolicy(c.AdmissionPolicy(h.now))
	return nil
}

// session opens a console as an SSH login of the factory admin.
func (h *fakeHost) session() family.Console {
	return Open(h, family.ConsoleOptions{User: "admin", Mode: family.ModeLogin, Privilege: 15})
}

// golden compares got with testdata/name.txt, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first lines that differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\nwant: " + a + "\ngot:  " + b
		}
	}
	return ""
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestTranscripts runs console sessions on a CISCO2911 and compares each
// transcript with its golden file in testdata.
func TestTranscripts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
	}{
		{"modes", []string{
			"disable", "show privilege", "enable", "cisco", "wrong", "admin", "show privilege",
			"configure terminal", "interface gigabitEthernet 0/1", "description uplink to ISP",
			"ip address 192.0.2.1 255.255.255.0", "no shutdown", "exit",
			"webvpn gateway GW1", "ip address 192.0.2.1 port 443", "inservice", "exit",
			"webvpn context CTX1", "gateway GW1", "inservice",
			"crypto ikev2 profile IKEV2-PROF", "exit",
			"line vty 0 4", "exec-timeout 30 0", "hostname R1",
			"do show ip interface brief", "end",
			"show running-config", "write memory", "show logging",
		}},
		{"errors", []string{
			"sh", "di", "show", "show foo", "foo", "configure", "x", "show ip interface brief extra",
			"configure terminal", "interface GigabitEthernet0/9", "interface GigabitEthernet0/0",
			"ip address 10.0.0.0 255.255.255.0", "ip address 10.0.0.1 255.0.255.0", "ip address 10.0.0.1",
			"hostname -bad", "logging buffered 100", "end", "show ?", "show running-config ?", "terminal length 700",
		}},
		{"show", []string{
			"terminal length 0", "terminal width 511", "show version", "show inventory", "show clock",
			"show ip interface brief", "show startup-config", "dir flash:", "show users",
		}},
		{"reload", []string{
			"configure terminal", "hostname R2", "end", "copy running-config startup-config", "",
			"configure terminal", "logging buffered 16384", "end", "reload", "no", "",
		}},
		{"abbrev", []string{
			"conf t", "int gi0/2", "desc lab", "ip addr 10.1.1.1 255.255.255.0", "no shut", "do sh ip int br", "exit",
			"hostname ?", "logging ?", "ex", "wr", "sh?", "sh ver | i uptime", "sh run | b interface GigabitEthernet0/2", "ter len 0",
		}},
		{"ambiguity", []string{
			"con", "show c", "show conf | include ^hostname", "show cdp", "conn", "connect 192.0.2.9", "configure", "", "end",
			"configure", "t", "end", "configure", "bogus", "conf ?",
		}},
		{"filters", []string{
			"terminal length 0", "configure terminal", "interface GigabitEthernet0/1", "description uplink", "ip address 192.0.2.1 255.255.255.0", "no shutdown", "end",
			"show running-config | section ^interface", "show run | sec Gi.*0/1", "show run | sec speed", "show run | count ^interface",
			"show run | count nomatch", "show run | ?", "show run | grep x", "show run | sec",
			"show run | section include ^line vty", "show ip interface | section exclude administratively down",
		}},
		{"interfaces", []string{
			"terminal length 0", "ping 192.0.2.2", "configure terminal", "interface GigabitEthernet0/1", "description uplink",
			"ip address 192.0.2.1 255.255.255.0", "no shutdown", "end",
			"ping 192.0.2.2", "ping 192.0.2.9", "ping peer", "ping",
			"show running-config interface Gi0/1", "show run int gigabitEthernet 0/0", "show run int gi0/9", "show run int",
			"show interfaces GigabitEthernet0/1", "show interfaces gi0/9", "show interfaces | include line protocol",
			"show ip interface", "show ip interface gi0/1 | include address", "show ip int br", "show ipv6 interface", "show lldp",
		}},
		{"users", []string{
			"configure terminal", "username bob password 0 b0bpw", "username carol privilege 5 secret c4rol",
			"username dave privilege 16 secret x", "username erin secret 5 notahash", "username frank",
			"no username carol", "enable secret n3w", "end", "show running-config | include ^username",
			"disable", "enable", "n3w", "show privilege",
		}},
		{"ssh_key", []string{
			"configure terminal", "no ip domain name", "crypto key generate rsa", "ip domain name example.net",
			"crypto key generate rsa", "1024", "crypto key generate rsa modulus 2048", "end",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newFakeHost(t, "CISCO2911", "FTX1628A1B2", "Router")
			out, _ := cli.Run(h.session().(cli.Script), tc.lines)
			golden(t, tc.name, out)
		})
	}
}

// TestExecSessionUser: a session opened without a login (the lab's Exec
// call) lands in privileged EXEC and is named "console" in the messages
// it makes the router log.
func TestExecSessionUser(t *testing.T) {
	h := newFakeHost(t, "CISCO2911", "FTX1628A1B2", "R1")
	s := Open(h, family.ConsoleOptions{Mode: family.ModePriv})
	out, _ := cli.Run(s.(cli.Script), []string{"configure terminal", "end", "show logging | include CONFIG_I", "show privilege"})
	for _, want := range []string{": %SYS-5-CONFIG_I: Configured from console by console on vty0\n", "Current privilege level is 15\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
}

// TestTerminalPager: a new SSH shell pages at IOS's 24 lines behind " --More-- ",
// and `terminal length 0` turns paging off.
func TestTerminalPager(t *testing.T) {
	h := newFakeHost(t, "CISCO2911", "FTX1628A1B2", "R1")
	term := cli.NewTerminal(Open(h, family.ConsoleOptions{User: "admin", Mode: family.ModeLogin, Privilege: 15, DevicePager: true}))
	if got := string(term.Start()); got != "R1#" {
		t.Fatalf("start: %q", got)
	}
	out := string(term.Input([]byte("show running-config\r")))
	if !strings.HasSuffix(out, "\r\n --More-- ") || strings.Count(out, "\r\n") != 25 {
		t.Errorf("first page (%d lines): ...%q", strings.Count(out, "\r\n"), out[max(0, len(out)-80):])
	}
	out = string(term.Input([]byte("q")))
	if out != "\r          \rR1#" {
		t.Errorf("q at the More prompt: %q", out)
	}
	term.Input([]byte("terminal length 0\r"))
	if out := string(term.Input([]byte("show running-config\r"))); strings.Contains(out, "--More--") || !strings.HasSuffix(out, "end\r\nR1#") {
		t.Errorf("with terminal length 0: ...%q", out[max(0, len(out)-80):])
	}
}
