package ios_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/headend/ios/config"
)

// t0 is a lab time; nothing depends on the time of day.
var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func newRouter(t *testing.T, model, serial, hostname string) *ios.Device {
	t.Helper()
	p, ok := headend.LookupPlatform(model)
	if !ok {
		t.Fatalf("no model %s", model)
	}
	d, err := ios.NewDevice(p, serial, hostname, t0)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mustConfigure sets an interface's address and state.
func mustConfigure(t *testing.T, d *ios.Device, name, prefix string, shut bool) {
	t.Helper()
	p := netip.MustParsePrefix(prefix)
	if err := d.Running.SetAddress(name, p); err != nil {
		t.Fatal(err)
	}
	f, _ := d.Running.Interface(name)
	f.Shutdown = shut
}

// TestNewDevice: the ISR G2 models are made with their UDI, ports and
// factory login; the CSR 1000V and ASR 1001-X run IOS XE 16.9 with their
// own port names; bad serials and hostnames as invalid.
func TestNewDevice(t *testing.T) {
	for model, ports := range map[string]int{"CISCO1941": 2, "CISCO2911": 3, "CISCO3945": 3} {
		d := newRouter(t, model, "FTX1628A1B2", "R1")
		if got := len(d.Running.Interfaces); got != ports {
			t.Errorf("%s: %d interfaces, want %d", model, got, ports)
		}
		if !strings.HasPrefix(d.UDI(), model+"/K9:FTX1628A1B2") {
			t.Errorf("%s: UDI %s", model, d.UDI())
		}
		if _, known, ok := d.CheckLogin("admin", "admin"); !known || !ok {
			t.Errorf("%s: the factory login fails", model)
		}
		if d.ConfigUnsaved() || len(d.Addresses()) != 0 {
			t.Errorf("%s: unsaved %v, addresses %v", model, d.ConfigUnsaved(), d.Addresses())
		}
	}
	for model, ifc := range map[string]string{"CSR1000V": "GigabitEthernet1", "ASR1001-X": "GigabitEthernet0/0/0"} {
		d := newRouter(t, model, "9IOUX800GMO", "R1")
		if d.Running.Interfaces[0].Name != ifc || d.SoftwareVersion() != "16.09.05" || !d.IsXE() {
			t.Errorf("%s: first port %s, version %s", model, d.Running.Interfaces[0].Name, d.SoftwareVersion())
		}
	}
	p, _ := headend.LookupPlatform("CISCO2911")
	if _, err := ios.New(p, "ftx", "R1", t0); !errors.Is(err, headend.ErrInvalidSerial) {
		t.Errorf("bad serial: %v", err)
	}
	if _, err := ios.New(p, "FTX1628A1B2", "-r1", t0); !errors.Is(err, headend.ErrInvalidHostname) {
		t.Errorf("bad hostname: %v", err)
	}
}

// TestDecodeRoundTrip: a stored router reads back the same.
func TestDecodeRoundTrip(t *testing.T) {
	d := newRouter(t, "CISCO2911", "FTX1628A1B2", "R1")
	mustConfigure(t, d, "GigabitEthernet0/0", "192.0.2.1/24", false)
	if err := d.PutFile("flash:a.lic", []byte("x"), t0); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ios.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	r := back.(*ios.Device)
	if r.ShowRunningConfig() != d.ShowRunningConfig() || r.ShowDir() != d.ShowDir() || r.UDI() != d.UDI() {
		t.Errorf("decoded router differs:\n%s", r.ShowRunningConfig())
	}
}

// TestFactoryLogin: `headendctl create --username --password
// --enable-password` replaces the factory login, saved.
func TestFactoryLogin(t *testing.T) {
	d := newRouter(t, "CISCO2911", "FTX1628A1B2", "R1")
	if err := d.SetFactoryLogin("ops", "0ps!pw", "3nable"); err != nil {
		t.Fatal(err)
	}
	if p, known, ok := d.CheckLogin("ops", "0ps!pw"); !known || !ok || p != 15 {
		t.Errorf("ops login: %d %v %v", p, known, ok)
	}
	if _, known, _ := d.CheckLogin("admin", "admin"); known {
		t.Error("the factory user is still there")
	}
	if !d.CheckEnable("3nable") || d.CheckEnable("admin") || d.ConfigUnsaved() {
		t.Error("the enable secret is not the new one, or not saved")
	}
	if err := d.SetFactoryLogin("ops", "", ""); !errors.Is(err, headend.ErrInvalidPassword) {
		t.Errorf("no password: %v", err)
	}
}

// TestFlash: files are put, replaced, listed in dir order and read back;
// bad names, the system image and data over the free space are refused
// and change nothing.
func TestFlash(t *testing.T) {
	d := newRouter(t, "CISCO1941", "FTX1628A1B2", "R1")
	for _, n := range []string{"flash:lic1.lic", "flash0:/lic2.lic", "lic1.lic"} {
		if err := d.PutFile(n, []byte(n), t0); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
	}
	files := d.Files()
	if len(files) != 3 || files[0].Name != "c1900-universalk9-mz.SPA.155-3.M.bin" || files[1].Name != "lic1.lic" || files[2].Name != "lic2.lic" {
		t.Fatalf("files: %+v", files)
	}
	if b, ok := d.File("flash:lic1.lic"); !ok || string(b) != "lic1.lic" {
		t.Errorf("lic1.lic reads %q %v", b, ok)
	}
	before := d.ShowDir()
	for _, tc := range []struct {
		name string
		size int
		want error
	}{
		{"../x", 1, ios.ErrBadFileName}, {"flash:", 1, ios.ErrBadFileName}, {"a b", 1, ios.ErrBadFileName},
		{"tftp:x", 1, ios.ErrBadFileName}, {strings.Repeat("a", 64), 1, ios.ErrBadFileName},
		{"c1900-universalk9-mz.SPA.155-3.M.bin", 1, ios.ErrSystemImage}, {"big.lic", ios.MaxFileSize + 1, ios.ErrFlashFull},
	} {
		if err := d.PutFile(tc.name, make([]byte, tc.size), t0); !errors.Is(err, tc.want) {
			t.Errorf("PutFile(%q, %d bytes): %v, want %v", tc.name, tc.size, err, tc.want)
		}
	}
	if d.ShowDir() != before {
		t.Error("a refused file changed flash")
	}
	if !strings.Contains(before, "    2  -rw-           8  Nov 27 2026 12:00:00 +00:00  lic1.lic\n") {
		t.Errorf("dir:\n%s", before)
	}
}

// TestSSLVPNInService: SSL VPN answers only with a context in service on
// a gateway in service on an interface that is up.
func TestSSLVPNInService(t *testing.T) {
	c := config.Default("R1", []string{"GigabitEthernet0/0"})
	steps := []struct {
		do   func() error
		want bool
	}{
		{func() error { return c.AddGateway("GW") }, false},
		{func() error { return c.SetGatewayInService("GW", true) }, false}, // no address: refused
		{func() error { g, _ := c.Gateway("GW"); g.Address = netip.MustParseAddr("192.0.2.1"); return nil }, false},
		{func() error { return c.SetGatewayInService("GW", true) }, false},
		{func() error { return c.AddContext("CTX") }, false},
		{func() error { return c.SetContextGateway("CTX", "GW") }, false},
		{func() error { x, _ := c.Context("CTX"); x.InService = true; return nil }, false}, // interface shut
		{func() error {
			return c.SetAddress("GigabitEthernet0/0", netip.MustParsePrefix("192.0.2.1/24"))
		}, false},
		{func() error { f, _ := c.Interface("GigabitEthernet0/0"); f.Shutdown = false; return nil }, true},
		{func() error { return c.RemoveGateway("GW") }, true}, // in use: refused
	}
	for i, s := range steps {
		err := s.do()
		if (i == 1 || i == 9) != (err != nil) {
			t.Errorf("step %d: error %v", i, err)
		}
		if got := c.SSLVPNInService(); got != s.want {
			t.Errorf("step %d: in service %v, want %v", i, got, s.want)
		}
	}
}

// TestShowVersionFacts: a CISCO1941's show version prints what a real one
// does (testdata/SOURCES.md: genieparser's c1900 golden output), after a
// reload too.
func TestShowVersionFacts(t *testing.T) {
	d := newRouter(t, "CISCO1941", "FTX1628A1B2", "C1900")
	d.Reload(t0.Add(time.Hour), 90*time.Second)
	out := d.ShowVersion(t0.Add(16*24*time.Hour + 18*time.Hour + 23*time.Minute + 91*time.Second))
	for _, want := range []string{
		"Cisco IOS Software, C1900 Software (C1900-UNIVERSALK9-M), Version 15.5(3)M, RELEASE SOFTWARE (fc1)\n",
		"ROM: System Bootstrap, Version 15.0(1r)M16, RELEASE SOFTWARE (fc1)\n",
		"C1900 uptime is 2 weeks, 2 days, 17 hours, 23 minutes\n",
		"System returned to ROM by reload at 13:00:00 UTC Fri Nov 27 2026\n",
		"System restarted at 13:01:30 UTC Fri Nov 27 2026\n",
		"System image file is \"flash0:c1900-universalk9-mz.SPA.155-3.M.bin\"\n",
		"Last reload type: Normal Reload\nLast reload reason: Reload Command\n",
		"Cisco CISCO1941/K9 (revision 1.0) with 491520K/32768K bytes of memory.\nProcessor board ID FTX1628A1B2\n2 Gigabit Ethernet interfaces\n1 terminal line\n",
		"255K bytes of non-volatile configuration memory.\n255488K bytes of ATA System CompactFlash 0 (Read/Write)\n",
		"Technology Package License Information for Module:'c1900'",
		"\nConfiguration register is 0x2102\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show version lacks %q:\n%s", want, out)
		}
	}
}

