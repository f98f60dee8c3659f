package asa

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/asa/sessions"
	"github.com/asalab/asalab/keygen"
)

// TestShowLoggingRefusals: refusals are listed in `show logging` with the
// lines the admission API returns, and counted.
func TestShowLoggingRefusals(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	a := newTestAdmission(t, d)
	ps := admission.NewPrincipals(nil)
	var want []string
	for i := range 4 {
		p := principal(t, ps, fmt.Sprint("u", i))
		dec := a.Admit(p, KindAnyConnect, t0.Unix()+int64(i))
		if !dec.Admitted {
			want = append(want, fmt.Sprintf("Nov 27 2026 12:00:%02d: %s", i, sessions.RefusalSyslog(dec, KindAnyConnect, a.Policy(), p.User(), p.Device())))
		}
	}
	if len(want) != 2 {
		t.Fatalf("%d refusals, want 2", len(want))
	}
	out := d.ShowLogging(a)
	if !strings.Contains(out, "    Buffer logging: level debugging, 2 messages logged\n") || !strings.HasSuffix(out, strings.Join(want, "\n")+"\n") {
		t.Errorf("show logging:\n%s\nwant the lines\n%s", out, strings.Join(want, "\n"))
	}
}

// TestShowLoggingKeepsWhatFits: the buffer shows the newest messages that
// fit in 4096 bytes; the count has them all.
func TestShowLoggingKeepsWhatFits(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	a := newTestAdmission(t, d)
	ps := admission.NewPrincipals(nil)
	for i := range 502 {
		a.Admit(principal(t, ps, fmt.Sprint("user", i)), KindAnyConnect, t0.Unix())
	}
	out := d.ShowLogging(a)
	if !strings.Contains(out, "level debugging, 500 messages logged") {
		t.Fatalf("count:\n%s", out)
	}
	body := out[strings.Index(out, "Nov 27"):]
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(body) > config.DefaultLogBufferSize || len(body)+len(lines[0])+1 <= config.DefaultLogBufferSize || !strings.Contains(lines[len(lines)-1], "User <user501>") {
		t.Errorf("%d bytes, %d lines, last %q", len(body), len(lines), lines[len(lines)-1])
	}
}

// TestRefusalLoggingAllocatesNothing: logging a refusal costs no allocation.
func TestRefusalLoggingAllocatesNothing(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	a := newTestAdmission(t, d)
	ps := admission.NewPrincipals(nil)
	a.Admit(principal(t, ps, "a"), KindAnyConnect, t0.Unix())
	a.Admit(principal(t, ps, "b"), KindAnyConnect, t0.Unix())
	p := principal(t, ps, "c")
	if n := testing.AllocsPerRun(1000, func() {
		if a.Admit(p, KindAnyConnect, t0.Unix()).Admitted {
			t.Fatal("admitted")
		}
	}); n != 0 {
		t.Errorf("%v allocations per refusal", n)
	}
	if _, n := a.Refusals(); n < 1000 {
		t.Errorf("%d refusals logged", n)
	}
}

// TestLoggingLevels: messages above the buffered level, and everything
// while logging is disabled, are not buffered.
func TestLoggingLevels(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(l *config.Logging)
		want   uint64
	}{
		{"debugging", func(l *config.Logging) {}, 1},
		{"warnings", func(l *config.Logging) { l.BufferedLevel = config.LevelWarnings }, 1},
		{"errors", func(l *config.Logging) { l.BufferedLevel = config.LevelErrors }, 0},
		{"no buffered", func(l *config.Logging) { l.Buffered = false }, 0},
		{"disabled", func(l *config.Logging) { l.Enable = false }, 0},
	} {
		d := newTestDevice(t, "ASA5525", keygen.Features{})
		c.change(&d.Running.Logging)
		a := admission.NewAdmission(1, d.Platform().VPNMax, d.AdmissionPolicy(t0), t0.Unix(), nil)
		ps := admission.NewPrincipals(nil)
		for i := range 3 {
			a.Admit(principal(t, ps, fmt.Sprint("u", i)), KindAnyConnect, t0.Unix())
		}
		if _, n := a.Refusals(); n != c.want {
			t.Errorf("%s: %d refusals logged, want %d", c.name, n, c.want)
		}
	}
}

