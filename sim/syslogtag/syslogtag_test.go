package syslogtag

import (
	"fmt"
	"testing"
)

func TestParse(t *testing.T) {
	for text, want := range map[string]string{
		"%ASA-4-113029: Group <G> User <u> IP <1.2.3.4> Session could not be established: session limit of 2 reached": "ASA 4 113029",
		"%ASA-2-444302: %SMART_LIC-2-PLATFORM_ERROR: Platform error.":                                                 "ASA 2 444302",
		"%SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.1)":                                                 "IOS 5 SYS-5-CONFIG_I",
		"%SSLVPN-6-LICENSE_NO_FREE_LICENSE: All available SSLVPN session licenses are in use":                         "IOS 6 SSLVPN-6-LICENSE_NO_FREE_LICENSE",
		"%LICENSE-1-EXPIRED: License for feature securityk9 1.0 has expired now.":                                     "IOS 1 LICENSE-1-EXPIRED",
		"%IOS_LICENSE_IMAGE_APPLICATION-6-LICENSE_LEVEL: Module name = c2900":                                         "IOS 6 IOS_LICENSE_IMAGE_APPLICATION-6-LICENSE_LEVEL",
		"%SYSMGR-STANDBY-3-SHUTDOWN_START: The System Manager has started the shutdown procedure.":                    "IOS 3 SYSMGR-STANDBY-3-SHUTDOWN_START",
		"":                           "none",
		"%":                          "none",
		"%ASA-9-113029: x":           "none",
		"%ASA-4-11302x: x":           "none",
		"%ASA-4-113029 no colon":     "none",
		"%ASA-4-: x":                 "none",
		"%SYS-5-: x":                 "none",
		"%-5-CONFIG_I: x":            "none",
		"%SYS--5-CONFIG_I: x":        "none",
		"%SYS-55-CONFIG_I: x":        "none",
		"%SYS-CONFIG_I: x":           "none",
		"%sys-5-config_i: x":         "none",
		"%SYS 5 CONFIG_I: x":         "none",
		"SYS-5-CONFIG_I: x":          "none",
		" %SYS-5-CONFIG_I: x":        "none",
		"*Nov 30 02:39:12.000: %SYS": "none",
	} {
		got := "none"
		if tag, ok := Parse(text); ok {
			got = fmt.Sprintf("%s %d %s", map[Family]string{ASA: "ASA", IOS: "IOS"}[tag.Family], tag.Severity, tag.MsgID)
		}
		if got != want {
			t.Errorf("Parse(%q) = %s, want %s", text, got, want)
		}
	}
}

func TestParseAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { Parse("%SYS-5-CONFIG_I: Configured from console by console") }); n != 0 {
		t.Errorf("Parse allocates %v times", n)
	}
}
