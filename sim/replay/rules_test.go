package replay

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestRules: each named rule on the fields it blanks, and on the look-alikes
// it must leave alone.
func TestRules(t *testing.T) {
	byName := map[string]Rule{}
	for _, r := range DefaultRules {
		byName[r.Name] = r
	}
	cases := []struct{ rule, in, want string }{
		{"trailing-space", "Failover                          : Active/Active  ", "Failover                          : Active/Active"},
		{"trailing-space", "  indented", "  indented"},
		{"uptime", "asa1 up 41 days 19 hours", "asa1 up <uptime>"},
		{"uptime", "asa1 up 1 year 97 days", "asa1 up <uptime>"},
		{"uptime", "failover cluster up 700 days 16 hours", "failover cluster up <uptime>"},
		{"uptime", "asa1 up 0 secs", "asa1 up <uptime>"},
		{"uptime", "asa1 up 2 mins 10 secs", "asa1 up <uptime>"},
		{"uptime", "Interface inside is up", "Interface inside is up"},
		{"last-modified", "Configuration last modified by ntc at 18:56:48.410 UTC Wed Apr 5 2017", "Configuration last modified <volatile>"},
		{"last-modified", "Configuration has not been modified since last system restart.", "Configuration last modified <volatile>"},
		{"last-modified", ": Written by enable_15 at 10:47:35.219 UTC Mon Mar 18 2019", ": Written by <volatile>"},
		{"timestamp", "18:56:48.410 UTC Wed Apr 5 2017", "<time> UTC <date>"},
		{"timestamp", "Last Failover at: 12:52:34 UTC Apr 26 2017", "Last Failover at: <time> UTC <date>"},
		{"timestamp", "120    -rwx  74369568     19:39:56 Nov 03 2015  asa951-lfbff-k8.spa", "120    -rwx  74369568     <time> <date>  asa951-lfbff-k8.spa"},
		{"timestamp", "Login Time   : 2026-11-30", "Login Time   : <date>"},
		{"timestamp", "Nov 27 12:00:00 asa1", "Nov 27 <time> asa1"},
		{"timestamp", "x: logged at 10:47:35.219", "x: logged at <time>"},
		{"timestamp", "12:00:00", "<time>"},
		{"timestamp", "built Apr 5 2017", "built <date>"},
		{"timestamp", "timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00", "timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00"},
		{"timestamp", "Compiled on Mon 15-Feb-16 19:00 PST by builders", "Compiled on Mon 15-Feb-16 19:00 PST by builders"},
		{"mac", " 1: Ext: GigabitEthernet0/0  : address is 5000.000a.0001, irq 11", " 1: Ext: GigabitEthernet0/0  : address is <mac>, irq 11"},
		{"mac", "MAC 00:50:56:bf:6f:2d and 00-50-56-BF-6F-2E", "MAC <mac> and <mac>"},
		{"mac", "Software Version 9.14(4)", "Software Version 9.14(4)"},
		{"serial", "Serial Number: 9AT1L9EX0DF", "Serial Number: <serial>"},
		{"serial", ": Serial Number: FCH2648RT6H", ": Serial Number: <serial>"},
		{"serial", "Serial Number: Ours JAF1610APKQ, Mate JAF1610ALGM", "Serial Number: Ours <serial>, Mate <serial>"},
		{"serial", "PID: ASA5515           , VID: V03     , SN: FTX1930101U", "PID: ASA5515           , VID: V03     , SN: <serial>"},
		{"serial", "PID: ASA5506-SSD       , VID: N/A     , SN:", "PID: ASA5506-SSD       , VID: N/A     , SN:"},
		{"serial", "Version: Ours 98.1(1)86, Mate 98.1(1)86", "Version: Ours 98.1(1)86, Mate 98.1(1)86"},
		{"activation-key", "Running Permanent Activation Key: 0x4a3eea7b 0x54b9f61a 0x4143a8c4 0x8df41e2b 0x8328e8b8",
			"Running Permanent Activation Key: <activation-key>"},
		{"activation-key", "Configuration register is 0x1", "Configuration register is 0x1"},
		{"checksum", "Cryptochecksum:3cd0680bb05f7780cff80a01ce1404a0", "Cryptochecksum:<checksum>"},
		{"checksum", "Cryptochecksum: 5bfcf8a8 d8ad3e0a 0d9ae36e fe4b7d8f", "Cryptochecksum: <checksum>"},
		{"session-counters", "Bytes Tx     : 1183672                Bytes Rx     : 361480", "Bytes Tx     : <n>                Bytes Rx     : <n>"},
		{"session-counters", "Duration     : 0h:05m:12s", "Duration     : <duration>"},
		{"session-counters", "Index        : 12", "Index        : <n>"},
		{"session-counters", "AnyConnect Client            :      2 :         24 :           4 :        0", "AnyConnect Client            :      2 : <n>"},
		{"session-counters", "Total Active and Inactive    :      0             Total Cumulative : 31", "Total Active and Inactive    :      0             Total Cumulative : <n>"},
		{"session-counters", "Device Total VPN Capacity    :    750", "Device Total VPN Capacity    :    750"},
	}
	for _, c := range cases {
		r, ok := byName[c.rule]
		if !ok {
			t.Fatalf("no rule %q", c.rule)
		}
		if got := r.Apply(c.in); got != c.want {
			t.Errorf("%s(%q) = %q, want %q", c.rule, c.in, got, c.want)
		}
	}
	for _, r := range DefaultRules {
		if r.Doc == "" {
			t.Errorf("rule %s has no doc", r.Name)
		}
	}
}

// TestIgnore: a caller's pattern blanks its matches; a pattern that does
// not compile or matches everything is refused.
func TestIgnore(t *testing.T) {
	rs, err := NewRules([]string{`Device Manager Version \S+`, `irq \d+`})
	if err != nil {
		t.Fatal(err)
	}
	if got := rs.Normalise("Device Manager Version 7.5(2)"); got != "<ignored>" {
		t.Errorf("got %q", got)
	}
	if got := rs.Normalise(" 1: Ext: GigabitEthernet0/0  : address is 5000.000a.0001, irq 11"); got != " 1: Ext: GigabitEthernet0/0  : address is <mac>, <ignored>" {
		t.Errorf("got %q", got)
	}
	for _, bad := range [][]string{{`ok`, `up (`}, {`.*`}, {`x?`}, {strings.Repeat("a", MaxIgnoreLen+1)}, slices.Repeat([]string{"a"}, MaxIgnore+1)} {
		if _, err := NewRules(bad); !errors.Is(err, ErrInvalidIgnore) {
			t.Errorf("%.40q: err = %v, want ErrInvalidIgnore", bad, err)
		}
	}
	if _, err := NewRules(slices.Repeat([]string{strings.Repeat("a", MaxIgnoreLen)}, MaxIgnore)); err != nil {
		t.Errorf("at the limits: %v", err)
	}
}