// TestReloadLogs: a reload logs the restart, then the interfaces and the
// SSL VPN contexts the saved configuration brings up; the buffer starts
// anew.
func TestReloadLogs(t *testing.T) {
	d := newRouter(t, "CISCO2911", "FTX1628A1B2", "R1")
	sslService(t, d)
	d.WriteMemory()
	d.Reload(t0.Add(time.Hour), time.Minute)
	entries, logged := d.LogEntries()
	var got []string
	for _, e := range entries {
		got = append(got, e.Time.Format("15:04:05 ")+e.Msg)
	}
	want := []string{
		"13:01:00 %SYS-5-RESTART: System restarted --",
		"13:01:00 %LINK-3-UPDOWN: Interface GigabitEthernet0/0, changed state to up",
		"13:01:00 %LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/0, changed state to up",
		"13:01:00 %SSLVPN-5-UPDOWN: sslvpn context : CTX changed state to UP",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || logged != len(want) {
		t.Errorf("after the reload (%d logged):\n%s", logged, strings.Join(got, "\n"))
	}
}

// TestSSHOffer: the SSH server answers with an RSA key and SSH allowed on
// the vty lines, and idles out after the vty exec-timeout.
func TestSSHOffer(t *testing.T) {
	d := newRouter(t, "CISCO2911", "FTX1628A1B2", "R1")
	client := netip.MustParseAddr("127.0.0.1")
	if o := d.SSH(client); !o.Permitted || o.Version != 2 || o.IdleMinutes != 10 || len(o.KeyExchanges) == 0 {
		t.Errorf("factory offer: %+v", o)
	}
	d.Running.VTY.Transport = "telnet"
	if d.SSH(client).Permitted {
		t.Error("transport input telnet lets SSH in")
	}
	d.Running.VTY.Transport, d.Running.VTY.ExecTimeout = "telnet ssh", config.NoExecTimeout
	if o := d.SSH(client); !o.Permitted || o.IdleMinutes != 35791 {
		t.Errorf("transport input telnet ssh, exec-timeout 0: %+v", o)
	}
	d.RSAKeyBits = 0
	if d.SSH(client).Permitted {
		t.Error("SSH answers without an RSA key")
	}
}

// TestUserPassword: a `username NAME password P` user logs in with P.
func TestUserPassword(t *testing.T) {
	d := newRouter(t, "CISCO2911", "FTX1628A1B2", "R1")
	if err := d.Running.SetUserPassword("bob", 1, "b0bpw"); err != nil {
		t.Fatal(err)
	}
	if p, known, ok := d.CheckLogin("bob", "b0bpw"); !known || !ok || p != 1 {
		t.Errorf("bob: %d %v %v", p, known, ok)
	}
	if _, _, ok := d.CheckLogin("bob", "b0bpx"); ok {
		t.Error("a wrong password is accepted")
	}
}
