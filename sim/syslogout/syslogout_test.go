package syslogout

import (
	"bufio"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

var at = time.Date(2026, 11, 30, 2, 39, 12, 0, time.UTC)

const refusal = "%ASA-4-113029: Group <DfltGrpPolicy> User <u003> IP <100.75.149.88> Session could not be established: session limit of 2 reached"

func TestFrames(t *testing.T) {
	l := LineOf(at, "asa1", refusal)
	for _, tc := range []struct {
		target string
		line   Line
		want   string
	}{
		{"udp://h", l, "<164>Nov 30 2026 02:39:12 asa1 : " + refusal},
		{"udp://h?format=rfc5424", l, "<164>2026-11-30T02:39:12Z asa1 : " + refusal},
		{"tcp://h", l, "<164>Nov 30 2026 02:39:12 asa1 : " + refusal + "\n"},
		{"tcp://h?framing=octet-counting", l, counted("<164>Nov 30 2026 02:39:12 asa1 : " + refusal)},
		{"tcp://h?format=rfc5424&framing=octet-counting", l, counted("<164>2026-11-30T02:39:12Z asa1 : " + refusal)},
		// A single-digit day is zero-padded, as in `show logging`; the
		// lab's time is UTC whatever zone the Line's time is in.
		{"udp://h", LineOf(time.Date(2026, 3, 5, 8, 8, 9, 0, time.FixedZone("CET", 3600)), "fw-2", "%ASA-2-444007: Timebased activation key 0x1 has expired."),
			"<162>Mar 05 2026 07:08:09 fw-2 : %ASA-2-444007: Timebased activation key 0x1 has expired."},
		// Without a hostname the ASA puts ": " after the timestamp.
		{"udp://h", LineOf(at, "", refusal), "<164>Nov 30 2026 02:39:12: " + refusal},
		// A message is one line on the wire.
		{"tcp://h", LineOf(at, "asa1", "%ASA-6-000001: a\nb\rc"), "<166>Nov 30 2026 02:39:12 asa1 : %ASA-6-000001: a b c\n"},
		// A text without the ASA tag is informational.
		{"udp://h", LineOf(at, "asa1", "hello"), "<166>Nov 30 2026 02:39:12 asa1 : hello"},
		{"udp://h", Line{At: at, Hostname: "asa1", Severity: 9, Text: "x"}, "<166>Nov 30 2026 02:39:12 asa1 : x"},
		// An IOS router's line: local7, its hostname as origin ID, its
		// log timestamp (a single-digit day space-padded); RFC 5424's
		// header with the lab time in UTC to the millisecond.
		{"udp://h", LineOf(at.Add(5*time.Millisecond), "R1", "%SYS-5-CONFIG_I: Configured from console by console"),
			"<189>R1: *Nov 30 02:39:12.005: %SYS-5-CONFIG_I: Configured from console by console"},
		{"tcp://h", LineOf(time.Date(2026, 3, 5, 8, 8, 9, 0, time.FixedZone("CET", 3600)), "R1", "%LICENSE-1-EXPIRED: License for feature securityk9 1.0 has expired now."),
			"<185>R1: *Mar  5 07:08:09.000: %LICENSE-1-EXPIRED: License for feature securityk9 1.0 has expired now.\n"},
		{"udp://h?format=rfc5424", LineOf(at, "R1", "%SSLVPN-6-LICENSE_NO_FREE_LICENSE: All available SSLVPN session licenses are in use"),
			"<190>1 2026-11-30T02:39:12.000Z R1 - - - - %SSLVPN-6-LICENSE_NO_FREE_LICENSE: All available SSLVPN session licenses are in use"},
		{"tcp://h?format=rfc5424&framing=octet-counting", LineOf(at, "", "%SYS-5-CONFIG_I: x"), counted("<189>1 2026-11-30T02:39:12.000Z - - - - - %SYS-5-CONFIG_I: x")},
		{"udp://h", LineOf(at, "", "%SYS-5-CONFIG_I: x"), "<189>*Nov 30 02:39:12.000: %SYS-5-CONFIG_I: x"},
	} {
		target, err := ParseTarget(tc.target)
		if err != nil {
			t.Fatal(err)
		}
		f := framer{t: target}
		if got := string(f.frame(tc.line)); got != tc.want {
			t.Errorf("%s %+v:\n got %q\nwant %q", tc.target, tc.line, got, tc.want)
		}
	}
}

// counted frames msg by octet counting (RFC 6587 3.4.1).
func counted(msg string) string { return strconv.Itoa(len(msg)) + " " + msg }

func TestLineOf(t *testing.T) {
	for _, tc := range []struct {
		text  string
		sev   int
		msgID string
	}{
		{refusal, 4, "113029"},
		{"%ASA-2-444007: x", 2, "444007"},
		{"%ASA-5-111008: User 'enable_15' executed the 'write memory' command.", 5, "111008"},
		{"%ASA-8-113029: x", 6, ""},
		{"%ASA-4-113029 x", 6, ""},
		{"%ASA-4-: x", 6, ""},
		{"%ASA-4", 6, ""},
		{"%ASA-4-CONFIG_I: x", 6, ""},
		{"%SYS-5-CONFIG_I: Configured from console by console", 5, "SYS-5-CONFIG_I"},
		{"%SSLVPN-3-LICENSE_NO_LICENSE: No valid license available to use IOS SSLVPN service", 3, "SSLVPN-3-LICENSE_NO_LICENSE"},
		{"%IOS_LICENSE_IMAGE_APPLICATION-6-LICENSE_LEVEL: Module name = c2900", 6, "IOS_LICENSE_IMAGE_APPLICATION-6-LICENSE_LEVEL"},
		{"%SYS-8-CONFIG_I: x", 6, ""},
		{"", 6, ""},
	} {
		l := LineOf(at, "h", tc.text)
		ios := tc.msgID != "" && tc.msgID[0] >= 'A'
		if l.Severity != tc.sev || l.MsgID != tc.msgID || l.Text != tc.text || l.Hostname != "h" || !l.At.Equal(at) || l.IOS != ios {
			t.Errorf("LineOf(%q) = %+v; want severity %d, msgid %q", tc.text, l, tc.sev, tc.msgID)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]string{
		"udp://127.0.0.1:5514":    "udp://127.0.0.1:5514?format=bsd",
		"udp://collector.example": "udp://collector.example:514?format=bsd",
		"tcp://10.0.0.9":          "tcp://10.0.0.9:1470?format=bsd&framing=lf",
		"tcp://[::1]:601?format=rfc5424&framing=octet-counting": "tcp://[::1]:601?format=rfc5424&framing=octet-counting",
		"udp://h:514/?format=rfc5424":                           "udp://h:514?format=rfc5424",
	} {
		got, err := ParseTarget(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseTarget(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"":                              "the scheme must be udp:// or tcp://",
		"127.0.0.1:514":                 "not a URL",
		"localhost:514":                 "the scheme must be udp:// or tcp://",
		"http://h:80":                   "the scheme must be udp:// or tcp://",
		"udp:h:514":                     "give udp://HOST:PORT",
		"udp://":                        "give udp://HOST:PORT",
		"udp://:514":                    "the host is missing",
		"udp://h:0":                     "the port must be 1-65535",
		"udp://h:65536":                 "the port must be 1-65535",
		"udp://h:":                      "the port is empty",
		"udp://u@h:514":                 "only HOST:PORT",
		"udp://h:514/x":                 "only HOST:PORT",
		"udp://h:514#x":                 "only HOST:PORT",
		"udp://h?format=json":           `format must be bsd or rfc5424, not "json"`,
		"udp://h?format=bsd&format=bsd": "format is given 2 times",
		"udp://h?framing=lf":            "framing applies to tcp:// only",
		"tcp://h?framing=nul":           `framing must be lf or octet-counting, not "nul"`,
		"tcp://h?level=4":               `unknown option "level"`,
		"tcp://h?format=%zz":            "the options are not name=value pairs",
	} {
		_, err := ParseTarget(in)
		if !errors.Is(err, ErrInvalidTarget) || !strings.Contains(err.Error(), why) {
			t.Errorf("ParseTarget(%q) = %v; want ErrInvalidTarget saying %q", in, err, why)
		}
	}
	if _, err := New("udp://h", Options{QueueSize: -1}); !errors.Is(err, ErrInvalidTarget) {
		t.Errorf("New with a negative queue size: %v", err)
	}
}

func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// closedPort is a loopback TCP port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestSendNeverBlocks: with the collector down, Send returns at once, a
// full queue drops the newest lines and counts them, and Close gives up
// after its flush timeout, saying what was lost.
func TestSendNeverBlocks(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	addr := closedPort(t)
	f, err := New("tcp://"+addr, Options{QueueSize: 4, FlushTimeout: 50 * time.Millisecond, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	refused := 0
	for range 1000 {
		if !f.Send(LineOf(at, "asa1", refusal)) {
			refused++
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("1000 Sends took %v", d)
	}
	// The writer holds at most one line and the queue four.
	if refused < 1000-5 {
		t.Errorf("%d of 1000 lines dropped; want at least 995", refused)
	}
	dropped := m.lines.WithLabelValues("tcp://"+addr, "dropped")
	if got := value(t, dropped); got != float64(refused) {
		t.Errorf("dropped counter %v, want %d", got, refused)
	}
	err = f.Close()
	if err == nil || !strings.Contains(err.Error(), "lines dropped on a full queue") {
		t.Errorf("Close: %v", err)
	}
	failed := value(t, m.lines.WithLabelValues("tcp://"+addr, "failed"))
	if int(failed)+refused != 1000 {
		t.Errorf("failed %v + dropped %d != 1000 lines sent", failed, refused)
	}
	if f.Send(LineOf(at, "asa1", refusal)) {
		t.Error("Send after Close queued the line")
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestTCPReconnects: when the collector drops the connection, the next
// lines go out on a new one.
func TestTCPReconnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := New("tcp://"+ln.Addr().String(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	f.Send(LineOf(at, "asa1", "%ASA-4-113029: first"))
	c1, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	first, err := bufio.NewReader(c1).ReadString('\n')
	if err != nil || first != "<164>Nov 30 2026 02:39:12 asa1 : %ASA-4-113029: first\n" {
		t.Fatalf("first connection read %q, %v", first, err)
	}
	c1.Close()

	// Lines sent while the forwarder has not yet seen the close may be
	// lost with the old connection, so send until one arrives.
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
	}()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var c2 net.Conn
	for c2 == nil {
		select {
		case c2 = <-accepted:
		case <-tick.C:
			f.Send(LineOf(at, "asa1", "%ASA-4-113029: again"))
		case <-deadline:
			t.Fatal("no new connection within 10s")
		}
	}
	defer c2.Close()
	_ = c2.SetReadDeadline(time.Now().Add(10 * time.Second))
	again, err := bufio.NewReader(c2).ReadString('\n')
	if err != nil || again != "<164>Nov 30 2026 02:39:12 asa1 : %ASA-4-113029: again\n" {
		t.Fatalf("second connection read %q, %v", again, err)
	}
}
