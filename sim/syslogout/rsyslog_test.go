package syslogout_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/asalab/asalab/sim/syslogout"
	"github.com/asalab/asalab/sim/syslogout/rsyslogtest"
)

// TestRsyslogParses sends through every transport and format to Debian's
// rsyslogd and checks what it parsed: the headend's hostname as HOSTNAME,
// PRI 160+severity, the lab time with its year, and the ASA message whole.
// Its TAG is ":", the part of the ASA's " : " after the device ID, as for
// a real ASA's lines.
func TestRsyslogParses(t *testing.T) {
	c := rsyslogtest.Start(t)
	const refusal = "%ASA-4-113029: Group <DfltGrpPolicy> User <u003> IP <100.75.149.88> Session could not be established: session limit of 2 reached"
	const expired = "%ASA-2-444007: Timebased activation key 0x5b0349c2 0x55b93067 0x1395643 0xc48b41fb 0x373ecb2 has expired. Reverting to permanent license key. The following features will be affected: AnyConnect Premium Peers"
	at1 := time.Date(2026, 11, 30, 2, 39, 12, 0, time.UTC)
	at2 := time.Date(2027, 3, 5, 7, 8, 9, 0, time.UTC) // a single-digit day, another year

	for _, tc := range []struct {
		name, target string
		zone         string // how rsyslog prints the time it read
	}{
		{"udp-bsd", "udp://" + c.UDP, "+00:00"},
		{"udp-rfc5424", "udp://" + c.UDP + "?format=rfc5424", "Z"},
		{"tcp-bsd", "tcp://" + c.TCP, "+00:00"},
		{"tcp-rfc5424", "tcp://" + c.TCP + "?format=rfc5424", "Z"},
		{"tcp-octets", "tcp://" + c.TCP + "?framing=octet-counting", "+00:00"},
		{"tcp-octets-5424", "tcp://" + c.TCP + "?format=rfc5424&framing=octet-counting", "Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := syslogout.New(tc.target, syslogout.Options{})
			if err != nil {
				t.Fatal(err)
			}
			host := "asa-" + tc.name
			for _, l := range []syslogout.Line{
				syslogout.LineOf(at1, host, refusal),
				syslogout.LineOf(at2, host, expired),
			} {
				if !f.Send(l) {
					t.Fatal("Send dropped a line")
				}
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			got := c.WaitFor(t, 2, 15*time.Second, func(r rsyslogtest.Received) bool { return r.Hostname == host })
			want := []rsyslogtest.Received{
				{Pri: 164, Time: "2026-11-30T02:39:12" + tc.zone, Hostname: host, Tag: ":", Msg: " " + refusal},
				{Pri: 162, Time: "2027-03-05T07:08:09" + tc.zone, Hostname: host, Tag: ":", Msg: " " + expired},
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("rsyslog parsed\n%v\nwant\n%v", got, want)
			}
		})
	}
}