func TestParseLogLevel(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "7": 7, "debugging": 7, "warn": 4, "e": -1, "8": -1, "-1": -1, "": -1, "loud": -1, "inf": 6} {
		got, err := config.ParseLogLevel(in)
		if want < 0 && err == nil || want >= 0 && (err != nil || got != want) {
			t.Errorf("ParseLogLevel(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestParseLogHost(t *testing.T) {
	for _, c := range []struct {
		iface, addr string
		ok          bool
	}{
		{"outside", "192.0.2.10", true}, {"inside", "2001:DB8::10", true}, {"dmz_2.a-b", "10.0.0.1", true},
		{"out side", "192.0.2.10", false}, {strings.Repeat("a", 49), "192.0.2.10", false},
		{"outside", "192.0.2.300", false}, {"outside", "0.0.0.0", false}, {"outside", "224.0.0.1", false},
		{"outside", "255.255.255.255", false}, {"outside", "fe80::1%eth0", false}, {"outside", "host.example", false},
	} {
		h, err := config.ParseLogHost(c.iface, c.addr)
		if (err == nil) != c.ok {
			t.Errorf("ParseLogHost(%q, %q) = %v, %v", c.iface, c.addr, h, err)
		}
	}
	if h, _ := config.ParseLogHost("inside", "2001:DB8::10"); h.Addr != "2001:db8::10" {
		t.Errorf("address not canonical: %q", h.Addr)
	}
}

// BenchmarkAdmitRefused: a refusal logged to the buffer, next to the same
// refusal with logging off (the baseline).
func BenchmarkAdmitRefused(b *testing.B) {
	for _, logged := range []bool{false, true} {
		name := "unlogged"
		if logged {
			name = "logged"
		}
		b.Run(name, func(b *testing.B) {
			d := newTestDevice(b, "ASA5525", keygen.Features{})
			d.Running.Logging.Enable = logged
			a := newTestAdmission(b, d)
			ps := admission.NewPrincipals(nil)
			a.Admit(principal(b, ps, "a"), KindAnyConnect, t0.Unix())
			a.Admit(principal(b, ps, "b"), KindAnyConnect, t0.Unix())
			p := principal(b, ps, "c")
			b.ReportAllocs()
			for b.Loop() {
				if a.Admit(p, KindAnyConnect, t0.Unix()).Admitted {
					b.Fatal("admitted")
				}
			}
		})
	}
}

// TestLegacyConfigLogging: a configuration stored before the logging
// commands were kept has the lab's default logging; a stored one keeps its
// own.
func TestLegacyConfigLogging(t *testing.T) {
	var c config.Config
	if err := json.Unmarshal([]byte(`{"hostname":"asa1","essentials":true}`), &c); err != nil {
		t.Fatal(err)
	}
	if !c.Logging.Equal(config.DefaultLogging()) {
		t.Errorf("legacy config logging: %+v", c.Logging)
	}
	c.Logging = config.Logging{Buffered: true, BufferedLevel: config.LevelErrors, Hosts: []config.LogHost{{Iface: "outside", Addr: "192.0.2.1"}}}
	b, _ := json.Marshal(c)
	var back config.Config
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(c) {
		t.Errorf("round trip: %+v, %v", back.Logging, err)
	}
}

// TestLicensingMessagesFollowLevel: the time-based key messages (444005 is
// a warning, 444007 critical) are buffered by the same rules as refusals.
func TestLicensingMessagesFollowLevel(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(l *config.Logging)
		want   []string
	}{
		{"debugging", func(l *config.Logging) {}, []string{"444005", "444005", "444007"}},
		{"errors", func(l *config.Logging) { l.BufferedLevel = config.LevelErrors }, []string{"444007"}},
		{"disabled", func(l *config.Logging) { l.Enable = false }, nil},
	} {
		d := newTestDevice(t, "ASA5525", keygen.Features{})
		c.change(&d.Running.Logging)
		d.License.Timed = []license.TimeKey{{Features: keygen.Features{Botnet: true}, Days: 10, Remaining: 10 * license.Day, Since: t0, Active: true}}
		d.License.Timed[0].Warned = license.InitWarned(10 * license.Day)
		d.Advance(t0.Add(11 * license.Day))
		var got []string
		for _, e := range d.Log {
			got = append(got, e.Msg[7:13])
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") || d.LogCount != len(c.want) {
			t.Errorf("%s: logged %v (count %d), want %v", c.name, got, d.LogCount, c.want)
		}
	}
}

// TestShowLoggingBufferSize: `logging buffer-size` sets how much of the
// newest messages `show logging` shows; the refusals kept are at most the
// ring's.
func TestShowLoggingBufferSize(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	a := newTestAdmission(t, d)
	ps := admission.NewPrincipals(nil)
	for i := range 202 {
		a.Admit(principal(t, ps, fmt.Sprint("user", i)), KindAnyConnect, t0.Unix())
	}
	shown := func(size int) (int, int) {
		d.Running.Logging.BufferSize = size
		out := d.ShowLogging(a)
		body := out[strings.Index(out, "Nov 27"):]
		return len(body), strings.Count(body, "\n")
	}
	small, smallLines := shown(0)
	big, bigLines := shown(8192)
	if small > config.DefaultLogBufferSize || big > 8192 || big <= config.DefaultLogBufferSize || bigLines <= smallLines {
		t.Errorf("4096: %d bytes %d lines; 8192: %d bytes %d lines", small, smallLines, big, bigLines)
	}
	// The admission state keeps the last 64 refusals.
	if _, all := shown(config.MaxLogBufferSize); all != 64 {
		t.Errorf("1 MB buffer: %d refusals, want the ring's 64", all)
	}
}

// TestLoggingConfigLegacy: a logging configuration stored before
// buffer-size and trap existed loads as the default buffer and no trap.
func TestLoggingConfigLegacy(t *testing.T) {
	var c config.Logging
	if err := json.Unmarshal([]byte(`{"enable":true,"timestamp":true,"buffered":true,"buffered_level":7}`), &c); err != nil {
		t.Fatal(err)
	}
	if !c.Equal(config.DefaultLogging()) || c.BufferBytes() != config.DefaultLogBufferSize || c.Trap {
		t.Errorf("%+v", c)
	}
	if got := config.RenderLogging(config.Config{Logging: c}); got != "logging enable\nlogging timestamp\nlogging buffered debugging\n" {
		t.Errorf("running config:\n%s", got)
	}
}
