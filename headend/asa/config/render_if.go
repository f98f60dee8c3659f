package config

import (
	"fmt"
	"strings"
)

// InterfaceLines is an interface's block of the running configuration,
// without the "!" that closes it. Unconfigured settings print in their `no`
// form, as 9.x does.
func InterfaceLines(i Interface, line func(string)) {
	line("interface " + i.Name)
	if i.Description != "" {
		line(" description " + i.Description)
	}
	if strings.HasPrefix(i.Name, "Management") {
		line(" management-only")
	}
	if !i.Up {
		line(" shutdown")
	}
	if i.Nameif == "" {
		line(" no nameif")
	} else {
		line(" nameif " + i.Nameif)
	}
	if i.LevelSet {
		line(fmt.Sprintf(" security-level %d", i.SecurityLevel))
	} else {
		line(" no security-level")
	}
	if !i.Address.IsValid() {
		line(" no ip address")
		return
	}
	l := " ip address " + i.Address.Addr().String() + " " + MaskString(i.Address.Bits())
	if i.Standby.IsValid() {
		l += " standby " + i.Standby.String()
	}
	line(l)
}
