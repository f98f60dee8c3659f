package eventlog

import (
	"fmt"
	"testing"
)

// TestSyslogTagFamilies: an IOS router's events carry their severity and
// message ID as an ASA's do.
func TestSyslogTagFamilies(t *testing.T) {
	for line, want := range map[string]string{
		"%ASA-4-113029: Group <G> User <u> IP <1.2.3.4> Session could not be established: session limit of 2 reached":                              "4 113029 true",
		"%SYS-5-CONFIG_I: Configured from console by admin on vty0 (127.0.0.1)":                                                                    "5 SYS-5-CONFIG_I true",
		"%SSLVPN-6-LICENSE_NO_FREE_LICENSE: All available SSLVPN session licenses are in use":                                                      "6 SSLVPN-6-LICENSE_NO_FREE_LICENSE true",
		"%LICENSE-6-INSTALL: Feature SSL_VPN 1.0 was installed in this device. UDI=CISCO2911/K9:FTX1234A5BC; StoreIndex=0:Primary License Storage": "6 LICENSE-6-INSTALL true",
		"%LICENSE-4-EXPIRING: License for feature securityk9 1.0 will expire in 1  week  0  day.":                                                  "4 LICENSE-4-EXPIRING true",
		"":                  "0  false",
		"%SYS-9-RESTART: x": "0  false",
	} {
		e := Event{Syslog: line}
		sev, id, ok := e.SyslogTag()
		if got := fmt.Sprint(sev, " ", id, " ", ok); got != want {
			t.Errorf("%q: %s, want %s", line, got, want)
		}
	}
}
