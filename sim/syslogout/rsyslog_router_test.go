package syslogout_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/asalab/asalab/sim/syslogout"
	"github.com/asalab/asalab/sim/syslogout/rsyslogtest"
)

// TestRsyslogParsesIOS sends an IOS router's lines through every
// transport and format to Debian's rsyslogd. PRI is local7's 184+severity
// in both. The BSD form has no BSD timestamp in its header, as a real
// router's has not: rsyslog takes the router's "R1:" as its TAG, its own
// time and the sender as HOSTNAME, and keeps the IOS timestamp and message
// in MSG, where collectors' IOS rules read them. The RFC 5424 form parses
// whole: the hostname, the lab time, the message.
func TestRsyslogParsesIOS(t *testing.T) {
	c := rsyslogtest.Start(t)
	const config = "%SYS-5-CONFIG_I: Configured from console by admin on vty0 (127.0.0.1)"
	const seats = "%SSLVPN-6-LICENSE_NO_FREE_LICENSE: All available SSLVPN session licenses are in use"
	at1 := time.Date(2026, 11, 30, 2, 39, 12, 345e6, time.UTC)
	at2 := time.Date(2027, 3, 5, 7, 8, 9, 0, time.UTC)

	for _, tc := range []struct {
		name, target string
		rfc5424      bool
	}{
		{"udp-bsd", "udp://" + c.UDP, false},
		{"udp-rfc5424", "udp://" + c.UDP + "?format=rfc5424", true},
		{"tcp-bsd", "tcp://" + c.TCP, false},
		{"tcp-rfc5424", "tcp://" + c.TCP + "?format=rfc5424", true},
		{"tcp-octets", "tcp://" + c.TCP + "?framing=octet-counting", false},
		{"tcp-octets-5424", "tcp://" + c.TCP + "?format=rfc5424&framing=octet-counting", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := syslogout.New(tc.target, syslogout.Options{})
			if err != nil {
				t.Fatal(err)
			}
			host := "r-" + tc.name
			for _, l := range []syslogout.Line{
				syslogout.LineOf(at1, host, config),
				syslogout.LineOf(at2, host, seats),
			} {
				if !f.Send(l) {
					t.Fatal("Send dropped a line")
				}
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			var got, want []rsyslogtest.Received
			if tc.rfc5424 {
				got = c.WaitFor(t, 2, 15*time.Second, func(r rsyslogtest.Received) bool { return r.Hostname == host })
				want = []rsyslogtest.Received{
					{Pri: 189, Time: "2026-11-30T02:39:12.345Z", Hostname: host, Tag: "-", Msg: config},
					{Pri: 190, Time: "2027-03-05T07:08:09.000Z", Hostname: host, Tag: "-", Msg: seats},
				}
			} else {
				got = c.WaitFor(t, 2, 15*time.Second, func(r rsyslogtest.Received) bool { return r.Tag == host+":" })
				for i := range got {
					got[i].Time, got[i].Hostname = "", "" // rsyslog's own
				}
				want = []rsyslogtest.Received{
					{Pri: 189, Tag: host + ":", Msg: " *Nov 30 02:39:12.345: " + config},
					{Pri: 190, Tag: host + ":", Msg: " *Mar  5 07:08:09.000: " + seats},
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("rsyslog parsed\n%v\nwant\n%v", got, want)
			}
		})
	}
}
